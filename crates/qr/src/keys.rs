//! The QR signing key ([`QrSigner`]), the trusted verification keys ([`QrKeys`]), key ids and
//! the JWKS published at `/.well-known/truecopy-keys`.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use p256::PublicKey;
use p256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey, LineEnding};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{QrError, QrPayload};

/// Hex characters of a key id.
pub const KID_LEN: usize = 8;

/// The key id of a P-256 public key: the first 4 bytes of the SHA-256 of its
/// SubjectPublicKeyInfo DER (RFC 5480, uncompressed point, named curve), in lower-case hex.
pub fn kid_of(public_key: &PublicKey) -> Result<String, QrError> {
    let der = public_key
        .to_public_key_der()
        .map_err(|e| QrError::InvalidKey(e.to_string()))?;
    let digest = Sha256::digest(der.as_bytes());
    Ok(hex::encode(&digest[..KID_LEN / 2]))
}

/// The key id of a PEM public key ("PUBLIC KEY", SPKI), see [`kid_of`].
pub fn kid_of_public_pem(spki_pem: &str) -> Result<String, QrError> {
    kid_of(&parse_public_pem(spki_pem)?)
}

fn parse_public_pem(spki_pem: &str) -> Result<PublicKey, QrError> {
    PublicKey::from_public_key_pem(spki_pem.trim()).map_err(|e| {
        QrError::InvalidKey(format!(
            "not a P-256 public key in PEM (\"PUBLIC KEY\", SubjectPublicKeyInfo): {e}"
        ))
    })
}

/// One public key as a JWK (RFC 7517/7518): `kty` EC, `crv` P-256, `x`, `y`, `kid`, `alg`
/// ES256, `use` sig.
fn jwk_of(public_key: &PublicKey, kid: &str) -> Value {
    let point = public_key.to_encoded_point(false);
    let x = point.x().map(|x| URL_SAFE_NO_PAD.encode(x));
    let y = point.y().map(|y| URL_SAFE_NO_PAD.encode(y));
    json!({ "kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": kid, "alg": "ES256", "use": "sig" })
}

/// Signs QR payloads with the agency's QR key (ES256). Build it once and reuse it: the key is
/// parsed and the key id computed at construction.
#[derive(Clone)]
pub struct QrSigner {
    key: EncodingKey,
    header: Header,
    kid: String,
    public_key: PublicKey,
}

impl fmt::Debug for QrSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QrSigner")
            .field("kid", &self.kid)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl QrSigner {
    /// From an unencrypted PKCS#8 PEM ("PRIVATE KEY") P-256 key, e.g. `qr.key.pem` from
    /// `init_dev_pki` read with `truecopy_seal::load_private_key_pem`.
    pub fn from_pem(pkcs8_pem: &str) -> Result<QrSigner, QrError> {
        let secret = p256::SecretKey::from_pkcs8_pem(pkcs8_pem.trim()).map_err(|e| {
            QrError::InvalidKey(format!(
                "not an unencrypted PKCS#8 P-256 private key in PEM (\"PRIVATE KEY\"): {e}"
            ))
        })?;
        let key = EncodingKey::from_ec_pem(pkcs8_pem.trim().as_bytes())
            .map_err(|e| QrError::InvalidKey(e.to_string()))?;
        let public_key = secret.public_key();
        let kid = kid_of(&public_key)?;
        let mut header = Header::new(Algorithm::ES256);
        header.typ = None;
        header.kid = Some(kid.clone());
        Ok(QrSigner {
            key,
            header,
            kid,
            public_key,
        })
    }

    /// The key id written in every token's header.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as SPKI PEM (what `qr.pub.pem` holds).
    pub fn public_key_pem(&self) -> Result<String, QrError> {
        self.public_key
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| QrError::InvalidKey(e.to_string()))
    }

    /// The public key as a JWK, for `/.well-known/truecopy-keys`.
    pub fn public_jwk(&self) -> Value {
        jwk_of(&self.public_key, &self.kid)
    }

    /// A key set trusting this signer's public key only.
    pub fn keys(&self) -> QrKeys {
        let mut keys = QrKeys::default();
        keys.insert(self.public_key);
        keys
    }

    /// Signs a payload: the compact JWS (`header.claims.signature`, base64url without padding).
    pub fn sign(&self, payload: &QrPayload) -> Result<String, QrError> {
        payload.validate()?;
        jsonwebtoken::encode(&self.header, &payload.to_claims(), &self.key)
            .map_err(|e| QrError::Signing(e.to_string()))
    }
}

