//! truecopy-pades: PAdES baseline B-B signatures on PDFs, and their verification.
//!
//! - [`sign_pdf`] appends a signature as an incremental update (the input bytes stay as
//!   they are, so an earlier signature remains valid): a `/Sig` dictionary with
//!   `/SubFilter /ETSI.CAdES.detached`, a hidden widget on the first page, the `/AcroForm`
//!   with `/SigFlags 3`, and a classic cross-reference section. The CMS SignedData carries
//!   the signed attributes content-type, message-digest and signing-certificate-v2 (no
//!   signing-time: PAdES puts the time in `/M`), the signer certificate and its chain.
//!   Only the cross-reference tables and the rewritten objects are parsed.
//! - [`verify_pdf`] checks every signature: byte range and coverage of its revision,
//!   digest, CMS signature (ECDSA P-256, RSA PKCS#1 v1.5), certificate path to a
//!   [`TrustStore`], validity at the signing time, and what later incremental updates
//!   changed (anything beyond a further signature gives
//!   [`Reason::ModifiedAfterSigning`](truecopy_seal::Reason::ModifiedAfterSigning)).
//!
//! Both read PDFs with classic cross-reference tables (what printpdf/lopdf write);
//! cross-reference streams are refused ([`PadesError::Unsupported`] when signing,
//! an INDETERMINATE `unsupported_algorithm` report when verifying).

mod chain;
mod cms_sig;
mod diff;
mod doc;
mod error;
mod sign;
mod syntax;
mod verify;

pub use error::PadesError;
pub use sign::{DEFAULT_RESERVE, SignOptions, sign_pdf};
pub use verify::{MAX_PDF_SIZE, PdfReport, SignatureReport, TrustStore, verify_pdf};
