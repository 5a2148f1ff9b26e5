//! Page layouts of the four document types, drawn at a given resolution.

use image::RgbImage;

use crate::canvas::{Align, BLUE, Canvas, F, INK, RED, Rgb};
use crate::data::{self, Extra, Record};
use crate::marks;
use crate::rng::Rng;

/// A field erased with correction fluid and retyped with another value in another font.
#[derive(Debug, Clone)]
pub struct Alteration {
    /// Answer field name.
    pub field: &'static str,
    /// The new text as printed (dates dd/mm/yyyy).
    pub printed: String,
    /// Font of the retyping.
    pub font: F,
    /// Size factor against the original.
    pub size: f32,
    /// Baseline shift (mm).
    pub dy: f32,
}

/// One drawn page and, when altered, the retyped box in pixels (x0, y0, x1, y1).
#[derive(Debug)]
pub struct Drawn {
    /// Pixels.
    pub img: RgbImage,
    /// Corner radius in mm (cards) for the scanner to show the bed there.
    pub corner_mm: f32,
    /// Pixels per mm.
    pub ppm: f32,
    /// Retyped box when altered.
    pub altered_box: Option<[u32; 4]>,
}

struct Ctx<'a> {
    cv: Canvas,
    rng: &'a mut Rng,
    alter: Option<&'a Alteration>,
    altered_box: Option<[u32; 4]>,
}

impl Ctx<'_> {
    /// Draws a field's printed text, or, when it is the altered one, a correction-fluid patch over
    /// where it was and the new text retyped on top. Returns the right edge in mm.
    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        key: &str,
        f: F,
        pt: f32,
        x: f32,
        y: f32,
        align: Align,
        text: &str,
        c: Rgb,
    ) -> f32 {
        match self.alter {
            Some(a) if a.field == key => {
                let w = self.cv.text_width(f, pt, text).max(self.cv.text_width(
                    a.font,
                    pt * a.size,
                    &a.printed,
                ));
                let left = match align {
                    Align::Left => x,
                    Align::Center => x - w / 2.0,
                    Align::Right => x - w,
                };
                let em = pt * 0.3528;
                let (bx, by, bw, bh) = (left - 0.8, y - em * 1.0, w + 1.6, em * 1.45);
                // Correction fluid: slightly off-white, opaque, with ragged edges.
                let fluid = [
                    250 - self.rng.int(0, 6) as u8,
                    250 - self.rng.int(0, 6) as u8,
                    244 - self.rng.int(0, 10) as u8,
                ];
                self.cv.fill_rect(bx, by, bw, bh, fluid, 0.97);
                let steps = 14;
                for i in 0..steps {
                    let t = i as f32 / steps as f32;
                    for (yy, dir) in [(by, -1.0f32), (by + bh, 1.0)] {
                        let r = self.rng.rangef(0.2, 0.7);
                        self.cv.disc(
                            bx + t * bw + bw / steps as f32 / 2.0,
                            yy + dir * r * 0.3,
                            r,
                            fluid,
                            0.95,
                            false,
                        );
                    }
                }
                // A faint ghost of the erased text's edge.
                self.cv
                    .line(bx, by + bh, bx + bw, by + bh, 0.12, [205, 205, 200], 0.5);
                let (l, r) = self.cv.text(
                    a.font,
                    pt * a.size,
                    x,
                    y + a.dy,
                    align,
                    &a.printed,
                    [20, 20, 24],
                );
                let p = self.cv.ppm;
                self.altered_box = Some([
                    (bx.min(l) * p).max(0.0) as u32,
                    (by * p).max(0.0) as u32,
                    ((bx + bw).max(r) * p) as u32,
                    ((by + bh) * p) as u32,
                ]);
                r
            }
            _ => self.cv.text(f, pt, x, y, align, text, c).1,
        }
    }

    fn done(self, corner_mm: f32) -> Drawn {
        Drawn {
            ppm: self.cv.ppm,
            img: self.cv.img,
            corner_mm,
            altered_box: self.altered_box,
        }
    }
}

fn printed_date(iso: &str) -> String {
    // yyyy-mm-dd → dd/mm/yyyy
    let p: Vec<&str> = iso.split('-').collect();
    if p.len() == 3 {
        format!("{}/{}/{}", p[2], p[1], p[0])
    } else {
        iso.to_string()
    }
}

/// How a field's value is printed on the document.
pub fn printed(field: &str, value: &str) -> String {
    if matches!(
        field,
        "date_of_birth" | "expiry_date" | "issue_date" | "registration_date"
    ) {
        printed_date(value)
    } else {
        value.to_string()
    }
}

const LABEL: Rgb = [45, 45, 50];

