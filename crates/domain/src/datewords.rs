//! Dates written out in Vietnamese words.
//!
//! A birth certificate prints the date of birth twice: in figures ("19/03/1994") and in words
//! ("Ngày mười chín tháng ba năm một nghìn chín trăm chín mươi tư"). An original's two always
//! agree; a date of birth retyped in figures over correction fluid usually leaves the words as
//! they were. [`parse_date_words`] reads the words back into a date so the two can be compared.
//!
//! Accepted forms (case-insensitive, NFC, punctuation ignored): the unit words `không một mốt
//! hai ba bốn tư năm lăm sáu bảy bẩy tám chín`; tens `mười`, `<unit> mươi [<unit>]`; years
//! `<unit> nghìn|ngàn [<unit> trăm] [linh|lẻ <unit> | <tens>]`; an optional `mồng`/`mùng` before
//! the day; `giêng` (January) and `chạp` (December) as month names. Anything else → `None`:
//! a date the words do not spell unambiguously is not compared.

use time::{Date, Month};

fn unit(w: &str) -> Option<u32> {
    Some(match w {
        "không" => 0,
        "một" | "mốt" => 1,
        "hai" => 2,
        "ba" => 3,
        "bốn" | "tư" => 4,
        "năm" | "lăm" => 5,
        "sáu" => 6,
        "bảy" | "bẩy" => 7,
        "tám" => 8,
        "chín" => 9,
        _ => return None,
    })
}

/// A number below 100.
fn below_100(t: &[&str]) -> Option<u32> {
    match t {
        [u] if *u != "mười" => unit(u),
        ["mười"] => Some(10),
        ["mười", u] => unit(u).filter(|&u| u > 0).map(|u| 10 + u),
        [t, "mươi"] => unit(t).filter(|&t| t >= 2).map(|t| 10 * t),
        [t, "mươi", u] => {
            let t = unit(t).filter(|&t| t >= 2)?;
            unit(u).filter(|&u| u > 0).map(|u| 10 * t + u)
        }
        _ => None,
    }
}

fn year(t: &[&str]) -> Option<u32> {
    let [th, k, rest @ ..] = t else { return None };
    if !matches!(*k, "nghìn" | "ngàn") {
        return None;
    }
    let mut y = unit(th).filter(|&u| u > 0)? * 1000;
    let rest = match rest {
        // "không trăm" (no hundreds) is only ever said before the tens or units: words ending
        // on it were cut off (a wrapped line OCR did not read), not the year 2000.
        ["không", "trăm"] => return None,
        [h, "trăm", rest @ ..] => {
            y += unit(h)? * 100;
            rest
        }
        _ => rest,
    };
    y += match rest {
        [] => 0,
        ["linh" | "lẻ", u] => unit(u)?,
        r => below_100(r).filter(|&n| n >= 10)?,
    };
    Some(y)
}

