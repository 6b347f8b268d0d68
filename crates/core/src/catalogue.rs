//! One idiom for every name ↔ enum table of the harness (check ids, families, faults, variants,
//! EITHER rules, report formats): the `catalogue!` macro writes the enum, its `ALL` list, its
//! stable names, `Display`, and a `FromStr` whose error names the kind and suggests the closest
//! name ("did you mean …?"), so a typo in a flag, a case file or a baseline is caught the same way
//! everywhere.
//!
//! This module is a leaf: it depends on nothing else in the crate.

use std::fmt;

/// What every catalogue enum offers (written by `catalogue!`).
pub trait Catalogue: Copy + Eq + 'static {
    /// What an entry is called in messages (`fault`, `check id`).
    const KIND: &'static str;
    /// Where a person finds the list (`see ssm-conform serve --list-faults`), or "".
    const HINT: &'static str;
    /// Every entry, in catalogue order.
    const ALL: &'static [Self];
    /// The entry's stable name.
    fn name(self) -> &'static str;
    /// One line saying what the entry is.
    fn description(self) -> &'static str;

    /// The entry named `name`, or an error with the closest name as a suggestion.
    fn parse_name(name: &str) -> Result<Self, UnknownName> {
        Self::ALL.iter().copied().find(|e| e.name() == name).ok_or_else(|| UnknownName {
            kind: Self::KIND,
            name: name.to_owned(),
            suggestion: did_you_mean(name, Self::ALL.iter().map(|e| e.name())),
            hint: Self::HINT,
        })
    }
}

/// A name that is no entry of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct UnknownName {
    /// What an entry is called (`fault`, `check id`).
    pub kind: &'static str,
    /// The name given.
    pub name: String,
    /// The closest known name, when one is close enough.
    pub suggestion: Option<&'static str>,
    /// Where the list is, or "".
    pub hint: &'static str,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.kind, self.name)?;
        if let Some(s) = self.suggestion {
            write!(f, "; did you mean {s:?}?")?;
        }
        if !self.hint.is_empty() {
            write!(f, " ({})", self.hint)?;
        }
        Ok(())
    }
}

/// The candidate closest to `name`, if it is close enough to be what was meant (hurl's
/// `did_you_mean`: normalised Levenshtein similarity, with a floor).
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_levenshtein(name, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Writes a catalogue enum. Each entry is `Variant = "stable-name", "one-line description"`,
/// optionally followed by `{ field: value, … }` when the catalogue declares `info Type`: the
/// fields of that type, which `info()` returns. The description becomes the variant's doc.
///
/// ```text
/// catalogue! {
///     /// A report file format.
///     pub enum ReportFormat: "report format", "json, junit or markdown" {
///         Json = "json", "machine-readable findings";
///     }
/// }
/// ```
///
/// Exported (as `ssm_conform_core::catalogue::catalogue`) for the `ssm-conform` crate's own
/// catalogues (report formats); `$crate` keeps its paths pointing here.
#[doc(hidden)]
#[macro_export]
macro_rules! catalogue_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Enum:ident : $kind:literal, $hint:literal, info $Info:ident {
            $( $Variant:ident = $name:literal, $desc:literal { $($field:ident : $value:expr),* $(,)? }; )*
        }
    ) => {
        $crate::catalogue::catalogue! {
            $(#[$meta])* $vis enum $Enum : $kind, $hint { $( $Variant = $name, $desc; )* }
        }
        impl $Enum {
            /// The entry's data.
            pub fn info(self) -> $Info {
                match self { $( $Enum::$Variant => $Info { $($field: $value),* }, )* }
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $Enum:ident : $kind:literal, $hint:literal {
            $( $Variant:ident = $name:literal, $desc:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $Enum {
            $( #[doc = $desc] $Variant, )*
        }

        impl $crate::catalogue::Catalogue for $Enum {
            const KIND: &'static str = $kind;
            const HINT: &'static str = $hint;
            const ALL: &'static [Self] = &[ $( $Enum::$Variant, )* ];
            fn name(self) -> &'static str {
                match self { $( $Enum::$Variant => $name, )* }
            }
            fn description(self) -> &'static str {
                match self { $( $Enum::$Variant => $desc, )* }
            }
        }

        impl $Enum {
            /// Every entry, in catalogue order.
            pub const ALL: &'static [$Enum] = <$Enum as $crate::catalogue::Catalogue>::ALL;

            /// The entry's stable name.
            pub fn name(self) -> &'static str {
                <$Enum as $crate::catalogue::Catalogue>::name(self)
            }

            /// One line saying what the entry is.
            pub fn description(self) -> &'static str {
                <$Enum as $crate::catalogue::Catalogue>::description(self)
            }
        }

        impl ::std::fmt::Display for $Enum {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl ::std::str::FromStr for $Enum {
            type Err = $crate::catalogue::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$Enum as $crate::catalogue::Catalogue>::parse_name(s)
            }
        }
    };
}

pub use crate::catalogue_enum as catalogue;

#[cfg(test)]
mod tests {
    use super::catalogue;

    catalogue! {
        /// A test catalogue.
        enum Colour: "colour", "red or green", info ColourInfo {
            Red = "red", "the colour red" { warm: true };
            Green = "green", "the colour green" { warm: false };
        }
    }

    struct ColourInfo {
        warm: bool,
    }

    #[test]
    fn names_round_trip_and_typos_get_a_suggestion() {
        for c in Colour::ALL {
            assert_eq!(c.name().parse::<Colour>().unwrap(), *c);
        }
        assert!(Colour::Red.info().warm && !Colour::Green.info().warm);
        assert_eq!(Colour::Green.description(), "the colour green");
        let e = "gren".parse::<Colour>().unwrap_err();
        assert_eq!(e.to_string(), "unknown colour \"gren\"; did you mean \"green\"? (red or green)");
        assert_eq!("blue".parse::<Colour>().unwrap_err().suggestion, None);
    }
}
