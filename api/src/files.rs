//! Uploaded files: checked (name, declared type against the bytes, size), written completely
//! to a temporary file and hashed with SHA-256, then put in the [`FileStore`] before anything
//! is recorded; served back from it.

use crate::problem::{ApiError, FieldErrorKind, ProblemCode};
use crate::storage::{FileBody, FileStore};
use actix_multipart::Multipart;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;
use usul_domain::records::StoredFile;

/// The types accepted, with the bytes each must start with.
const TYPES: [(&str, &[u8]); 10] = [
    ("application/pdf", b"%PDF"),
    ("image/png", b"\x89PNG"),
    ("image/jpeg", b"\xFF\xD8\xFF"),
    ("application/zip", b"PK\x03\x04"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK\x03\x04"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ("application/msword", b"\xD0\xCF\x11\xE0"),
    ("text/plain", b""),
];

/// The types accepted, for documentation and errors.
#[must_use]
pub fn accepted_types() -> Vec<&'static str> {
    TYPES.iter().map(|(t, _)| *t).collect()
}

/// A file name we keep: no path, no control characters, 1–200 characters.
///
/// # Errors
/// 422 naming `file` when the name would leave the directory or is otherwise unsafe.
pub fn check_name(name: &str) -> Result<String, ApiError> {
    let bad = name.is_empty()
        || name.chars().count() > 200
        || name.contains(['/', '\\', '\0'])
        || name == "."
        || name.contains("..")
        || name.chars().any(char::is_control);
    if bad { Err(ApiError::field("file.filename", FieldErrorKind::InvalidFormat)) } else { Ok(name.to_owned()) }
}

fn matches_declared(content_type: &str, head: &[u8]) -> bool {
    TYPES.iter().any(|(t, magic)| *t == content_type && head.starts_with(magic))
        && (content_type != "text/plain" || std::str::from_utf8(head).is_ok() || head.len() >= 512)
}

/// Reads the `file` part of a multipart body to a temporary file, checking it, and puts it in
/// the store under its key once complete. Nothing is left behind when anything fails.
///
/// # Errors
/// 413 over the limit, 415 for a type we do not keep, 422 when the bytes do not match the
/// declared type or the name is unsafe, 400 for a malformed body, 503 when the file storage
/// cannot be reached.
pub async fn receive(mut body: Multipart, files: &FileStore, key: &str, limit: u64) -> Result<StoredFile, ApiError> {
    let malformed = |detail: &str| ApiError::BadRequest {
        code: ProblemCode::MalformedMultipart,
        detail: detail.to_owned(),
        errors: Vec::new(),
    };
    while let Some(field) = body.next().await {
        let mut field = field.map_err(|e| malformed(&format!("the multipart body could not be read: {e}")))?;
        if field.name() != Some("file") {
            continue;
        }
        let name = check_name(field.content_disposition().and_then(|cd| cd.get_filename()).unwrap_or(""))?;
        let content_type = field.content_type().map(|m| m.essence_str().to_owned()).unwrap_or_default();
        if !TYPES.iter().any(|(t, _)| *t == content_type) {
            return Err(ApiError::UnsupportedMediaType(
                "PDF, PNG, JPEG, ZIP, DOCX, PPTX, XLSX, ODT, DOC or plain text in the file part",
            ));
        }
        let dir = files.spool_dir();
        std::fs::create_dir_all(dir).map_err(|e| ApiError::internal("files dir", e))?;
        let tmp = dir.join(format!(".upload-{}", uuid::Uuid::new_v4().simple()));
        let result = write(&mut field, &tmp, limit).await;
        let (size, sha256, head) = match result {
            Ok(v) => v,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        if !matches_declared(&content_type, &head) {
            let _ = std::fs::remove_file(&tmp);
            return Err(ApiError::Rule {
                code: ProblemCode::FileTypeMismatch,
                detail: format!("The bytes are not {content_type}."),
                extra: Some(serde_json::json!({"declared": content_type, "field": "file"})),
            });
        }
        files.put_file(key, &tmp).await?;
        return Ok(StoredFile { name, content_type, size, sha256, key: key.to_owned() });
    }
    Err(ApiError::field("file", FieldErrorKind::Required))
}

async fn write(field: &mut actix_multipart::Field, tmp: &Path, limit: u64) -> Result<(u64, String, Vec<u8>), ApiError> {
    let mut out = std::fs::File::create(tmp).map_err(|e| ApiError::internal("temp file", e))?;
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut head: Vec<u8> = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            code: ProblemCode::MalformedMultipart,
            detail: format!("the upload broke off: {e}"),
            errors: Vec::new(),
        })?;
        size += u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        if size > limit {
            return Err(ApiError::PayloadTooLarge { limit: usize::try_from(limit).unwrap_or(usize::MAX) });
        }
        if head.len() < 512 {
            head.extend(chunk.iter().take(512 - head.len()));
        }
        hasher.update(&chunk);
        out.write_all(&chunk).map_err(|e| ApiError::internal("writing the file", e))?;
    }
    out.sync_all().map_err(|e| ApiError::internal("syncing the file", e))?;
    let sha256 = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((size, sha256, head))
}

