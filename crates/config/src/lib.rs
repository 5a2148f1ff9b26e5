//! truecopy configuration: one TOML file (see `truecopy.example.toml` at the repository root)
//! with environment overrides, validated as a whole before anything is opened or written.
//!
//! Precedence, lowest first: built-in defaults, the file (`--config`, `TRUECOPY_CONFIG`, or
//! `./truecopy.toml` when present), `TRUECOPY_<SECTION>__<KEY>` variables (e.g.
//! `TRUECOPY_DATABASE__URL`), and finally the conventional `DATABASE_URL`.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

pub mod logging;

/// A configuration problem, worded for the operator: what is wrong and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {reason} (pass --config FILE or create {path})")]
    Unreadable { path: PathBuf, reason: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
    #[error(
        "invalid database.url {shown:?}: {problem}; use sqlite://PATH (e.g. sqlite://data/truecopy.sqlite3) or postgres://USER@HOST:PORT/DB, in [database] url of the config file or DATABASE_URL"
    )]
    DatabaseUrl { shown: String, problem: String },
    #[error("invalid {key} = {value:?}: {problem}")]
    Value {
        key: &'static str,
        value: String,
        problem: String,
    },
}

/// Where the system of record lives.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file (created, with its directory, on first run).
    Sqlite(PathBuf),
    /// A PostgreSQL connection string, as given.
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<DatabaseUrl, ConfigError> {
        let shown = redact(raw);
        let err = |problem: &str| ConfigError::DatabaseUrl {
            shown: shown.clone(),
            problem: problem.to_string(),
        };
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(err("it is empty"));
        }
        if let Some(path) = raw.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(err("no file path after sqlite://"));
            }
            if path.contains('?') || path.contains('\0') {
                return Err(err("the SQLite path may not contain '?' or NUL"));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            let u = url::Url::parse(raw).map_err(|e| err(&format!("not a valid URL ({e})")))?;
            if u.host_str().map(str::is_empty).unwrap_or(true) {
                return Err(err("no host"));
            }
            if u.path().trim_start_matches('/').is_empty() {
                return Err(err("no database name after the host"));
            }
            return Ok(DatabaseUrl::Postgres(raw.to_string()));
        }
        let scheme = raw.split("://").next().unwrap_or(raw);
        if raw.contains("://") {
            Err(err(&format!("unsupported scheme {scheme:?}")))
        } else {
            Err(err("no scheme"))
        }
    }

    /// The URL with any password replaced by `***`, fit for logs and messages.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseUrl::Postgres(s) => redact(s),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn redact(raw: &str) -> String {
    let short: String = raw.chars().take(200).collect();
    // Done by hand rather than with a URL parser, so that a URL too broken to parse is
    // redacted as well: `scheme://user:secret@host…` → `scheme://user:***@host…`.
    let Some(start) = short.find("://").map(|i| i + 3) else {
        return short;
    };
    let authority_end = short[start..]
        .find(['/', '?', '#'])
        .map(|i| start + i)
        .unwrap_or(short.len());
    let authority = &short[start..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &short[..start],
            &authority[..colon],
            &short[start + at..]
        ),
        _ => short,
    }
}

/// Where blobs (page images, issued PDFs) live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobUrl {
    /// A local directory (created on first run).
    Local(PathBuf),
    /// An S3-compatible bucket: `s3://BUCKET[/PREFIX]`; endpoint, region and credentials come
    /// from the standard `AWS_*` environment variables (`AWS_ENDPOINT` for MinIO and the like).
    S3 { bucket: String, prefix: String },
}

impl BlobUrl {
    pub fn parse(raw: &str) -> Result<BlobUrl, ConfigError> {
        let err = |problem: &str| ConfigError::Value {
            key: "blobs.url",
            value: raw.chars().take(200).collect(),
            problem: format!(
                "{problem}; use file://DIR (e.g. file://data/blobs) or s3://BUCKET[/PREFIX]"
            ),
        };
        if let Some(dir) = raw.strip_prefix("file://") {
            if dir.is_empty() {
                return Err(err("no directory after file://"));
            }
            return Ok(BlobUrl::Local(PathBuf::from(dir)));
        }
        if let Some(rest) = raw.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(err("no bucket after s3://"));
            }
            return Ok(BlobUrl::S3 {
                bucket: bucket.to_string(),
                prefix: prefix.trim_matches('/').to_string(),
            });
        }
        Err(err("unsupported scheme"))
    }
}