/// CCCD front and back. `mrz` are the lines as printed on the back (may differ from the record).
pub fn citizen_id(
    rec: &Record,
    mrz: &[String; 3],
    photo: &RgbImage,
    dpi: u32,
    rng: &mut Rng,
    alter: Option<&Alteration>,
) -> Vec<Drawn> {
    let (w, h) = (85.6, 53.98);
    let Extra::CitizenId {
        personal_identification,
        issuer_signer,
    } = &rec.extra
    else {
        return Vec::new();
    };
    // ---- front ----
    let mut cx = Ctx {
        cv: Canvas::new(w, h, dpi, [255, 255, 255]),
        rng,
        alter,
        altered_box: None,
    };
    marks::paper(
        &mut cx.cv,
        cx.rng,
        [238, 246, 242],
        Some(([160, 200, 190], 0.35)),
    );
    marks::tint_gradient(&mut cx.cv, [236, 246, 255], [255, 250, 236]);
    marks::rosette(&mut cx.cv, 62.0, 38.0, 19.0, [150, 170, 220], 0.5);
    marks::emblem(&mut cx.cv, 9.5, 10.0, 5.6);
    let hx = 43.5;
    cx.cv.text(
        F::SerifBold,
        5.7,
        hx,
        6.2,
        Align::Center,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        INK,
    );
    cx.cv.text(
        F::SerifBold,
        4.7,
        hx,
        8.8,
        Align::Center,
        "SOCIALIST REPUBLIC OF VIET NAM",
        INK,
    );
    cx.cv.text(
        F::SerifBold,
        5.4,
        hx,
        11.6,
        Align::Center,
        "Độc lập - Tự do - Hạnh phúc",
        INK,
    );
    cx.cv.text(
        F::SerifBold,
        4.4,
        hx,
        13.9,
        Align::Center,
        "Independence - Freedom - Happiness",
        INK,
    );
    let qr_text = format!(
        "{}||{}|{}|{}|{}|{}",
        rec.get("id_number"),
        rec.holder.name,
        rec.get("date_of_birth").replace('-', ""),
        rec.get("sex"),
        rec.get("place_of_residence"),
        rec.get("issue_date").replace('-', "")
    );
    marks::qr(&mut cx.cv, 70.5, 2.6, 12.6, &qr_text);
    cx.cv.text(
        F::SansBold,
        9.0,
        50.0,
        19.6,
        Align::Center,
        "CĂN CƯỚC CÔNG DÂN",
        RED,
    );
    cx.cv.text(
        F::SansBold,
        5.4,
        50.0,
        22.4,
        Align::Center,
        "Citizen Identity Card",
        INK,
    );
    cx.cv.blit(photo, 3.6, 17.2, 19.0, 25.3);
    let x0 = 25.0;
    let (_, r) = cx
        .cv
        .text(F::Sans, 5.2, x0, 27.4, Align::Left, "Số / No.:", LABEL);
    cx.field(
        "id_number",
        F::SansBold,
        9.6,
        r + 3.0,
        27.8,
        Align::Left,
        rec.get("id_number"),
        INK,
    );
    cx.cv.text(
        F::Sans,
        4.8,
        x0,
        30.6,
        Align::Left,
        "Họ và tên / Full name:",
        LABEL,
    );
    cx.field(
        "full_name",
        F::SansBold,
        6.8,
        x0,
        34.0,
        Align::Left,
        rec.get("full_name"),
        INK,
    );
    let (_, r) = cx.cv.text(
        F::Sans,
        4.8,
        x0,
        37.3,
        Align::Left,
        "Ngày sinh / Date of birth:",
        LABEL,
    );
    cx.field(
        "date_of_birth",
        F::SansBold,
        6.0,
        r + 1.2,
        37.3,
        Align::Left,
        &printed_date(rec.get("date_of_birth")),
        INK,
    );
    let (_, r) = cx.cv.text(
        F::Sans,
        4.8,
        x0,
        40.4,
        Align::Left,
        "Giới tính / Sex:",
        LABEL,
    );
    cx.field(
        "sex",
        F::SansBold,
        6.0,
        r + 1.2,
        40.4,
        Align::Left,
        rec.get("sex"),
        INK,
    );
    let (_, r) = cx.cv.text(
        F::Sans,
        4.8,
        52.0,
        40.4,
        Align::Left,
        "Quốc tịch / Nationality:",
        LABEL,
    );
    cx.field(
        "nationality",
        F::SansBold,
        6.0,
        r + 1.2,
        40.4,
        Align::Left,
        rec.get("nationality"),
        INK,
    );
    cx.cv.text(
        F::Sans,
        4.8,
        x0,
        43.4,
        Align::Left,
        "Quê quán / Place of origin:",
        LABEL,
    );
    cx.field(
        "place_of_origin",
        F::SansBold,
        6.0,
        x0,
        46.3,
        Align::Left,
        rec.get("place_of_origin"),
        INK,
    );
    let (_, r) = cx.cv.text(
        F::Sans,
        4.8,
        x0,
        49.3,
        Align::Left,
        "Nơi thường trú / Place of residence:",
        LABEL,
    );
    let res = rec.get("place_of_residence");
    let indent = r + 1.2 - x0;
    let lines = cx.cv.wrap(F::SansBold, 6.0, res, w - 2.5 - x0, indent);
    if lines.len() <= 1 {
        cx.field(
            "place_of_residence",
            F::SansBold,
            6.0,
            r + 1.2,
            49.3,
            Align::Left,
            res,
            INK,
        );
    } else {
        cx.cv
            .text(F::SansBold, 6.0, r + 1.2, 49.3, Align::Left, &lines[0], INK);
        cx.cv.text(
            F::SansBold,
            6.0,
            x0,
            52.3,
            Align::Left,
            &lines[1..].join(" "),
            INK,
        );
    }
    cx.cv.text(
        F::Sans,
        4.6,
        3.6,
        45.6,
        Align::Left,
        "Có giá trị đến:",
        LABEL,
    );
    cx.cv.text(
        F::SansItalic,
        4.2,
        3.6,
        47.9,
        Align::Left,
        "Date of expiry",
        LABEL,
    );
    cx.field(
        "expiry_date",
        F::SansBold,
        6.0,
        3.6,
        51.4,
        Align::Left,
        &printed_date(rec.get("expiry_date")),
        INK,
    );
    let front = cx.done(3.2);

    // ---- back ----
    let mut cx = Ctx {
        cv: Canvas::new(w, h, dpi, [255, 255, 255]),
        rng,
        alter,
        altered_box: None,
    };
    marks::paper(
        &mut cx.cv,
        cx.rng,
        [240, 246, 244],
        Some(([175, 205, 200], 0.3)),
    );
    marks::tint_gradient(&mut cx.cv, [242, 248, 255], [255, 252, 240]);
    cx.cv.text(
        F::Sans,
        4.8,
        4.0,
        6.0,
        Align::Left,
        "Đặc điểm nhân dạng / Personal identification:",
        LABEL,
    );
    let lines = cx
        .cv
        .wrap(F::SansBold, 5.6, personal_identification, 40.0, 0.0);
    for (i, l) in lines.iter().enumerate() {
        cx.cv.text(
            F::SansBold,
            5.6,
            4.0,
            9.2 + 2.9 * i as f32,
            Align::Left,
            l,
            INK,
        );
    }
    marks::chip(&mut cx.cv, 46.5, 7.5, 10.5, 8.5);
    marks::fingerprint(
        &mut cx.cv,
        cx.rng,
        61.0,
        2.6,
        10.6,
        14.5,
        "Ngón trỏ trái",
        "Left index finger",
    );
    marks::fingerprint(
        &mut cx.cv,
        cx.rng,
        73.4,
        2.6,
        10.6,
        14.5,
        "Ngón trỏ phải",
        "Right index finger",
    );
    let (_, r) = cx.cv.text(
        F::Sans,
        4.8,
        4.0,
        18.6,
        Align::Left,
        "Ngày, tháng, năm / Date, month, year:",
        LABEL,
    );
    cx.field(
        "issue_date",
        F::SansBold,
        6.0,
        r + 1.2,
        18.6,
        Align::Left,
        &printed_date(rec.get("issue_date")),
        INK,
    );
    let ix = 25.0;
    cx.cv.text(
        F::SansBold,
        5.0,
        ix,
        22.2,
        Align::Center,
        "CỤC TRƯỞNG CỤC CẢNH SÁT",
        INK,
    );
    cx.cv.text(
        F::SansBold,
        5.0,
        ix,
        24.4,
        Align::Center,
        "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
        INK,
    );
    cx.cv.text(
        F::Sans,
        3.8,
        ix,
        26.3,
        Align::Center,
        "DIRECTOR GENERAL OF THE POLICE DEPARTMENT",
        INK,
    );
    cx.cv.text(
        F::Sans,
        3.8,
        ix,
        27.9,
        Align::Center,
        "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER",
        INK,
    );
    marks::signature(&mut cx.cv, cx.rng, 21.0, 29.0, 14.0, 4.5);
    marks::seal(
        &mut cx.cv,
        cx.rng,
        15.5,
        32.4,
        4.6,
        "BỘ CÔNG AN",
        "CỤC CẢNH SÁT QLHC VỀ TTXH",
    );
    cx.cv.text(
        F::SansBold,
        5.4,
        ix + 3.0,
        36.4,
        Align::Center,
        issuer_signer,
        INK,
    );
    // MRZ band.
    cx.cv
        .fill_rect(0.0, 38.6, w, h - 38.6, [250, 250, 248], 0.9);
    for (i, line) in mrz.iter().enumerate() {
        let y = 43.4 + 4.2 * i as f32;
        for (j, ch) in line.chars().enumerate() {
            cx.cv.text(
                F::Mono,
                9.6,
                5.9 + 2.54 * j as f32,
                y,
                Align::Center,
                &ch.to_string(),
                [16, 16, 18],
            );
        }
    }
    let back = cx.done(3.2);
    vec![front, back]
}

