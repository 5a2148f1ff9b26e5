//! Register numbers (số chứng thực).
//!
//! Circular 01/2020/TT-BTP keeps one register book of certified copies ("sổ chứng thực bản sao từ
//! bản chính", type code `SCT/BS`) per year; each certified document gets the next number in it.
//! truecopy numbers copies within a (book, year) pair, starting at 1 every year, never reusing and
//! never skipping a number (the registry allocates it in the same transaction that records the copy).
//!
//! Two printed forms:
//! - compact (stored, shown on the portal): `000123/Q01/2026-SCT/BS`
//! - in the certification statement: `Số chứng thực: 000123, quyển số: 01/2026-SCT/BS`

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The register's type code for certified copies from originals.
pub const TYPE_CODE: &str = "SCT/BS";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RegisterNumber {
    pub year: i32,
    pub book: u16,
    pub seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterNumberError {
    #[error("a register number looks like 000123/Q01/2026-SCT/BS; got {0:?}")]
    Malformed(String),
}

impl RegisterNumber {
    pub fn new(year: i32, book: u16, seq: u64) -> RegisterNumber {
        RegisterNumber { year, book, seq }
    }

    /// The book as printed: `01/2026-SCT/BS`.
    pub fn book_label(&self) -> String {
        format!("{:02}/{}-{}", self.book, self.year, TYPE_CODE)
    }

    /// The Vietnamese wording used in the certification statement.
    pub fn statement_vi(&self) -> String {
        format!(
            "Số chứng thực: {:06}, quyển số: {}",
            self.seq,
            self.book_label()
        )
    }

    /// The English wording used beside it.
    pub fn statement_en(&self) -> String {
        format!(
            "Certification No. {:06}, register book {}",
            self.seq,
            self.book_label()
        )
    }
}

impl fmt::Display for RegisterNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:06}/Q{:02}/{}-{}",
            self.seq, self.book, self.year, TYPE_CODE
        )
    }
}

impl FromStr for RegisterNumber {
    type Err = RegisterNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || RegisterNumberError::Malformed(s.chars().take(64).collect());
        let rest = s
            .strip_suffix(TYPE_CODE)
            .and_then(|r| r.strip_suffix('-'))
            .ok_or_else(bad)?;
        let mut parts = rest.split('/');
        let seq = parts.next().ok_or_else(bad)?;
        let book = parts
            .next()
            .and_then(|b| b.strip_prefix('Q'))
            .ok_or_else(bad)?;
        let year = parts.next().ok_or_else(bad)?;
        if parts.next().is_some() {
            return Err(bad());
        }
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(seq) && all_digits(book) && all_digits(year)) || year.len() != 4 {
            return Err(bad());
        }
        let n = RegisterNumber {
            seq: seq.parse().map_err(|_| bad())?,
            book: book.parse().map_err(|_| bad())?,
            year: year.parse().map_err(|_| bad())?,
        };
        if n.seq == 0 {
            return Err(bad());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_and_parses() {
        let n = RegisterNumber::new(2026, 1, 123);
        assert_eq!(n.to_string(), "000123/Q01/2026-SCT/BS");
        assert_eq!("000123/Q01/2026-SCT/BS".parse(), Ok(n));
        assert_eq!(
            n.statement_vi(),
            "Số chứng thực: 000123, quyển số: 01/2026-SCT/BS"
        );
        let big = RegisterNumber::new(2027, 12, 1_234_567);
        assert_eq!(big.to_string().parse(), Ok(big));
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "",
            "SCT/BS",
            "000123/Q01/2026",
            "000123/01/2026-SCT/BS",
            "0/Q01/2026-SCT/BS",
            "12/Q01/26-SCT/BS",
            "x/Q01/2026-SCT/BS",
            "1/Q01/2026/1-SCT/BS",
        ] {
            assert!(s.parse::<RegisterNumber>().is_err(), "{s}");
        }
    }
}