/// The date the words spell, or `None` when they do not spell one unambiguously.
pub fn parse_date_words(s: &str) -> Option<Date> {
    let lower = s.to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ':' | ';'))
        .filter(|t| !t.is_empty())
        .collect();
    let day_at = tokens.iter().position(|t| *t == "ngày")?;
    let month_at = day_at + tokens[day_at..].iter().position(|t| *t == "tháng")?;
    // "năm" is both "year" and "five" ("tháng năm năm hai nghìn …" is May): the year keyword is
    // the "năm" followed by "<unit> nghìn".
    let year_at = (month_at + 1..tokens.len()).find(|&i| {
        tokens[i] == "năm"
            && tokens.get(i + 1).is_some_and(|t| unit(t).is_some())
            && tokens
                .get(i + 2)
                .is_some_and(|t| matches!(*t, "nghìn" | "ngàn"))
    })?;
    let mut day_words = &tokens[day_at + 1..month_at];
    if let ["mồng" | "mùng", rest @ ..] = day_words {
        day_words = rest;
    }
    let day = below_100(day_words)?;
    let month = match &tokens[month_at + 1..year_at] {
        ["giêng"] => 1,
        ["chạp"] => 12,
        m => below_100(m)?,
    };
    let y = year(&tokens[year_at + 1..])?;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(day).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_spelled_as_certificates_print_them_are_read() {
        for (words, d) in [
            (
                "Ngày mười chín tháng ba năm một nghìn chín trăm chín mươi tư",
                date!(1994 - 03 - 19),
            ),
            (
                "ngày hai mươi mốt tháng tư năm hai nghìn không trăm linh ba",
                date!(2003 - 04 - 21),
            ),
            (
                "Ngày mồng năm tháng năm năm hai nghìn",
                date!(2000 - 05 - 05),
            ),
            (
                "Ngày ba mươi tháng mười hai năm một ngàn chín trăm tám mươi lăm.",
                date!(1985 - 12 - 30),
            ),
            (
                "Ngày mười lăm, tháng mười một, năm hai nghìn không trăm mười",
                date!(2010 - 11 - 15),
            ),
            (
                "Ngày hai mươi tháng giêng năm hai nghìn lẻ chín",
                date!(2009 - 01 - 20),
            ),
            (
                "NGÀY MỘT THÁNG BẨY NĂM HAI NGHÌN HAI MƯƠI",
                date!(2020 - 07 - 01),
            ),
        ] {
            assert_eq!(parse_date_words(words), Some(d), "{words}");
        }
    }

    #[test]
    fn words_that_do_not_spell_one_date_are_not_read() {
        for words in [
            "",
            "19/03/1994",
            // No such day.
            "Ngày ba mươi tháng hai năm hai nghìn",
            // A garbled number.
            "Ngày mười mươi tháng ba năm một nghìn chín trăm",
            // Cut off after "không trăm" (its wrapped rest unread): not the year 2000.
            "Ngày hai tháng mười hai năm hai nghìn không trăm",
            "Ngày mười chín tháng mười ba năm hai nghìn",
            // No year.
            "Ngày mười chín tháng ba năm",
            // An OCR slip the words cannot be trusted with.
            "Ngày mười chín tháng ba nám một nghìn chín trăm chín mươi tư",
            "Ngày mười chín tháng ba năm một nghìn chín trăm linh",
        ] {
            assert_eq!(parse_date_words(words), None, "{words}");
        }
    }

    #[test]
    fn every_date_of_a_century_round_trips_through_its_words() {
        // The spelling rules, written out independently of the parser (units, "mốt", "tư",
        // "lăm", "linh").
        const U: [&str; 10] = [
            "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
        ];
        let n99 = |n: u32| -> String {
            let (t, u) = (n / 10, n % 10);
            match (t, u) {
                (0, u) => U[u as usize].into(),
                (1, 0) => "mười".into(),
                (1, 5) => "mười lăm".into(),
                (1, u) => format!("mười {}", U[u as usize]),
                (t, 0) => format!("{} mươi", U[t as usize]),
                (t, 1) => format!("{} mươi mốt", U[t as usize]),
                (t, 4) => format!("{} mươi tư", U[t as usize]),
                (t, 5) => format!("{} mươi lăm", U[t as usize]),
                (t, u) => format!("{} mươi {}", U[t as usize], U[u as usize]),
            }
        };
        let mut d = date!(1930 - 01 - 01);
        while d <= date!(2030 - 12 - 31) {
            let y = d.year() as u32;
            let (h, r) = ((y / 100) % 10, y % 100);
            let mut yw = format!("{} nghìn", U[(y / 1000) as usize]);
            if h != 0 || r != 0 {
                yw.push_str(&format!(" {} trăm", U[h as usize]));
                if (1..10).contains(&r) {
                    yw.push_str(&format!(" linh {}", U[r as usize]));
                } else if r >= 10 {
                    yw.push_str(&format!(" {}", n99(r)));
                }
            }
            let m = u8::from(d.month()) as u32;
            let mw = if m == 4 { "tư".into() } else { n99(m) };
            let words = format!("Ngày {} tháng {mw} năm {yw}", n99(u32::from(d.day())));
            assert_eq!(parse_date_words(&words), Some(d), "{words}");
            d = d.next_day().expect("next day");
        }
    }
}
