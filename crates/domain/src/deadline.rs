//! The legal clock of a certification request (Decree 23/2015/ND-CP Art. 7): a request received
//! on a working day before 15:00 is answered the same working day; one received at or after
//! 15:00, or on a non-working day, is answered on the next working day.
//!
//! Choices made here (and nowhere else):
//! - Time is judged in Vietnam time (UTC+7, no daylight saving), whatever offset the caller's
//!   timestamp carries.
//! - "Answered the same day" means by the end of office hours, [`CLOSE`] = 17:00 local: the due
//!   instant is 17:00 (UTC+7) of the due working day.
//! - Saturdays and Sundays are non-working days; public holidays (and days off in lieu) come
//!   from the caller as a list of local dates (no I/O here). A working Saturday made up for a
//!   bridged holiday is not modelled.

use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// Vietnam time (ICT), UTC+7 all year.
pub const VIETNAM: UtcOffset = time::macros::offset!(+7);
/// Requests received from this local time on are due the next working day.
pub const CUTOFF: Time = time::macros::time!(15:00);
/// The end of office hours: the due instant on the due day.
pub const CLOSE: Time = time::macros::time!(17:00);

/// Whether `date` (a local date) is a working day: Monday to Friday and not in `holidays`.
pub fn is_working_day(date: Date, holidays: &[Date]) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !holidays.contains(&date)
}

/// The first working day strictly after `date`. (The holiday list is finite, so this ends; at
/// the end of the calendar it returns the last representable date.)
pub fn next_working_day(date: Date, holidays: &[Date]) -> Date {
    let mut d = date;
    loop {
        match d.next_day() {
            Some(n) => d = n,
            None => return d,
        }
        if is_working_day(d, holidays) {
            return d;
        }
    }
}

/// The local date on which a request received at `received` must be answered.
pub fn due_date(received: OffsetDateTime, holidays: &[Date]) -> Date {
    let local = received.to_offset(VIETNAM);
    let day = local.date();
    if is_working_day(day, holidays) && local.time() < CUTOFF {
        day
    } else {
        next_working_day(day, holidays)
    }
}

/// The instant by which a request received at `received` must be answered: [`CLOSE`] on its
/// [`due_date`], in Vietnam time.
pub fn due(received: OffsetDateTime, holidays: &[Date]) -> OffsetDateTime {
    PrimitiveDateTime::new(due_date(received, holidays), CLOSE).assume_offset(VIETNAM)
}

/// How a request stands against its legal clock at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// Due on a later day.
    Later,
    /// Due today (local), not yet past.
    Today,
    /// Past its due instant.
    Overdue,
}

/// Where a request due at `due` stands at `now`.
pub fn status(due: OffsetDateTime, now: OffsetDateTime) -> ClockStatus {
    if now > due {
        ClockStatus::Overdue
    } else if now.to_offset(VIETNAM).date() == due.to_offset(VIETNAM).date() {
        ClockStatus::Today
    } else {
        ClockStatus::Later
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    // 2026-04-29 (Wed) … 2026-05-01 (Fri) are Reunification Day and Labour Day.
    const HOLIDAYS: &[Date] = &[date!(2026 - 04 - 30), date!(2026 - 05 - 01)];

    fn due_of(t: OffsetDateTime) -> OffsetDateTime {
        due(t, HOLIDAYS)
    }

    #[test]
    fn before_the_cutoff_on_a_working_day_is_due_the_same_day_at_close() {
        // Tuesday 2026-12-01, 14:59:59 local.
        let t = datetime!(2026-12-01 14:59:59 +7);
        assert_eq!(due_of(t), datetime!(2026-12-01 17:00 +7));
        // Early morning too.
        assert_eq!(
            due_of(datetime!(2026-12-01 00:00 +7)),
            datetime!(2026-12-01 17:00 +7)
        );
    }

    #[test]
    fn at_or_after_the_cutoff_is_due_the_next_working_day() {
        assert_eq!(
            due_of(datetime!(2026-12-01 15:00 +7)),
            datetime!(2026-12-02 17:00 +7)
        );
        assert_eq!(
            due_of(datetime!(2026-12-01 23:59:59 +7)),
            datetime!(2026-12-02 17:00 +7)
        );
    }

    #[test]
    fn friday_afternoon_and_the_weekend_are_due_monday() {
        // Friday 2026-12-04 after 15:00, Saturday, Sunday → Monday 2026-12-07.
        for t in [
            datetime!(2026-12-04 15:00 +7),
            datetime!(2026-12-05 09:00 +7),
            datetime!(2026-12-06 14:00 +7),
        ] {
            assert_eq!(due_of(t), datetime!(2026-12-07 17:00 +7), "{t}");
        }
        assert_eq!(
            due_of(datetime!(2026-12-04 14:00 +7)),
            datetime!(2026-12-04 17:00 +7)
        );
    }

    #[test]
    fn holidays_are_skipped() {
        // Wednesday 2026-04-29 after the cutoff: Thu 30/4 and Fri 1/5 are holidays, then the
        // weekend: due Monday 2026-05-04.
        assert_eq!(
            due_of(datetime!(2026-04-29 16:00 +7)),
            datetime!(2026-05-04 17:00 +7)
        );
        // Received on the holiday itself, in the morning.
        assert_eq!(
            due_of(datetime!(2026-04-30 08:00 +7)),
            datetime!(2026-05-04 17:00 +7)
        );
        // Without the holiday list the same request is due Thursday.
        assert_eq!(
            due(datetime!(2026-04-29 16:00 +7), &[]),
            datetime!(2026-04-30 17:00 +7)
        );
    }

    #[test]
    fn the_local_day_decides_not_the_utc_day() {
        // 07:30 UTC is 14:30 in Hanoi: same day.
        assert_eq!(
            due_of(datetime!(2026-12-01 07:30 UTC)),
            datetime!(2026-12-01 17:00 +7)
        );
        // 08:00 UTC is 15:00 in Hanoi: next day.
        assert_eq!(
            due_of(datetime!(2026-12-01 08:00 UTC)),
            datetime!(2026-12-02 17:00 +7)
        );
        // Sunday 20:00 UTC is Monday 03:00 in Hanoi: due Monday.
        assert_eq!(
            due_of(datetime!(2026-12-06 20:00 UTC)),
            datetime!(2026-12-07 17:00 +7)
        );
        // Friday 17:00 UTC is Saturday 00:00 in Hanoi: due Monday.
        assert_eq!(
            due_of(datetime!(2026-12-04 17:00 UTC)),
            datetime!(2026-12-07 17:00 +7)
        );
    }

    #[test]
    fn working_days_and_status() {
        assert!(is_working_day(date!(2026 - 12 - 04), HOLIDAYS));
        assert!(!is_working_day(date!(2026 - 12 - 05), HOLIDAYS));
        assert!(!is_working_day(date!(2026 - 05 - 01), HOLIDAYS));
        assert_eq!(
            next_working_day(date!(2026 - 12 - 04), HOLIDAYS),
            date!(2026 - 12 - 07)
        );
        let d = datetime!(2026-12-01 17:00 +7);
        assert_eq!(
            status(d, datetime!(2026-12-01 09:00 +7)),
            ClockStatus::Today
        );
        assert_eq!(
            status(d, datetime!(2026-12-01 17:00 +7)),
            ClockStatus::Today
        );
        assert_eq!(
            status(d, datetime!(2026-12-01 17:00:01 +7)),
            ClockStatus::Overdue
        );
        assert_eq!(
            status(d, datetime!(2026-11-30 16:00 +7)),
            ClockStatus::Later
        );
    }
}