/// Receives an upload under a fresh key of `school`, then records it with `record`; when
/// recording fails the stored file is deleted, so nothing is left behind.
///
/// # Errors
/// Those of [`receive`], or `record`'s.
pub async fn receive_and_record<T, F, Fut>(
    body: Multipart,
    settings: &crate::config::Settings,
    school: usul_domain::ids::SchoolId,
    record: F,
) -> Result<T, ApiError>
where
    F: FnOnce(StoredFile) -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let key = format!("{school}/{}", uuid::Uuid::new_v4().simple());
    let file = receive(body, &settings.files, &key, settings.max_file_bytes).await?;
    let recorded = record(file).await;
    if recorded.is_err()
        && let Err(e) = settings.files.delete(&key).await
    {
        // Unreferenced, so harmless but for its space: say where it is.
        tracing::warn!(key = %key, error = %e, "a file whose record failed could not be deleted");
    }
    recorded
}

/// Serves a stored file with its type, an attachment name (RFC 5987) and its hash as `ETag`,
/// read through the store (streamed from a bucket).
///
/// # Errors
/// 503 when the file storage cannot be reached; [`ApiError::Internal`] when the stored file
/// is missing or cannot be read.
pub async fn serve(files: &FileStore, f: &StoredFile) -> Result<actix_web::HttpResponse, ApiError> {
    use actix_web::http::header;
    let body = files.get(&f.key).await?;
    let encoded: String = f
        .name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let mut res = actix_web::HttpResponse::Ok();
    res.insert_header((header::CONTENT_TYPE, f.content_type.clone()))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{encoded}")))
        .insert_header((header::ETAG, format!("\"{}\"", f.sha256)))
        .insert_header(("x-content-type-options", "nosniff"));
    Ok(match body {
        FileBody::Bytes(bytes) => res.body(bytes),
        // The recorded size is the object's: a client sees a short body if the stream breaks.
        FileBody::Stream(stream) => res.no_chunking(f.size).streaming(stream),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_directory_are_refused() {
        for bad in ["../etc/passwd", "a/b.pdf", "..\\x", "", "a\u{0}b", ".."] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_name("Ачык сабак ңөү.pdf").ok().as_deref(), Some("Ачык сабак ңөү.pdf"));
    }

    #[test]
    fn the_declared_type_must_match_the_bytes() {
        assert!(matches_declared("application/pdf", b"%PDF-1.7 ..."));
        assert!(!matches_declared("application/pdf", b"\x89PNG...."));
        assert!(matches_declared("text/plain", "салам".as_bytes()));
        assert!(!matches_declared("text/plain", b"\xFF\xFE\xFA"));
    }
}
