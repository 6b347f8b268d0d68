//! Ids and tokens through the recording, never compared literally: a recorded request as it is
//! sent now (execution ids mapped onto the ones given, a recorded token replaced by the one this
//! endpoint issued at the same place, the signature left to the client), and the world the
//! oracle judges it in.

use super::Replay;
use crate::check::pagination::bounded;
use crate::contract::input;
use crate::oracle::World;
use crate::request::WireRequest;
use serde_json::Value;

/// Request headers a replay does not send again: the signature (the client signs anew) and the
/// framing.
const NOT_RESENT: [&str; 5] = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "host"];

impl Replay<'_> {
    /// `req` as sent now: ids and tokens through the recording, signature headers left to the
    /// client.
    pub(super) fn rewrite(&self, req: &WireRequest) -> (WireRequest, Option<(String, String)>) {
        let mut req = req.clone();
        req.headers.retain(|(k, _)| !NOT_RESENT.contains(&k.to_ascii_lowercase().as_str()));
        let Some(body) = req.json_body() else { return (req, None) };
        let text = |m: &str| body.get(m).and_then(Value::as_str);
        if let Some(now) = text(input::WINDOW_EXECUTION_ID).and_then(|id| self.ids.get(id).map(|now| (id, now))) {
            req.body = replace_json_string(&req.body, now.0, now.1);
        }
        let mut token_world = None;
        if let Some(t) = text(input::NEXT_TOKEN) {
            if let Some((now, exec)) = self.tokens.get(&bounded(t)) {
                req.body = replace_json_string(&req.body, t, now);
                token_world = Some((now.clone(), exec.clone()));
            }
        }
        (req, token_world)
    }

    pub(super) fn world(&self, token: Option<(String, String)>) -> World {
        let issued = token.as_ref().and_then(|(t, _)| self.token_sizes.get(&bounded(t)).cloned());
        let (token_page_size, token_filters) = issued.unwrap_or((None, None));
        World { known: self.world_known.clone(), token, token_page_size, token_filters }
    }
}

/// `body` with every JSON string `from` written as `to` (the other bytes unchanged: a number
/// keeps its spelling).
pub(super) fn replace_json_string(body: &[u8], from: &str, to: &str) -> Vec<u8> {
    let (from, to) = (Value::from(from).to_string(), Value::from(to).to_string());
    let text = String::from_utf8_lossy(body);
    if from == to || !text.contains(&from) {
        return body.to_vec();
    }
    text.replace(&from, &to).into_bytes()
}
