//! Onboarding a school in one upload: a staff list and a subject list written in one
//! transaction each (all or nothing), and the invitations that let people made by an import
//! set their first password.

use crate::entities::{staff, staff_invitation, subject};
use crate::org::bump;
use crate::people::{NewStaff, load_many, new_staff_row, set_subjects};
use crate::{Audit, Store, StoreError, StoreResult, now, record_audit};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use usul_domain::ids::StaffId;
use usul_domain::onboarding::Person;
use usul_domain::org::{School, Subject};
use usul_domain::staff::{Affiliation, Staff};
use usul_domain::values::Name;
use uuid::Uuid;

/// The password hash of an account that has none yet: no password verifies against it.
pub const NO_PASSWORD: &str = "!invited";

/// One row of a checked staff list to store.
#[derive(Debug, Clone)]
pub enum StaffWrite {
    /// A new person, and the SHA-256 of their invitation token.
    Create { person: Person, invitation_hash: String },
    /// A person of the school, still at `version`, becomes `person`.
    Update { id: StaffId, version: i32, person: Person },
}

/// What an invitation token was exchanged for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redeemed {
    /// The person's password is set; the token and any other of theirs are spent.
    Set(StaffId),
    /// No such token, or it expired, or it was used.
    Invalid,
}

impl Store {
    /// The accounts (of any school, district or none) whose logins are among `emails`, compared
    /// case-insensitively.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn staff_by_emails(&self, emails: &[String]) -> StoreResult<Vec<Staff>> {
        if emails.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = emails.iter().map(|e| e.trim().to_lowercase()).collect();
        let mut rows = Vec::new();
        // A few hundred bound values at a time stays well inside either database's limit.
        for chunk in keys.chunks(500) {
            rows.extend(
                staff::Entity::find()
                    .filter(staff::Column::EmailKey.is_in(chunk.iter().cloned()))
                    .all(&self.db)
                    .await?,
            );
        }
        load_many(&self.db, rows).await
    }

    /// Stores a checked staff list for `school` in one transaction: new people (with no usable
    /// password and an invitation that expires at `expires`) and changed ones (each only if still
    /// at the version the list was checked against). Answers the ids, in the order given.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `email_taken` when an address was taken meanwhile,
    /// [`StoreError::VersionMismatch`] when a person changed meanwhile; nothing is stored then.
    pub async fn import_staff(
        &self,
        school: &School,
        writes: Vec<StaffWrite>,
        expires: DateTime<Utc>,
        audit: &Audit,
    ) -> StoreResult<Vec<StaffId>> {
        let txn = self.write().await?;
        let at = now();
        let (school_id, district_id) = (school.id.uuid(), school.district.uuid());
        let mut ids = Vec::with_capacity(writes.len());
        for w in writes {
            match w {
                StaffWrite::Create { person, invitation_hash } => {
                    let id = Uuid::now_v7();
                    let new = NewStaff {
                        affiliation: Affiliation::School { school: school.id, district: school.district },
                        email: person.email,
                        password_hash: NO_PASSWORD.to_owned(),
                        last_name: person.last_name,
                        first_name: person.first_name,
                        patronymic: person.patronymic,
                        position: person.position,
                        role: person.role,
                        subjects: person.subjects,
                        category: person.category,
                        experience: person.experience,
                    };
                    new_staff_row(id, &new, at)
                        .insert(&txn)
                        .await
                        .map_err(|e| StoreError::unique(e, crate::Conflict::EmailTaken))?;
                    set_subjects(&txn, id, &new.subjects).await?;
                    staff_invitation::ActiveModel {
                        token_hash: Set(invitation_hash),
                        staff_id: Set(id),
                        expires_at: Set(expires),
                        created_at: Set(at),
                    }
                    .insert(&txn)
                    .await?;
                    record_audit(&txn, audit, "staff.create", "staff", Some(id), Some(school_id), Some(district_id))
                        .await?;
                    ids.push(StaffId::from_uuid(id));
                }
                StaffWrite::Update { id, version, person } => {
                    let am = staff::ActiveModel {
                        email_key: Set(person.email.normalized()),
                        email: Set(person.email.as_str().to_owned()),
                        last_name: Set(person.last_name.as_str().to_owned()),
                        first_name: Set(person.first_name.as_str().to_owned()),
                        patronymic: Set(person.patronymic.map(|p| p.as_str().to_owned())),
                        position: Set(person.position.map(|p| p.as_str().to_owned())),
                        role: Set(person.role.code().to_owned()),
                        category: Set(person.category.code().to_owned()),
                        experience_years: Set(i32::from(person.experience.years())),
                        version: Set(version + 1),
                        updated_at: Set(at),
                        ..Default::default()
                    };
                    let n = bump(
                        staff::Entity::update_many()
                            .set(am)
                            .filter(staff::Column::Id.eq(id.uuid()))
                            .filter(staff::Column::SchoolId.eq(school_id))
                            .filter(staff::Column::Version.eq(version))
                            .exec(&txn)
                            .await,
                        crate::Conflict::EmailTaken,
                    )?;
                    if n == 0 {
                        return Err(StoreError::VersionMismatch { current: version + 1 });
                    }
                    set_subjects(&txn, id.uuid(), &person.subjects).await?;
                    record_audit(
                        &txn,
                        audit,
                        "staff.update",
                        "staff",
                        Some(id.uuid()),
                        Some(school_id),
                        Some(district_id),
                    )
                    .await?;
                    ids.push(id);
                }
            }
        }
        txn.commit().await?;
        // People changed: accounts kept for authentication are read again.
        self.accounts.clear();
        Ok(ids)
    }

    /// Adds the named subjects to a school in one transaction.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `subject_name_taken` when a name was added meanwhile; nothing is
    /// stored then.
    pub async fn import_subjects(&self, school: &School, names: Vec<Name>, audit: &Audit) -> StoreResult<Vec<Subject>> {
        let txn = self.write().await?;
        let (school_id, district_id) = (school.id.uuid(), school.district.uuid());
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let id = Uuid::now_v7();
            let model = subject::ActiveModel {
                id: Set(id),
                school_id: Set(school_id),
                name_key: Set(name.as_str().to_lowercase()),
                name: Set(name.as_str().to_owned()),
                created_at: Set(now()),
            }
            .insert(&txn)
            .await
            .map_err(|e| StoreError::unique(e, crate::Conflict::SubjectNameTaken))?;
            record_audit(&txn, audit, "subject.create", "subject", Some(id), Some(school_id), Some(district_id))
                .await?;
            out.push(Subject::try_from(model)?);
        }
        txn.commit().await?;
        Ok(out)
    }

    /// Exchanges an invitation token (by its SHA-256) for a password: the person's password
    /// hash is set, every invitation of theirs is spent, and their refresh tokens are revoked,
    /// in one transaction. An expired or unknown token changes nothing.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn redeem_invitation(&self, token_hash: &str, password_hash: String) -> StoreResult<Redeemed> {
        let txn = self.write().await?;
        let at = now();
        let Some(inv) = staff_invitation::Entity::find_by_id(token_hash.to_owned()).one(&txn).await? else {
            return Ok(Redeemed::Invalid);
        };
        if inv.expires_at <= at {
            return Ok(Redeemed::Invalid);
        }
        let Some(person) = staff::Entity::find_by_id(inv.staff_id).one(&txn).await? else {
            return Ok(Redeemed::Invalid);
        };
        if !person.active {
            return Ok(Redeemed::Invalid);
        }
        staff_invitation::Entity::delete_many()
            .filter(staff_invitation::Column::StaffId.eq(person.id))
            .exec(&txn)
            .await?;
        let am = staff::ActiveModel {
            password_hash: Set(password_hash),
            version: Set(person.version + 1),
            updated_at: Set(at),
            ..Default::default()
        };
        staff::Entity::update_many().set(am).filter(staff::Column::Id.eq(person.id)).exec(&txn).await?;
        let id = StaffId::from_uuid(person.id);
        crate::tokens::revoke_staff(&txn, id).await?;
        let audit = Audit { actor_kind: "staff", actor_id: Some(person.id), summary: "invitation accepted".into() };
        record_audit(&txn, &audit, "staff.password", "staff", Some(person.id), person.school_id, person.district_id)
            .await?;
        txn.commit().await?;
        // People changed: accounts kept for authentication are read again.
        self.accounts.clear();
        Ok(Redeemed::Set(id))
    }
}
