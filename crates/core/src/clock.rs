//! The civil calendar, for the few places that write an instant as text: RFC 3339 in UTC with
//! milliseconds (a recording's dates, the `timestamps-iso` fault's strings).

/// `secs` since the epoch and `millis` more as `YYYY-MM-DDTHH:MM:SS.mmmZ` (Howard Hinnant's
/// civil_from_days: the proleptic Gregorian calendar, any year).
pub fn rfc3339(secs: i64, millis: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The current instant, as [`rfc3339`] writes it.
pub fn now() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    rfc3339(now.as_secs() as i64, i64::from(now.subsec_millis()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_civil_dates() {
        assert_eq!(super::rfc3339(0, 5), "1970-01-01T00:00:00.005Z");
        assert_eq!(super::rfc3339(1_796_000_000, 0), "2026-11-30T00:53:20.000Z");
        assert_eq!(super::rfc3339(951_782_400, 0), "2000-02-29T00:00:00.000Z");
        assert_eq!(super::rfc3339(-1, 0), "1969-12-31T23:59:59.000Z");
    }
}
