//! Where uploaded files are kept: one interface over a local directory (the default) or an
//! S3-compatible bucket (AWS S3, MinIO), so that several instances can serve the same files.

use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, RetryConfig, WriteMultipart};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Files above this size go to a bucket in parts of this size (S3 wants at least 5 MiB a part),
/// so an upload never holds more than a few parts in memory.
const PART_BYTES: usize = 8 * 1024 * 1024;
/// Parts in flight at once during a multipart upload.
const PARTS_IN_FLIGHT: usize = 2;

/// Why a file could not be stored, read or deleted.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No object under the key (a row that points at a file the store does not have).
    #[error("no stored file under {key}")]
    NotFound { key: String },
    /// The object store could not be reached or refused the request: retry later (503).
    #[error("the object store failed: {0}")]
    Unavailable(#[source] object_store::Error),
    /// The local directory could not be written or read (a server fault, 500).
    #[error("the files directory failed: {0}")]
    Io(#[from] std::io::Error),
}

impl StorageError {
    fn from_object(key: &str, e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => Self::NotFound { key: key.to_owned() },
            other => Self::Unavailable(other),
        }
    }
}

/// A stored file's bytes as they are read: whole from the local directory, streamed from a
/// bucket.
pub enum FileBody {
    /// The whole file.
    Bytes(Vec<u8>),
    /// The file in chunks as the object store sends them.
    Stream(futures_util::stream::BoxStream<'static, Result<bytes::Bytes, object_store::Error>>),
}

impl FileBody {
    /// Reads the whole body (tests, small files).
    ///
    /// # Errors
    /// [`StorageError::Unavailable`] when the stream breaks off.
    pub async fn into_bytes(self) -> Result<Vec<u8>, StorageError> {
        match self {
            Self::Bytes(b) => Ok(b),
            Self::Stream(mut s) => {
                let mut out = Vec::new();
                while let Some(chunk) = s.next().await {
                    out.extend_from_slice(&chunk.map_err(StorageError::Unavailable)?);
                }
                Ok(out)
            }
        }
    }
}

/// The uploaded files: put, get and delete by key (`{school}/{uuid}`).
///
/// Uploads are first written to a temporary file under [`FileStore::spool_dir`] and checked
/// there; [`FileStore::put_file`] then moves that file to its key.
#[derive(Clone)]
pub enum FileStore {
    /// Files under a local directory, at `dir/{key}` (`USUL_STORAGE=local`).
    Local { dir: PathBuf },
    /// Objects in an S3-compatible bucket (`USUL_STORAGE=s3`); `spool` holds uploads while they
    /// are checked.
    S3 { store: Arc<AmazonS3>, bucket: String, endpoint: Option<String>, spool: PathBuf },
}

impl fmt::Debug for FileStore {
    // The S3 client's own `Debug` would print its credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Local { dir } => f.debug_struct("Local").field("dir", dir).finish(),
            Self::S3 { bucket, endpoint, spool, .. } => f
                .debug_struct("S3")
                .field("bucket", bucket)
                .field("endpoint", endpoint)
                .field("spool", spool)
                .finish_non_exhaustive(),
        }
    }
}

/// Where an S3-compatible bucket is and how to sign in to it.
#[derive(Clone, Default)]
pub struct S3Config {
    pub bucket: String,
    /// `http(s)://host:port` of a MinIO or other S3-compatible server; AWS when `None`.
    pub endpoint: Option<String>,
    pub region: String,
    /// Both or neither; neither: the AWS defaults (`AWS_ACCESS_KEY_ID`, an instance role …).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Allow a plain-HTTP endpoint (local MinIO); refused otherwise.
    pub allow_http: bool,
    /// Where uploads are written while they are checked.
    pub spool: PathBuf,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("allow_http", &self.allow_http)
            .finish_non_exhaustive()
    }
}

/// Why an S3 configuration cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum S3ConfigError {
    /// No bucket named.
    #[error("USUL_S3_BUCKET is required when USUL_STORAGE=s3")]
    MissingBucket,
    /// A key id without its secret, or the other way round.
    #[error("USUL_S3_ACCESS_KEY_ID and USUL_S3_SECRET_ACCESS_KEY go together: set both or neither")]
    HalfCredentials,
    /// An endpoint that is not an http(s) URL.
    #[error("USUL_S3_ENDPOINT: `{0}` is not an http:// or https:// URL")]
    BadEndpoint(String),
    /// A plain-HTTP endpoint without `USUL_S3_ALLOW_HTTP`.
    #[error("USUL_S3_ENDPOINT `{0}` is plain HTTP; set USUL_S3_ALLOW_HTTP=true to allow it (local MinIO only)")]
    HttpNotAllowed(String),
    /// The S3 client refused the settings.
    #[error("the S3 settings are refused: {0}")]
    Client(String),
}

