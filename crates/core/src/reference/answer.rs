//! Answers as the reference shapes them: successes, client errors in the form its [`Choices`]
//! say, the internal error, and the headers every answer carries.

use serde_json::{json, Map, Value};

use super::choices::{Choices, ErrorTypeForm, MessageKey};
use crate::contract::{self, error_body, error_type};
use crate::response::WireResponse;

/// An answer before the headers every answer carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The error type, for the `X-Amzn-ErrorType` header.
    pub error_type: Option<String>,
}

impl Reply {
    /// A 200 with `body`.
    pub fn success(body: &Value) -> Reply {
        Reply {
            status: 200,
            body: body.to_string().into_bytes(),
            content_type: contract::CONTENT_TYPE,
            error_type: None,
        }
    }

    /// A 200 with `body`, already serialised.
    pub fn success_bytes(body: Vec<u8>) -> Reply {
        Reply { status: 200, body, content_type: contract::CONTENT_TYPE, error_type: None }
    }

    /// A client error, shaped as `choices` say: `__type` bare or namespaced, the message (where
    /// the contract requires one, a default) under the chosen member.
    pub fn error(choices: &Choices, status: u16, ty: &str, message: Option<String>) -> Reply {
        let mut body = Map::new();
        let type_value = match choices.error_type_form {
            ErrorTypeForm::Bare => ty.to_owned(),
            ErrorTypeForm::Namespaced => format!("{}{ty}{}", error_body::TYPE_NAMESPACE, error_body::TYPE_SUFFIX),
        };
        body.insert(error_body::TYPE.into(), json!(type_value));
        let message = message.or_else(|| error_type::MESSAGE_REQUIRED.contains(&ty).then(|| ty.to_owned()));
        if let Some(m) = message {
            let key = match choices.message_key {
                MessageKey::Always(k) => k,
                // The modelled error's member is `Message`; Coral's framework errors use `message`.
                MessageKey::PerError if ty == error_type::DOES_NOT_EXIST => error_body::MESSAGE_MODELLED,
                MessageKey::PerError => error_body::MESSAGE_FRAMEWORK,
            };
            body.insert(key.into(), json!(m));
        }
        Reply {
            status,
            body: Value::Object(body).to_string().into_bytes(),
            content_type: contract::CONTENT_TYPE,
            error_type: Some(ty.to_owned()),
        }
    }

    /// The service failed (HTTP 500 `InternalServerError`).
    pub fn internal_error() -> Reply {
        let body = json!({
            error_body::TYPE: error_type::INTERNAL_SERVER_ERROR,
            error_body::MESSAGE_MODELLED: "An internal error occurred.",
        });
        Reply {
            status: 500,
            body: body.to_string().into_bytes(),
            content_type: contract::CONTENT_TYPE,
            error_type: Some(error_type::INTERNAL_SERVER_ERROR.to_owned()),
        }
    }

    /// The response, with `Content-Type`, the request id and (if `error_type_header`) the
    /// `X-Amzn-ErrorType` header.
    pub fn into_response(self, request_id: Option<String>, error_type_header: bool) -> WireResponse {
        let mut headers = vec![("Content-Type".to_owned(), self.content_type.to_owned())];
        if let Some(id) = request_id {
            headers.push((contract::REQUEST_ID_HEADER.to_owned(), id));
        }
        if let Some(t) = self.error_type.filter(|_| error_type_header) {
            headers.push((contract::ERROR_TYPE_HEADER.to_owned(), t));
        }
        WireResponse { status: self.status, headers, body: self.body }
    }
}

/// The request id of the `n`-th answer: well-formed, deterministic.
pub fn request_id(n: u64) -> String {
    let mut rng = crate::rng::SplitMix64::new(n ^ 0xA5A5_5A5A_D00D_F00D);
    rng.well_formed_id()
}
