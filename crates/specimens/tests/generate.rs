//! Specimens: files decode, answers parse, MRZ check digits behave, determinism, photocopies
//! carry no colour.

use std::path::Path;

use truecopy_specimens::{DocType, GenerateOptions, Variant, generate, render_case};

fn opts(seed: u64) -> GenerateOptions {
    GenerateOptions {
        seed,
        today: time::macros::date!(2026 - 11 - 25),
        // Small pages: the debug build is slow and the tests only need the structure.
        dpi_scale: 0.25,
        ..GenerateOptions::default()
    }
}

fn have_photos(o: &GenerateOptions) -> bool {
    let ok = o.photos_dir.is_dir();
    if !ok {
        eprintln!(
            "skipping: no photos at {} (scripts/fetch-assets.sh)",
            o.photos_dir.display()
        );
    }
    ok
}

/// ICAO 9303 check digit, written independently of the crate.
fn icao(s: &str) -> u32 {
    s.bytes()
        .zip([7u32, 3, 1].iter().cycle())
        .map(|(b, w)| {
            let v = match b {
                b'0'..=b'9' => (b - b'0') as u32,
                b'A'..=b'Z' => (b - b'A') as u32 + 10,
                _ => 0,
            };
            v * w
        })
        .sum::<u32>()
        % 10
}

/// Which of the five TD1 check digits hold.
fn mrz_checks(l1: &str, l2: &str) -> [bool; 5] {
    let d = |s: &str, i: usize| s.as_bytes()[i].wrapping_sub(b'0') as u32;
    let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
    [
        icao(&l1[5..14]) == d(l1, 14),
        icao(&l1[15..27]) == d(l1, 29),
        icao(&l2[0..6]) == d(l2, 6),
        icao(&l2[8..14]) == d(l2, 14),
        icao(&composite) == d(l2, 29),
    ]
}

#[test]
fn full_run_writes_decodable_files_and_answers() {
    let o = opts(7);
    if !have_photos(&o) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = generate(dir.path(), &o).expect("generate");
    // 4 types × the variants that apply: citizen_id has all 9, the others 5.
    assert_eq!(cases.len(), 9 + 3 * 5);
    let answers = std::fs::read_to_string(dir.path().join("answers.jsonl")).expect("answers");
    let lines: Vec<serde_json::Value> = answers
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), cases.len());
    for a in &lines {
        let id = a["case_id"].as_str().expect("case_id");
        let case_dir = dir.path().join(id);
        let t = a["document_type"].as_str().expect("type");
        let pages: Vec<&str> = if t == "citizen_id" {
            vec!["front.jpg", "back.jpg"]
        } else {
            vec!["page1.jpg"]
        };
        for p in pages.iter().chain(["selfie.jpg"].iter()) {
            let img = image::open(case_dir.join(p)).unwrap_or_else(|e| panic!("{id}/{p}: {e}"));
            assert!(img.width() > 50 && img.height() > 50);
        }
        let session = std::fs::read_to_string(case_dir.join("session.toml")).expect("session");
        assert!(
            session.starts_with("email = \"") && session.contains('@'),
            "{session}"
        );
        assert!(
            ["issue", "flag", "reject"]
                .contains(&a["expected_decision"].as_str().expect("decision"))
        );
        let fields = a["fields"].as_object().expect("fields");
        for (k, v) in fields {
            let v = v.as_str().expect("string field");
            assert!(!v.is_empty(), "{id}: {k} empty");
            if k.ends_with("date") || k == "date_of_birth" || k == "expiry_date" {
                assert!(
                    time::Date::parse(v, time::macros::format_description!("[year]-[month]-[day]"))
                        .is_ok(),
                    "{id}: {k}={v}"
                );
            }
            use unicode_normalization::UnicodeNormalization;
            assert_eq!(v.nfc().collect::<String>(), v, "{id}: {k} not NFC");
        }
        let reasons: Vec<&str> = a["expected_reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .filter_map(|r| r.as_str())
            .collect();
        match a["variant"].as_str().expect("variant") {
            "valid" => assert!(reasons.is_empty()),
            "altered" if t == "citizen_id" => {
                assert_eq!(reasons, ["altered_original", "mrz_visual_mismatch"])
            }
            "photocopy" => assert_eq!(reasons, ["not_an_original"]),
            _ => assert!(!reasons.is_empty()),
        }
    }
}