impl FileStore {
    /// Files under a local directory.
    #[must_use]
    pub fn local(dir: impl Into<PathBuf>) -> Self {
        Self::Local { dir: dir.into() }
    }

    /// A bucket of an S3-compatible store, checked but not yet contacted.
    ///
    /// Requests give up fast (a few seconds, three retries) so that an unreachable store
    /// answers 503 rather than holding the upload for minutes.
    ///
    /// # Errors
    /// [`S3ConfigError`] naming the setting that is wrong.
    pub fn s3(config: S3Config) -> Result<Self, S3ConfigError> {
        let bucket = config.bucket.trim().to_owned();
        if bucket.is_empty() {
            return Err(S3ConfigError::MissingBucket);
        }
        let key = config.access_key_id.filter(|k| !k.is_empty());
        let secret = config.secret_access_key.filter(|k| !k.is_empty());
        if key.is_some() != secret.is_some() {
            return Err(S3ConfigError::HalfCredentials);
        }
        let endpoint = config.endpoint.map(|e| e.trim().trim_end_matches('/').to_owned()).filter(|e| !e.is_empty());
        if let Some(e) = &endpoint {
            let lower = e.to_ascii_lowercase();
            let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
            if rest.is_none_or(|host| host.is_empty() || host.contains(char::is_whitespace)) {
                return Err(S3ConfigError::BadEndpoint(e.clone()));
            }
            if lower.starts_with("http://") && !config.allow_http {
                return Err(S3ConfigError::HttpNotAllowed(e.clone()));
            }
        }
        let region = if config.region.trim().is_empty() { "us-east-1".to_owned() } else { config.region };
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&bucket)
            .with_region(region)
            .with_allow_http(config.allow_http)
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(config.allow_http)
                    .with_connect_timeout(Duration::from_secs(3))
                    .with_timeout(Duration::from_secs(120)),
            )
            .with_retry(RetryConfig { max_retries: 3, retry_timeout: Duration::from_secs(10), ..Default::default() });
        if let Some(e) = &endpoint {
            // MinIO and most S3-compatible servers address buckets by path, not by host name.
            builder = builder.with_endpoint(e).with_virtual_hosted_style_request(false);
        }
        if let (Some(k), Some(s)) = (key, secret) {
            builder = builder.with_access_key_id(k).with_secret_access_key(s);
        }
        let store = builder.build().map_err(|e| S3ConfigError::Client(e.to_string()))?;
        Ok(Self::S3 { store: Arc::new(store), bucket, endpoint, spool: config.spool })
    }

    /// Where uploads are written while they are checked: the files directory itself for the
    /// local backend (so that storing is a rename), a spool directory for a bucket.
    #[must_use]
    pub fn spool_dir(&self) -> &Path {
        match self {
            Self::Local { dir } => dir,
            Self::S3 { spool, .. } => spool,
        }
    }

    /// What the log says about this store: `local:dir` or `s3:bucket@endpoint`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Local { dir } => format!("local directory {}", dir.display()),
            Self::S3 { bucket, endpoint, .. } => {
                format!("S3 bucket {bucket} at {}", endpoint.as_deref().unwrap_or("AWS"))
            }
        }
    }

    /// Whether the store answers: the bucket can be listed (a local directory always can).
    ///
    /// # Errors
    /// [`StorageError::Unavailable`] when the bucket cannot be reached or does not exist.
    pub async fn check(&self) -> Result<(), StorageError> {
        match self {
            Self::Local { .. } => Ok(()),
            Self::S3 { store, .. } => {
                store.list_with_delimiter(None).await.map_err(StorageError::Unavailable)?;
                Ok(())
            }
        }
    }

    /// Stores the checked file at `tmp` under `key`. `tmp` is gone afterwards, stored or not.
    ///
    /// # Errors
    /// [`StorageError`] when the file could not be stored; nothing is left under `key` then.
    pub async fn put_file(&self, key: &str, tmp: &Path) -> Result<(), StorageError> {
        let result = match self {
            Self::Local { dir } => {
                let target = dir.join(key);
                match target.parent().map(std::fs::create_dir_all).transpose() {
                    Ok(_) => std::fs::rename(tmp, &target).map_err(StorageError::Io),
                    Err(e) => Err(StorageError::Io(e)),
                }
            }
            Self::S3 { store, .. } => Self::upload(store, key, tmp).await,
        };
        let _ = std::fs::remove_file(tmp);
        result
    }

    async fn upload(store: &Arc<AmazonS3>, key: &str, tmp: &Path) -> Result<(), StorageError> {
        let location = ObjectPath::from(key);
        let size = std::fs::metadata(tmp)?.len();
        if size <= PART_BYTES as u64 {
            let bytes = std::fs::read(tmp)?;
            store.put(&location, bytes.into()).await.map_err(|e| StorageError::from_object(key, e))?;
            return Ok(());
        }
        let upload = store.put_multipart(&location).await.map_err(|e| StorageError::from_object(key, e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut file = std::fs::File::open(tmp)?;
        let mut buf = vec![0_u8; PART_BYTES];
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(StorageError::Io(e));
                }
            };
            if let Err(e) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
                let _ = writer.abort().await;
                return Err(StorageError::from_object(key, e));
            }
            writer.write(buf.get(..n).unwrap_or_default());
        }
        writer.finish().await.map_err(|e| StorageError::from_object(key, e))?;
        Ok(())
    }

    /// Stores `bytes` under `key` (for files made by the server, and tests).
    ///
    /// # Errors
    /// [`StorageError`] when they could not be stored.
    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        match self {
            Self::Local { dir } => {
                let target = dir.join(key);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(target, bytes)?;
                Ok(())
            }
            Self::S3 { store, .. } => {
                store.put(&ObjectPath::from(key), bytes.into()).await.map_err(|e| StorageError::from_object(key, e))?;
                Ok(())
            }
        }
    }

    /// The file under `key`.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] when there is none; the others when the store fails.
    pub async fn get(&self, key: &str) -> Result<FileBody, StorageError> {
        match self {
            Self::Local { dir } => match std::fs::read(dir.join(key)) {
                Ok(b) => Ok(FileBody::Bytes(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(StorageError::NotFound { key: key.to_owned() })
                }
                Err(e) => Err(StorageError::Io(e)),
            },
            Self::S3 { store, .. } => {
                let got = store.get(&ObjectPath::from(key)).await.map_err(|e| StorageError::from_object(key, e))?;
                Ok(FileBody::Stream(got.into_stream()))
            }
        }
    }

    /// Removes the file under `key`; a key with no file is no error.
    ///
    /// # Errors
    /// [`StorageError`] when the store fails.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self {
            Self::Local { dir } => match std::fs::remove_file(dir.join(key)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StorageError::Io(e)),
                _ => Ok(()),
            },
            Self::S3 { store, .. } => match store.delete(&ObjectPath::from(key)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(StorageError::Unavailable(e)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(f: impl FnOnce(&mut S3Config)) -> Result<FileStore, S3ConfigError> {
        let mut c = S3Config {
            bucket: "usul".into(),
            region: "us-east-1".into(),
            spool: std::env::temp_dir(),
            ..S3Config::default()
        };
        f(&mut c);
        FileStore::s3(c)
    }

    #[test]
    fn an_s3_configuration_is_checked_before_it_is_used() {
        assert_eq!(s3(|c| c.bucket = " ".into()).err(), Some(S3ConfigError::MissingBucket));
        assert_eq!(s3(|c| c.access_key_id = Some("k".into())).err(), Some(S3ConfigError::HalfCredentials));
        assert!(matches!(s3(|c| c.endpoint = Some("minio:9000".into())), Err(S3ConfigError::BadEndpoint(_))));
        assert!(matches!(s3(|c| c.endpoint = Some("http://minio:9000".into())), Err(S3ConfigError::HttpNotAllowed(_))));
        let ok = s3(|c| {
            c.endpoint = Some("http://minio:9000/".into());
            c.allow_http = true;
            c.access_key_id = Some("usul".into());
            c.secret_access_key = Some("very-secret".into());
        });
        let ok = ok.ok().map(|s| format!("{s:?}")).unwrap_or_default();
        assert!(ok.contains("http://minio:9000") && !ok.contains("very-secret"), "{ok}");
    }

    #[tokio::test]
    async fn the_local_backend_round_trips_and_forgets() {
        let dir = std::env::temp_dir().join(format!("usul-storage-{}", uuid::Uuid::new_v4().simple()));
        let store = FileStore::local(&dir);
        let key = "school/abc";
        let tmp = store.spool_dir().join(".upload-test");
        std::fs::create_dir_all(store.spool_dir()).ok();
        std::fs::write(&tmp, b"%PDF-1.7 hello").ok();
        assert!(store.put_file(key, &tmp).await.is_ok());
        assert!(!tmp.exists(), "the temporary file is moved");
        let got = store.get(key).await.ok();
        let bytes = match got {
            Some(b) => b.into_bytes().await.ok(),
            None => None,
        };
        assert_eq!(bytes.as_deref(), Some(&b"%PDF-1.7 hello"[..]));
        assert!(store.delete(key).await.is_ok());
        assert!(matches!(store.get(key).await, Err(StorageError::NotFound { .. })));
        assert!(store.delete(key).await.is_ok(), "deleting twice is no error");
        let _ = std::fs::remove_dir_all(dir);
    }
}
