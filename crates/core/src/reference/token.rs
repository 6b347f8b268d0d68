//! The reference endpoint's opaque, tamper-evident `NextToken`: the execution, the filter set, the
//! offset and the page size that issued it, with a MAC so that a changed or truncated token is detected rather than misread.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The MAC key. Tokens are not secrets; the key only makes tampering detectable.
const KEY: &[u8] = b"ssm-conform reference token v1";

/// What a token points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenState {
    /// The execution the walk is over.
    pub execution_id: String,
    /// A fingerprint of the filters the walk uses.
    pub filters: String,
    /// The index of the next item.
    pub offset: usize,
    /// The page size of the page that issued it.
    pub page_size: usize,
}

fn mac(payload: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(KEY);
    h.update(payload);
    let d = h.finalize();
    let mut hex = [0u8; 24];
    let _ = hex::encode_to_slice(&d[..12], &mut hex); // 24 digits for 12 bytes: cannot fail
    String::from_utf8_lossy(&hex).into_owned()
}

/// Encodes a token.
pub fn encode(state: &TokenState) -> String {
    let payload = format!("{}|{}|{}|{}", state.execution_id, state.filters, state.offset, state.page_size);
    format!("{}.{}", URL_SAFE_NO_PAD.encode(payload.as_bytes()), mac(payload.as_bytes()))
}

/// Decodes a token; `None` for anything not made by [`encode`] or changed since.
pub fn decode(token: &str) -> Option<TokenState> {
    let (body, tag) = token.rsplit_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(body).ok()?;
    if mac(&payload) != tag {
        return None;
    }
    let text = String::from_utf8(payload).ok()?;
    let mut parts = text.rsplitn(4, '|');
    let page_size = parts.next()?.parse().ok()?;
    let offset = parts.next()?.parse().ok()?;
    let filters = parts.next()?.to_owned();
    let execution_id = parts.next()?.to_owned();
    Some(TokenState { execution_id, filters, offset, page_size })
}

/// The length of a long token (before base64), about AWS's: ~1,000 characters once encoded.
const LONG_BYTES: usize = 750;

/// The filler of a long token after `len` bytes of the short one: deterministic, and of bytes
/// whose base64 holds `+` and `/` (so that no alphabet can be assumed).
fn filler(len: usize) -> impl Iterator<Item = u8> {
    (len..LONG_BYTES).map(|i| [0xfb, 0xef, 0xbe, 0xff][i % 4] ^ (i as u8 & 0x10))
}

/// `token` as a long standard-base64 token (`+`, `/`, `=`), as AWS's look.
pub fn lengthen(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    bytes.push(b'\n');
    bytes.extend(filler(bytes.len()));
    STANDARD.encode(bytes)
}

/// The short token inside a long one; `None` when it was not made by [`lengthen`] or was changed.
pub fn shorten(long: &str) -> Option<String> {
    let bytes = STANDARD.decode(long).ok()?;
    let cut = bytes.iter().position(|b| *b == b'\n')?;
    let rest = &bytes[cut + 1..];
    if !rest.iter().copied().eq(filler(cut + 1)) {
        return None;
    }
    String::from_utf8(bytes[..cut].to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::tamper;

    #[test]
    fn round_trips_and_detects_tampering() {
        let s = TokenState { execution_id: "e".into(), filters: "STATUS=A,B".into(), offset: 20, page_size: 10 };
        let t = encode(&s);
        assert_eq!(decode(&t), Some(s));
        assert_eq!(decode(&tamper(&t)), None);
        assert_eq!(decode(&t[..t.len() / 2]), None);
        assert_eq!(decode("garbage"), None);
        assert_eq!(decode(""), None);
        let long = lengthen(&t);
        assert!(long.len() >= 1000 && long.contains('+') && long.contains('/'), "{long}");
        assert_eq!(shorten(&long).as_deref(), Some(t.as_str()));
        assert_eq!(shorten(&tamper(&long)), None);
        assert_eq!(shorten(&long[..long.len() - 4]), None);
    }
}
