//! Retrieval by e-mail (issue 5). After a copy is issued with an e-mail address, the kiosk agent
//! calls [`send_retrieval_link`]: it signs a token (a JWT, ES256 with the `token` key of the
//! PKI, `exp` after `[mail] link_days`), records its `jti` in the register (so an officer can
//! revoke the link), sends a Vietnamese + English message with `{public_url}/r/{token}` over
//! SMTP (`[mail]`), and marks the link sent. The portal checks the token with [`TokenVerifier`].

use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};
use truecopy_config::{Config, MailConfig, MailTls};
use truecopy_domain::IdCode;
use truecopy_registry::{Registry, RegistryError};

/// The audience of retrieval tokens (a QR token or any other JWT is refused).
pub const AUDIENCE: &str = "truecopy-retrieval";

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("token key: {0}")]
    Key(String),
    #[error("invalid e-mail address {0:?}")]
    Address(String),
    #[error("cannot build the message: {0}")]
    Message(String),
    #[error("SMTP server {server}: {reason}")]
    Smtp { server: String, reason: String },
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

/// What a retrieval token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetrievalClaims {
    /// The link's id, recorded in the register.
    pub jti: String,
    /// The copy's identification code (compact).
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

/// A link that was sent.
#[derive(Debug, Clone)]
pub struct SentLink {
    pub jti: String,
    pub token: String,
    pub url: String,
    pub expires_at: String,
}

/// Signs retrieval tokens with the `token` key.
pub struct TokenSigner {
    key: EncodingKey,
    kid: String,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("kid", &self.kid)
            .finish()
    }
}

impl TokenSigner {
    pub fn from_file(path: &Path) -> Result<TokenSigner, MailError> {
        let pem =
            truecopy_seal::load_private_key_pem(path).map_err(|e| MailError::Key(e.to_string()))?;
        // QrSigner reads the same kind of key (P-256 PKCS#8) and derives the same kind of kid.
        let kid = truecopy_qr::QrSigner::from_pem(&pem)
            .map_err(|e| MailError::Key(e.to_string()))?
            .kid()
            .to_string();
        let key = EncodingKey::from_ec_pem(pem.trim().as_bytes())
            .map_err(|e| MailError::Key(e.to_string()))?;
        Ok(TokenSigner { key, kid })
    }

    /// A token for `code`, valid from `now` (Unix seconds) for `days`.
    pub fn sign(
        &self,
        code: &IdCode,
        now: i64,
        days: u32,
    ) -> Result<(RetrievalClaims, String), MailError> {
        let claims = RetrievalClaims {
            jti: uuid::Uuid::now_v7().simple().to_string(),
            sub: code.as_str().to_string(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + i64::from(days) * 86_400,
        };
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| MailError::Key(e.to_string()))?;
        Ok((claims, token))
    }
}

/// Why a retrieval token is refused (before the register is asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Past its `exp`.
    Expired,
    /// Malformed, forged, truncated, another audience or algorithm.
    Invalid,
}

/// Checks retrieval tokens with the `token` public key.
pub struct TokenVerifier {
    key: DecodingKey,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenVerifier")
    }
}

impl TokenVerifier {
    pub fn from_file(path: &Path) -> Result<TokenVerifier, MailError> {
        let pem =
            truecopy_seal::load_public_key_pem(path).map_err(|e| MailError::Key(e.to_string()))?;
        let key = DecodingKey::from_ec_pem(pem.trim().as_bytes())
            .map_err(|e| MailError::Key(e.to_string()))?;
        Ok(TokenVerifier { key })
    }

    /// Verifies signature (ES256 only), audience and expiry (no leeway).
    pub fn verify(&self, token: &str) -> Result<RetrievalClaims, TokenProblem> {
        if token.len() > 2048 {
            return Err(TokenProblem::Invalid);
        }
        let mut v = Validation::new(Algorithm::ES256);
        v.set_audience(&[AUDIENCE]);
        v.set_required_spec_claims(&["exp", "aud", "sub"]);
        v.leeway = 0;
        match jsonwebtoken::decode::<RetrievalClaims>(token, &self.key, &v) {
            Ok(d) => Ok(d.claims),
            Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => {
                Err(TokenProblem::Expired)
            }
            Err(_) => Err(TokenProblem::Invalid),
        }
    }
}

/// The retrieval URL of a token.
pub fn retrieval_url(cfg: &Config, token: &str) -> String {
    format!(
        "{}/r/{token}",
        cfg.public_url.as_str().trim_end_matches('/')
    )
}

