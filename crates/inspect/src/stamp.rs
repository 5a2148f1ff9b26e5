//! Does the OCR text of a page carry a copy stamp?
//!
//! What counts, and why: a rubber stamp is set in capitals and says nothing else, so only words
//! written **entirely in capitals** count — `BẢN SAO` ("copy"), `SAO Y BẢN CHÍNH` ("copy true to
//! the original", the copying office's stamp), `COPY` / `PHOTOCOPY` as a whole word (so
//! `COPY`, `TRUE COPY`, `CERTIFIED COPY`, but not `COPYRIGHT`). A body text that mentions
//! "bản sao" or "copy" in a sentence writes it in lower or sentence case ("Bản sao được cấp từ
//! sổ gốc…") and does not count. A heading in capitals such as `BẢN SAO GIẤY KHAI SINH` does
//! count: such a paper is a copy issued from the register, not an original, and an officer must
//! decide on it.
//!
//! OCR is tolerated: diacritics may be missing or decomposed (`BAN SAO`), `0` may stand for `O`,
//! and the stamp may share a line with the text it overlaps.

use unicode_normalization::UnicodeNormalization;

/// True when `page_text` (OCR output of one page) contains a copy stamp's wording in capitals.
pub fn stamp_text_says_copy(page_text: &str) -> bool {
    let runs = capital_runs(page_text);
    runs.iter().any(|run| {
        run.iter().enumerate().any(|(i, w)| {
            matches!(w.as_str(), "COPY" | "PHOTOCOPY")
                || (w == "BAN" && run.get(i + 1).is_some_and(|n| n == "SAO"))
                || (w == "SAO"
                    && run.get(i + 1).is_some_and(|n| n == "Y")
                    && run.get(i + 2).is_some_and(|n| n == "BAN"))
        })
    })
}

/// Runs of consecutive all-capital words (folded), split by any word with a lower-case letter.
fn capital_runs(text: &str) -> Vec<Vec<String>> {
    let mut runs = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    for t in text
        .split(|c: char| !c.is_alphanumeric() && !is_mark(c))
        .filter(|t| !t.is_empty())
    {
        let capital = t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase);
        if capital {
            cur.push(fold(t));
        } else if t.chars().any(char::is_alphabetic) {
            if !cur.is_empty() {
                runs.push(std::mem::take(&mut cur));
            }
        } else {
            // A number: keep the run going only if it is not a word of its own (OCR "SA0").
            cur.push(fold(t));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

fn is_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// Upper-case ASCII fold: strip diacritics (NFD minus combining marks), Đ → D, 0 → O.
fn fold(t: &str) -> String {
    t.nfd()
        .filter(|c| !is_mark(*c))
        .map(|c| match c {
            'Đ' | 'đ' => 'D',
            '0' => 'O',
            c => c,
        })
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_words_in_capitals_count() {
        assert!(stamp_text_says_copy(
            "CỘNG HÒA XÃ HỘI\nBẢN SAO\nGiấy khai sinh"
        ));
        assert!(stamp_text_says_copy("VIỆT NAM BẢN SAO"));
        assert!(stamp_text_says_copy("BAN SA0"));
        assert!(stamp_text_says_copy("BA\u{309}N SAO")); // decomposed
        assert!(stamp_text_says_copy("COPY"));
        assert!(stamp_text_says_copy("CERTIFIED COPY"));
        assert!(stamp_text_says_copy("SAO Y BẢN CHÍNH"));
        assert!(stamp_text_says_copy("BẢN SAO GIẤY KHAI SINH"));
    }

    #[test]
    fn mentions_in_sentences_do_not() {
        assert!(!stamp_text_says_copy(
            "Bản sao được cấp từ sổ gốc có giá trị như bản chính."
        ));
        assert!(!stamp_text_says_copy(
            "Cơ quan nhận bản sao của quyết định này"
        ));
        assert!(!stamp_text_says_copy(
            "This copy is for information. Copyright 2024"
        ));
        assert!(!stamp_text_says_copy("COPYRIGHT RESERVED"));
        assert!(!stamp_text_says_copy("QUYẾT ĐỊNH\nĐiều 1. Tặng Giấy khen"));
        assert!(!stamp_text_says_copy("BẢN CHÍNH"));
        assert!(!stamp_text_says_copy("BÁN Sao"));
        assert!(!stamp_text_says_copy(""));
    }
}
