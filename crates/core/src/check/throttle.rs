//! `throttle-shape` (contract §8, §6): a throttle must be one the SDKs recognise and retry — a
//! throttling code in the body's `__type` (`ThrottlingException`, or another the SDKs list) at a
//! client-error status. A throttle with no `__type` (the type only in `X-Amzn-ErrorType` or a
//! `code` member) is read by botocore as an error coded by its status (§6), never retried; one at
//! HTTP 200 is read as a page. HTTP 429 with a throttling `__type` is EITHER (§8).
//!
//! The throttles come from the transport's retries (it keeps a few of each shape): after a
//! retry, a run judges only the final answer, so this is the one place a throttle is judged.

use std::collections::{BTreeMap, BTreeSet};

use crate::check_id::CheckId;
use crate::contract::{real_service, EitherRule, ThrottleForm};
use crate::finding::{CaseResult, Exchange, Finding};
use crate::request::WireRequest;
use crate::response::{ErrorShape, WireResponse};

/// The findings of one throttle answer (one that [`crate::response::looks_throttled`]). Each
/// carries what the probed SDKs were measured to do with its form (`clients/sdk-impact.json`).
pub fn throttle_shape(resp: &WireResponse) -> Vec<Finding> {
    let shape = ErrorShape::of(resp);
    let expected =
        "a throttle a client can recognise: a throttling __type (ThrottlingException) in a JSON body at HTTP 400";
    let recognised = shape.resolved_type.as_deref().is_some_and(real_service::is_throttling_code);
    let actual = if resp.status == 200 {
        format!("a throttle at HTTP 200 ({}): read as an answer, not as an error (contract §8)", describe(&shape))
    } else if !recognised {
        format!(
            "HTTP {} with {}: the throttle does not name itself in __type (contract §6, §8)",
            resp.status,
            describe(&shape)
        )
    } else {
        return Vec::new();
    };
    vec![Finding::new(CheckId::ThrottleShape, expected, actual)
        .deviating(form_of(resp.status, &shape).map(crate::sdk_impact::throttle_form))]
}

/// The form of a throttle (contract §8), as `serve --throttle-form` names it, when it is one
/// of the measured forms.
pub fn form_of(status: u16, shape: &ErrorShape) -> Option<ThrottleForm> {
    let throttling_type = shape.resolved_type.as_deref().filter(|t| real_service::is_throttling_code(t));
    let named = |t: &Option<String>| t.as_deref().is_some_and(real_service::is_throttling_code);
    Some(match (status, throttling_type) {
        (200, Some(_)) => ThrottleForm::Status200,
        (real_service::TOO_MANY_REQUESTS, Some(_)) => ThrottleForm::Status429,
        (_, Some(t)) if t != real_service::THROTTLING_EXCEPTION => ThrottleForm::OtherCode,
        (_, Some(_)) if shape.raw_type.as_deref().is_some_and(|r| r.contains(['#', ':'])) => {
            ThrottleForm::NamespacedType
        }
        (_, Some(_)) => ThrottleForm::Ssm,
        (_, None) if shape.resolved_type.is_some() || status == 200 => return None,
        (_, None) if named(&shape.header_type) => ThrottleForm::HeaderOnly,
        (_, None) if named(&shape.code_member) => ThrottleForm::CodeMember,
        (real_service::TOO_MANY_REQUESTS, None) => ThrottleForm::Bare429,
        _ => return None,
    })
}

/// Where the answer names its type, in words.
fn describe(shape: &ErrorShape) -> String {
    let quote = |t: &str| crate::response::excerpt(t, 60);
    match (&shape.resolved_type, &shape.header_type, &shape.code_member) {
        (Some(t), _, _) => format!("__type {}", quote(t)),
        (None, Some(h), _) => format!("no __type, the type only in X-Amzn-ErrorType ({})", quote(h)),
        (None, None, Some(c)) => format!("no __type, the type only in a code member ({})", quote(c)),
        (None, None, None) => "no __type at all".to_owned(),
    }
}

/// The EITHER alternative a throttle's status shows (§8): `400` or `429`.
pub fn status_choice(resp: &WireResponse) -> Option<String> {
    (resp.status >= 400).then(|| resp.status.to_string())
}

