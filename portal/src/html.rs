//! Server-rendered HTML: one layout, escaping, no JavaScript.

use crate::i18n::Lang;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    esc_into(&mut out, s);
    out
}

/// Appends `s` escaped for HTML content and attribute values (runs without special
/// characters are copied whole).
pub fn esc_into(out: &mut String, s: &str) {
    // A scan over bytes (the special characters are ASCII, so every match is a character
    // boundary): cheaper than `str::find` with a set of chars, which decodes each character.
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// The query string with `lang` replaced, for the language switch.
pub fn with_lang(path: &str, query: Option<&str>, lang: Lang) -> String {
    let mut q: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang="))
        .collect();
    let l = format!("lang={}", lang.code());
    q.push(&l);
    format!("{path}?{}", q.join("&"))
}

/// A whole page. `path`/`query` are the current request's, for the language switch.
pub fn page(lang: Lang, title: &str, path: &str, query: Option<&str>, body: &str) -> String {
    let other = match lang {
        Lang::Vi => Lang::En,
        Lang::En => Lang::Vi,
    };
    let switch_label = match lang {
        Lang::Vi => "English",
        Lang::En => "Tiếng Việt",
    };
    let site = lang.t("Kiểm tra bản sao điện tử", "Certified copy check");
    let footer = lang.t(
        "Bản sao điện tử có chứng thực từ bản chính — Trung tâm Phục vụ hành chính công thành phố Hà Nội",
        "Electronic certified copies of originals — Hanoi Public Administration Service Center",
    );
    // Appended piece by piece (no formatting machinery, no intermediate strings): every
    // page goes through here.
    let mut s = String::with_capacity(body.len() + 1500);
    for part in [
        "<!doctype html><html lang=\"",
        lang.code(),
        "\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
    ] {
        s.push_str(part);
    }
    esc_into(&mut s, title);
    for part in [
        " · ",
        site,
        "</title><link rel=\"stylesheet\" href=\"/static/portal.css\"></head>\
         <body><header><a class=\"home\" href=\"/?lang=",
        lang.code(),
        "\">",
        site,
        "</a><a class=\"lang\" id=\"lang-switch\" hreflang=\"",
        other.code(),
        "\" href=\"",
    ] {
        s.push_str(part);
    }
    esc_into(&mut s, &with_lang(path, query, other));
    for part in [
        "\">",
        switch_label,
        "</a></header><main>",
        body,
        "</main><footer>",
        footer,
        "</footer></body></html>",
    ] {
        s.push_str(part);
    }
    s
}

pub const CSS: &str = include_str!("../assets/portal.css");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            esc("a<b>&\"c\" 'd' Nguyễn"),
            "a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39; Nguyễn"
        );
        assert_eq!(esc(""), "");
        assert_eq!(esc("&&"), "&amp;&amp;");
        assert_eq!(esc("plain"), "plain");
    }
}
