//! The two state machines. Every state change in the registry goes through [`CaseState::apply`]
//! or [`CopyState::apply`]; nothing else decides what may follow what.
//!
//! Case (one citizen's session at a kiosk):
//! ```text
//! received ──checks_recorded──▶ checked ──auto_issue──▶ issued
//!    ▲                            │  └────auto_reject──▶ refused
//!    │                            └─flag──▶ flagged ──approve──▶ approved
//!    │                                        ├──refuse───▶ refused
//!    └───────────rescanned─── rescan ◀─request_rescan──┘
//! ```
//! Copy (an issued certified copy):
//! ```text
//! valid ──request_revocation──▶ revocation_requested ──confirm_revocation──▶ revoked
//!   ▲                                  │
//!   └──────────withdraw_revocation─────┘
//! ```
//! Confirmation needs a second officer (four eyes): see [`four_eyes`].

use serde::{Deserialize, Serialize};

use crate::document::string_enum;

string_enum! {
    CaseState {
        Received => "received",
        Checked => "checked",
        Issued => "issued",
        Flagged => "flagged",
        Approved => "approved",
        Refused => "refused",
        Rescan => "rescan",
    }
}

string_enum! {
    CaseEvent {
        ChecksRecorded => "checks_recorded",
        AutoIssue => "auto_issue",
        AutoReject => "auto_reject",
        Flag => "flag",
        Approve => "approve",
        Refuse => "refuse",
        RequestRescan => "request_rescan",
        Rescanned => "rescanned",
    }
}

string_enum! {
    CopyState {
        Valid => "valid",
        RevocationRequested => "revocation_requested",
        Revoked => "revoked",
    }
}

string_enum! {
    CopyEvent {
        RequestRevocation => "request_revocation",
        ConfirmRevocation => "confirm_revocation",
        WithdrawRevocation => "withdraw_revocation",
    }
}

/// A state change the rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("a {machine} in state {from} cannot take {event}")]
pub struct IllegalTransition {
    pub machine: &'static str,
    pub from: &'static str,
    pub event: &'static str,
}

impl CaseState {
    pub fn apply(self, event: CaseEvent) -> Result<CaseState, IllegalTransition> {
        use CaseEvent as E;
        use CaseState as S;
        let next = match (self, event) {
            (S::Received, E::ChecksRecorded) => S::Checked,
            (S::Checked, E::AutoIssue) => S::Issued,
            (S::Checked, E::AutoReject) => S::Refused,
            (S::Checked, E::Flag) => S::Flagged,
            (S::Flagged, E::Approve) => S::Approved,
            (S::Flagged, E::Refuse) => S::Refused,
            (S::Flagged, E::RequestRescan) => S::Rescan,
            (S::Rescan, E::Rescanned) => S::Received,
            _ => {
                return Err(IllegalTransition {
                    machine: "case",
                    from: self.as_str(),
                    event: event.as_str(),
                });
            }
        };
        Ok(next)
    }

    /// No event leads out of a final state.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CaseState::Issued | CaseState::Approved | CaseState::Refused
        )
    }
}

impl CopyState {
    pub fn apply(self, event: CopyEvent) -> Result<CopyState, IllegalTransition> {
        use CopyEvent as E;
        use CopyState as S;
        let next = match (self, event) {
            (S::Valid, E::RequestRevocation) => S::RevocationRequested,
            (S::RevocationRequested, E::ConfirmRevocation) => S::Revoked,
            (S::RevocationRequested, E::WithdrawRevocation) => S::Valid,
            _ => {
                return Err(IllegalTransition {
                    machine: "copy",
                    from: self.as_str(),
                    event: event.as_str(),
                });
            }
        };
        Ok(next)
    }
}

/// The second officer of a four-eyes action must not be the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("officer {officer} requested this and cannot also confirm it: a second officer must")]
pub struct SameOfficer {
    pub officer: String,
}

pub fn four_eyes(requested_by: &str, confirmed_by: &str) -> Result<(), SameOfficer> {
    if requested_by
        .trim()
        .eq_ignore_ascii_case(confirmed_by.trim())
    {
        Err(SameOfficer {
            officer: confirmed_by.to_string(),
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn happy_paths() {
        let s = CaseState::Received.apply(CaseEvent::ChecksRecorded);
        assert_eq!(s, Ok(CaseState::Checked));
        assert_eq!(
            CaseState::Checked.apply(CaseEvent::AutoIssue),
            Ok(CaseState::Issued)
        );
        let flagged = CaseState::Checked.apply(CaseEvent::Flag);
        assert_eq!(flagged, Ok(CaseState::Flagged));
        assert_eq!(
            CaseState::Flagged.apply(CaseEvent::Approve),
            Ok(CaseState::Approved)
        );
        assert_eq!(
            CaseState::Flagged.apply(CaseEvent::RequestRescan),
            Ok(CaseState::Rescan)
        );
        assert_eq!(
            CaseState::Rescan.apply(CaseEvent::Rescanned),
            Ok(CaseState::Received)
        );
        assert_eq!(
            CopyState::Valid
                .apply(CopyEvent::RequestRevocation)
                .and_then(|s| s.apply(CopyEvent::ConfirmRevocation)),
            Ok(CopyState::Revoked)
        );
    }

    #[test]
    fn final_states_take_no_event() {
        for s in CaseState::ALL.iter().filter(|s| s.is_final()) {
            for e in CaseEvent::ALL {
                assert!(s.apply(*e).is_err(), "{s} {e}");
            }
        }
        for e in CopyEvent::ALL {
            assert!(CopyState::Revoked.apply(*e).is_err());
        }
    }

    #[test]
    fn illegal_transition_is_typed_and_named() {
        let err = CaseState::Received.apply(CaseEvent::Approve);
        assert_eq!(
            err,
            Err(IllegalTransition {
                machine: "case",
                from: "received",
                event: "approve"
            })
        );
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("a case in state received cannot take approve".to_string())
        );
        // An unchecked case is never issued.
        assert!(CaseState::Received.apply(CaseEvent::AutoIssue).is_err());
        assert!(CaseState::Flagged.apply(CaseEvent::AutoIssue).is_err());
    }

    #[test]
    fn four_eyes_needs_two_people() {
        assert!(four_eyes("o1", "o2").is_ok());
        assert!(four_eyes("o1", "o1").is_err());
        assert!(four_eyes("o1", " O1 ").is_err());
    }
}