/// A4 portrait birth certificate.
pub fn birth_certificate(
    rec: &Record,
    dpi: u32,
    rng: &mut Rng,
    alter: Option<&Alteration>,
) -> Vec<Drawn> {
    let Extra::BirthCertificate {
        origin,
        residence,
        mother_year,
        father_year,
        signer_title,
        book,
    } = &rec.extra
    else {
        return Vec::new();
    };
    let mut cx = Ctx {
        cv: Canvas::new(210.0, 297.0, dpi, [255, 255, 255]),
        rng,
        alter,
        altered_box: None,
    };
    marks::paper(
        &mut cx.cv,
        cx.rng,
        [252, 249, 244],
        Some(([240, 214, 214], 0.45)),
    );
    let frame_c = [150, 40, 40];
    marks::frame(&mut cx.cv, 9.0, frame_c);
    let (l, r) = (24.0, 188.0);
    let (_, rr) = cx.cv.text(F::Serif, 11.0, l, 24.0, Align::Left, "Số:", INK);
    cx.field(
        "registration_number",
        F::SerifBold,
        11.0,
        rr + 1.5,
        24.0,
        Align::Left,
        rec.get("registration_number"),
        INK,
    );
    cx.cv.text(
        F::Serif,
        11.0,
        l,
        29.5,
        Align::Left,
        &format!("Quyển số: {book}"),
        INK,
    );
    marks::emblem(&mut cx.cv, 105.0, 30.0, 8.0);
    cx.cv.text(
        F::SerifBold,
        12.5,
        105.0,
        49.0,
        Align::Center,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        INK,
    );
    let (a, b) = cx.cv.text(
        F::SerifBold,
        12.5,
        105.0,
        55.0,
        Align::Center,
        "Độc lập - Tự do - Hạnh phúc",
        INK,
    );
    cx.cv.line(a, 56.6, b, 56.6, 0.3, INK, 1.0);
    cx.cv.text(
        F::SerifBold,
        21.0,
        105.0,
        69.0,
        Align::Center,
        "GIẤY KHAI SINH",
        [190, 30, 35],
    );
    cx.cv.text(
        F::SerifItalic,
        11.0,
        105.0,
        75.0,
        Align::Center,
        "(Bản chính)",
        INK,
    );
    let pt = 12.0;
    // Rows the page needs (long values wrap); the spacing shrinks so the signature block fits.
    let wrapped = |cv: &Canvas, label: &str, value: &str| {
        let lw = cv.text_width(F::Serif, pt, label) + 1.8;
        cv.wrap(F::SerifBold, pt, value, r - l, lw).len().max(1)
    };
    let rows = 8
        + wrapped(&cx.cv, "ghi bằng chữ:", rec.get("date_of_birth_words"))
        + wrapped(&cx.cv, "Nơi sinh:", rec.get("place_of_birth"))
        + wrapped(&cx.cv, "Quê quán:", origin)
        + 2 * wrapped(&cx.cv, "Nơi cư trú:", residence)
        + wrapped(
            &cx.cv,
            "Nơi đăng ký khai sinh:",
            rec.get("registration_authority"),
        );
    let step = (142.0 / rows as f32).min(7.9);
    let mut y = 88.0;
    let dots = |cv: &mut Canvas, y: f32| {
        let mut x = l;
        while x < r {
            cv.disc(x, y + 1.6, 0.13, [120, 120, 120], 1.0, true);
            x += 1.1;
        }
    };
    // label, field, value
    let row = |cx: &mut Ctx, y: f32, label: &str, key: &str, value: &str| {
        dots(&mut cx.cv, y);
        let (_, rr) = cx.cv.text(F::Serif, pt, l, y, Align::Left, label, INK);
        cx.field(key, F::SerifBold, pt, rr + 1.8, y, Align::Left, value, INK);
    };
    row(
        &mut cx,
        y,
        "Họ, chữ đệm, tên:",
        "full_name",
        rec.get("full_name"),
    );
    y += step;
    row(
        &mut cx,
        y,
        "Ngày, tháng, năm sinh:",
        "date_of_birth",
        &printed_date(rec.get("date_of_birth")),
    );
    y += step;
    let words = rec.get("date_of_birth_words").to_string();
    let lines = cx.cv.wrap(
        F::SerifBold,
        pt,
        &words,
        r - l,
        cx.cv.text_width(F::Serif, pt, "ghi bằng chữ: ") + 1.8,
    );
    dots(&mut cx.cv, y);
    let (_, rr) = cx
        .cv
        .text(F::Serif, pt, l, y, Align::Left, "ghi bằng chữ:", INK);
    if lines.len() == 1 {
        cx.field(
            "date_of_birth_words",
            F::SerifBold,
            pt,
            rr + 1.8,
            y,
            Align::Left,
            &words,
            INK,
        );
    } else {
        cx.cv
            .text(F::SerifBold, pt, rr + 1.8, y, Align::Left, &lines[0], INK);
        y += step;
        dots(&mut cx.cv, y);
        cx.cv.text(
            F::SerifBold,
            pt,
            l,
            y,
            Align::Left,
            &lines[1..].join(" "),
            INK,
        );
    }
    y += step;
    dots(&mut cx.cv, y);
    let (_, rr) = cx
        .cv
        .text(F::Serif, pt, l, y, Align::Left, "Giới tính:", INK);
    cx.field(
        "sex",
        F::SerifBold,
        pt,
        rr + 1.8,
        y,
        Align::Left,
        rec.get("sex"),
        INK,
    );
    let (_, rr) = cx
        .cv
        .text(F::Serif, pt, 82.0, y, Align::Left, "Dân tộc:", INK);
    cx.field(
        "ethnicity",
        F::SerifBold,
        pt,
        rr + 1.8,
        y,
        Align::Left,
        rec.get("ethnicity"),
        INK,
    );
    let (_, rr) = cx
        .cv
        .text(F::Serif, pt, 135.0, y, Align::Left, "Quốc tịch:", INK);
    cx.field(
        "nationality",
        F::SerifBold,
        pt,
        rr + 1.8,
        y,
        Align::Left,
        rec.get("nationality"),
        INK,
    );
    y += step;
    let long_row = |cx: &mut Ctx, y: &mut f32, label: &str, key: &str, value: &str| {
        let lw = cx.cv.text_width(F::Serif, pt, label) + 1.8;
        let lines = cx.cv.wrap(F::SerifBold, pt, value, r - l, lw);
        dots(&mut cx.cv, *y);
        let (_, rr) = cx.cv.text(F::Serif, pt, l, *y, Align::Left, label, INK);
        if lines.len() <= 1 {
            cx.field(key, F::SerifBold, pt, rr + 1.8, *y, Align::Left, value, INK);
        } else {
            cx.cv
                .text(F::SerifBold, pt, rr + 1.8, *y, Align::Left, &lines[0], INK);
            for line in &lines[1..] {
                *y += step;
                dots(&mut cx.cv, *y);
                cx.cv.text(F::SerifBold, pt, l, *y, Align::Left, line, INK);
            }
        }
        *y += step;
    };
    long_row(
        &mut cx,
        &mut y,
        "Nơi sinh:",
        "place_of_birth",
        rec.get("place_of_birth"),
    );
    long_row(&mut cx, &mut y, "Quê quán:", "", origin);
    y += 2.0;
    row(
        &mut cx,
        y,
        "Họ, chữ đệm, tên người mẹ:",
        "mother_name",
        rec.get("mother_name"),
    );
    y += step;
    dots(&mut cx.cv, y);
    parent_row(&mut cx.cv, pt, l, y, *mother_year, rec.get("ethnicity"));
    y += step;
    long_row(&mut cx, &mut y, "Nơi cư trú:", "", residence);
    y += 2.0;
    row(
        &mut cx,
        y,
        "Họ, chữ đệm, tên người cha:",
        "father_name",
        rec.get("father_name"),
    );
    y += step;
    dots(&mut cx.cv, y);
    parent_row(&mut cx.cv, pt, l, y, *father_year, rec.get("ethnicity"));
    y += step;
    long_row(&mut cx, &mut y, "Nơi cư trú:", "", residence);
    y += 2.0;
    long_row(
        &mut cx,
        &mut y,
        "Nơi đăng ký khai sinh:",
        "registration_authority",
        rec.get("registration_authority"),
    );
    row(
        &mut cx,
        y,
        "Ngày, tháng, năm đăng ký:",
        "registration_date",
        &printed_date(rec.get("registration_date")),
    );
    // The signature block must end inside the frame.
    y = (y + step + 4.0).min(238.0);
    let sx = 140.0;
    cx.cv.text(
        F::SerifBold,
        11.5,
        sx,
        y,
        Align::Center,
        "NGƯỜI KÝ GIẤY KHAI SINH",
        INK,
    );
    cx.cv.text(
        F::SerifItalic,
        10.0,
        sx,
        y + 5.0,
        Align::Center,
        "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ",
        INK,
    );
    cx.cv.text(
        F::SerifItalic,
        10.0,
        sx,
        y + 9.5,
        Align::Center,
        "và đóng dấu)",
        INK,
    );
    let seal_y = y + 27.0;
    let sig_y = y + 15.0;
    marks::signature(&mut cx.cv, cx.rng, sx - 12.0, sig_y, 30.0, 11.0);
    let ward = rec
        .get("registration_authority")
        .split(',')
        .next()
        .unwrap_or("")
        .replace("Ủy ban nhân dân ", "")
        .to_uppercase();
    marks::seal(
        &mut cx.cv,
        cx.rng,
        sx - 16.0,
        seal_y,
        16.0,
        "ỦY BAN NHÂN DÂN",
        &ward,
    );
    cx.cv.text(
        F::SerifBold,
        12.0,
        sx,
        y + 36.0,
        Align::Center,
        signer_title,
        INK,
    );
    cx.field(
        "signer_name",
        F::SerifBold,
        12.0,
        sx,
        y + 42.0,
        Align::Center,
        rec.get("signer_name"),
        INK,
    );
    vec![cx.done(0.0)]
}

