//! Statistics for the officers' console: cases per day with their outcomes, and how long
//! officers take to decide flagged cases.
//!
//! Days are calendar days in Vietnam (UTC+7), like the register. A case counts on the day it
//! was received. Medians are computed in Rust, so both backends give the same figures from the
//! same plain queries.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use truecopy_domain::{CaseEvent, CaseState};

use crate::copy::{vietnam_date, vietnam_midnight};
use crate::schema::{audit_log, cases};
use crate::{Registry, RegistryError, parse_stored};

/// Longest period one call covers.
pub const MAX_STAT_DAYS: i64 = 366;

/// Cases received on one day and what became of them.
///
/// `auto_issued + approved + refused + pending == cases` (each case has one current outcome);
/// `flagged` counts the cases that went to an officer at least once, whatever happened next,
/// so it overlaps with `approved`, `refused` and `pending`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DayStats {
    /// `YYYY-MM-DD` in Vietnam; `None` in [`CaseStatistics::total`].
    pub date: Option<String>,
    pub cases: u64,
    /// Issued without an officer (state `issued`).
    pub auto_issued: u64,
    /// Sent to an officer at least once (a `flag` event).
    pub flagged: u64,
    /// Issued on an officer's approval (state `approved`).
    pub approved: u64,
    /// Refused, automatically or by an officer (state `refused`).
    pub refused: u64,
    /// Not decided yet (received, checked, flagged or waiting for a re-scan).
    pub pending: u64,
    /// Shares of `cases` (0 when there are none), in [0, 1].
    pub share_auto_issued: f64,
    pub share_flagged: f64,
    pub share_refused: f64,
    pub share_pending: f64,
}

impl DayStats {
    fn finish(&mut self) {
        let share = |n: u64| {
            if self.cases == 0 {
                0.0
            } else {
                n as f64 / self.cases as f64
            }
        };
        self.share_auto_issued = share(self.auto_issued);
        self.share_flagged = share(self.flagged);
        self.share_refused = share(self.refused);
        self.share_pending = share(self.pending);
    }

    fn add(&mut self, o: &DayStats) {
        self.cases += o.cases;
        self.auto_issued += o.auto_issued;
        self.flagged += o.flagged;
        self.approved += o.approved;
        self.refused += o.refused;
        self.pending += o.pending;
    }
}

/// How fast one officer decides flagged cases: from the `flag` event to the officer's
/// decision (approve, refuse or ask for a re-scan).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfficerTimes {
    pub officer_id: String,
    pub decisions: u64,
    pub median_seconds: f64,
}

/// What [`Registry::case_statistics`] returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseStatistics {
    /// First and last day covered, `YYYY-MM-DD` (Vietnam), inclusive.
    pub from: String,
    pub to: String,
    /// One entry per day from `from` to `to`, days without cases included.
    pub days: Vec<DayStats>,
    pub total: DayStats,
    /// Decisions on cases received in the period, per officer, by officer id.
    pub officers: Vec<OfficerTimes>,
}

/// The median of unsorted values (mean of the two middle ones for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