/// The raw configuration as read from file and environment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub database: DatabaseSection,
    pub blobs: BlobsSection,
    pub center: CenterSection,
    pub keys: KeysSection,
    pub portal: PortalSection,
    #[serde(default)]
    pub mail: MailSection,
    #[serde(default)]
    pub kiosk: KioskSection,
    pub log: LogSection,
}

/// The kiosk agent's pipeline (issue 4): models, thresholds, scanner and output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KioskSection {
    /// This kiosk's id in the register (`console kiosk add`).
    pub id: String,
    /// The scanner's resolution, used when a scan file states none (JPEG without JFIF density).
    pub scan_dpi: f32,
    /// Where `kiosk-agent process` writes issued copies and refusal slips.
    pub out_dir: PathBuf,
    /// Tesseract languages, `+`-separated, order matters.
    pub ocr_languages: String,
    /// Directory of `<lang>.traineddata` (tesseract's default when absent).
    pub tessdata_dir: Option<PathBuf>,
    /// ONNX Runtime shared library (≥ 1.31).
    pub ort_library: PathBuf,
    /// Folder of the face models (`fr_detect.onnx`, `fr_landmark.onnx`, `fr_feature.onnx`, `fr_liveness.onnx`).
    pub face_models_dir: PathBuf,
    /// Cosine similarity needed for a face match (the face crate's calibrated default when absent).
    pub face_match_threshold: Option<f32>,
    /// Liveness probability needed (the face crate's default when absent).
    pub liveness_threshold: Option<f32>,
}

