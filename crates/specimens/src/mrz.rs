//! ICAO 9303 TD1 machine-readable zone of the Vietnamese citizen identity card (CCCD 2021).

use time::Date;
use unicode_normalization::UnicodeNormalization;

/// ICAO 9303 check digit (weights 7, 3, 1; digits as themselves, A–Z as 10–35, `<` as 0).
pub fn check_digit(s: &str) -> u8 {
    let weights = [7u32, 3, 1];
    let sum: u32 = s
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let v = match c {
                '0'..='9' => c as u32 - '0' as u32,
                'A'..='Z' => c as u32 - 'A' as u32 + 10,
                _ => 0,
            };
            v * weights[i % 3]
        })
        .sum();
    (sum % 10) as u8
}

/// A name as the MRZ writes it: diacritics dropped, Đ→D, upper case, spaces as `<`.
pub fn transliterate(name: &str) -> String {
    name.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'Đ' | 'đ' => 'D',
            c => c.to_ascii_uppercase(),
        })
        .filter(|c| c.is_ascii_alphabetic() || *c == ' ')
        .collect()
}

/// What the MRZ encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MrzData {
    /// The 12-digit personal identification number.
    pub id_number: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// `M` or `F`.
    pub sex: char,
    /// Date of expiry.
    pub expiry: Date,
    /// Full name as printed (any case, with diacritics).
    pub full_name: String,
}

fn yymmdd(d: Date) -> String {
    format!(
        "{:02}{:02}{:02}",
        d.year().rem_euclid(100),
        u8::from(d.month()),
        d.day()
    )
}

fn pad(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    while out.len() < n {
        out.push('<');
    }
    out
}

/// The three 30-character lines.
pub fn lines(d: &MrzData) -> [String; 3] {
    let id = &d.id_number;
    let doc = &id[id.len() - 9..];
    let mut l1 = format!("IDVNM{doc}{}{id}<<", check_digit(doc));
    l1.push(char::from(b'0' + check_digit(id)));
    let l1 = pad(&l1, 30);
    let dob = yymmdd(d.date_of_birth);
    let exp = yymmdd(d.expiry);
    let mut l2 = format!(
        "{dob}{}{}{exp}{}VNM",
        check_digit(&dob),
        d.sex,
        check_digit(&exp)
    );
    l2 = pad(&l2, 29);
    let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
    l2.push(char::from(b'0' + check_digit(&composite)));
    let name = transliterate(&d.full_name);
    let mut words = name.split_whitespace();
    let surname = words.next().unwrap_or_default().to_string();
    let given: Vec<&str> = words.collect();
    let l3 = pad(&format!("{surname}<<{}", given.join("<")), 30);
    [l1, l2, l3]
}

/// Positions (line 0-based, column 0-based) of the check digits, with a short name each.
pub const CHECK_POSITIONS: [(usize, usize, &str); 5] = [
    (0, 14, "document_number"),
    (0, 29, "optional_data"),
    (1, 6, "birth_date"),
    (1, 14, "expiry_date"),
    (1, 29, "composite"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn known_check_digits() {
        // ICAO 9303 part 3 example.
        assert_eq!(check_digit("L898902C3"), 6);
        assert_eq!(check_digit("740812"), 2);
        assert_eq!(check_digit("120415"), 9);
    }

    #[test]
    fn lines_are_30_wide() {
        let l = lines(&MrzData {
            id_number: "001089012345".into(),
            date_of_birth: date!(1989 - 03 - 07),
            sex: 'M',
            expiry: date!(2029 - 03 - 07),
            full_name: "Đặng Văn Ước".into(),
        });
        for s in &l {
            assert_eq!(s.len(), 30, "{s}");
        }
        assert!(l[0].starts_with("IDVNM089012345"));
        assert_eq!(l[2], "DANG<<VAN<UOC<<<<<<<<<<<<<<<<<");
    }
}
