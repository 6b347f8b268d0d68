//! Optional SigV4 signing (signing name `ssm`) with the AWS SDK's own signer crate. Credentials
//! live only here: the [`WireRequest`] the rest of the harness sees, reports and reproduces is
//! the unsigned one, so a secret cannot reach a report.

use std::fmt;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use crate::contract;
use crate::request::WireRequest;

/// Signs requests for one region with one set of credentials.
#[derive(Clone)]
pub struct Signer {
    identity: Identity,
    access_key_id: String,
    region: String,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret; the key id alone is not a secret but is enough to tell keys apart.
        f.debug_struct("Signer").field("access_key_id", &self.access_key_id).field("region", &self.region).finish()
    }
}

/// Why signing is not possible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// No credentials in the environment.
    #[error("signing needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")]
    NoCredentials,
    /// The signer refused the request.
    #[error("cannot sign the request: {0}")]
    Failed(String),
}

impl Signer {
    /// A signer for explicit credentials.
    pub fn new(access_key_id: &str, secret_access_key: &str, session_token: Option<&str>, region: &str) -> Signer {
        let creds =
            Credentials::new(access_key_id, secret_access_key, session_token.map(str::to_owned), None, "ssm-conform");
        Signer { identity: creds.into(), access_key_id: access_key_id.to_owned(), region: region.to_owned() }
    }

    /// A signer from the standard environment variables (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`).
    pub fn from_env(region: &str) -> Result<Signer, SignError> {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => Ok(Signer::new(&id, &secret, get("AWS_SESSION_TOKEN").as_deref(), region)),
            _ => Err(SignError::NoCredentials),
        }
    }

    /// The headers to add to `req`, sent to `url`, to sign it now.
    pub fn headers(&self, url: &str, req: &WireRequest) -> Result<Vec<(String, String)>, SignError> {
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(&self.region)
            .name(contract::SIGNING_NAME)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| SignError::Failed(e.to_string()))?
            .into();
        let uri = format!("{}{}", url.trim_end_matches('/'), req.path);
        let signable = SignableRequest::new(
            &req.method,
            &uri,
            req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(&req.body),
        )
        .map_err(|e| SignError::Failed(e.to_string()))?;
        let (instructions, _signature) =
            sign(signable, &params).map_err(|e| SignError::Failed(e.to_string()))?.into_parts();
        Ok(instructions.headers().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_with_the_ssm_scope_and_hides_the_secret() {
        let s = Signer::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, "us-east-2");
        let req = WireRequest::operation(b"{}".to_vec());
        let headers = s.headers("https://ssm.us-east-2.amazonaws.com", &req).unwrap();
        let auth = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")).unwrap();
        assert!(auth.1.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{}", auth.1);
        assert!(auth.1.contains("/us-east-2/ssm/aws4_request"), "{}", auth.1);
        assert!(auth.1.contains("x-amz-target"), "the target header is signed: {}", auth.1);
        assert!(!format!("{s:?}").contains("wJalr"));
    }
}