impl Default for KioskSection {
    fn default() -> Self {
        KioskSection {
            id: "K01".into(),
            scan_dpi: 300.0,
            out_dir: PathBuf::from("data/out"),
            ocr_languages: "vie+eng".into(),
            tessdata_dir: None,
            ort_library: PathBuf::from(".tools/onnxruntime/libonnxruntime.so.1.31.1"),
            face_models_dir: PathBuf::from(".tools/models/face"),
            face_match_threshold: None,
            liveness_threshold: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSection {
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobsSection {
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CenterSection {
    /// The certifying authority, as printed on copies.
    pub name: String,
    pub name_en: String,
    /// The place printed in the certification statement ("Hà Nội, ngày … tháng … năm …").
    pub place: String,
    /// The register book number for certified copies (1–99), see Circular 01/2020.
    pub register_book: u16,
    /// Short id of the center in QR payloads: 1–16 of `A`–`Z`, `0`–`9`, `-`.
    pub short_id: String,
    /// The watermark printed diagonally on every page of a copy.
    pub watermark: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysSection {
    /// Directory of the PKI files; the other paths default to files inside it.
    pub dir: PathBuf,
    pub ca_cert: Option<PathBuf>,
    pub seal_cert: Option<PathBuf>,
    pub seal_key: Option<PathBuf>,
    pub qr_key: Option<PathBuf>,
    pub qr_pub: Option<PathBuf>,
    pub token_key: Option<PathBuf>,
    pub token_pub: Option<PathBuf>,
    pub officers_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalSection {
    /// The base URL printed in QR codes and e-mail links.
    pub public_url: String,
    pub listen: String,
}

/// The SMTP server that sends retrieval links (issue 5).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailSection {
    pub host: String,
    pub port: u16,
    /// The sender, e.g. `"Sao y điện tử <no-reply@saoy.hanoi.gov.vn>"`.
    pub from: String,
    /// `none` (loopback relay only) or `starttls`.
    pub tls: String,
    /// Days a retrieval link stays valid.
    pub link_days: u32,
}

impl Default for MailSection {
    fn default() -> Self {
        MailSection {
            host: "127.0.0.1".into(),
            port: 25,
            from: "Sao y dien tu <no-reply@localhost>".into(),
            tls: "none".into(),
            link_days: 30,
        }
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTls {
    None,
    StartTls,
}

/// The validated `[mail]` section.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub host: String,
    pub port: u16,
    pub from: String,
    pub tls: MailTls,
    pub link_days: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    /// `human` or `json`.
    pub format: String,
    /// A tracing filter, e.g. `info` or `truecopy_registry=debug,info`.
    pub level: String,
}

impl Default for RawConfig {
    fn default() -> Self {
        RawConfig {
            database: DatabaseSection {
                url: "sqlite://data/truecopy.sqlite3".into(),
            },
            blobs: BlobsSection {
                url: "file://data/blobs".into(),
            },
            center: CenterSection {
                name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
                name_en: "Hanoi Public Administration Service Center".into(),
                place: "Hà Nội".into(),
                register_book: 1,
                short_id: "TTPVHCC-HN".into(),
                watermark: "TTPVHCC".into(),
            },
            keys: KeysSection {
                dir: PathBuf::from("keys/dev"),
                ca_cert: None,
                seal_cert: None,
                seal_key: None,
                qr_key: None,
                qr_pub: None,
                token_key: None,
                token_pub: None,
                officers_dir: None,
            },
            portal: PortalSection {
                public_url: "http://127.0.0.1:8080".into(),
                listen: "127.0.0.1:8080".into(),
            },
            mail: MailSection::default(),
            kiosk: KioskSection::default(),
            log: LogSection {
                format: "human".into(),
                level: "info".into(),
            },
        }
    }
}

/// Resolved key file paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPaths {
    pub dir: PathBuf,
    pub ca_cert: PathBuf,
    pub seal_cert: PathBuf,
    pub seal_key: PathBuf,
    pub qr_key: PathBuf,
    pub qr_pub: PathBuf,
    pub token_key: PathBuf,
    pub token_pub: PathBuf,
    pub officers_dir: PathBuf,
}

impl KeyPaths {
    /// An officer's certificate and (passphrase-protected) key.
    pub fn officer(&self, id: &str) -> (PathBuf, PathBuf) {
        (
            self.officers_dir.join(format!("{id}.cert.pem")),
            self.officers_dir.join(format!("{id}.key.pem")),
        )
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

/// The validated configuration every binary runs on.
#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseUrl,
    pub blobs: BlobUrl,
    pub center: CenterSection,
    pub keys: KeyPaths,
    pub public_url: url::Url,
    pub listen: SocketAddr,
    pub mail: MailConfig,
    pub kiosk: KioskSection,
    pub log_format: LogFormat,
    pub log_level: String,
    /// The file it was read from, if any.
    pub source: Option<PathBuf>,
}

impl Config {
    /// Loads from `path` (or `./truecopy.toml` when `None` and present) and the environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        Config::load_from(path, &env)
    }

    /// As [`Config::load`], with the environment given (for tests).
    pub fn load_from(path: Option<&Path>, env: &[(String, String)]) -> Result<Config, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(RawConfig::default()));
        let file = match path {
            Some(p) => Some(p.to_path_buf()),
            None => {
                let default = PathBuf::from("truecopy.toml");
                default.exists().then_some(default)
            }
        };
        if let Some(p) = &file {
            let text = std::fs::read_to_string(p).map_err(|e| ConfigError::Unreadable {
                path: p.clone(),
                reason: e.to_string(),
            })?;
            fig = fig.merge(Toml::string(&text));
        }
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        // TRUECOPY_SECTION__KEY variables; TRUECOPY_CONFIG is the file itself, not a key.
        let prefixed: Vec<(String, String)> = env
            .iter()
            .filter(|(k, _)| k.starts_with("TRUECOPY_") && k.contains("__"))
            .cloned()
            .collect();
        for (k, v) in prefixed {
            let key = k["TRUECOPY_".len()..]
                .to_ascii_lowercase()
                .replace("__", ".");
            fig = fig.merge(Serialized::global(&key, parse_env_value(&v)));
        }
        if let Some(url) = get("DATABASE_URL") {
            fig = fig.merge(Serialized::global("database.url", url));
        }
        let raw: RawConfig = fig
            .extract()
            .map_err(|e| ConfigError::Invalid(one_line(&e.to_string())))?;
        Config::validate(raw, file)
    }

    fn validate(raw: RawConfig, source: Option<PathBuf>) -> Result<Config, ConfigError> {
        let database = DatabaseUrl::parse(&raw.database.url)?;
        let blobs = BlobUrl::parse(&raw.blobs.url)?;
        if !(1..=99).contains(&raw.center.register_book) {
            return Err(ConfigError::Value {
                key: "center.register_book",
                value: raw.center.register_book.to_string(),
                problem: "a register book number is 1 to 99".into(),
            });
        }
        for (key, v) in [
            ("center.name", &raw.center.name),
            ("center.name_en", &raw.center.name_en),
            ("center.place", &raw.center.place),
        ] {
            if v.trim().is_empty() || v.chars().count() > 200 {
                return Err(ConfigError::Value {
                    key,
                    value: v.chars().take(200).collect(),
                    problem: "must be 1 to 200 characters".into(),
                });
            }
        }
        let sid = &raw.center.short_id;
        if sid.is_empty()
            || sid.len() > 16
            || !sid
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(ConfigError::Value {
                key: "center.short_id",
                value: sid.chars().take(64).collect(),
                problem: "must be 1 to 16 characters of A-Z, 0-9 and -".into(),
            });
        }
        if raw.center.watermark.trim().is_empty() || raw.center.watermark.chars().count() > 40 {
            return Err(ConfigError::Value {
                key: "center.watermark",
                value: raw.center.watermark.chars().take(64).collect(),
                problem: "must be 1 to 40 characters".into(),
            });
        }
        let public_url = url::Url::parse(&raw.portal.public_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| ConfigError::Value {
                key: "portal.public_url",
                value: raw.portal.public_url.clone(),
                problem: "must be an http(s) URL such as https://saoy.hanoi.gov.vn".into(),
            })?;
        let listen: SocketAddr = raw.portal.listen.parse().map_err(|_| ConfigError::Value {
            key: "portal.listen",
            value: raw.portal.listen.clone(),
            problem: "must be an address and port such as 127.0.0.1:8080".into(),
        })?;
        let mail = validate_mail(&raw.mail)?;
        validate_kiosk(&raw.kiosk)?;
        let log_format = match raw.log.format.as_str() {
            "human" => LogFormat::Human,
            "json" => LogFormat::Json,
            other => {
                return Err(ConfigError::Value {
                    key: "log.format",
                    value: other.to_string(),
                    problem: "must be human or json".into(),
                });
            }
        };
        logging::check_filter(&raw.log.level).map_err(|problem| ConfigError::Value {
            key: "log.level",
            value: raw.log.level.clone(),
            problem,
        })?;
        let k = &raw.keys;
        let at = |p: &Option<PathBuf>, name: &str| p.clone().unwrap_or_else(|| k.dir.join(name));
        let keys = KeyPaths {
            dir: k.dir.clone(),
            ca_cert: at(&k.ca_cert, "ca.cert.pem"),
            seal_cert: at(&k.seal_cert, "seal.cert.pem"),
            seal_key: at(&k.seal_key, "seal.key.pem"),
            qr_key: at(&k.qr_key, "qr.key.pem"),
            qr_pub: at(&k.qr_pub, "qr.pub.pem"),
            token_key: at(&k.token_key, "token.key.pem"),
            token_pub: at(&k.token_pub, "token.pub.pem"),
            officers_dir: at(&k.officers_dir, "officers"),
        };
        Ok(Config {
            database,
            blobs,
            center: raw.center,
            keys,
            public_url,
            listen,
            mail,
            kiosk: raw.kiosk,
            log_format,
            log_level: raw.log.level,
            source,
        })
    }
}

fn validate_kiosk(k: &KioskSection) -> Result<(), ConfigError> {
    let bad = |key: &'static str, value: String, problem: &str| ConfigError::Value {
        key,
        value,
        problem: problem.into(),
    };
    if k.id.is_empty()
        || k.id.len() > 32
        || !k
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(bad("kiosk.id", k.id.clone(), "1-32 of A-Z a-z 0-9 - _"));
    }
    if !(200.0..=2400.0).contains(&k.scan_dpi) {
        return Err(bad(
            "kiosk.scan_dpi",
            k.scan_dpi.to_string(),
            "a scanner resolution of 200 to 2400 dpi (Decree 30/2020 asks at least 200)",
        ));
    }
    if k.ocr_languages.is_empty()
        || !k
            .ocr_languages
            .split('+')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Err(bad(
            "kiosk.ocr_languages",
            k.ocr_languages.clone(),
            "tesseract languages joined by +, e.g. vie+eng",
        ));
    }
    for (key, v) in [
        ("kiosk.face_match_threshold", k.face_match_threshold),
        ("kiosk.liveness_threshold", k.liveness_threshold),
    ] {
        if let Some(v) = v
            && !(v > 0.0 && v < 1.0)
        {
            return Err(bad(key, v.to_string(), "a number strictly between 0 and 1"));
        }
    }
    Ok(())
}

