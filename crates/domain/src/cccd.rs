//! Rules of the Vietnamese citizen identity card (CCCD) that need no image: the structure of the
//! 12-digit personal identification number and the validity dates.
//!
//! Number = 3-digit province code of the place of birth registration (Circular 07/2016/TT-BCA,
//! Art. 7 and its annex) + 1 century/sex digit + 2-digit birth year + 6 random digits.
//! Century/sex digit: 0/1 = 20th century male/female, 2/3 = 21st, 4/5 = 22nd, 6/7 = 23rd,
//! 8/9 = 24th.

/// The 63 province codes of Circular 07/2016/TT-BCA.
pub const PROVINCE_CODES: &[(&str, &str)] = &[
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa - Vũng Tàu"),
    ("079", "Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
];

/// Sex as printed on the card ("Nam" / "Nữ").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// Reads the printed value (Vietnamese or English, any case). `None` when unreadable.
    pub fn parse(printed: &str) -> Option<Sex> {
        let t: String = printed.trim().to_lowercase();
        match t.as_str() {
            "nam" | "male" | "m" => Some(Sex::Male),
            "nữ" | "nu" | "female" | "f" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// Why a number is not a well-formed CCCD number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberProblem {
    #[error("the number has {0} characters, expected 12 digits")]
    Length(usize),
    #[error("the number contains a character that is not a digit")]
    NotDigits,
    #[error("province code {0} does not exist")]
    Province(String),
    #[error("century/sex digit {digit} says {said}, the card says {printed}")]
    Sex {
        digit: char,
        said: &'static str,
        printed: &'static str,
    },
    #[error("the number encodes birth year {encoded}, the card says {printed}")]
    BirthYear { encoded: i32, printed: i32 },
}

/// Checks a 12-digit number against the holder's printed sex and birth year (when known).
pub fn check_id_number(
    number: &str,
    sex: Option<Sex>,
    birth_year: Option<i32>,
) -> Result<(), IdNumberProblem> {
    let n = number.chars().count();
    if n != 12 {
        return Err(IdNumberProblem::Length(n));
    }
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdNumberProblem::NotDigits);
    }
    let province = &number[0..3];
    if !PROVINCE_CODES.iter().any(|(c, _)| *c == province) {
        return Err(IdNumberProblem::Province(province.into()));
    }
    let digit = number.as_bytes()[3] - b'0';
    let century_base = 1900 + 100 * i32::from(digit / 2);
    let encoded_sex = if digit.is_multiple_of(2) {
        Sex::Male
    } else {
        Sex::Female
    };
    if let Some(printed) = sex
        && printed != encoded_sex
    {
        let name = |s: Sex| if s == Sex::Male { "male" } else { "female" };
        return Err(IdNumberProblem::Sex {
            digit: char::from(b'0' + digit),
            said: name(encoded_sex),
            printed: name(printed),
        });
    }
    let yy: i32 = number[4..6]
        .parse()
        .map_err(|_| IdNumberProblem::NotDigits)?;
    let encoded_year = century_base + yy;
    if let Some(printed) = birth_year
        && printed != encoded_year
    {
        return Err(IdNumberProblem::BirthYear {
            encoded: encoded_year,
            printed,
        });
    }
    Ok(())
}

/// A calendar date read from a document (ISO 8601 `YYYY-MM-DD`), validated.
pub fn parse_iso_date(s: &str) -> Option<time::Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s[0..4].parse().ok()?;
    let m: u8 = s[5..7].parse().ok()?;
    let d: u8 = s[8..10].parse().ok()?;
    time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// Whether a document valid until `expiry` (inclusive) has expired on `today`.
pub fn is_expired(expiry: time::Date, today: time::Date) -> bool {
    expiry < today
}

/// Today's date in Vietnam (UTC+7), the calendar the documents and the law use.
pub fn vietnam_date(now: time::OffsetDateTime) -> time::Date {
    now.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC))
        .date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_numbers_pass() {
        // Hà Nội, male born 1995.
        assert_eq!(
            check_id_number("001095012345", Some(Sex::Male), Some(1995)),
            Ok(())
        );
        // Hồ Chí Minh, female born 2003.
        assert_eq!(
            check_id_number("079303000001", Some(Sex::Female), Some(2003)),
            Ok(())
        );
        // Sex and year unknown: structure only.
        assert_eq!(check_id_number("096199999999", None, None), Ok(()));
    }

    #[test]
    fn each_problem_is_named() {
        assert_eq!(
            check_id_number("00109501234", None, None),
            Err(IdNumberProblem::Length(11))
        );
        assert_eq!(
            check_id_number("00109501234X", None, None),
            Err(IdNumberProblem::NotDigits)
        );
        assert_eq!(
            check_id_number("003095012345", None, None),
            Err(IdNumberProblem::Province("003".into()))
        );
        assert!(matches!(
            check_id_number("001095012345", Some(Sex::Female), None),
            Err(IdNumberProblem::Sex { digit: '0', .. })
        ));
        assert_eq!(
            check_id_number("001095012345", Some(Sex::Male), Some(2095)),
            Err(IdNumberProblem::BirthYear {
                encoded: 1995,
                printed: 2095
            })
        );
        assert_eq!(
            check_id_number("001295012345", Some(Sex::Male), Some(1995)),
            Err(IdNumberProblem::BirthYear {
                encoded: 2095,
                printed: 1995
            })
        );
    }

    #[test]
    fn sixty_three_distinct_provinces() {
        let mut codes: Vec<_> = PROVINCE_CODES.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 63);
    }

    #[test]
    fn dates_and_expiry() {
        let d = parse_iso_date("2026-11-25").expect("date");
        assert!(parse_iso_date("2026-02-30").is_none());
        assert!(parse_iso_date("25/11/2026").is_none());
        assert!(!is_expired(d, d), "valid through its last day");
        assert!(is_expired(d, d.next_day().expect("next")));
        // 17:30 UTC on the 25th is 00:30 on the 26th in Hanoi.
        let late = time::macros::datetime!(2026-11-25 17:30 UTC);
        assert_eq!(
            vietnam_date(late),
            parse_iso_date("2026-11-26").expect("date")
        );
    }
}