pub(crate) struct TrustedKey {
    pub(crate) public_key: PublicKey,
    pub(crate) decoding: DecodingKey,
}

/// The trusted QR verification keys, by key id. Several keys may be trusted at once (a key
/// rollover keeps the old one so that copies issued earlier still verify).
#[derive(Default)]
pub struct QrKeys {
    keys: BTreeMap<String, TrustedKey>,
}

impl fmt::Debug for QrKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QrKeys")
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl QrKeys {
    /// From SPKI PEM public keys ("PUBLIC KEY", P-256), e.g. `qr.pub.pem`.
    pub fn from_public_pems(pems: &[&str]) -> Result<QrKeys, QrError> {
        let mut keys = QrKeys::default();
        for pem in pems {
            keys.insert(parse_public_pem(pem)?);
        }
        Ok(keys)
    }

    /// From a JWKS (`{"keys":[…]}`) as served at `/.well-known/truecopy-keys`. Every key must
    /// be an EC P-256 key; a `kid`, when present, must equal the one derived from the key.
    pub fn from_jwks(jwks: &str) -> Result<QrKeys, QrError> {
        let bad = |m: &str| QrError::InvalidKey(format!("JWKS: {m}"));
        let doc: Value = serde_json::from_str(jwks).map_err(|e| bad(&e.to_string()))?;
        let list = doc
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no \"keys\" array"))?;
        let mut keys = QrKeys::default();
        for jwk in list {
            let field = |name: &str| jwk.get(name).and_then(Value::as_str);
            if field("kty") != Some("EC") || field("crv") != Some("P-256") {
                return Err(bad("only EC P-256 keys are used for QR codes"));
            }
            if field("alg").is_some_and(|a| a != "ES256") {
                return Err(bad("alg must be ES256"));
            }
            let coord = |name: &str| -> Result<[u8; 32], QrError> {
                let raw = URL_SAFE_NO_PAD
                    .decode(field(name).ok_or_else(|| bad("missing coordinate"))?)
                    .map_err(|e| bad(&e.to_string()))?;
                raw.try_into()
                    .map_err(|_| bad("a coordinate is not 32 bytes"))
            };
            let (x, y) = (coord("x")?, coord("y")?);
            let point = p256::EncodedPoint::from_affine_coordinates(&x.into(), &y.into(), false);
            let public_key = Option::<PublicKey>::from(PublicKey::from_encoded_point(&point))
                .ok_or_else(|| bad("the point is not on P-256"))?;
            let kid = kid_of(&public_key)?;
            if field("kid").is_some_and(|k| k != kid) {
                return Err(bad(&format!(
                    "stated kid differs from the key's own ({kid})"
                )));
            }
            keys.insert(public_key);
        }
        Ok(keys)
    }

    fn insert(&mut self, public_key: PublicKey) {
        let Ok(kid) = kid_of(&public_key) else {
            return;
        };
        let point = public_key.to_encoded_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            return;
        };
        let Ok(decoding) =
            DecodingKey::from_ec_components(&URL_SAFE_NO_PAD.encode(x), &URL_SAFE_NO_PAD.encode(y))
        else {
            return;
        };
        self.keys.insert(
            kid,
            TrustedKey {
                public_key,
                decoding,
            },
        );
    }

    /// Adds the keys of another set.
    pub fn extend(&mut self, other: QrKeys) {
        self.keys.extend(other.keys);
    }

    /// The trusted key ids, sorted.
    pub fn kids(&self) -> Vec<String> {
        self.keys.keys().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub(crate) fn get(&self, kid: &str) -> Option<&TrustedKey> {
        self.keys.get(kid)
    }

    /// The JWKS document to publish at `/.well-known/truecopy-keys`.
    pub fn to_jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|(kid, k)| jwk_of(&k.public_key, kid))
            .collect();
        json!({ "keys": keys })
    }
}