fn validate_mail(m: &MailSection) -> Result<MailConfig, ConfigError> {
    if m.host.trim().is_empty() || m.host.len() > 253 || m.host.contains(char::is_whitespace) {
        return Err(ConfigError::Value {
            key: "mail.host",
            value: m.host.chars().take(64).collect(),
            problem: "must be a host name or address such as smtp.example.vn".into(),
        });
    }
    if m.port == 0 {
        return Err(ConfigError::Value {
            key: "mail.port",
            value: m.port.to_string(),
            problem: "must be 1 to 65535 (25, 587, …)".into(),
        });
    }
    let addr = m
        .from
        .rsplit('<')
        .next()
        .unwrap_or("")
        .trim_end_matches('>');
    if m.from.len() > 320 || !addr.contains('@') || addr.contains(char::is_whitespace) {
        return Err(ConfigError::Value {
            key: "mail.from",
            value: m.from.chars().take(64).collect(),
            problem: "must be an address, optionally with a name: \"Name <user@domain>\"".into(),
        });
    }
    let tls = match m.tls.as_str() {
        "none" => MailTls::None,
        "starttls" => MailTls::StartTls,
        other => {
            return Err(ConfigError::Value {
                key: "mail.tls",
                value: other.chars().take(64).collect(),
                problem: "must be none or starttls".into(),
            });
        }
    };
    if !(1..=366).contains(&m.link_days) {
        return Err(ConfigError::Value {
            key: "mail.link_days",
            value: m.link_days.to_string(),
            problem: "must be 1 to 366 days".into(),
        });
    }
    Ok(MailConfig {
        host: m.host.clone(),
        port: m.port,
        from: m.from.clone(),
        tls,
        link_days: m.link_days,
    })
}

