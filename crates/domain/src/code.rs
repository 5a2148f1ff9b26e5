//! Identification codes.
//!
//! A code is 23 random Crockford-base32 characters (115 bits from a CSPRNG) followed by one check
//! character (Luhn mod 32), printed in six groups of four: `7K3M-QX2D-94HA-TR3W-E6BN-VP0C`.
//!
//! Reading is forgiving the way Crockford base32 is: case is ignored, hyphens and spaces are
//! dropped, `I`/`L` read as `1` and `O` as `0`. The check character then catches every single
//! mistyped character and every swap of two neighbouring characters except `0`↔`Z` (the one pair
//! Luhn mod 32 cannot see), before any database lookup.

use std::fmt;
use std::str::FromStr;

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};

/// Crockford's base32 alphabet (no I, L, O, U).
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random characters in a code.
pub const DATA_CHARS: usize = 23;
/// Characters in a code, check character included.
pub const CODE_CHARS: usize = DATA_CHARS + 1;
/// Random bits in a code.
pub const RANDOM_BITS: usize = DATA_CHARS * 5;
// Codes must not be guessable: at least 96 bits, checked when compiling.
const _: () = assert!(RANDOM_BITS >= 96);

/// Why a typed code was not accepted. Each variant is decided before any lookup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("an identification code has {expected} characters, this one has {found}")]
    WrongLength { expected: usize, found: usize },
    #[error("character {ch:?} at position {position} is not used in identification codes")]
    InvalidCharacter { ch: char, position: usize },
    #[error("the check character does not match: the code was mistyped")]
    Mistyped,
}

impl CodeError {
    /// Stable snake_case reason code.
    pub fn reason_code(&self) -> &'static str {
        match self {
            CodeError::WrongLength { .. } => "code_wrong_length",
            CodeError::InvalidCharacter { .. } => "code_invalid_character",
            CodeError::Mistyped => "code_mistyped",
        }
    }
}

/// A valid identification code, held in its canonical form (24 characters, no hyphens).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdCode(String);

fn value_of(c: u8) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        b'I' | b'L' => b'1',
        b'O' => b'0',
        other => other,
    };
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// Luhn mod 32 check value for `data` (values 0..32), as a value 0..32.
fn check_value(data: &[u32]) -> u32 {
    const N: u32 = 32;
    let mut sum = 0;
    // Double every second value starting from the rightmost data character.
    for (i, &v) in data.iter().rev().enumerate() {
        let addend = if i % 2 == 0 {
            let d = v * 2;
            d / N + d % N
        } else {
            v
        };
        sum += addend;
    }
    (N - sum % N) % N
}

impl IdCode {
    /// Draws a new code from a cryptographically secure generator.
    pub fn generate(rng: &mut impl CryptoRngCore) -> IdCode {
        let mut values = Vec::with_capacity(CODE_CHARS);
        let mut buf = [0u8; DATA_CHARS];
        rng.fill_bytes(&mut buf);
        // 256 is a multiple of 32: taking the low five bits of a uniform byte is uniform.
        values.extend(buf.iter().map(|b| u32::from(b & 31)));
        values.push(check_value(&values));
        IdCode(
            values
                .iter()
                .map(|&v| ALPHABET[v as usize] as char)
                .collect(),
        )
    }

    /// Reads a code as typed by a person or found in a URL.
    pub fn parse(input: &str) -> Result<IdCode, CodeError> {
        let mut values = Vec::with_capacity(CODE_CHARS);
        let mut position = 0;
        for ch in input.chars() {
            if ch == '-' || ch == ' ' {
                continue;
            }
            position += 1;
            if values.len() > CODE_CHARS * 2 {
                // Bounded work on hostile input; the length error below reports it.
                continue;
            }
            let v = if ch.is_ascii() {
                value_of(ch as u8)
            } else {
                None
            };
            match v {
                Some(v) => values.push(v),
                None => return Err(CodeError::InvalidCharacter { ch, position }),
            }
        }
        if position != CODE_CHARS {
            return Err(CodeError::WrongLength {
                expected: CODE_CHARS,
                found: position,
            });
        }
        let (data, check) = values.split_at(DATA_CHARS);
        if check_value(data) != check[0] {
            return Err(CodeError::Mistyped);
        }
        Ok(IdCode(
            values
                .iter()
                .map(|&v| ALPHABET[v as usize] as char)
                .collect(),
        ))
    }

