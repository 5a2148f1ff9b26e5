//! The one timestamp format truecopy stores: RFC 3339 in UTC with milliseconds
//! (`2026-11-25T12:19:44.123Z`), which sorts as text in both SQLite and PostgreSQL.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Formats an instant the way the registry stores it.
pub fn format(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let millis = t.millisecond();
    let t = t
        .replace_nanosecond(u32::from(millis) * 1_000_000)
        .unwrap_or(t);
    // Rfc3339 prints "…Z" for UTC and drops trailing zeros of the fraction; pad to milliseconds
    // so that text order equals time order.
    let s = t.format(&Rfc3339).unwrap_or_default();
    match s.find('.') {
        Some(dot) => {
            let frac_end = s.len() - 1; // before 'Z'
            let digits = frac_end - dot - 1;
            format!(
                "{}{}Z",
                &s[..frac_end],
                "0".repeat(3usize.saturating_sub(digits))
            )
        }
        None => format!("{}.000Z", &s[..s.len() - 1]),
    }
}

/// Parses a stored timestamp.
pub fn parse(s: &str) -> Result<OffsetDateTime, time::error::Parse> {
    OffsetDateTime::parse(s, &Rfc3339)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fixed_width_utc_millis() {
        assert_eq!(
            format(datetime!(2026-11-25 12:19:44.1 +07:00)),
            "2026-11-25T05:19:44.100Z"
        );
        assert_eq!(
            format(datetime!(2026-11-25 12:19:44 UTC)),
            "2026-11-25T12:19:44.000Z"
        );
        assert_eq!(
            format(datetime!(2026-11-25 12:19:44.123456 UTC)),
            "2026-11-25T12:19:44.123Z"
        );
        let t = datetime!(2026-01-02 03:04:05.006 UTC);
        assert_eq!(parse(&format(t)).ok(), Some(t));
    }
}