/// A4 landscape university degree: English left half, Vietnamese right half.
pub fn diploma(rec: &Record, dpi: u32, rng: &mut Rng, alter: Option<&Alteration>) -> Vec<Drawn> {
    let Extra::Diploma {
        university_en,
        major_en,
        classification_en,
        degree_en,
        city,
    } = &rec.extra
    else {
        return Vec::new();
    };
    let mut cx = Ctx {
        cv: Canvas::new(297.0, 210.0, dpi, [255, 255, 255]),
        rng,
        alter,
        altered_box: None,
    };
    marks::paper(
        &mut cx.cv,
        cx.rng,
        [250, 244, 226],
        Some(([226, 206, 170], 0.45)),
    );
    let brown = [140, 95, 40];
    marks::frame(&mut cx.cv, 8.0, brown);
    cx.cv.line(148.5, 20.0, 148.5, 190.0, 0.35, brown, 1.0);
    let maroon = [150, 25, 30];
    let issue = rec.get("issue_date");
    let p: Vec<u32> = issue.split('-').filter_map(|s| s.parse().ok()).collect();
    let (yy, mm, dd) = (
        p.first().copied().unwrap_or(2020),
        p.get(1).copied().unwrap_or(7),
        p.get(2).copied().unwrap_or(1),
    );
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    // English half.
    let ex = 74.0;
    cx.cv.text(
        F::SerifBold,
        12.0,
        ex,
        30.0,
        Align::Center,
        "SOCIALIST REPUBLIC OF VIETNAM",
        INK,
    );
    let (a, b) = cx.cv.text(
        F::SerifBold,
        10.5,
        ex,
        36.0,
        Align::Center,
        "Independence - Freedom - Happiness",
        INK,
    );
    cx.cv.line(a, 37.5, b, 37.5, 0.3, INK, 1.0);
    cx.cv.text(
        F::Serif,
        11.0,
        ex,
        52.0,
        Align::Center,
        "THE RECTOR OF",
        INK,
    );
    cx.cv.text(
        F::SerifBold,
        11.5,
        ex,
        59.0,
        Align::Center,
        &university_en.to_uppercase(),
        INK,
    );
    cx.cv.text(
        F::SerifItalic,
        11.0,
        ex,
        66.0,
        Align::Center,
        "confers",
        INK,
    );
    cx.cv.text(
        F::SerifBold,
        16.0,
        ex,
        80.0,
        Align::Center,
        &format!("THE DEGREE OF {}", degree_en.to_uppercase()),
        maroon,
    );
    let en_name = crate::mrz::transliterate(&rec.holder.name);
    let en_name: String = en_name
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_string() + &c.as_str().to_lowercase())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let dob: Vec<u32> = rec
        .get("date_of_birth")
        .split('-')
        .filter_map(|s| s.parse().ok())
        .collect();
    let en_rows = [
        ("in:", major_en.clone()),
        (
            "upon:",
            format!("{} {en_name}", if rec.holder.male { "Mr" } else { "Ms" }),
        ),
        (
            "Date of birth:",
            format!(
                "{} {} {}",
                dob.get(2).unwrap_or(&1),
                MONTHS[(*dob.get(1).unwrap_or(&1) as usize).clamp(1, 12) - 1],
                dob.first().unwrap_or(&1990)
            ),
        ),
        ("Degree classification:", classification_en.clone()),
        ("Mode of study:", "Full-time".to_string()),
    ];
    for (i, (lab, val)) in en_rows.iter().enumerate() {
        let y = 100.0 + 10.0 * i as f32;
        let (_, r) = cx
            .cv
            .text(F::SerifItalic, 11.0, 24.0, y, Align::Left, lab, INK);
        cx.cv
            .text(F::SerifBold, 11.0, r + 2.0, y, Align::Left, val, INK);
    }
    cx.cv.text(
        F::SerifItalic,
        11.0,
        ex,
        165.0,
        Align::Center,
        &format!(
            "{}, {} {} {yy}",
            city.1,
            MONTHS[(mm as usize).clamp(1, 12) - 1],
            dd
        ),
        INK,
    );
    cx.cv.text(
        F::SerifBold,
        11.0,
        ex,
        172.0,
        Align::Center,
        "THE RECTOR",
        INK,
    );
    // Vietnamese half.
    let vx = 222.0;
    marks::emblem(&mut cx.cv, vx, 22.0, 6.5);
    cx.cv.text(
        F::SerifBold,
        12.0,
        vx,
        39.0,
        Align::Center,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        INK,
    );
    let (a, b) = cx.cv.text(
        F::SerifBold,
        11.0,
        vx,
        45.0,
        Align::Center,
        "Độc lập - Tự do - Hạnh phúc",
        INK,
    );
    cx.cv.line(a, 46.5, b, 46.5, 0.3, INK, 1.0);
    cx.cv.text(
        F::SerifBold,
        11.0,
        vx,
        56.0,
        Align::Center,
        "HIỆU TRƯỞNG",
        INK,
    );
    cx.field(
        "university",
        F::SerifBold,
        12.0,
        vx,
        63.0,
        Align::Center,
        rec.get("university"),
        INK,
    );
    cx.cv
        .text(F::SerifItalic, 11.0, vx, 70.0, Align::Center, "cấp", INK);
    cx.cv.text(
        F::SerifBold,
        17.0,
        vx,
        82.0,
        Align::Center,
        "BẰNG TỐT NGHIỆP ĐẠI HỌC",
        maroon,
    );
    let vrows: [(&str, &str, String); 5] = [
        ("Ngành:", "major", rec.get("major").to_string()),
        ("Cho:", "full_name", rec.get("full_name").to_string()),
        (
            "Ngày sinh:",
            "date_of_birth",
            printed_date(rec.get("date_of_birth")),
        ),
        (
            "Xếp loại tốt nghiệp:",
            "classification",
            rec.get("classification").to_string(),
        ),
        ("Hình thức đào tạo:", "", "Chính quy".to_string()),
    ];
    for (i, (lab, key, val)) in vrows.iter().enumerate() {
        let y = 100.0 + 10.0 * i as f32;
        let (_, mut r) = cx
            .cv
            .text(F::SerifItalic, 11.5, 172.0, y, Align::Left, lab, INK);
        if *key == "full_name" {
            r = cx
                .cv
                .text(
                    F::SerifBold,
                    11.5,
                    r + 2.0,
                    y,
                    Align::Left,
                    rec.holder.honorific(),
                    INK,
                )
                .1;
        }
        cx.field(key, F::SerifBold, 11.5, r + 2.0, y, Align::Left, val, INK);
    }
    let vn_date = format!("{}, ngày {dd} tháng {mm} năm {yy}", city.0);
    cx.cv.text(
        F::SerifItalic,
        11.0,
        246.0,
        152.0,
        Align::Center,
        &vn_date,
        INK,
    );
    cx.cv.text(
        F::SerifBold,
        11.0,
        246.0,
        158.0,
        Align::Center,
        "HIỆU TRƯỞNG",
        INK,
    );
    marks::signature(&mut cx.cv, cx.rng, 238.0, 161.0, 26.0, 9.0);
    let uni_upper = rec.get("university").to_uppercase();
    marks::seal(
        &mut cx.cv,
        cx.rng,
        232.0,
        168.0,
        13.0,
        "BỘ GIÁO DỤC VÀ ĐÀO TẠO",
        &uni_upper.replace("TRƯỜNG ", ""),
    );
    cx.field(
        "signer_name",
        F::SerifBold,
        11.0,
        246.0,
        182.0,
        Align::Center,
        rec.get("signer_name"),
        INK,
    );
    let (_, r) = cx
        .cv
        .text(F::Serif, 10.5, 172.0, 190.0, Align::Left, "Số hiệu:", INK);
    cx.field(
        "serial_number",
        F::SerifBold,
        10.5,
        r + 2.0,
        190.0,
        Align::Left,
        rec.get("serial_number"),
        maroon,
    );
    let (_, r) = cx.cv.text(
        F::Serif,
        10.5,
        172.0,
        196.0,
        Align::Left,
        "Số vào sổ cấp bằng:",
        INK,
    );
    cx.field(
        "register_number",
        F::SerifBold,
        10.5,
        r + 2.0,
        196.0,
        Align::Left,
        rec.get("register_number"),
        INK,
    );
    vec![cx.done(0.0)]
}

