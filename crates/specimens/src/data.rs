//! Synthetic Vietnamese people, places and documents. Every name, number and address is made up
//! from small tables; province codes, administrative titles and layouts follow the real ones.

use time::{Date, Duration, Month};

use crate::rng::Rng;

const SURNAMES: &[&str] = &[
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan",
    "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Cao",
    "Lương",
];
const MIDDLE_M: &[&str] = &[
    "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Đình", "Quốc", "Bá", "Trọng",
];
const MIDDLE_F: &[&str] = &[
    "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Bích", "Khánh", "Diệu", "Phương",
];
const GIVEN_M: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Huy", "Khánh", "Long", "Lộc",
    "Nam", "Phúc", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Khoa", "Nghĩa", "Phong", "Tài",
    "Toàn", "Vượng", "Đông", "Hưng", "Kiên", "Lực", "Thịnh",
];
const GIVEN_F: &[&str] = &[
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai",
    "Nga", "Ngân", "Nhung", "Phương", "Quỳnh", "Thảo", "Trang", "Yến", "Huyền", "Ly", "Oanh",
    "Thủy", "Vân", "Xuân", "Diệp", "Hạnh", "Tuyết", "Ánh",
];

/// A made-up person.
#[derive(Debug, Clone)]
pub struct Person {
    /// "Nguyễn Văn An" (title case, NFC).
    pub name: String,
    /// Sex.
    pub male: bool,
    /// Date of birth.
    pub dob: Date,
}

impl Person {
    /// Name in upper case, as ID cards and birth certificates print it.
    pub fn upper(&self) -> String {
        self.name.to_uppercase()
    }
    /// "Nam" or "Nữ".
    pub fn sex_vi(&self) -> &'static str {
        if self.male { "Nam" } else { "Nữ" }
    }
    /// "Ông" or "Bà".
    pub fn honorific(&self) -> &'static str {
        if self.male { "Ông" } else { "Bà" }
    }
}

/// A random name.
pub fn name(rng: &mut Rng, male: bool) -> String {
    let s = rng.pick(SURNAMES);
    let (m, g) = if male {
        (MIDDLE_M, GIVEN_M)
    } else {
        (MIDDLE_F, GIVEN_F)
    };
    let mid = rng.pick(m);
    let given = rng.pick(g);
    if rng.chance(0.25) {
        let mid2 = rng.pick(if male { GIVEN_M } else { GIVEN_F });
        if mid2 != given {
            return format!("{s} {mid} {mid2} {given}");
        }
    }
    format!("{s} {mid} {given}")
}

/// A random person born between the two years (inclusive).
pub fn person(rng: &mut Rng, from_year: i32, to_year: i32) -> Person {
    let male = rng.chance(0.5);
    Person {
        name: name(rng, male),
        male,
        dob: date_between(rng, ymd(from_year, 1, 1), ymd(to_year, 12, 31)),
    }
}

/// A date from its parts (clamped to a valid day).
pub fn ymd(y: i32, m: u8, d: u8) -> Date {
    let month = Month::try_from(m.clamp(1, 12)).unwrap_or(Month::January);
    let d = d.clamp(1, time::util::days_in_month(month, y));
    Date::from_calendar_date(y, month, d).unwrap_or(Date::MIN)
}

/// Uniform date in [a, b].
pub fn date_between(rng: &mut Rng, a: Date, b: Date) -> Date {
    let days = (b - a).whole_days().max(0);
    a + Duration::days(rng.int(0, days))
}

/// The same day and month `years` later (29 February becomes 28 February).
pub fn add_years(d: Date, years: i32) -> Date {
    ymd(d.year() + years, u8::from(d.month()), d.day())
}