impl Registry {
    /// Statistics of the cases received from `from` to `to` (Vietnam dates, inclusive, at
    /// most [`MAX_STAT_DAYS`] days): per day the number of cases and their outcomes, and per
    /// officer the median time from flag to decision.
    ///
    /// A case flagged twice (after a re-scan) gives two decision times. The officer is the
    /// one named in the audit record of the decision (`officer:<id>`).
    pub fn case_statistics(
        &mut self,
        from: time::Date,
        to: time::Date,
    ) -> Result<CaseStatistics, RegistryError> {
        let span = (to - from).whole_days() + 1;
        if !(1..=MAX_STAT_DAYS).contains(&span) {
            return Err(RegistryError::Invalid {
                what: "period",
                problem: format!(
                    "{from} to {to}: the first day comes first and a period has at most {MAX_STAT_DAYS} days"
                ),
            });
        }
        let end_day = to.next_day().ok_or_else(|| RegistryError::Invalid {
            what: "period",
            problem: format!("{to} is too far in the future"),
        })?;
        let (start, end) = (vietnam_midnight(from), vietnam_midnight(end_day));
        let rows: Vec<(String, String, String)> = cases::table
            .filter(cases::received_at.ge(&start))
            .filter(cases::received_at.lt(&end))
            .select((cases::id, cases::received_at, cases::state))
            .load(&mut self.conn)?;
        let ids: HashSet<&str> = rows.iter().map(|(id, _, _)| id.as_str()).collect();

        // Every decision on a case happens after the case was received, so the audit records
        // from `start` on hold all of them (and some of other cases, dropped below).
        let decisive = [
            CaseEvent::Flag,
            CaseEvent::Approve,
            CaseEvent::Refuse,
            CaseEvent::RequestRescan,
        ]
        .map(CaseEvent::as_str);
        let events: Vec<(String, String, String, String)> = audit_log::table
            .filter(audit_log::entity_type.eq("case"))
            .filter(audit_log::at.ge(&start))
            .filter(audit_log::action.eq_any(decisive))
            .order(audit_log::seq.asc())
            .select((
                audit_log::entity_id,
                audit_log::at,
                audit_log::actor,
                audit_log::action,
            ))
            .load(&mut self.conn)?;

        let mut flagged_at: HashMap<&str, String> = HashMap::new();
        let mut ever_flagged: HashSet<&str> = HashSet::new();
        let mut times: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for (case_id, at, actor, action) in &events {
            let Some(&id) = ids.get(case_id.as_str()) else {
                continue;
            };
            if action == CaseEvent::Flag.as_str() {
                ever_flagged.insert(id);
                flagged_at.insert(id, at.clone());
                continue;
            }
            let Some(flag) = flagged_at.remove(id) else {
                continue;
            };
            let seconds = seconds_between(&flag, at)?;
            let officer = actor.strip_prefix("officer:").unwrap_or(actor).to_string();
            times.entry(officer).or_default().push(seconds);
        }

        let mut days: BTreeMap<time::Date, DayStats> = BTreeMap::new();
        let mut d = from;
        while d <= to {
            days.insert(d, DayStats::default());
            match d.next_day() {
                Some(n) => d = n,
                None => break,
            }
        }
        for (id, received_at, state) in &rows {
            let day = vietnam_date(received_at)?;
            let state: CaseState = parse_stored("case state", state)?;
            let Some(s) = days.get_mut(&day) else {
                continue;
            };
            s.cases += 1;
            match state {
                CaseState::Issued => s.auto_issued += 1,
                CaseState::Approved => s.approved += 1,
                CaseState::Refused => s.refused += 1,
                CaseState::Received
                | CaseState::Checked
                | CaseState::Flagged
                | CaseState::Rescan => s.pending += 1,
            }
            if ever_flagged.contains(id.as_str()) {
                s.flagged += 1;
            }
        }
        let mut total = DayStats::default();
        let days: Vec<DayStats> = days
            .into_iter()
            .map(|(date, mut s)| {
                s.date = Some(date.to_string());
                s.finish();
                total.add(&s);
                s
            })
            .collect();
        total.finish();
        let officers = times
            .into_iter()
            .filter_map(|(officer_id, mut v)| {
                let decisions = v.len() as u64;
                median(&mut v).map(|median_seconds| OfficerTimes {
                    officer_id,
                    decisions,
                    median_seconds,
                })
            })
            .collect();
        Ok(CaseStatistics {
            from: from.to_string(),
            to: to.to_string(),
            days,
            total,
            officers,
        })
    }
}

fn seconds_between(a: &str, b: &str) -> Result<f64, RegistryError> {
    let parse = |s: &str| {
        truecopy_domain::timefmt::parse(s).map_err(|e| RegistryError::Corrupt {
            what: "audit timestamp",
            problem: format!("{s:?}: {e}"),
        })
    };
    Ok((parse(b)? - parse(a)?).as_seconds_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5.0]), Some(5.0));
        assert_eq!(median(&mut [9.0, 1.0, 5.0]), Some(5.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn seconds_between_stored_times() {
        let s = seconds_between("2026-11-30T23:59:30.000Z", "2026-12-01T00:01:00.500Z").unwrap();
        assert!((s - 90.5).abs() < 1e-9, "{s}");
        assert!(seconds_between("x", "2026-12-01T00:01:00.500Z").is_err());
    }
}