/// A4 portrait decision letter (Decree 30/2020 layout).
pub fn decision(rec: &Record, dpi: u32, rng: &mut Rng, alter: Option<&Alteration>) -> Vec<Drawn> {
    let Extra::Decision {
        parent_agency,
        on_behalf,
        legal_bases,
        article1_lead,
        article1_tail,
        residence,
        authority_heading,
    } = &rec.extra
    else {
        return Vec::new();
    };
    let mut cx = Ctx {
        cv: Canvas::new(210.0, 297.0, dpi, [255, 255, 255]),
        rng,
        alter,
        altered_box: None,
    };
    marks::paper(&mut cx.cv, cx.rng, [253, 253, 251], None);
    let (l, r) = (30.0, 190.0);
    let hx = 62.0;
    let agency = rec.get("issuing_agency");
    // Agency names break after "ỦY BAN NHÂN DÂN" as printed headers do.
    let split = |s: &str| -> Vec<String> {
        match s.strip_prefix("ỦY BAN NHÂN DÂN ") {
            Some(rest) => vec!["ỦY BAN NHÂN DÂN".to_string(), rest.to_string()],
            None => vec![s.to_string()],
        }
    };
    let mut y = 22.0;
    if !parent_agency.is_empty() {
        for line in split(parent_agency) {
            cx.cv.text(F::Serif, 11.5, hx, y, Align::Center, &line, INK);
            y += 5.2;
        }
    }
    let agency_lines = split(agency);
    let mut last = (hx, hx);
    if agency_lines.len() == 1 {
        let w = cx.cv.text_width(F::SerifBold, 11.5, agency);
        cx.field(
            "issuing_agency",
            F::SerifBold,
            11.5,
            hx,
            y,
            Align::Center,
            agency,
            INK,
        );
        last = (hx - w / 2.0, hx + w / 2.0);
        y += 5.2;
    } else {
        for line in &agency_lines {
            last = cx
                .cv
                .text(F::SerifBold, 11.5, hx, y, Align::Center, line, INK);
            y += 5.2;
        }
    }
    let lw = (last.1 - last.0) * 0.45;
    cx.cv.line(
        hx - lw / 2.0,
        y - 3.8,
        hx + lw / 2.0,
        y - 3.8,
        0.3,
        INK,
        1.0,
    );
    let num_text = format!("Số: {}", rec.get("document_number"));
    let nx0 = hx - cx.cv.text_width(F::Serif, 12.0, &num_text) / 2.0;
    let (_, rr) = cx
        .cv
        .text(F::Serif, 12.0, nx0, y + 3.5, Align::Left, "Số:", INK);
    cx.field(
        "document_number",
        F::Serif,
        12.0,
        rr + 1.5,
        y + 3.5,
        Align::Left,
        rec.get("document_number"),
        INK,
    );
    let mx = 144.0;
    cx.cv.text(
        F::SerifBold,
        11.0,
        mx,
        22.0,
        Align::Center,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        INK,
    );
    let (a, b) = cx.cv.text(
        F::SerifBold,
        12.0,
        mx,
        27.4,
        Align::Center,
        "Độc lập - Tự do - Hạnh phúc",
        INK,
    );
    cx.cv.line(a, 29.0, b, 29.0, 0.3, INK, 1.0);
    let issue = rec.get("issue_date");
    let d = time::Date::parse(
        issue,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap_or(time::Date::MIN);
    let date_text = format!("{}, {}", rec.get("place"), data::decree_date(d));
    let dx0 = mx - cx.cv.text_width(F::SerifItalic, 12.5, &date_text) / 2.0;
    let (_, rr) = cx.cv.text(
        F::SerifItalic,
        12.5,
        dx0,
        y + 3.5,
        Align::Left,
        &format!("{},", rec.get("place")),
        INK,
    );
    cx.field(
        "issue_date",
        F::SerifItalic,
        12.5,
        rr + 1.4,
        y + 3.5,
        Align::Left,
        &data::decree_date(d),
        INK,
    );
    y += 20.0;
    cx.cv.text(
        F::SerifBold,
        14.0,
        105.0,
        y,
        Align::Center,
        "QUYẾT ĐỊNH",
        INK,
    );
    y += 6.5;
    let title = rec.get("title");
    let (a, b) = (
        105.0 - cx.cv.text_width(F::SerifBold, 13.0, title) / 2.0,
        105.0 + cx.cv.text_width(F::SerifBold, 13.0, title) / 2.0,
    );
    cx.field(
        "title",
        F::SerifBold,
        13.0,
        105.0,
        y,
        Align::Center,
        title,
        INK,
    );
    let mid = (a + b) / 2.0;
    cx.cv
        .line(mid - 20.0, y + 2.2, mid + 20.0, y + 2.2, 0.3, INK, 1.0);
    y += 12.0;
    for line in cx
        .cv
        .wrap(F::SerifBold, 13.0, authority_heading, r - l, 0.0)
    {
        cx.cv
            .text(F::SerifBold, 13.0, 105.0, y, Align::Center, &line, INK);
        y += 6.0;
    }
    y += 4.0;
    let pt = 13.0;
    let lead = 6.6;
    for b in legal_bases {
        y = cx
            .cv
            .paragraph(F::SerifItalic, pt, l, y, r - l, 10.0, lead, b, INK);
    }
    y += 3.0;
    cx.cv.text(
        F::SerifBold,
        13.5,
        105.0,
        y,
        Align::Center,
        "QUYẾT ĐỊNH:",
        INK,
    );
    y += 9.0;
    let (_, rr) = cx
        .cv
        .text(F::SerifBold, pt, l + 10.0, y, Align::Left, "Điều 1.", INK);
    cx.cv.text(
        F::Serif,
        pt,
        rr + 2.0,
        y,
        Align::Left,
        &format!("{article1_lead}:"),
        INK,
    );
    y += lead;
    let (_, rr) = cx.cv.text(
        F::Serif,
        pt,
        l + 10.0,
        y,
        Align::Left,
        &format!("{} ", rec.holder.honorific()),
        INK,
    );
    let rr = cx.field(
        "full_name",
        F::Serif,
        pt,
        rr + 0.6,
        y,
        Align::Left,
        rec.get("full_name"),
        INK,
    );
    let (_, rr) = cx
        .cv
        .text(F::Serif, pt, rr, y, Align::Left, ", sinh ngày ", INK);
    let rr = cx.field(
        "date_of_birth",
        F::Serif,
        pt,
        rr + 0.3,
        y,
        Align::Left,
        &printed_date(rec.get("date_of_birth")),
        INK,
    );
    cx.cv.text(F::Serif, pt, rr, y, Align::Left, ";", INK);
    y += lead;
    y = cx.cv.paragraph(
        F::Serif,
        pt,
        l,
        y,
        r - l,
        10.0,
        lead,
        &format!("Nơi thường trú: {residence};"),
        INK,
    );
    y = cx.cv.paragraph(
        F::Serif,
        pt,
        l,
        y,
        r - l,
        10.0,
        lead,
        &cap(article1_tail),
        INK,
    );
    y += 1.5;
    let art2 =
        "Kinh phí thực hiện (nếu có) được chi trả từ nguồn ngân sách theo phân cấp hiện hành.";
    let (_, rr) = cx
        .cv
        .text(F::SerifBold, pt, l + 10.0, y, Align::Left, "Điều 2.", INK);
    let first = cx.cv.wrap(F::Serif, pt, art2, r - rr - 2.0, 0.0);
    cx.cv
        .text(F::Serif, pt, rr + 2.0, y, Align::Left, &first[0], INK);
    y += lead;
    if first.len() > 1 {
        y = cx.cv.paragraph(
            F::Serif,
            pt,
            l,
            y,
            r - l,
            0.0,
            lead,
            &first[1..].join(" "),
            INK,
        );
    }
    y += 1.5;
    let art3 = format!(
        "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan và {} {} chịu trách nhiệm thi hành Quyết định này./.",
        rec.holder.honorific(),
        rec.get("full_name")
    );
    let (_, rr) = cx
        .cv
        .text(F::SerifBold, pt, l + 10.0, y, Align::Left, "Điều 3.", INK);
    let w1 = cx.cv.wrap(F::Serif, pt, &art3, r - rr - 2.0, 0.0);
    cx.cv
        .text(F::Serif, pt, rr + 2.0, y, Align::Left, &w1[0], INK);
    y += lead;
    if w1.len() > 1 {
        let rest = art3[w1[0].len()..].trim().to_string();
        y = cx
            .cv
            .paragraph(F::Serif, pt, l, y, r - l, 0.0, lead, &rest, INK);
    }
    y += 8.0;
    let sy = y.min(222.0);
    cx.cv
        .text(F::SerifItalic, 12.0, l, sy, Align::Left, "Nơi nhận:", INK);
    for (i, s) in ["- Như Điều 3;", "- Lưu: VT, TCCB."].iter().enumerate() {
        cx.cv.text(
            F::Serif,
            11.0,
            l,
            sy + 5.0 + 4.6 * i as f32,
            Align::Left,
            s,
            INK,
        );
    }
    let sx = 148.0;
    let mut ty = sy;
    if let Some(kt) = on_behalf {
        cx.cv
            .text(F::SerifBold, 13.0, sx, ty, Align::Center, kt, INK);
        ty += 5.8;
    }
    cx.field(
        "signer_title",
        F::SerifBold,
        13.0,
        sx,
        ty,
        Align::Center,
        rec.get("signer_title"),
        INK,
    );
    marks::signature(&mut cx.cv, cx.rng, sx - 14.0, ty + 8.0, 32.0, 12.0);
    let seal_top = agency.to_string();
    marks::seal(
        &mut cx.cv,
        cx.rng,
        sx - 17.0,
        ty + 16.0,
        17.0,
        &seal_top,
        rec.get("place").to_uppercase().as_str(),
    );
    cx.field(
        "signer_name",
        F::SerifBold,
        13.0,
        sx,
        ty + 34.0,
        Align::Center,
        rec.get("signer_name"),
        INK,
    );
    let _ = BLUE;
    vec![cx.done(0.0)]
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// "Năm sinh: 1970   Dân tộc: Kinh   Quốc tịch: Việt Nam" of a parent.
fn parent_row(cv: &mut Canvas, pt: f32, l: f32, y: f32, year: i32, ethnicity: &str) {
    let year = year.to_string();
    for (lx, label, value) in [
        (l, "Năm sinh:", year.as_str()),
        (82.0, "Dân tộc:", ethnicity),
        (135.0, "Quốc tịch:", "Việt Nam"),
    ] {
        let (_, rr) = cv.text(F::Serif, pt, lx, y, Align::Left, label, INK);
        cv.text(F::SerifBold, pt, rr + 1.8, y, Align::Left, value, INK);
    }
}