#[test]
fn mrz_check_digits_hold_on_valid_cards_and_fail_on_mrz_checksum() {
    let o = opts(11);
    if !have_photos(&o) {
        return;
    }
    for n in 0..3 {
        let valid = render_case(&o, DocType::CitizenId, Variant::Valid, n).expect("valid");
        let f = &valid.case.fields;
        let (l1, l2, l3) = (&f["mrz_line1"], &f["mrz_line2"], &f["mrz_line3"]);
        assert!(l1.len() == 30 && l2.len() == 30 && l3.len() == 30);
        assert_eq!(mrz_checks(l1, l2), [true; 5], "{l1} {l2}");
        // The MRZ agrees with the printed fields.
        let id = &f["id_number"];
        assert_eq!(&l1[15..27], id);
        assert_eq!(&l1[5..14], &id[3..]);
        let dob = f["date_of_birth"].replace('-', "");
        assert_eq!(&l2[0..6], &dob[2..]);
        assert_eq!(&l2[8..14], &f["expiry_date"].replace('-', "")[2..]);
        assert_eq!(&l2[7..8], if f["sex"] == "Nam" { "M" } else { "F" });
        // The 12-digit number's structure: province, century/sex, birth year.
        let century_sex = id.as_bytes()[3] - b'0';
        let year: i32 = f["date_of_birth"][..4].parse().expect("year");
        let expect = if year >= 2000 { 2 } else { 0 } + u8::from(f["sex"] != "Nam");
        assert_eq!(century_sex, expect);
        assert_eq!(&id[4..6], &format!("{:02}", year % 100));
        assert!(l3.contains("<<"));

        let bad =
            render_case(&o, DocType::CitizenId, Variant::MrzChecksum, n).expect("mrz_checksum");
        let f = &bad.case.fields;
        let checks = mrz_checks(&f["mrz_line1"], &f["mrz_line2"]);
        assert!(
            checks.iter().any(|ok| !ok),
            "all check digits hold on a mrz_checksum card"
        );
    }
}

#[test]
fn mismatch_and_expired_cards() {
    let o = opts(3);
    if !have_photos(&o) {
        return;
    }
    let m = render_case(&o, DocType::CitizenId, Variant::MrzMismatch, 0).expect("mismatch");
    let f = &m.case.fields;
    assert_eq!(mrz_checks(&f["mrz_line1"], &f["mrz_line2"]), [true; 5]);
    let exp = render_case(&o, DocType::CitizenId, Variant::Expired, 0).expect("expired");
    assert!(exp.case.fields["expiry_date"].as_str() < "2026-11-25");
    let ok = render_case(&o, DocType::CitizenId, Variant::Valid, 0).expect("valid");
    assert!(ok.case.fields["expiry_date"].as_str() > "2026-11-25");
}

#[test]
fn same_seed_same_bytes() {
    let o = opts(5);
    if !have_photos(&o) {
        return;
    }
    for (t, v) in [
        (DocType::CitizenId, Variant::Altered),
        (DocType::Decision, Variant::Photocopy),
    ] {
        let a = render_case(&o, t, v, 0).expect("a");
        let b = render_case(&o, t, v, 0).expect("b");
        assert_eq!(a.pages, b.pages);
        assert_eq!(a.selfie, b.selfie);
        assert_eq!(
            serde_json::to_string(&a.case).ok(),
            serde_json::to_string(&b.case).ok()
        );
        let c = render_case(&opts(6), t, v, 0).expect("c");
        assert_ne!(a.pages, c.pages);
    }
}

/// Share of pixels whose chroma exceeds what JPEG noise makes of grey, excluding red stamp ink.
fn colour_share(img: &image::RgbImage, allow_red: bool) -> f64 {
    let mut coloured = 0usize;
    for p in img.pixels() {
        let [r, g, b] = p.0.map(i32::from);
        let spread = r.max(g).max(b) - r.min(g).min(b);
        if spread > 28 {
            let reddish = r > g + 25 && r > b + 15;
            if !(allow_red && reddish) {
                coloured += 1;
            }
        }
    }
    coloured as f64 / (img.width() * img.height()) as f64
}

#[test]
fn photocopies_carry_no_colour() {
    let o = opts(9);
    if !have_photos(&o) {
        return;
    }
    for t in DocType::ALL {
        for n in 0..2 {
            let rc = render_case(&o, t, Variant::Photocopy, n).expect("photocopy");
            for (name, bytes) in &rc.pages {
                let img = image::load_from_memory(bytes).expect("decode").to_rgb8();
                let stamped = rc.case.scan[name].stamp.is_some();
                let share = colour_share(&img, stamped);
                assert!(share < 0.002, "{} {name}: {share}", rc.case.case_id);
            }
        }
        // An original in colour does have colour (the test can tell).
        let rc = render_case(&o, t, Variant::Valid, 0).expect("valid");
        let img = image::load_from_memory(&rc.pages[0].1)
            .expect("decode")
            .to_rgb8();
        assert!(colour_share(&img, false) > 0.002, "{t} original looks grey");
    }
}

#[test]
fn bad_options_are_errors() {
    let mut o = opts(1);
    assert!(render_case(&o, DocType::Diploma, Variant::MrzChecksum, 0).is_err());
    o.photos_dir = Path::new("/nonexistent/photos").to_path_buf();
    assert!(render_case(&o, DocType::CitizenId, Variant::Valid, 0).is_err());
}