fn parse_env_value(v: &str) -> figment::value::Value {
    // Numbers stay numbers (register_book), everything else is a string.
    if let Ok(n) = v.parse::<u64>() {
        return figment::value::Value::from(n);
    }
    match v.parse::<f64>() {
        Ok(x) if v.contains('.') && x.is_finite() => figment::value::Value::from(x),
        _ => figment::value::Value::from(v.to_string()),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn load(text: &str, pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let p = dir.path().join("truecopy.toml");
        std::fs::write(&p, text).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        Config::load_from(Some(&p), &env(pairs))
    }

    #[test]
    fn kiosk_section_is_validated() {
        let c = Config::load_from(
            None,
            &env(&[("TRUECOPY_KIOSK__FACE_MATCH_THRESHOLD", "0.6")]),
        )
        .expect("valid");
        assert_eq!(c.kiosk.face_match_threshold, Some(0.6));
        assert_eq!(c.kiosk.id, "K01");
        for (k, v, key) in [
            ("TRUECOPY_KIOSK__SCAN_DPI", "72", "kiosk.scan_dpi"),
            (
                "TRUECOPY_KIOSK__FACE_MATCH_THRESHOLD",
                "1.5",
                "kiosk.face_match_threshold",
            ),
            (
                "TRUECOPY_KIOSK__OCR_LANGUAGES",
                "vie++eng",
                "kiosk.ocr_languages",
            ),
            ("TRUECOPY_KIOSK__ID", "K 01", "kiosk.id"),
        ] {
            let e = Config::load_from(None, &env(&[(k, v)])).expect_err(k);
            assert!(e.to_string().contains(key), "{e}");
        }
    }

    #[test]
    fn defaults_are_the_embedded_setup() -> Result<(), ConfigError> {
        let c = load("", &[])?;
        assert_eq!(
            c.database,
            DatabaseUrl::Sqlite(PathBuf::from("data/truecopy.sqlite3"))
        );
        assert_eq!(c.blobs, BlobUrl::Local(PathBuf::from("data/blobs")));
        assert_eq!(c.keys.seal_key, PathBuf::from("keys/dev/seal.key.pem"));
        assert_eq!(c.center.register_book, 1);
        Ok(())
    }

    #[test]
    fn file_then_env_then_database_url() -> Result<(), ConfigError> {
        let text = "[database]\nurl = \"sqlite://a.db\"\n[center]\nregister_book = 3\n";
        assert_eq!(
            load(text, &[])?.database,
            DatabaseUrl::Sqlite("a.db".into())
        );
        let c = load(
            text,
            &[
                ("TRUECOPY_DATABASE__URL", "sqlite://b.db"),
                ("TRUECOPY_CENTER__REGISTER_BOOK", "7"),
            ],
        )?;
        assert_eq!(c.database, DatabaseUrl::Sqlite("b.db".into()));
        assert_eq!(c.center.register_book, 7);
        let c = load(
            text,
            &[
                ("TRUECOPY_DATABASE__URL", "sqlite://b.db"),
                ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"),
            ],
        )?;
        assert_eq!(c.database.backend_name(), "postgres");
        Ok(())
    }

    #[test]
    fn bad_values_name_key_and_fix() {
        let e = load("[database]\nurl = \"mysql://x/y\"\n", &[]).map(|_| ());
        let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains("database.url") && msg.contains("sqlite://"),
            "{msg}"
        );
        assert!(!msg.contains('\n'));

        let e = load("[center]\nregister_book = 0\n", &[]).err();
        assert!(matches!(
            e,
            Some(ConfigError::Value {
                key: "center.register_book",
                ..
            })
        ));
        let e = load("[log]\nformat = \"xml\"\n", &[]).err();
        assert!(matches!(
            e,
            Some(ConfigError::Value {
                key: "log.format",
                ..
            })
        ));
        let e = load("[portal]\npublic_url = \"ftp://x\"\n", &[]).err();
        assert!(matches!(
            e,
            Some(ConfigError::Value {
                key: "portal.public_url",
                ..
            })
        ));
        let e = load("[databse]\nurl = \"x\"\n", &[]).err();
        let msg = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("databse"), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }

    #[test]
    fn passwords_never_shown() {
        let e = DatabaseUrl::parse("postgres://u:s3cret@/db").err();
        let msg = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(!msg.contains("s3cret"), "{msg}");
        let ok = DatabaseUrl::parse("postgres://u:s3cret@h/db").ok();
        assert_eq!(
            ok.map(|u| u.to_string()),
            Some("postgres://u:***@h/db".to_string())
        );
    }

    #[test]
    fn database_url_forms() {
        assert!(DatabaseUrl::parse("").is_err());
        assert!(DatabaseUrl::parse("data/x.db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("postgres://host").is_err());
        assert!(DatabaseUrl::parse("postgresql://postgres@127.0.0.1:5432/test").is_ok());
        assert_eq!(
            BlobUrl::parse("s3://bucket/a/b/").ok(),
            Some(BlobUrl::S3 {
                bucket: "bucket".into(),
                prefix: "a/b".into()
            })
        );
        assert!(BlobUrl::parse("gs://x").is_err());
    }
}