/// What a run's traffic met besides the throttles kept as samples.
#[derive(Debug, Clone, Copy)]
pub struct Met {
    /// Every throttle met (the samples are a few of each shape).
    pub throttled: u64,
    /// Whether a transient error was retried past (the EITHER rule of §8).
    pub transient_retried: bool,
}

/// The `throttle-shape` unit: every throttle the retries kept (a few of each shape), judged; the
/// EITHER choices they show (§8); `repro` writes the first throttled request's repro line. `None` when nothing was throttled: a run that met no throttle
/// has no such unit (its traffic line says so), rather than a skipped unit in every run.
pub fn throttle_unit(
    samples: &[(WireRequest, WireResponse)],
    met: Met,
    repro: &dyn Fn(&WireRequest) -> String,
    choices: &mut BTreeMap<EitherRule, BTreeSet<String>>,
) -> Option<CaseResult> {
    if met.transient_retried {
        choices.entry(EitherRule::TransientError).or_default().insert("retried past".to_owned());
    }
    let name = CheckId::ThrottleShape.name();
    let (first_req, _) = samples.first()?;
    choices.entry(EitherRule::Throttling).or_default().insert("throttled".to_owned());
    let mut findings: Vec<Finding> = Vec::new();
    let mut failing = None;
    for (req, resp) in samples {
        if let Some(status) = status_choice(resp) {
            choices.entry(EitherRule::ThrottleStatus).or_default().insert(status);
        }
        for f in throttle_shape(resp) {
            if !findings.iter().any(|g| g.actual == f.actual) {
                failing.get_or_insert((req.clone(), resp.clone()));
                findings.push(f);
            }
        }
    }
    let note = format!("{} throttles met; {} kept and judged", met.throttled, samples.len());
    let (req, resp) = failing.unwrap_or_else(|| samples[0].clone());
    let unit = CaseResult::builtin(name, CheckId::ThrottleShape, findings, note)
        .with_repro(Some(repro(first_req)))
        .with_exchange(Some(Exchange::capped(req, Ok(resp))));
    Some(unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::tests::answer;

    #[test]
    fn only_a_throttle_the_sdks_can_read_passes() {
        let ssm = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
        assert!(throttle_shape(&answer(400, &[], ssm)).is_empty());
        assert!(throttle_shape(&answer(429, &[], ssm)).is_empty(), "429 is EITHER");
        assert!(throttle_shape(&answer(400, &[], r#"{"__type":"com.amazonaws.ssm#ThrottlingException:x"}"#)).is_empty());
        let header_only = throttle_shape(&answer(400, &[("X-Amzn-ErrorType", "ThrottlingException")], "{}"));
        assert!(header_only[0].actual.contains("only in X-Amzn-ErrorType"), "{:?}", header_only);
        assert_eq!(throttle_shape(&answer(200, &[], ssm)).len(), 1);
        assert_eq!(throttle_shape(&answer(429, &[], "")).len(), 1, "429 with no __type");
    }

    #[test]
    fn every_throttle_form_is_read_back_as_itself_and_findings_quote_its_measurement() {
        use crate::contract::error_body;
        for form in ThrottleForm::ALL {
            let spelt = form.info();
            let mut body = serde_json::Map::new();
            if let Some(t) = spelt.body_type {
                body.insert(error_body::TYPE.into(), t.into());
            }
            if spelt.code_member {
                body.insert(error_body::CODE.into(), real_service::THROTTLING_EXCEPTION.into());
            }
            body.insert(error_body::MESSAGE_FRAMEWORK.into(), real_service::RATE_EXCEEDED.into());
            let header = [(crate::contract::ERROR_TYPE_HEADER, real_service::THROTTLING_EXCEPTION)];
            let headers: &[(&str, &str)] = if spelt.header_type { &header } else { &[] };
            let resp = answer(spelt.status, headers, &serde_json::Value::Object(body).to_string());
            assert!(crate::response::looks_throttled(&resp), "{form}");
            assert_eq!(form_of(resp.status, &ErrorShape::of(&resp)), Some(*form));
            for f in throttle_shape(&resp) {
                let impact = f.sdk_impact().unwrap_or_default();
                assert!(impact.starts_with("measured: ") && impact.contains("retr"), "{form}: {impact}");
            }
        }
    }
}
