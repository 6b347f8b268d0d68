//! What the URL of an endpoint says: its host, whether it is real AWS (which requires SigV4
//! and a gentle pace), and the region to sign for. Both front ends (the command line and
//! `Suite`) read an endpoint through these.

use super::PacingOptions;

/// The host part of an http(s) URL.
pub fn host_of(url: &str) -> &str {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority.rsplit('@').next().unwrap_or(authority).split(':').next().unwrap_or(authority)
}

/// Whether `url` is a real AWS endpoint (which requires SigV4).
pub fn is_aws_host(url: &str) -> bool {
    let host = host_of(url).to_ascii_lowercase();
    host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn")
}

/// The signing region: the one given, the SDKs' variables, the endpoint's host, else us-east-1.
pub fn signing_region(flag: Option<&str>, url: &str) -> String {
    if let Some(r) = flag {
        return r.to_owned();
    }
    if let Some(r) =
        ["AWS_REGION", "AWS_DEFAULT_REGION"].iter().find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    {
        return r;
    }
    let host = host_of(url);
    let mut parts = host.split('.');
    match (parts.next(), parts.next()) {
        (Some("ssm" | "ssm-fips"), Some(region)) if is_aws_host(url) => region.to_owned(),
        _ => "us-east-1".to_owned(),
    }
}

/// The rate against `*.amazonaws.com` when no rate is given, requests a second.
pub const AWS_DEFAULT_RATE: f64 = 5.0;

/// The pacing of requests to `url`: at most `rate` a second when given, else 5 a second against
/// `*.amazonaws.com` (the real service throttles past its quota) and no ceiling elsewhere;
/// adaptive unless turned off.
pub fn pacing(rate: Option<f64>, adaptive: bool, url: &str) -> PacingOptions {
    let ceiling = rate.or_else(|| is_aws_host(url).then_some(AWS_DEFAULT_RATE));
    PacingOptions { ceiling, adaptive }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_regions_and_aws_hosts() {
        assert!(is_aws_host("https://ssm.eu-west-1.amazonaws.com"));
        assert!(!is_aws_host("http://127.0.0.1:4566"));
        assert_eq!(host_of("http://user@localhost:4566/x"), "localhost");
        assert_eq!(signing_region(Some("ap-south-1"), "http://localhost"), "ap-south-1");
    }
}
