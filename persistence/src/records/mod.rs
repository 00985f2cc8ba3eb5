//! Records of methodological work: activities, mentorships, trainings, materials, diagnostics,
//! the participation figures assembled from them, and the facts the record rules need about
//! the caller and the ids an input names — each in a fixed number of statements.

mod activities;
mod facts;
mod materials;
mod outside;
mod participation;
mod personal;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{CommissionId, StaffId, SubjectId};
use usul_domain::records::Hours;
use usul_domain::records::material::MaterialVisibility;
use usul_domain::records::{MaterialStatus, StoredFile};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
struct FeedbackRow {
    staff_id: Uuid,
    text: String,
}

#[derive(Serialize, Deserialize)]
struct NoteRow {
    date: NaiveDate,
    text: String,
}

#[derive(Serialize, Deserialize)]
struct AreaRow {
    area: String,
    level: u8,
    note: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct EvidenceRow {
    kind: String,
    reference: String,
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn tenths(h: Hours) -> i32 {
    i32::try_from(h.tenths()).unwrap_or(i32::MAX)
}

fn hours(t: i32) -> Hours {
    Hours::from_tenths(u32::try_from(t).unwrap_or(0))
}

/// A stored file from its five nullable columns: all set, or none.
fn stored_file(
    name: Option<String>,
    content_type: Option<String>,
    size: Option<i64>,
    sha256: Option<String>,
    key: Option<String>,
) -> Option<StoredFile> {
    match (name, content_type, size, sha256, key) {
        (Some(name), Some(content_type), Some(size), Some(sha256), Some(key)) => {
            Some(StoredFile { name, content_type, size: u64::try_from(size).unwrap_or(0), sha256, key })
        }
        _ => None,
    }
}

/// Filters of the activity list.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub year: Option<AcademicYear>,
    pub form: Option<String>,
    pub commission: Option<CommissionId>,
    pub participant: Option<StaffId>,
    pub updated_since: Option<DateTime<Utc>>,
}

/// Filters of the card index.
#[derive(Debug, Clone)]
pub struct MaterialFilter {
    /// Lower-cased words, each to be found in title, annotation or tags.
    pub text: Vec<String>,
    pub kind: Option<String>,
    pub subject: Option<SubjectId>,
    pub author: Option<StaffId>,
    pub status: Option<MaterialStatus>,
    pub year: Option<AcademicYear>,
    /// What the reader sees, applied in SQL so that every page but the last is full.
    pub visibility: MaterialVisibility,
    pub updated_since: Option<DateTime<Utc>>,
}
