//! Optional SigV4 signing (signing name `ssm`) with the AWS SDK's own signer crate. Credentials
//! live only here: the [`WireRequest`] the rest of the harness sees, reports and reproduces is
//! the unsigned one, so a secret cannot reach a report.

use std::fmt;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

use crate::contract;
use crate::request::WireRequest;

/// Where the credentials a [`Signer`] signs with came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// The standard chain found them (environment variables, then the shared config and
    /// credentials files with `AWS_PROFILE`, credential processes).
    Found {
        /// Whether they carry a session token (`x-amz-security-token` is sent).
        session_token: bool,
    },
    /// None were found: clearly fake ones, which emulators accept and AWS rejects.
    Fake,
}

/// The access key id of the fake credentials: not a secret, and plainly not a real key.
pub const FAKE_ACCESS_KEY_ID: &str = "SSMCONFORMFAKEKEYID0";
/// The secret of the fake credentials.
pub const FAKE_SECRET_ACCESS_KEY: &str = "ssm-conform-fake-secret-access-key";

/// Signs requests for one region with one set of credentials.
#[derive(Clone)]
pub struct Signer {
    identity: Identity,
    access_key_id: String,
    region: String,
    source: CredentialSource,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret; the key id alone is not a secret but is enough to tell keys apart.
        f.debug_struct("Signer")
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("source", &self.source)
            .finish()
    }
}

/// Why signing is not possible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The standard chain found no credentials, and real ones are needed.
    #[error(
        "signing needs AWS credentials, and none were found ({0}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a shared credentials file"
    )]
    NoCredentials(String),
    /// The signer refused the request.
    #[error("cannot sign the request: {0}")]
    Failed(String),
}

/// An HTTP client for credential providers that refuses every request.
#[derive(Debug, Clone, Copy)]
struct NoNetwork;

impl HttpConnector for NoNetwork {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let why = "ssm-conform asks no credential provider over the network";
        HttpConnectorFuture::ready(Err(ConnectorError::other(why.into(), None)))
    }
}

impl HttpClient for NoNetwork {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(*self)
    }
}

impl Signer {
    /// A signer for explicit credentials.
    pub fn new(access_key_id: &str, secret_access_key: &str, session_token: Option<&str>, region: &str) -> Signer {
        let creds =
            Credentials::new(access_key_id, secret_access_key, session_token.map(str::to_owned), None, "ssm-conform");
        let source = CredentialSource::Found { session_token: session_token.is_some() };
        Signer { identity: creds.into(), access_key_id: access_key_id.to_owned(), region: region.to_owned(), source }
    }

    /// A signer with clearly fake credentials, for endpoints that want a signature but check none.
    pub fn fake(region: &str) -> Signer {
        Signer {
            source: CredentialSource::Fake,
            ..Signer::new(FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, None, region)
        }
    }

    /// A signer with the credentials the standard chain finds (aws-config: the environment, then
    /// the shared config and credentials files for `AWS_PROFILE`, credential processes). No
    /// provider that calls the network (instance metadata, STS, SSO) is asked.
    pub async fn from_chain(region: &str) -> Result<Signer, SignError> {
        use aws_config::environment::EnvironmentVariableCredentialsProvider;
        use aws_config::meta::credentials::CredentialsProviderChain;
        use aws_config::profile::ProfileFileCredentialsProvider;
        use aws_credential_types::provider::ProvideCredentials;

        use aws_config::provider_config::ProviderConfig;

        // Profiles that would call STS or SSO meet a client that refuses every request: the
        // harness asks no credential provider over the network.
        let config = ProviderConfig::default().with_http_client(NoNetwork);
        let profile = ProfileFileCredentialsProvider::builder().configure(&config).build();
        let chain = CredentialsProviderChain::first_try("Environment", EnvironmentVariableCredentialsProvider::new())
            .or_else("Profile", profile);
        let creds = chain.provide_credentials().await.map_err(|e| SignError::NoCredentials(e.to_string()))?;
        let source = CredentialSource::Found { session_token: creds.session_token().is_some() };
        let access_key_id = creds.access_key_id().to_owned();
        Ok(Signer { identity: creds.into(), access_key_id, region: region.to_owned(), source })
    }

    /// Where its credentials came from.
    pub fn source(&self) -> &CredentialSource {
        &self.source
    }

    /// The signing region.
    pub fn region(&self) -> &str {
        &self.region
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
