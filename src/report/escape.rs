//! Everything an endpoint sends is hostile data by the time a person reads it. Before any of it
//! reaches a human-readable report, control characters (ESC, CR, LF, BEL, DEL, the C1 range) and
//! the invisible characters that reorder text (bidirectional overrides, zero-width ones) are shown
//! as escapes, so nothing an endpoint sent can colour the screen, move the cursor, start a line
//! of its own (a forged `FAIL` line) or hide text; Markdown also escapes what would render as
//! table syntax or HTML. Machine-readable reports keep the data, encoded by their formats.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must never reach a reader as itself.
fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// `c` as a visible escape: `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`.
fn escaped(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 => drop(write!(out, "\\x{:02x}", c as u32)),
        c => drop(write!(out, "\\u{{{:x}}}", c as u32)),
    }
}

/// `s` with every character `hostile` says must not appear shown as an escape.
fn escape_where(s: &str, hostile: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hostile(c) {
            escaped(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line of terminal text: nothing in it can act on the terminal or break the line.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escape_where(s, is_hostile)
}

/// Text for a Markdown table cell or list item: as [`terminal`], with `|`, `<`, `>` and `&`
/// kept inert (no table syntax, no HTML).
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in terminal(s).chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` with `&`, `<`, `>`, `"` and `'` as character references.
fn html_entities(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Text for HTML content or a quoted attribute, on one line: as [`terminal`], then nothing in it
/// is markup.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    html_entities(&terminal(s), &mut out);
    out
}

/// A block of text for an HTML `<pre>` (a body, headers): line breaks and tabs kept, every other
/// hostile character shown as an escape, nothing in it markup.
pub fn html_block(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    html_entities(&escape_where(s, |c| is_hostile(c) && !matches!(c, '\n' | '\t')), &mut out);
    out
}

/// Text for XML (JUnit): the characters XML 1.0 cannot carry at all are shown as escapes; the
/// rest is left to the XML writer's own escaping.
pub fn xml(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_hostile_survives() {
        let forged = "ok\n\x1b[31mFAIL injected-unit [request-id]\x1b[0m\r\u{202e}evil\u{7}";
        let t = terminal(forged);
        assert!(!t.chars().any(is_hostile), "{t}");
        assert_eq!(t, "ok\\n\\x1b[31mFAIL injected-unit [request-id]\\x1b[0m\\r\\u{202e}evil\\x07");
        assert_eq!(markdown("a|b<img src=x>&"), "a\\|b&lt;img src=x&gt;&amp;");
        assert_eq!(xml("a\x1bb\nc"), "a\\x1bb\nc");
        assert_eq!(html("<b a=\"1\" c='2'>&\n"), "&lt;b a=&quot;1&quot; c=&#39;2&#39;&gt;&amp;\\n");
        assert_eq!(html_block("<x>\n\t\x1b\r\u{202e}"), "&lt;x&gt;\n\t\\x1b\\r\\u{202e}");
        assert!(matches!(terminal("plain"), Cow::Borrowed(_)));
    }
}