    /// The canonical 24-character form (stored in the register, used in URLs).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form: six groups of four separated by hyphens.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(CODE_CHARS + CODE_CHARS / 4);
        for (i, ch) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(ch);
        }
        out
    }
}

impl fmt::Display for IdCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl fmt::Debug for IdCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdCode({})", self.grouped())
    }
}

impl FromStr for IdCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdCode::parse(s)
    }
}

impl TryFrom<String> for IdCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IdCode::parse(&s)
    }
}

impl From<IdCode> for String {
    fn from(c: IdCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    fn sample() -> IdCode {
        IdCode::generate(&mut OsRng)
    }

    #[test]
    fn generated_codes_parse_back_in_every_printed_form() {
        for _ in 0..200 {
            let c = sample();
            assert_eq!(c.as_str().len(), CODE_CHARS);
            assert_eq!(IdCode::parse(c.as_str()), Ok(c.clone()));
            assert_eq!(IdCode::parse(&c.grouped()), Ok(c.clone()));
            assert_eq!(IdCode::parse(&c.grouped().to_lowercase()), Ok(c.clone()));
            assert_eq!(c.grouped().len(), 29);
        }
    }

    #[test]
    fn every_single_substitution_is_caught() {
        for _ in 0..50 {
            let c = sample();
            let chars: Vec<u8> = c.as_str().bytes().collect();
            for pos in 0..CODE_CHARS {
                for &other in ALPHABET {
                    if other == chars[pos] {
                        continue;
                    }
                    let mut typo = chars.clone();
                    typo[pos] = other;
                    let typo = String::from_utf8(typo).expect("ascii");
                    assert_eq!(IdCode::parse(&typo), Err(CodeError::Mistyped), "{typo}");
                }
            }
        }
    }

    #[test]
    fn neighbour_swaps_are_caught_except_zero_and_z() {
        let mut missed = 0;
        for _ in 0..200 {
            let c = sample();
            let chars: Vec<u8> = c.as_str().bytes().collect();
            for pos in 0..CODE_CHARS - 1 {
                if chars[pos] == chars[pos + 1] {
                    continue;
                }
                let mut typo = chars.clone();
                typo.swap(pos, pos + 1);
                let pair = [chars[pos], chars[pos + 1]];
                let blind = pair == *b"0Z" || pair == *b"Z0";
                let result = IdCode::parse(std::str::from_utf8(&typo).expect("ascii"));
                if blind {
                    missed += 1;
                } else {
                    assert_eq!(result, Err(CodeError::Mistyped));
                }
            }
        }
        // The 0/Z blind spot exists but is rare.
        assert!(missed < 50, "{missed}");
    }

    #[test]
    fn confusable_letters_read_as_digits() {
        let c = sample();
        let typed = c.as_str().replace('1', "l").replace('0', "O");
        assert_eq!(IdCode::parse(&typed), Ok(c));
    }

    #[test]
    fn bad_input_names_the_problem() {
        assert_eq!(
            IdCode::parse("ABCD"),
            Err(CodeError::WrongLength {
                expected: 24,
                found: 4
            })
        );
        assert_eq!(
            IdCode::parse("ABCU"),
            Err(CodeError::InvalidCharacter {
                ch: 'U',
                position: 4
            })
        );
        assert!(matches!(
            IdCode::parse("Ừ"),
            Err(CodeError::InvalidCharacter { ch: 'Ừ', .. })
        ));
        let long = "A".repeat(100_000);
        assert!(matches!(
            IdCode::parse(&long),
            Err(CodeError::WrongLength { found: 100_000, .. })
        ));
    }

    #[test]
    fn codes_differ() {
        let a = sample();
        let b = sample();
        assert_ne!(a, b);
    }
}