/// The message text, Vietnamese first.
pub fn message_text(cfg: &Config, code: &IdCode, url: &str, days: u32) -> String {
    format!(
        "Kính gửi Quý công dân,\n\n\
         Bản sao điện tử có chứng thực mã {code} do {center} cấp đã sẵn sàng.\n\
         Tải bản sao (PDF) tại liên kết sau, có hiệu lực trong {days} ngày:\n\n{url}\n\n\
         Không chia sẻ liên kết này. Nếu Quý công dân không yêu cầu bản sao, vui lòng bỏ qua thư này.\n\n\
         ---\n\n\
         Dear citizen,\n\n\
         The electronic certified copy {code} issued by {center_en} is ready.\n\
         Download the copy (PDF) from this link, valid for {days} days:\n\n{url}\n\n\
         Do not share this link. If you did not request a copy, please ignore this message.\n",
        code = code.grouped(),
        center = cfg.center.name,
        center_en = cfg.center.name_en,
    )
}

/// Sends one message over SMTP as configured.
pub fn send_message(
    mail: &MailConfig,
    to: &str,
    subject: &str,
    body: String,
) -> Result<(), MailError> {
    let from: Mailbox = mail
        .from
        .parse()
        .map_err(|_| MailError::Address(mail.from.clone()))?;
    let to: Mailbox = to.parse().map_err(|_| MailError::Address(to.to_string()))?;
    let msg = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| MailError::Message(e.to_string()))?;
    let server = format!("{}:{}", mail.host, mail.port);
    let smtp_err = |e: lettre::transport::smtp::Error| MailError::Smtp {
        server: server.clone(),
        reason: e.to_string(),
    };
    let tls = match mail.tls {
        MailTls::None => Tls::None,
        MailTls::StartTls => {
            Tls::Required(TlsParameters::new(mail.host.clone()).map_err(smtp_err)?)
        }
    };
    let transport = SmtpTransport::builder_dangerous(&mail.host)
        .port(mail.port)
        .tls(tls)
        .timeout(Some(std::time::Duration::from_secs(20)))
        .build();
    transport.send(&msg).map_err(smtp_err)?;
    Ok(())
}

/// Whether a copy's retrieval link reached the SMTP server. A failure never undoes the copy:
/// the link can be re-sent.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Delivery {
    pub to: String,
    pub sent: bool,
    pub error: Option<String>,
}

/// [`send_retrieval_link`] for a copy just issued (by the kiosk or an officer): the outcome as a
/// [`Delivery`], a failure logged here once.
pub fn deliver_retrieval_link(
    reg: &mut Registry,
    cfg: &Config,
    code: &IdCode,
    to: &str,
) -> Delivery {
    match send_retrieval_link(reg, &cfg.mail, cfg, code, to) {
        Ok(_) => Delivery {
            to: to.to_owned(),
            sent: true,
            error: None,
        },
        Err(e) => {
            tracing::warn!(code = %code.grouped(), error = %e, "retrieval e-mail not sent; the copy stands, the link can be re-sent");
            Delivery {
                to: to.to_owned(),
                sent: false,
                error: Some(e.to_string()),
            }
        }
    }
}

/// Creates, records, sends and marks as sent a retrieval link for an issued copy.
/// Blocking (SMTP and database): call it from a blocking context.
pub fn send_retrieval_link(
    reg: &mut Registry,
    mail: &MailConfig,
    cfg: &Config,
    code: &IdCode,
    email: &str,
) -> Result<SentLink, MailError> {
    let email = email.trim();
    let _: Mailbox = email
        .parse()
        .map_err(|_| MailError::Address(email.to_string()))?;
    let signer = TokenSigner::from_file(&cfg.keys.token_key)?;
    let now = time::OffsetDateTime::now_utc();
    let (claims, token) = signer.sign(code, now.unix_timestamp(), mail.link_days)?;
    let expires_at = truecopy_domain::timefmt::format(
        time::OffsetDateTime::from_unix_timestamp(claims.exp).unwrap_or(now),
    );
    reg.record_email_link(&claims.jti, code, email, &expires_at, "portal:mail")?;
    let url = retrieval_url(cfg, &token);
    send_message(
        mail,
        email,
        &format!("Bản sao điện tử {} / Your certified copy", code.grouped()),
        message_text(cfg, code, &url, mail.link_days),
    )?;
    reg.mark_email_link_sent(&claims.jti)?;
    Ok(SentLink {
        jti: claims.jti,
        token,
        url,
        expires_at,
    })
}
