//! Content-addressed blob storage for page images and issued PDFs, through `object_store`:
//! a local directory by default, an S3-compatible bucket by configuration.
//!
//! A blob's key is the SHA-256 of its bytes (`sha256/ab/cd/abcd…`), so storing the same bytes
//! twice stores them once, and every read is checked against its key.

use std::sync::Arc;

use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use truecopy_config::BlobUrl;

/// Largest blob accepted (a PDF of a 50-page original at 300 dpi stays well below).
pub const MAX_BLOB_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("cannot open blob storage {target}: {reason}")]
    Open { target: String, reason: String },
    #[error("blob {key} not found")]
    NotFound { key: String },
    #[error("blob {key} is corrupt: its bytes hash to {actual}")]
    Corrupt { key: String, actual: String },
    #[error("blob of {bytes} bytes is larger than the limit of {MAX_BLOB_BYTES} bytes")]
    TooLarge { bytes: usize },
    #[error("{key:?} is not a blob key (expected 64 hex digits)")]
    BadKey { key: String },
    #[error("blob storage error: {0}")]
    Store(#[from] object_store::Error),
}

/// The blob store.
#[derive(Debug, Clone)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    target: String,
}

/// SHA-256 of bytes, hex (the key a blob is stored under).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn valid_key(key: &str) -> Result<(), BlobError> {
    if key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        Ok(())
    } else {
        Err(BlobError::BadKey {
            key: key.chars().take(80).collect(),
        })
    }
}

impl BlobStore {
    /// Opens the configured store; a local directory is created on first use.
    pub fn open(url: &BlobUrl) -> Result<BlobStore, BlobError> {
        match url {
            BlobUrl::Local(dir) => {
                let target = format!("file://{}", dir.display());
                std::fs::create_dir_all(dir).map_err(|e| BlobError::Open {
                    target: target.clone(),
                    reason: e.to_string(),
                })?;
                let fs = LocalFileSystem::new_with_prefix(dir).map_err(|e| BlobError::Open {
                    target: target.clone(),
                    reason: e.to_string(),
                })?;
                Ok(BlobStore {
                    store: Arc::new(fs),
                    prefix: String::new(),
                    target,
                })
            }
            BlobUrl::S3 { bucket, prefix } => {
                let target = format!("s3://{bucket}/{prefix}");
                let s3 = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()
                    .map_err(|e| BlobError::Open {
                        target: target.clone(),
                        reason: format!("{e} (set AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for MinIO and the like, AWS_ENDPOINT)"),
                    })?;
                Ok(BlobStore {
                    store: Arc::new(s3),
                    prefix: prefix.clone(),
                    target,
                })
            }
        }
    }

    /// Where the store is, for messages.
    pub fn target(&self) -> &str {
        &self.target
    }

    fn path(&self, key: &str) -> StorePath {
        let rel = format!("sha256/{}/{}/{}", &key[0..2], &key[2..4], key);
        if self.prefix.is_empty() {
            StorePath::from(rel)
        } else {
            StorePath::from(format!("{}/{}", self.prefix, rel))
        }
    }

    /// Stores bytes and returns their key. Storing the same bytes again is a no-op.
    pub async fn put(&self, bytes: Bytes) -> Result<String, BlobError> {
        if bytes.len() > MAX_BLOB_BYTES {
            return Err(BlobError::TooLarge { bytes: bytes.len() });
        }
        let key = sha256_hex(&bytes);
        let path = self.path(&key);
        match self.store.head(&path).await {
            Ok(meta) if meta.size == bytes.len() as u64 => return Ok(key),
            Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        // Local writes go to a temporary file renamed into place: a crash leaves no half blob.
        self.store.put(&path, PutPayload::from(bytes)).await?;
        Ok(key)
    }

    /// Reads a blob and checks it against its key.
    pub async fn get(&self, key: &str) -> Result<Bytes, BlobError> {
        valid_key(key)?;
        let path = self.path(key);
        let got = match self.store.get(&path).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(BlobError::NotFound {
                    key: key.to_string(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        if got.meta.size > MAX_BLOB_BYTES as u64 {
            return Err(BlobError::TooLarge {
                bytes: got.meta.size as usize,
            });
        }
        let bytes = got.bytes().await?;
        let actual = sha256_hex(&bytes);
        if actual != key {
            return Err(BlobError::Corrupt {
                key: key.to_string(),
                actual,
            });
        }
        Ok(bytes)
    }

    pub async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        valid_key(key)?;
        match self.store.head(&self.path(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn put_get_and_corruption() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = BlobStore::open(&BlobUrl::Local(dir.path().join("blobs")))?;
        let data = Bytes::from_static(b"trang 1 - page one");
        let key = store.put(data.clone()).await?;
        assert_eq!(key, sha256_hex(&data));
        assert_eq!(store.put(data.clone()).await?, key);
        assert_eq!(store.get(&key).await?, data);
        assert!(store.exists(&key).await?);

        let missing = sha256_hex(b"nothing");
        assert!(matches!(
            store.get(&missing).await,
            Err(BlobError::NotFound { .. })
        ));
        assert!(matches!(
            store.get("../etc/passwd").await,
            Err(BlobError::BadKey { .. })
        ));

        // Flip the stored file behind the store's back: the read is refused.
        let file = dir
            .path()
            .join("blobs/sha256")
            .join(&key[0..2])
            .join(&key[2..4])
            .join(&key);
        std::fs::write(&file, b"trang 1 - page 0ne")?;
        assert!(matches!(
            store.get(&key).await,
            Err(BlobError::Corrupt { .. })
        ));
        Ok(())
    }

    #[tokio::test]
    async fn oversized_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = BlobStore::open(&BlobUrl::Local(dir.path().to_path_buf()))?;
        let big = Bytes::from(vec![0u8; MAX_BLOB_BYTES + 1]);
        assert!(matches!(
            store.put(big).await,
            Err(BlobError::TooLarge { .. })
        ));
        Ok(())
    }
}
