//! Pure types and rules of truecopy. No I/O, no database, no clock, no randomness source of its
//! own: callers pass the time and a CSPRNG in.
//!
//! - [`code`]: identification codes printed on every copy (≥ 96 random bits, Crockford base32,
//!   with a check character so a mistyped code is caught before any lookup).
//! - [`register`]: register numbers as Circular 01/2020/TT-BTP asks (sequence, book, year, SCT/BS).
//! - [`state`]: the two state machines (case, copy), enforced here and only here.
//! - [`audit`]: the hash chain of the audit log.
//! - [`document`]: document types and routing decisions.
//! - [`cccd`]: the ID card number's structure and validity dates.
//! - [`datewords`]: dates written in Vietnamese words (a birth certificate's date of birth).
//! - [`checks`]: the kiosk's checks, their stable reason codes, and the routing rule.
//! - [`grounds`]: the legal grounds of a written refusal (Decree 23/2015 Art 20(1), Art 22).

pub mod audit;
pub mod cccd;
pub mod checks;
pub mod code;
pub mod datewords;
pub mod deadline;
pub mod document;
pub mod grounds;
pub mod mrz;
pub mod register;
pub mod state;
pub mod timefmt;

pub use audit::{AuditEntry, ChainBreak, GENESIS_HASH};
pub use checks::{Check, CheckCode, CheckStatus, route};
pub use code::{CodeError, IdCode};
pub use document::{Decision, DocumentType};
pub use grounds::RefusalGround;
pub use register::{RegisterNumber, RegisterNumberError};
pub use state::{CaseEvent, CaseState, CopyEvent, CopyState, IllegalTransition};