/// dd/mm/yyyy.
pub fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// ISO 8601.
pub fn iso(d: Date) -> String {
    format!("{}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// "ngày 08 tháng 8 năm 2026" as Decree 30/2020 writes dates (a leading zero for days below 10
/// and for January and February).
pub fn decree_date(d: Date) -> String {
    let m = u8::from(d.month());
    let ms = if m < 3 {
        format!("{m:02}")
    } else {
        m.to_string()
    };
    format!("ngày {:02} tháng {ms} năm {}", d.day(), d.year())
}

const UNITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// A number below 100 in Vietnamese words.
fn words_99(n: u32) -> String {
    let (t, u) = (n / 10, n % 10);
    match t {
        0 => UNITS[u as usize].to_string(),
        1 => match u {
            0 => "mười".into(),
            5 => "mười lăm".into(),
            _ => format!("mười {}", UNITS[u as usize]),
        },
        _ => {
            let unit = match u {
                0 => String::new(),
                1 => " mốt".into(),
                4 => " tư".into(),
                5 => " lăm".into(),
                _ => format!(" {}", UNITS[u as usize]),
            };
            format!("{} mươi{unit}", UNITS[t as usize])
        }
    }
}

/// A year in Vietnamese words ("một nghìn chín trăm chín mươi tư", "hai nghìn không trăm linh ba").
fn words_year(y: u32) -> String {
    let (th, h, r) = (y / 1000, (y / 100) % 10, y % 100);
    let mut s = format!("{} nghìn", UNITS[th as usize]);
    if h == 0 && r == 0 {
        return s;
    }
    s.push_str(&format!(" {} trăm", UNITS[h as usize]));
    if r == 0 {
    } else if r < 10 {
        s.push_str(&format!(" linh {}", UNITS[r as usize]));
    } else {
        s.push(' ');
        s.push_str(&words_99(r));
    }
    s
}

/// "Ngày mười chín tháng ba năm một nghìn chín trăm chín mươi tư".
pub fn date_words(d: Date) -> String {
    let m = u8::from(d.month()) as u32;
    let month = if m == 4 {
        "tư".to_string()
    } else {
        words_99(m)
    };
    format!(
        "Ngày {} tháng {month} năm {}",
        words_99(d.day() as u32),
        words_year(d.year() as u32)
    )
}

/// An administrative place: ward, district, province.
#[derive(Debug, Clone)]
pub struct Place {
    /// Province code of the citizen identity number.
    pub code: &'static str,
    /// "tỉnh" / "thành phố".
    pub province_type: &'static str,
    /// "Nghệ An".
    pub province: &'static str,
    /// "huyện" / "quận" / "thành phố" / "thị xã".
    pub district_type: &'static str,
    /// District name.
    pub district: &'static str,
    /// "xã" / "phường" / "thị trấn".
    pub ward_type: &'static str,
    /// Ward name.
    pub ward: &'static str,
}

fn cap_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

impl Place {
    /// "Hải Quang, Hải Hậu, Nam Định" as ID cards print it.
    pub fn short(&self) -> String {
        let ward = if self.ward.chars().all(|c| c.is_ascii_digit()) {
            format!("{} {}", cap_first(self.ward_type), self.ward)
        } else {
            self.ward.to_string()
        };
        let district = if self.district.chars().all(|c| c.is_ascii_digit()) {
            format!("{} {}", cap_first(self.district_type), self.district)
        } else {
            self.district.to_string()
        };
        format!("{ward}, {district}, {}", self.province)
    }
    /// "xã Hải Quang, huyện Hải Hậu, tỉnh Nam Định".
    pub fn full(&self) -> String {
        format!(
            "{} {}, {} {}, {} {}",
            self.ward_type,
            self.ward,
            self.district_type,
            self.district,
            self.province_type,
            self.province
        )
    }
    /// "Ủy ban nhân dân xã Hải Quang, huyện Hải Hậu, tỉnh Nam Định".
    pub fn ward_committee(&self) -> String {
        format!("Ủy ban nhân dân {}", self.full())
    }
}

type District = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);
type Province = (
    &'static str,
    &'static str,
    &'static str,
    &'static [District],
);

const PROVINCES: &[Province] = &[
    (
        "001",
        "thành phố",
        "Hà Nội",
        &[
            (
                "quận",
                "Ba Đình",
                &[
                    ("phường", "Kim Mã"),
                    ("phường", "Ngọc Hà"),
                    ("phường", "Liễu Giai"),
                ],
            ),
            (
                "quận",
                "Cầu Giấy",
                &[
                    ("phường", "Dịch Vọng"),
                    ("phường", "Nghĩa Tân"),
                    ("phường", "Yên Hòa"),
                ],
            ),
            (
                "huyện",
                "Gia Lâm",
                &[
                    ("xã", "Bát Tràng"),
                    ("xã", "Kim Lan"),
                    ("thị trấn", "Trâu Quỳ"),
                ],
            ),
            (
                "huyện",
                "Sóc Sơn",
                &[("xã", "Phù Linh"), ("xã", "Tiên Dược"), ("xã", "Mai Đình")],
            ),
        ],
    ),
    (
        "031",
        "thành phố",
        "Hải Phòng",
        &[
            (
                "quận",
                "Lê Chân",
                &[("phường", "An Biên"), ("phường", "Dư Hàng Kênh")],
            ),
            (
                "huyện",
                "An Dương",
                &[("xã", "Lê Lợi"), ("xã", "Hồng Phong")],
            ),
        ],
    ),
    (
        "079",
        "thành phố",
        "Hồ Chí Minh",
        &[
            ("quận", "Gò Vấp", &[("phường", "5"), ("phường", "10")]),
            (
                "thành phố",
                "Thủ Đức",
                &[("phường", "Linh Trung"), ("phường", "Hiệp Bình Chánh")],
            ),
            (
                "huyện",
                "Củ Chi",
                &[("xã", "Tân Thạnh Đông"), ("xã", "Phước Vĩnh An")],
            ),
        ],
    ),
    (
        "040",
        "tỉnh",
        "Nghệ An",
        &[
            (
                "thành phố",
                "Vinh",
                &[("phường", "Hưng Bình"), ("phường", "Lê Mao")],
            ),
            (
                "huyện",
                "Nghi Lộc",
                &[("xã", "Nghi Phong"), ("xã", "Nghi Thạch")],
            ),
        ],
    ),
    (
        "038",
        "tỉnh",
        "Thanh Hóa",
        &[
            (
                "huyện",
                "Hoằng Hóa",
                &[("xã", "Hoằng Đạo"), ("xã", "Hoằng Thắng")],
            ),
            (
                "thành phố",
                "Sầm Sơn",
                &[("phường", "Trường Sơn"), ("phường", "Quảng Tiến")],
            ),
        ],
    ),
    (
        "036",
        "tỉnh",
        "Nam Định",
        &[
            (
                "huyện",
                "Hải Hậu",
                &[("xã", "Hải Quang"), ("thị trấn", "Yên Định")],
            ),
            ("huyện", "Ý Yên", &[("xã", "Yên Ninh"), ("xã", "Yên Thắng")]),
        ],
    ),
    (
        "048",
        "thành phố",
        "Đà Nẵng",
        &[
            (
                "quận",
                "Thanh Khê",
                &[("phường", "Chính Gián"), ("phường", "Xuân Hà")],
            ),
            (
                "quận",
                "Ngũ Hành Sơn",
                &[("phường", "Mỹ An"), ("phường", "Khuê Mỹ")],
            ),
        ],
    ),
    (
        "092",
        "thành phố",
        "Cần Thơ",
        &[
            (
                "quận",
                "Ninh Kiều",
                &[("phường", "An Cư"), ("phường", "Xuân Khánh")],
            ),
            (
                "huyện",
                "Phong Điền",
                &[("xã", "Mỹ Khánh"), ("xã", "Nhơn Ái")],
            ),
        ],
    ),
    (
        "027",
        "tỉnh",
        "Bắc Ninh",
        &[
            (
                "thành phố",
                "Từ Sơn",
                &[("phường", "Đình Bảng"), ("phường", "Đồng Kỵ")],
            ),
            (
                "huyện",
                "Gia Bình",
                &[("xã", "Đại Bái"), ("xã", "Nhân Thắng")],
            ),
        ],
    ),
    (
        "056",
        "tỉnh",
        "Khánh Hòa",
        &[
            (
                "thành phố",
                "Nha Trang",
                &[("phường", "Lộc Thọ"), ("phường", "Vĩnh Hải")],
            ),
            (
                "huyện",
                "Diên Khánh",
                &[("xã", "Diên An"), ("xã", "Diên Phú")],
            ),
        ],
    ),
    (
        "089",
        "tỉnh",
        "An Giang",
        &[
            (
                "thành phố",
                "Long Xuyên",
                &[("phường", "Mỹ Bình"), ("phường", "Mỹ Xuyên")],
            ),
            (
                "huyện",
                "Chợ Mới",
                &[("xã", "Kiến An"), ("xã", "Mỹ Hội Đông")],
            ),
        ],
    ),
    (
        "019",
        "tỉnh",
        "Thái Nguyên",
        &[
            (
                "thành phố",
                "Thái Nguyên",
                &[("phường", "Phan Đình Phùng"), ("phường", "Quang Trung")],
            ),
            ("huyện", "Đại Từ", &[("xã", "Hùng Sơn"), ("xã", "Tân Thái")]),
        ],
    ),
    (
        "034",
        "tỉnh",
        "Thái Bình",
        &[
            (
                "huyện",
                "Kiến Xương",
                &[("xã", "Quang Trung"), ("xã", "Bình Nguyên")],
            ),
            (
                "thành phố",
                "Thái Bình",
                &[("phường", "Tiền Phong"), ("phường", "Bồ Xuyên")],
            ),
        ],
    ),
    (
        "075",
        "tỉnh",
        "Đồng Nai",
        &[
            (
                "thành phố",
                "Biên Hòa",
                &[("phường", "Tân Phong"), ("phường", "Trảng Dài")],
            ),
            (
                "huyện",
                "Long Thành",
                &[("xã", "An Phước"), ("xã", "Bình Sơn")],
            ),
        ],
    ),
];

/// A random place; `province` restricts it to one province by code.
pub fn place(rng: &mut Rng, province: Option<&str>) -> Place {
    let candidates: Vec<&Province> = PROVINCES
        .iter()
        .filter(|p| province.is_none_or(|c| p.0 == c))
        .collect();
    let p = if candidates.is_empty() {
        rng.pick(PROVINCES)
    } else {
        *rng.pick(&candidates)
    };
    let d = rng.pick(p.3);
    let w = rng.pick(d.2);
    Place {
        code: p.0,
        province_type: p.1,
        province: p.2,
        district_type: d.0,
        district: d.1,
        ward_type: w.0,
        ward: w.1,
    }
}

const STREETS: &[&str] = &[
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Phan Bội Châu",
    "Quang Trung",
    "Hùng Vương",
    "Điện Biên Phủ",
    "Nguyễn Du",
    "Bà Triệu",
    "Lê Hồng Phong",
    "Trần Phú",
    "Ngô Quyền",
];
const HAMLETS: &[&str] = &[
    "Thôn Đông",
    "Thôn Đoài",
    "Thôn Trung",
    "Thôn Thượng",
    "Xóm 3",
    "Xóm 7",
    "Ấp 2",
    "Tổ 5",
];

/// A street address or hamlet inside `p`.
pub fn street(rng: &mut Rng, p: &Place) -> String {
    if p.ward_type == "xã" {
        rng.pick(HAMLETS).to_string()
    } else if rng.chance(0.4) {
        format!(
            "Số {} ngõ {} {}",
            rng.int(2, 98),
            rng.int(10, 260),
            rng.pick(STREETS)
        )
    } else {
        format!("Số {} {}", rng.int(1, 320), rng.pick(STREETS))
    }
}

/// The fields and the extra printed details of one document.
#[derive(Debug, Clone)]
pub struct Record {
    /// The answer fields in a stable order (name, printed value).
    pub fields: Vec<(&'static str, String)>,
    /// The holder (for the photo and the selfie).
    pub holder: Person,
    /// Type-specific extras used only for printing.
    pub extra: Extra,
}

impl Record {
    /// A field's value.
    pub fn get(&self, k: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    /// Replaces a field's value.
    pub fn set(&mut self, k: &str, v: String) {
        if let Some(f) = self.fields.iter_mut().find(|(n, _)| *n == k) {
            f.1 = v;
        }
    }
}

/// Printed details that are not answer fields.
#[derive(Debug, Clone)]
pub enum Extra {
    /// Citizen identity card.
    CitizenId {
        /// "Nốt ruồi C:1cm dưới sau đuôi mắt phải".
        personal_identification: String,
        /// The police officer who signs the back.
        issuer_signer: String,
    },
    /// Birth certificate.
    BirthCertificate {
        /// Hometown.
        origin: String,
        /// Parents' residence.
        residence: String,
        /// Mother's year of birth.
        mother_year: i32,
        /// Father's year of birth.
        father_year: i32,
        /// "Chủ tịch" / "Phó Chủ tịch".
        signer_title: String,
        /// "Quyển số".
        book: String,
    },
    /// University diploma.
    Diploma {
        /// English university name.
        university_en: String,
        /// English major.
        major_en: String,
        /// English classification.
        classification_en: String,
        /// Degree in English ("Bachelor"/"Engineer").
        degree_en: String,
        /// City of issue (Vietnamese, English).
        city: (String, String),
    },
    /// Administrative decision.
    Decision {
        /// The parent agency line above the issuing agency (may be empty).
        parent_agency: String,
        /// "KT. CHỦ TỊCH" when a deputy signs.
        on_behalf: Option<String>,
        /// Body paragraphs after the naming sentence.
        legal_bases: Vec<String>,
        /// Article 1 text before the person.
        article1_lead: String,
        /// Article 1 text after the person.
        article1_tail: String,
        /// The person's residence.
        residence: String,
        /// Title of the body that decides (the heading above "QUYẾT ĐỊNH:").
        authority_heading: String,
    },
}

/// "today" minus some time: dates of the past the documents need.
fn before(today: Date, min_days: i64, max_days: i64, rng: &mut Rng) -> Date {
    today - Duration::days(rng.int(min_days, max_days))
}

const MARKS: &[&str] = &["Nốt ruồi", "Sẹo chấm", "Nốt ruồi", "Sẹo"];
const MARK_PLACES: &[&str] = &[
    "đuôi mắt trái",
    "đuôi mắt phải",
    "đầu lông mày trái",
    "đầu lông mày phải",
    "cánh mũi trái",
    "cánh mũi phải",
    "mép trái",
    "mép phải",
    "dái tai trái",
];

/// A CCCD 2021 card. `expired`: an expiry date before `today`.
pub fn citizen_id(rng: &mut Rng, today: Date, expired: bool) -> Record {
    let chip_start = ymd(2021, 1, 1);
    let (holder, issue, expiry) = loop {
        let p = person(rng, today.year() - 60, today.year() - 15);
        let age_at = |d: Date| {
            d.year() - p.dob.year() - i32::from((d.month(), d.day()) < (p.dob.month(), p.dob.day()))
        };
        let earliest = chip_start.max(add_years(p.dob, 14));
        let latest = if expired {
            today - Duration::days(400)
        } else {
            today - Duration::days(20)
        };
        if earliest >= latest {
            continue;
        }
        let issue = date_between(rng, earliest, latest);
        let age = age_at(issue);
        // Cards are valid until the 25th, 40th or 60th birthday; issued within two years before one
        // of them, until the next.
        let Some(milestone) = [25, 40, 60]
            .into_iter()
            .find(|m| add_years(p.dob, *m) > issue + Duration::days(730))
        else {
            continue;
        };
        if age >= 58 {
            continue;
        }
        let expiry = add_years(p.dob, milestone);
        if (expiry < today) == expired {
            break (p, issue, expiry);
        }
    };
    let origin = place(rng, None);
    let res_place = if rng.chance(0.5) {
        place(rng, Some(origin.code))
    } else {
        place(rng, None)
    };
    let residence = format!("{}, {}", street(rng, &res_place), res_place.short());
    let century = if holder.dob.year() >= 2000 { 2 } else { 0 } + u8::from(!holder.male);
    let id_number = format!(
        "{}{}{:02}{:06}",
        origin.code,
        century,
        holder.dob.year().rem_euclid(100),
        rng.int(0, 999_999)
    );
    let mark = format!(
        "{} C:{}cm {} {} {}",
        rng.pick(MARKS),
        rng.pick(&["1", "1,5", "2", "2,5", "3"]),
        rng.pick(&["trên", "dưới"]),
        rng.pick(&["trước", "sau"]),
        rng.pick(MARK_PLACES)
    );
    let mrz = crate::mrz::lines(&crate::mrz::MrzData {
        id_number: id_number.clone(),
        date_of_birth: holder.dob,
        sex: if holder.male { 'M' } else { 'F' },
        expiry,
        full_name: holder.name.clone(),
    });
    let fields = vec![
        ("id_number", id_number),
        ("full_name", holder.upper()),
        ("date_of_birth", iso(holder.dob)),
        ("sex", holder.sex_vi().to_string()),
        ("nationality", "Việt Nam".to_string()),
        ("place_of_origin", origin.short()),
        ("place_of_residence", residence),
        ("expiry_date", iso(expiry)),
        ("issue_date", iso(issue)),
        ("mrz_line1", mrz[0].clone()),
        ("mrz_line2", mrz[1].clone()),
        ("mrz_line3", mrz[2].clone()),
    ];
    let issuer_signer = name(rng, true);
    Record {
        fields,
        holder,
        extra: Extra::CitizenId {
            personal_identification: mark,
            issuer_signer,
        },
    }
}

const ETHNICITIES: &[&str] = &[
    "Kinh", "Kinh", "Kinh", "Kinh", "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng",
];

/// A birth certificate (Giấy khai sinh, bản chính).
pub fn birth_certificate(rng: &mut Rng, today: Date) -> Record {
    let holder = person(rng, 1975, today.year() - 1);
    let registration = (holder.dob + Duration::days(rng.int(3, 55))).min(today);
    let home = place(rng, None);
    let residence = format!("{}, {}", street(rng, &home), home.full());
    let surname = holder
        .name
        .split(' ')
        .next()
        .unwrap_or("Nguyễn")
        .to_string();
    let father = {
        let n = name(rng, true);
        let rest: Vec<&str> = n.split(' ').skip(1).collect();
        format!("{surname} {}", rest.join(" "))
    };
    let mother = name(rng, false);
    let father_year = holder.dob.year() - rng.int(22, 38) as i32;
    let mother_year = holder.dob.year() - rng.int(20, 36) as i32;
    let place_of_birth = if home.ward_type == "xã" || rng.chance(0.3) {
        format!("Trạm y tế {}", home.full())
    } else {
        format!(
            "Bệnh viện {} {}",
            rng.pick(&["Phụ sản", "Đa khoa", "Sản Nhi"]),
            if home.province_type == "tỉnh" {
                format!("tỉnh {}", home.province)
            } else {
                format!("thành phố {}", home.province)
            }
        )
    };
    let origin = place(rng, None);
    let ethnicity = rng.pick(ETHNICITIES).to_string();
    let signer_title = rng.pick(&["Chủ tịch", "Phó Chủ tịch"]).to_string();
    let fields = vec![
        (
            "registration_number",
            format!("{}/{}", rng.int(1, 480), registration.year()),
        ),
        ("full_name", holder.upper()),
        ("date_of_birth", iso(holder.dob)),
        ("date_of_birth_words", date_words(holder.dob)),
        ("sex", holder.sex_vi().to_string()),
        ("ethnicity", ethnicity),
        ("nationality", "Việt Nam".to_string()),
        ("place_of_birth", place_of_birth),
        ("father_name", father.to_uppercase()),
        ("mother_name", mother.to_uppercase()),
        ("registration_authority", home.ward_committee()),
        ("registration_date", iso(registration)),
        ("signer_name", {
            let m = rng.chance(0.5);
            name(rng, m)
        }),
    ];
    Record {
        fields,
        holder,
        extra: Extra::BirthCertificate {
            origin: origin.full(),
            residence,
            mother_year,
            father_year,
            signer_title,
            book: format!("{:02}", rng.int(1, 6)),
        },
    }
}

type University = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
const UNIVERSITIES: &[University] = &[
    (
        "Trường Đại học Bách khoa Hà Nội",
        "Hanoi University of Science and Technology",
        "Hà Nội",
        "Hanoi",
        "BKHN",
    ),
    (
        "Trường Đại học Sư phạm Hà Nội",
        "Hanoi National University of Education",
        "Hà Nội",
        "Hanoi",
        "SPHN",
    ),
    (
        "Trường Đại học Hàng hải Việt Nam",
        "Vietnam Maritime University",
        "Hải Phòng",
        "Hai Phong",
        "HHVN",
    ),
    (
        "Trường Đại học Vinh",
        "Vinh University",
        "Nghệ An",
        "Nghe An",
        "ĐHV",
    ),
    (
        "Trường Đại học Cần Thơ",
        "Can Tho University",
        "Cần Thơ",
        "Can Tho",
        "ĐHCT",
    ),
    (
        "Trường Đại học Kinh tế Thành phố Hồ Chí Minh",
        "University of Economics Ho Chi Minh City",
        "Thành phố Hồ Chí Minh",
        "Ho Chi Minh City",
        "UEH",
    ),
    (
        "Trường Đại học Thủy lợi",
        "Thuyloi University",
        "Hà Nội",
        "Hanoi",
        "TLU",
    ),
    (
        "Trường Đại học Nha Trang",
        "Nha Trang University",
        "Khánh Hòa",
        "Khanh Hoa",
        "NTU",
    ),
];
const MAJORS: &[(&str, &str, bool)] = &[
    ("Công nghệ thông tin", "Information Technology", true),
    ("Kế toán", "Accounting", false),
    ("Quản trị kinh doanh", "Business Administration", false),
    ("Ngôn ngữ Anh", "English Language", false),
    ("Kỹ thuật điện", "Electrical Engineering", true),
    ("Tài chính - Ngân hàng", "Finance and Banking", false),
    ("Kỹ thuật xây dựng", "Civil Engineering", true),
    ("Kinh tế vận tải", "Transport Economics", false),
    ("Sư phạm Ngữ văn", "Literature Teacher Education", false),
    ("Kỹ thuật cơ khí", "Mechanical Engineering", true),
];
const CLASSES: &[(&str, &str)] = &[
    ("Xuất sắc", "Excellent"),
    ("Giỏi", "Very good"),
    ("Khá", "Good"),
    ("Khá", "Good"),
    ("Trung bình", "Average"),
];

/// A university degree.
pub fn diploma(rng: &mut Rng, today: Date) -> Record {
    let holder = person(rng, 1972, today.year() - 23);
    let u = rng.pick(UNIVERSITIES);
    let (major, major_en, eng) = *rng.pick(MAJORS);
    let (class, class_en) = *rng.pick(CLASSES);
    let grad_year = (holder.dob.year() + rng.int(22, 24) as i32).min(today.year() - 1);
    let issue = ymd(grad_year, rng.int(6, 9) as u8, rng.int(1, 28) as u8);
    let letters = ["A", "B", "C", "D", "E", "G", "H", "K", "M", "N", "Q", "T"];
    let serial = format!(
        "{}{} {:07}",
        rng.pick(&letters),
        rng.pick(&letters),
        rng.int(0, 9_999_999)
    );
    let register = format!(
        "{}.{:02}.{:05}",
        u.4,
        grad_year.rem_euclid(100),
        rng.int(1, 99_999)
    );
    let title = *rng.pick(&["GS.TS.", "PGS.TS.", "PGS.TS.", "TS."]);
    let male = rng.chance(0.6);
    let signer = format!("{title} {}", name(rng, male));
    let fields = vec![
        ("university", u.0.to_string()),
        ("full_name", holder.name.clone()),
        ("date_of_birth", iso(holder.dob)),
        ("major", major.to_string()),
        ("classification", class.to_string()),
        ("serial_number", serial),
        ("register_number", register),
        ("issue_date", iso(issue)),
        ("signer_name", signer),
    ];
    Record {
        fields,
        holder,
        extra: Extra::Diploma {
            university_en: u.1.to_string(),
            major_en: major_en.to_string(),
            classification_en: class_en.to_string(),
            degree_en: if eng {
                "Engineer".into()
            } else {
                "Bachelor".into()
            },
            city: (u.2.to_string(), u.3.to_string()),
        },
    }
}

/// An administrative decision (Decree 30/2020 layout).
pub fn decision(rng: &mut Rng, today: Date) -> Record {
    let holder = person(rng, 1966, today.year() - 22);
    let p = place(rng, None);
    let prov = format!("{} {}", p.province_type, p.province).to_uppercase();
    let issue = before(today, 10, 700, rng);
    let kind = rng.below(5);
    let by_committee = rng.chance(0.6);
    let (parent, agency, suffix, head, deputy_title) = if by_committee {
        (
            String::new(),
            format!("ỦY BAN NHÂN DÂN {prov}"),
            "QĐ-UBND",
            "CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
        )
    } else {
        let (a, s) = *rng.pick(&[
            ("SỞ NỘI VỤ", "QĐ-SNV"),
            ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "QĐ-SGDĐT"),
            ("SỞ Y TẾ", "QĐ-SYT"),
        ]);
        (
            format!("ỦY BAN NHÂN DÂN {prov}"),
            a.to_string(),
            s,
            "GIÁM ĐỐC",
            "PHÓ GIÁM ĐỐC",
        )
    };
    let deputy = rng.chance(0.5);
    let signer_title = if deputy { deputy_title } else { head };
    let on_behalf = deputy.then(|| format!("KT. {head}"));
    let authority_heading = if by_committee {
        format!("CHỦ TỊCH ỦY BAN NHÂN DÂN {prov}")
    } else {
        format!("GIÁM ĐỐC {agency}")
    };
    let year = issue.year();
    let (title, lead, tail) = match kind {
        0 => (
            "Về việc nâng bậc lương thường xuyên đối với viên chức".to_string(),
            "Nâng bậc lương thường xuyên đối với".to_string(),
            format!(
                "từ bậc {} lên bậc {}, hệ số lương mới {},{}, kể từ ngày 01 tháng {} năm {year}.",
                3,
                4,
                rng.int(3, 4),
                rng.int(10, 99),
                rng.int(3, 12)
            ),
        ),
        1 => (
            "Về việc cử viên chức đi học tập nâng cao trình độ".to_string(),
            "Cử".to_string(),
            format!(
                "đi học chương trình thạc sĩ tại Trường Đại học Luật Hà Nội, thời gian học {} năm kể từ năm học {year}-{}.",
                rng.int(2, 3),
                year + 1
            ),
        ),
        2 => (
            "Về việc nghỉ hưu để hưởng chế độ bảo hiểm xã hội".to_string(),
            "Cho".to_string(),
            format!(
                "được nghỉ việc để hưởng chế độ hưu trí kể từ ngày 01 tháng {} năm {}.",
                rng.int(1, 12),
                year + 1
            ),
        ),
        3 => (
            "Về việc tiếp nhận và bổ nhiệm vào ngạch chuyên viên".to_string(),
            "Tiếp nhận và bổ nhiệm".to_string(),
            "vào ngạch chuyên viên (mã số 01.003), hưởng lương bậc 2, hệ số 2,67 kể từ ngày ký."
                .to_string(),
        ),
        _ => (
            "Về việc khen thưởng cá nhân hoàn thành xuất sắc nhiệm vụ".to_string(),
            "Khen thưởng".to_string(),
            format!(
                "đã hoàn thành xuất sắc nhiệm vụ năm {}, kèm theo tiền thưởng theo quy định.",
                year - 1
            ),
        ),
    };
    let legal_bases = vec![
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;".to_string(),
        match kind {
            4 => "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;".to_string(),
            2 => "Căn cứ Luật Bảo hiểm xã hội ngày 20 tháng 11 năm 2014;".to_string(),
            _ => "Căn cứ Luật Viên chức ngày 15 tháng 11 năm 2010;".to_string(),
        },
        format!(
            "Xét đề nghị của Trưởng phòng {}.",
            rng.pick(&["Tổ chức cán bộ", "Nội vụ", "Tổ chức - Hành chính"])
        ),
    ];
    let res = place(rng, Some(p.code));
    let residence = format!("{}, {}", street(rng, &res), res.full());
    let fields = vec![
        ("document_number", format!("{}/{suffix}", rng.int(12, 3200))),
        ("issuing_agency", agency),
        ("place", p.province.to_string()),
        ("issue_date", iso(issue)),
        ("title", title),
        ("full_name", holder.name.clone()),
        ("date_of_birth", iso(holder.dob)),
        ("signer_title", signer_title.to_string()),
        ("signer_name", {
            let m = rng.chance(0.6);
            name(rng, m)
        }),
    ];
    Record {
        fields,
        holder,
        extra: Extra::Decision {
            parent_agency: parent,
            on_behalf,
            legal_bases,
            article1_lead: lead,
            article1_tail: tail,
            residence,
            authority_heading,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(
            date_words(ymd(1994, 3, 19)),
            "Ngày mười chín tháng ba năm một nghìn chín trăm chín mươi tư"
        );
        assert_eq!(
            date_words(ymd(2003, 4, 25)),
            "Ngày hai mươi lăm tháng tư năm hai nghìn không trăm linh ba"
        );
        assert_eq!(
            date_words(ymd(2015, 12, 1)),
            "Ngày một tháng mười hai năm hai nghìn không trăm mười lăm"
        );
    }

    #[test]
    fn decree_dates() {
        assert_eq!(decree_date(ymd(2026, 8, 8)), "ngày 08 tháng 8 năm 2026");
        assert_eq!(decree_date(ymd(2026, 2, 15)), "ngày 15 tháng 02 năm 2026");
    }
}
