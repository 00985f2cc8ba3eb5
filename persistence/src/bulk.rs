//! Many rows of one kind in one transaction, in multi-row statements, with one audit event:
//! for the data generator, which fills a country's schools. Each row is what the single-row
//! write would store; only the round trips differ.

use crate::entities::{staff, staff_subject, subject, training};
use crate::people::{NewStaff, affiliation_ids, new_staff_row};
use crate::{Audit, Store, StoreError, StoreResult, now, record_audit};
use sea_orm::ActiveValue::Set;
use sea_orm::EntityTrait;
use usul_domain::ids::{StaffId, SubjectId};
use usul_domain::org::School;
use usul_domain::records::Training;
use usul_domain::values::Name;
use uuid::Uuid;

/// Rows per statement: with at most twenty columns, well under the bound parameters
/// PostgreSQL (65,535) and SQLite (32,766) accept.
const ROWS: usize = 1000;

impl Store {
    /// Adds subjects to a school, in order.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `subject_name_taken` when the school has one of them already.
    pub async fn create_subjects(&self, school: &School, names: &[Name], audit: &Audit) -> StoreResult<Vec<SubjectId>> {
        let txn = self.write().await?;
        let at = now();
        let ids: Vec<Uuid> = names.iter().map(|_| Uuid::now_v7()).collect();
        for (names, ids) in names.chunks(ROWS).zip(ids.chunks(ROWS)) {
            subject::Entity::insert_many(names.iter().zip(ids).map(|(name, id)| subject::ActiveModel {
                id: Set(*id),
                school_id: Set(school.id.uuid()),
                name_key: Set(crate::org::name_key(name)),
                name: Set(name.as_str().to_owned()),
                created_at: Set(at),
            }))
            .exec_without_returning(&txn)
            .await
            .map_err(|e| StoreError::unique(e, crate::Conflict::SubjectNameTaken))?;
        }
        let (s, d) = (Some(school.id.uuid()), Some(school.district.uuid()));
        record_audit(&txn, audit, "subject.import", "subject", None, s, d).await?;
        txn.commit().await?;
        Ok(ids.into_iter().map(SubjectId::from_uuid).collect())
    }

    /// Creates people with logins, in order.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `email_taken` when an address is in use.
    pub async fn create_staff_many(&self, people: Vec<NewStaff>, audit: &Audit) -> StoreResult<Vec<StaffId>> {
        let txn = self.write().await?;
        let at = now();
        let ids: Vec<Uuid> = people.iter().map(|_| Uuid::now_v7()).collect();
        let mut links = Vec::new();
        let mut scope = (None, None);
        let mut rows = Vec::with_capacity(people.len());
        for (new, id) in people.into_iter().zip(&ids) {
            let (school_id, district_id) = affiliation_ids(new.affiliation);
            scope = (school_id, district_id);
            let mut subjects: Vec<Uuid> = new.subjects.iter().map(|s| s.uuid()).collect();
            subjects.sort_unstable();
            subjects.dedup();
            links.extend(
                subjects.into_iter().map(|s| staff_subject::ActiveModel { staff_id: Set(*id), subject_id: Set(s) }),
            );
            rows.push(new_staff_row(*id, &new, at));
        }
        while !rows.is_empty() {
            let rest = rows.split_off(rows.len().min(ROWS));
            staff::Entity::insert_many(std::mem::replace(&mut rows, rest))
                .exec_without_returning(&txn)
                .await
                .map_err(|e| StoreError::unique(e, crate::Conflict::EmailTaken))?;
        }
        while !links.is_empty() {
            let rest = links.split_off(links.len().min(ROWS));
            staff_subject::Entity::insert_many(std::mem::replace(&mut links, rest))
                .exec_without_returning(&txn)
                .await?;
        }
        record_audit(&txn, audit, "staff.import", "staff", None, scope.0, scope.1).await?;
        txn.commit().await?;
        Ok(ids.into_iter().map(StaffId::from_uuid).collect())
    }

    /// Records course trainings of a school's staff.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_trainings(&self, school: &School, trainings: &[Training], audit: &Audit) -> StoreResult<()> {
        let txn = self.write().await?;
        let at = now();
        for chunk in trainings.chunks(ROWS) {
            training::Entity::insert_many(chunk.iter().map(|t| training::ActiveModel {
                id: Set(t.id.uuid()),
                school_id: Set(school.id.uuid()),
                staff_id: Set(t.staff.uuid()),
                title: Set(t.title.clone()),
                provider: Set(t.provider.clone()),
                mode: Set(t.mode.clone()),
                starts_on: Set(t.starts_on),
                ends_on: Set(t.ends_on),
                hours_tenths: Set(crate::records::tenths(t.hours)),
                certificate_number: Set(t.certificate_number.clone()),
                issuer: Set(t.issuer.clone()),
                certificate_file_name: Set(None),
                certificate_content_type: Set(None),
                certificate_size: Set(None),
                certificate_sha256: Set(None),
                certificate_key: Set(None),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        let (s, d) = (Some(school.id.uuid()), Some(school.district.uuid()));
        record_audit(&txn, audit, "training.import", "training", None, s, d).await?;
        txn.commit().await?;
        Ok(())
    }
}
