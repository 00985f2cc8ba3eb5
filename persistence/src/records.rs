//! Records of methodological work: activities, mentorships, trainings, materials, diagnostics,
//! and the participation figures assembled from them in a fixed number of queries.

use crate::entities::{
    activity, activity_participant, diagnostic, material, material_author, mentorship, plan_item, training,
};
use crate::org::check_version;
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use usul_domain::ids::{
    ActivityId, CommissionId, ItemId, MaterialId, MeetingId, MentorshipId, SchoolId, StaffId, SubjectId, TrainingId,
};
use usul_domain::org::School;
use usul_domain::records::{
    Activity, Diagnosis, Feedback, Hours, Material, MaterialStatus, Mentorship, Participant, ParticipantRole,
    Participation, StoredFile, Training,
};
use usul_domain::report::ActivityFacts;
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

fn tenths(h: Hours) -> i32 {
    i32::try_from(h.tenths()).unwrap_or(i32::MAX)
}

/// id, form, hours (tenths), title, date, commission, organiser.
type ActivityRow = (Uuid, String, i32, String, NaiveDate, Option<Uuid>, Option<Uuid>);

fn hours(t: i32) -> Hours {
    Hours::from_tenths(u32::try_from(t).unwrap_or(0))
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
#[derive(Debug, Clone, Default)]
pub struct MaterialFilter {
    /// Lower-cased words, each to be found in title, annotation or tags.
    pub text: Vec<String>,
    pub kind: Option<String>,
    pub subject: Option<SubjectId>,
    pub author: Option<StaffId>,
    pub status: Option<MaterialStatus>,
    pub year: Option<AcademicYear>,
    /// Drafts and reviewed materials of other authors are hidden from this person.
    pub visible_to_author: Option<StaffId>,
    pub updated_since: Option<DateTime<Utc>>,
}

async fn load_activities(db: &impl ConnectionTrait, rows: Vec<activity::Model>) -> StoreResult<Vec<Activity>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut parts: HashMap<Uuid, Vec<Participant>> = HashMap::new();
    if !ids.is_empty() {
        for p in activity_participant::Entity::find()
            .filter(activity_participant::Column::ActivityId.is_in(ids))
            .all(db)
            .await?
        {
            let role = ParticipantRole::parse(&p.role)
                .ok_or_else(|| StoreError::Corrupt(format!("participant.role: {}", p.role)))?;
            parts.entry(p.activity_id).or_default().push(Participant {
                staff: StaffId::from_uuid(p.staff_id),
                role,
                attended: p.attended,
            });
        }
    }
    rows.into_iter()
        .map(|m| {
            let feedback: Vec<FeedbackRow> = stored("activity.feedback", serde_json::from_str(&m.feedback))?;
            Ok(Activity {
                id: ActivityId::from_uuid(m.id),
                school: SchoolId::from_uuid(m.school_id),
                year: stored("activity.start_year", AcademicYear::starting(m.start_year))?,
                form: m.form_code,
                title: m.title,
                starts_on: m.starts_on,
                ends_on: m.ends_on,
                organiser: m.organiser_id.map(StaffId::from_uuid),
                commission: m.commission_id.map(CommissionId::from_uuid),
                place: m.place,
                hours: hours(m.hours_tenths),
                description: m.description,
                outcome: m.outcome,
                grade: m.grade,
                subject: m.subject_id.map(SubjectId::from_uuid),
                feedback: feedback
                    .into_iter()
                    .map(|f| Feedback { staff: StaffId::from_uuid(f.staff_id), text: f.text })
                    .collect(),
                plan_item: m.plan_item_id.map(ItemId::from_uuid),
                participants: parts.remove(&m.id).unwrap_or_default(),
                version: m.version,
                created_at: m.created_at,
                updated_at: m.updated_at,
            })
        })
        .collect()
}

fn to_mentorship(m: mentorship::Model) -> StoreResult<Mentorship> {
    let notes: Vec<NoteRow> = stored("mentorship.notes", serde_json::from_str(&m.notes))?;
    Ok(Mentorship {
        id: MentorshipId::from_uuid(m.id),
        school: SchoolId::from_uuid(m.school_id),
        year: stored("mentorship.start_year", AcademicYear::starting(m.start_year))?,
        mentor: StaffId::from_uuid(m.mentor_id),
        mentee: StaffId::from_uuid(m.mentee_id),
        goals: m.goals,
        completed: m.status == "completed",
        outcome: m.outcome,
        notes: notes.into_iter().map(|n| (n.date, n.text)).collect(),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_training(m: training::Model) -> Training {
    Training {
        id: TrainingId::from_uuid(m.id),
        school: SchoolId::from_uuid(m.school_id),
        staff: StaffId::from_uuid(m.staff_id),
        title: m.title,
        provider: m.provider,
        mode: m.mode,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        hours: hours(m.hours_tenths),
        certificate_number: m.certificate_number,
        issuer: m.issuer,
        certificate_file: match (
            m.certificate_file_name,
            m.certificate_content_type,
            m.certificate_size,
            m.certificate_sha256,
            m.certificate_key,
        ) {
            (Some(name), Some(content_type), Some(size), Some(sha256), Some(key)) => {
                Some(StoredFile { name, content_type, size: u64::try_from(size).unwrap_or(0), sha256, key })
            }
            _ => None,
        },
        version: m.version,
        created_at: m.created_at,
    }
}

async fn load_materials(db: &impl ConnectionTrait, rows: Vec<material::Model>) -> StoreResult<Vec<Material>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut authors: HashMap<Uuid, Vec<StaffId>> = HashMap::new();
    if !ids.is_empty() {
        for a in material_author::Entity::find()
            .filter(material_author::Column::MaterialId.is_in(ids))
            .order_by_asc(material_author::Column::StaffId)
            .all(db)
            .await?
        {
            authors.entry(a.material_id).or_default().push(StaffId::from_uuid(a.staff_id));
        }
    }
    rows.into_iter()
        .map(|m| {
            let tags: Vec<String> = stored("material.tags", serde_json::from_str(&m.tags))?;
            let file = match (m.file_name, m.content_type, m.file_size, m.sha256, m.storage_key) {
                (Some(name), Some(content_type), Some(size), Some(sha256), Some(key)) => {
                    Some(StoredFile { name, content_type, size: u64::try_from(size).unwrap_or(0), sha256, key })
                }
                _ => None,
            };
            Ok(Material {
                id: MaterialId::from_uuid(m.id),
                school: SchoolId::from_uuid(m.school_id),
                kind: m.kind,
                title: m.title,
                authors: authors.remove(&m.id).unwrap_or_default(),
                subject: m.subject_id.map(SubjectId::from_uuid),
                grades: m.grades,
                year: stored("material.start_year", AcademicYear::starting(m.start_year))?,
                tags,
                annotation: m.annotation,
                status: MaterialStatus::parse(&m.status)
                    .ok_or_else(|| StoreError::Corrupt(format!("material.status: {}", m.status)))?,
                review_meeting: m.review_meeting_id.map(MeetingId::from_uuid),
                link: m.link_url,
                file,
                version: m.version,
                created_at: m.created_at,
                updated_at: m.updated_at,
            })
        })
        .collect()
}

impl Store {
    /// Records an activity with its participants. When it carries out a plan item, the item
    /// lists it as evidence, in the same transaction.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_activity(&self, school: &School, a: &Activity, audit: &Audit) -> StoreResult<Activity> {
        let txn = self.write().await?;
        insert_activity(&txn, school, a).await?;
        if let Some(item) = a.plan_item
            && let Some(row) = plan_item::Entity::find_by_id(item.uuid()).one(&txn).await?
        {
            let mut evidence: Vec<EvidenceRow> = stored("plan_item.evidence", serde_json::from_str(&row.evidence))?;
            evidence.push(EvidenceRow { kind: "activity".into(), reference: a.id.to_string() });
            plan_item::Entity::update_many()
                .col_expr(plan_item::Column::Evidence, Expr::value(to_json(&evidence)))
                .filter(plan_item::Column::Id.eq(item.uuid()))
                .exec(&txn)
                .await?;
        }
        record_audit(
            &txn,
            audit,
            "activity.create",
            "activity",
            Some(a.id.uuid()),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        let row = activity::Entity::find_by_id(a.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        let out = load_activities(&txn, vec![row]).await?.pop().ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(out)
    }

    /// Records many activities with their participants in one transaction and one audit
    /// event: for imports and the data generator. Plan items are not touched.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_activities(&self, school: &School, activities: &[Activity], audit: &Audit) -> StoreResult<()> {
        let txn = self.write().await?;
        for a in activities {
            insert_activity(&txn, school, a).await?;
        }
        record_audit(
            &txn,
            audit,
            "activity.import",
            "activity",
            None,
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Reads an activity.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_activity(&self, id: ActivityId) -> StoreResult<Option<Activity>> {
        let Some(row) = activity::Entity::find_by_id(id.uuid()).one(&self.db).await? else { return Ok(None) };
        Ok(load_activities(&self.db, vec![row]).await?.pop())
    }

    /// Lists a school's activities, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_activities(
        &self,
        school: SchoolId,
        f: &ActivityFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Activity>> {
        let mut q = activity::Entity::find()
            .filter(activity::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(activity::Column::Id)
            .limit(page.limit + 1);
        if let Some(y) = f.year {
            q = q.filter(activity::Column::StartYear.eq(y.start_year()));
        }
        if let Some(form) = &f.form {
            q = q.filter(activity::Column::FormCode.eq(form.clone()));
        }
        if let Some(c) = f.commission {
            q = q.filter(activity::Column::CommissionId.eq(c.uuid()));
        }
        if let Some(s) = f.participant {
            let ids: Vec<Uuid> = activity_participant::Entity::find()
                .select_only()
                .column(activity_participant::Column::ActivityId)
                .filter(activity_participant::Column::StaffId.eq(s.uuid()))
                .into_tuple()
                .all(&self.db)
                .await?;
            q = q.filter(activity::Column::Id.is_in(ids));
        }
        if let Some(t) = f.updated_since {
            q = q.filter(activity::Column::UpdatedAt.gte(t));
        }
        if let Some(after) = page.after {
            q = q.filter(activity::Column::Id.gt(after));
        }
        let rows = q.all(&self.db).await?;
        let items = load_activities(&self.db, rows).await?;
        Ok(Page::from_rows(items, page.limit, |a| a.id.uuid()))
    }

    /// Replaces an activity's participants (and the observers' feedback).
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn set_participants(
        &self,
        a: &Activity,
        expected: Option<i32>,
        participants: &[Participant],
        feedback: Option<&[Feedback]>,
        audit: &Audit,
    ) -> StoreResult<Activity> {
        let txn = self.write().await?;
        let current = activity::Entity::find_by_id(a.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let mut q = activity::Entity::update_many()
            .col_expr(activity::Column::Version, Expr::value(current.version + 1))
            .col_expr(activity::Column::UpdatedAt, Expr::value(now()))
            .filter(activity::Column::Id.eq(current.id))
            .filter(activity::Column::Version.eq(current.version));
        if let Some(f) = feedback {
            q = q.col_expr(
                activity::Column::Feedback,
                Expr::value(to_json(
                    &f.iter()
                        .map(|f| FeedbackRow { staff_id: f.staff.uuid(), text: f.text.clone() })
                        .collect::<Vec<_>>(),
                )),
            );
        }
        if q.exec(&txn).await?.rows_affected == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        replace_participants(&txn, (current.id, current.school_id, current.start_year), participants).await?;
        record_audit(&txn, audit, "activity.participants", "activity", Some(current.id), Some(current.school_id), None)
            .await?;
        let row = activity::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        let out = load_activities(&txn, vec![row]).await?.pop().ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(out)
    }

    /// Records a mentorship.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_mentorship(&self, school: &School, m: &Mentorship, audit: &Audit) -> StoreResult<Mentorship> {
        let txn = self.write().await?;
        let at = now();
        let row = mentorship::ActiveModel {
            id: Set(m.id.uuid()),
            school_id: Set(school.id.uuid()),
            start_year: Set(m.year.start_year()),
            mentor_id: Set(m.mentor.uuid()),
            mentee_id: Set(m.mentee.uuid()),
            goals: Set(m.goals.clone()),
            status: Set("active".into()),
            outcome: Set(None),
            notes: Set("[]".into()),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await?;
        record_audit(
            &txn,
            audit,
            "mentorship.create",
            "mentorship",
            Some(m.id.uuid()),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        txn.commit().await?;
        to_mentorship(row)
    }

    /// Reads a mentorship.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_mentorship(&self, id: MentorshipId) -> StoreResult<Option<Mentorship>> {
        mentorship::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(to_mentorship).transpose()
    }

    /// Lists a school's mentorships, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_mentorships(
        &self,
        school: SchoolId,
        year: Option<AcademicYear>,
        updated_since: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<Mentorship>> {
        let mut q = mentorship::Entity::find()
            .filter(mentorship::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(mentorship::Column::Id)
            .limit(page.limit + 1);
        if let Some(y) = year {
            q = q.filter(mentorship::Column::StartYear.eq(y.start_year()));
        }
        if let Some(t) = updated_since {
            q = q.filter(mentorship::Column::UpdatedAt.gte(t));
        }
        if let Some(after) = page.after {
            q = q.filter(mentorship::Column::Id.gt(after));
        }
        let items = q.all(&self.db).await?.into_iter().map(to_mentorship).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(items, page.limit, |m| m.id.uuid()))
    }

    /// Adds a note, or completes a mentorship with its outcome.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn update_mentorship(
        &self,
        m: &Mentorship,
        expected: Option<i32>,
        note: Option<(NaiveDate, String)>,
        complete_with: Option<String>,
        audit: &Audit,
    ) -> StoreResult<Mentorship> {
        let txn = self.write().await?;
        let current = mentorship::Entity::find_by_id(m.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let mut notes: Vec<NoteRow> = stored("mentorship.notes", serde_json::from_str(&current.notes))?;
        if let Some((date, text)) = note {
            notes.push(NoteRow { date, text });
        }
        let mut q = mentorship::Entity::update_many()
            .col_expr(mentorship::Column::Notes, Expr::value(to_json(&notes)))
            .col_expr(mentorship::Column::Version, Expr::value(current.version + 1))
            .col_expr(mentorship::Column::UpdatedAt, Expr::value(now()))
            .filter(mentorship::Column::Id.eq(current.id))
            .filter(mentorship::Column::Version.eq(current.version))
            .filter(mentorship::Column::Status.eq("active"));
        if let Some(outcome) = &complete_with {
            q = q
                .col_expr(mentorship::Column::Status, Expr::value("completed"))
                .col_expr(mentorship::Column::Outcome, Expr::value(outcome.clone()));
        }
        if q.exec(&txn).await?.rows_affected == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        let action = if complete_with.is_some() { "mentorship.complete" } else { "mentorship.note" };
        record_audit(&txn, audit, action, "mentorship", Some(current.id), Some(current.school_id), None).await?;
        let row = mentorship::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        to_mentorship(row)
    }

    /// Records a course training.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_training(&self, school: &School, t: &Training, audit: &Audit) -> StoreResult<Training> {
        let txn = self.write().await?;
        let at = now();
        let row = training::ActiveModel {
            id: Set(t.id.uuid()),
            school_id: Set(school.id.uuid()),
            staff_id: Set(t.staff.uuid()),
            title: Set(t.title.clone()),
            provider: Set(t.provider.clone()),
            mode: Set(t.mode.clone()),
            starts_on: Set(t.starts_on),
            ends_on: Set(t.ends_on),
            hours_tenths: Set(tenths(t.hours)),
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
        }
        .insert(&txn)
        .await?;
        record_audit(
            &txn,
            audit,
            "training.create",
            "training",
            Some(t.id.uuid()),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        txn.commit().await?;
        Ok(to_training(row))
    }

    /// Reads a training.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_training(&self, id: TrainingId) -> StoreResult<Option<Training>> {
        Ok(training::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(to_training))
    }

    /// Records a training's certificate file (already written completely to storage).
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn set_training_certificate(
        &self,
        t: &Training,
        expected: Option<i32>,
        file: &StoredFile,
        audit: &Audit,
    ) -> StoreResult<Training> {
        let txn = self.write().await?;
        let current = training::Entity::find_by_id(t.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let n = training::Entity::update_many()
            .col_expr(training::Column::CertificateFileName, Expr::value(file.name.clone()))
            .col_expr(training::Column::CertificateContentType, Expr::value(file.content_type.clone()))
            .col_expr(training::Column::CertificateSize, Expr::value(i64::try_from(file.size).unwrap_or(i64::MAX)))
            .col_expr(training::Column::CertificateSha256, Expr::value(file.sha256.clone()))
            .col_expr(training::Column::CertificateKey, Expr::value(file.key.clone()))
            .col_expr(training::Column::Version, Expr::value(current.version + 1))
            .col_expr(training::Column::UpdatedAt, Expr::value(now()))
            .filter(training::Column::Id.eq(current.id))
            .filter(training::Column::Version.eq(current.version))
            .exec(&txn)
            .await?
            .rows_affected;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        record_audit(&txn, audit, "training.certificate", "training", Some(current.id), Some(current.school_id), None)
            .await?;
        let row = training::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(to_training(row))
    }

    /// A person's trainings, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_trainings(
        &self,
        staff: StaffId,
        updated_since: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<Training>> {
        let mut q = training::Entity::find()
            .filter(training::Column::StaffId.eq(staff.uuid()))
            .order_by_asc(training::Column::Id)
            .limit(page.limit + 1);
        if let Some(t) = updated_since {
            q = q.filter(training::Column::UpdatedAt.gte(t));
        }
        if let Some(after) = page.after {
            q = q.filter(training::Column::Id.gt(after));
        }
        let items = q.all(&self.db).await?.into_iter().map(to_training).collect();
        Ok(Page::from_rows(items, page.limit, |t: &Training| t.id.uuid()))
    }

    /// Adds a material to the bank, as a draft.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_material(&self, school: &School, m: &Material, audit: &Audit) -> StoreResult<Material> {
        let txn = self.write().await?;
        let at = now();
        material::ActiveModel {
            id: Set(m.id.uuid()),
            school_id: Set(school.id.uuid()),
            kind: Set(m.kind.clone()),
            title: Set(m.title.clone()),
            search_text: Set(Material::search_text(&m.title, m.annotation.as_deref(), &m.tags)),
            subject_id: Set(m.subject.map(SubjectId::uuid)),
            grades: Set(m.grades.clone()),
            start_year: Set(m.year.start_year()),
            tags: Set(to_json(&m.tags)),
            annotation: Set(m.annotation.clone()),
            status: Set(MaterialStatus::Draft.code().into()),
            review_meeting_id: Set(None),
            link_url: Set(m.link.clone()),
            file_name: Set(None),
            content_type: Set(None),
            file_size: Set(None),
            sha256: Set(None),
            storage_key: Set(None),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await?;
        for a in &m.authors {
            material_author::ActiveModel { material_id: Set(m.id.uuid()), staff_id: Set(a.uuid()) }
                .insert(&txn)
                .await?;
        }
        record_audit(
            &txn,
            audit,
            "material.create",
            "material",
            Some(m.id.uuid()),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        let row = material::Entity::find_by_id(m.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        let out = load_materials(&txn, vec![row]).await?.pop().ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(out)
    }

    /// Reads a material.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_material(&self, id: MaterialId) -> StoreResult<Option<Material>> {
        let Some(row) = material::Entity::find_by_id(id.uuid()).one(&self.db).await? else { return Ok(None) };
        Ok(load_materials(&self.db, vec![row]).await?.pop())
    }

    /// Searches a school's card index, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_materials(
        &self,
        school: SchoolId,
        f: &MaterialFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Material>> {
        let mut q = material::Entity::find()
            .filter(material::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(material::Column::Id)
            .limit(page.limit + 1);
        for word in &f.text {
            q = q.filter(material::Column::SearchText.contains(word.clone()));
        }
        if let Some(k) = &f.kind {
            q = q.filter(material::Column::Kind.eq(k.clone()));
        }
        if let Some(s) = f.subject {
            q = q.filter(material::Column::SubjectId.eq(s.uuid()));
        }
        if let Some(s) = f.status {
            q = q.filter(material::Column::Status.eq(s.code()));
        }
        if let Some(y) = f.year {
            q = q.filter(material::Column::StartYear.eq(y.start_year()));
        }
        if let Some(t) = f.updated_since {
            q = q.filter(material::Column::UpdatedAt.gte(t));
        }
        let by_author = |a: StaffId| {
            material_author::Entity::find()
                .select_only()
                .column(material_author::Column::MaterialId)
                .filter(material_author::Column::StaffId.eq(a.uuid()))
                .into_tuple::<Uuid>()
        };
        if let Some(a) = f.author {
            let ids = by_author(a).all(&self.db).await?;
            q = q.filter(material::Column::Id.is_in(ids));
        }
        if let Some(me) = f.visible_to_author {
            let mine = by_author(me).all(&self.db).await?;
            q = q.filter(
                sea_orm::Condition::any()
                    .add(material::Column::Status.eq(MaterialStatus::Published.code()))
                    .add(material::Column::Id.is_in(mine)),
            );
        }
        if let Some(after) = page.after {
            q = q.filter(material::Column::Id.gt(after));
        }
        let rows = q.all(&self.db).await?;
        let items = load_materials(&self.db, rows).await?;
        Ok(Page::from_rows(items, page.limit, |m| m.id.uuid()))
    }

    /// Records the file of a material (already written completely to storage).
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn set_material_file(
        &self,
        m: &Material,
        expected: Option<i32>,
        file: &StoredFile,
        audit: &Audit,
    ) -> StoreResult<Material> {
        self.change_material(m, expected, "material.file", audit, |q| {
            q.col_expr(material::Column::FileName, Expr::value(file.name.clone()))
                .col_expr(material::Column::ContentType, Expr::value(file.content_type.clone()))
                .col_expr(material::Column::FileSize, Expr::value(i64::try_from(file.size).unwrap_or(i64::MAX)))
                .col_expr(material::Column::Sha256, Expr::value(file.sha256.clone()))
                .col_expr(material::Column::StorageKey, Expr::value(file.key.clone()))
        })
        .await
    }

    /// Moves a material to `status`, citing the reviewing meeting for `reviewed`.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn set_material_status(
        &self,
        m: &Material,
        expected: Option<i32>,
        status: MaterialStatus,
        meeting: Option<MeetingId>,
        audit: &Audit,
    ) -> StoreResult<Material> {
        let action = if status == MaterialStatus::Published { "material.publish" } else { "material.review" };
        self.change_material(m, expected, action, audit, |q| {
            let q = q.col_expr(material::Column::Status, Expr::value(status.code()));
            match meeting {
                Some(mt) => q.col_expr(material::Column::ReviewMeetingId, Expr::value(mt.uuid())),
                None => q,
            }
        })
        .await
    }

    async fn change_material(
        &self,
        m: &Material,
        expected: Option<i32>,
        action: &str,
        audit: &Audit,
        set: impl FnOnce(sea_orm::UpdateMany<material::Entity>) -> sea_orm::UpdateMany<material::Entity>,
    ) -> StoreResult<Material> {
        let txn = self.write().await?;
        let current = material::Entity::find_by_id(m.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let q = material::Entity::update_many()
            .col_expr(material::Column::Version, Expr::value(current.version + 1))
            .col_expr(material::Column::UpdatedAt, Expr::value(now()))
            .filter(material::Column::Id.eq(current.id))
            .filter(material::Column::Version.eq(current.version))
            .filter(material::Column::Status.eq(m.status.code()));
        if set(q).exec(&txn).await?.rows_affected == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        record_audit(&txn, audit, action, "material", Some(current.id), Some(current.school_id), None).await?;
        let row = material::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        let out = load_materials(&txn, vec![row]).await?.pop().ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(out)
    }

    /// A teacher's diagnosis of a year, if recorded.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_diagnosis(&self, staff: StaffId, year: AcademicYear) -> StoreResult<Option<Diagnosis>> {
        let Some(row) = diagnostic::Entity::find_by_id((staff.uuid(), year.start_year())).one(&self.db).await? else {
            return Ok(None);
        };
        to_diagnosis(row).map(Some)
    }

    /// Records (or replaces) a teacher's diagnosis of a year.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when `expected` is stale.
    pub async fn put_diagnosis(
        &self,
        school: &School,
        d: &Diagnosis,
        expected: Option<i32>,
        audit: &Audit,
    ) -> StoreResult<(Diagnosis, bool)> {
        let txn = self.write().await?;
        let key = (d.staff.uuid(), d.year.start_year());
        let areas = to_json(
            &d.areas
                .iter()
                .map(|(a, l, n)| AreaRow { area: a.clone(), level: *l, note: n.clone() })
                .collect::<Vec<_>>(),
        );
        let current = diagnostic::Entity::find_by_id(key).one(&txn).await?;
        let created = current.is_none();
        match current {
            None => {
                if expected.is_some() {
                    return Err(StoreError::VersionMismatch { current: 0 });
                }
                diagnostic::ActiveModel {
                    staff_id: Set(key.0),
                    start_year: Set(key.1),
                    school_id: Set(school.id.uuid()),
                    areas: Set(areas),
                    version: Set(1),
                    updated_at: Set(now()),
                }
                .insert(&txn)
                .await?;
            }
            Some(row) => {
                check_version(expected, row.version)?;
                let n = diagnostic::Entity::update_many()
                    .col_expr(diagnostic::Column::Areas, Expr::value(areas))
                    .col_expr(diagnostic::Column::Version, Expr::value(row.version + 1))
                    .col_expr(diagnostic::Column::UpdatedAt, Expr::value(now()))
                    .filter(diagnostic::Column::StaffId.eq(key.0))
                    .filter(diagnostic::Column::StartYear.eq(key.1))
                    .filter(diagnostic::Column::Version.eq(row.version))
                    .exec(&txn)
                    .await?
                    .rows_affected;
                if n == 0 {
                    return Err(StoreError::VersionMismatch { current: row.version + 1 });
                }
            }
        }
        record_audit(
            &txn,
            audit,
            "diagnosis.put",
            "diagnosis",
            Some(key.0),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        let row = diagnostic::Entity::find_by_id(key).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok((to_diagnosis(row)?, created))
    }

    /// Every diagnosis of a school's year.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn school_diagnoses(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<Diagnosis>> {
        diagnostic::Entity::find()
            .filter(diagnostic::Column::SchoolId.eq(school.uuid()))
            .filter(diagnostic::Column::StartYear.eq(year.start_year()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_diagnosis)
            .collect()
    }

    /// Everyone's participation in a school year, in five queries whatever the size of
    /// the school: activities, their participants, mentorships, trainings, material authors.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn participation(
        &self,
        school: SchoolId,
        year: AcademicYear,
    ) -> StoreResult<HashMap<StaffId, Participation>> {
        Ok(self.activities_and_participation(school, year).await?.1)
    }

    /// The year's activities with their presenters (for a report), and everyone's
    /// participation, from the same five queries.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn activities_and_participation(
        &self,
        school: SchoolId,
        year: AcademicYear,
    ) -> StoreResult<(Vec<ActivityFacts>, HashMap<StaffId, Participation>)> {
        let mut out: HashMap<StaffId, Participation> = HashMap::new();
        let acts: Vec<ActivityRow> = activity::Entity::find()
            .select_only()
            .column(activity::Column::Id)
            .column(activity::Column::FormCode)
            .column(activity::Column::HoursTenths)
            .column(activity::Column::Title)
            .column(activity::Column::StartsOn)
            .column(activity::Column::CommissionId)
            .column(activity::Column::OrganiserId)
            .filter(activity::Column::SchoolId.eq(school.uuid()))
            .filter(activity::Column::StartYear.eq(year.start_year()))
            .into_tuple()
            .all(&self.db)
            .await?;
        let index: HashMap<Uuid, usize> = acts.iter().enumerate().map(|(i, a)| (a.0, i)).collect();
        let mut presenters: Vec<Vec<StaffId>> = vec![Vec::new(); acts.len()];
        // Participants of the school's activities of the year, by the (school, year) index.
        let parts: Vec<(Uuid, Uuid, String, bool)> = activity_participant::Entity::find()
            .select_only()
            .column(activity_participant::Column::ActivityId)
            .column(activity_participant::Column::StaffId)
            .column(activity_participant::Column::Role)
            .column(activity_participant::Column::Attended)
            .filter(activity_participant::Column::SchoolId.eq(school.uuid()))
            .filter(activity_participant::Column::StartYear.eq(year.start_year()))
            .into_tuple()
            .all(&self.db)
            .await?;
        for (act, staff, role, attended) in parts {
            let (Some(i), Some(role)) = (index.get(&act).copied(), ParticipantRole::parse(&role)) else { continue };
            let (_, form, h, ..) = &acts[i];
            let staff = StaffId::from_uuid(staff);
            if role == ParticipantRole::Presenter {
                presenters[i].push(staff);
            }
            if attended || role == ParticipantRole::Presenter {
                out.entry(staff).or_default().count_activity(form, role, hours(*h));
            }
        }
        for p in &mut presenters {
            p.sort_unstable();
        }
        let facts = acts
            .into_iter()
            .zip(presenters)
            .map(|((id, form, _, title, on, commission, organiser), presenters)| ActivityFacts {
                id: ActivityId::from_uuid(id),
                form,
                title,
                on,
                commission: commission.map(CommissionId::from_uuid),
                organiser: organiser.map(StaffId::from_uuid),
                presenters,
            })
            .collect();
        let pairs: Vec<(Uuid, Uuid)> = mentorship::Entity::find()
            .select_only()
            .column(mentorship::Column::MentorId)
            .column(mentorship::Column::MenteeId)
            .filter(mentorship::Column::SchoolId.eq(school.uuid()))
            .filter(mentorship::Column::StartYear.eq(year.start_year()))
            .into_tuple()
            .all(&self.db)
            .await?;
        for (mentor, mentee) in pairs {
            out.entry(StaffId::from_uuid(mentor)).or_default().mentoring += 1;
            out.entry(StaffId::from_uuid(mentee)).or_default().mentoring += 1;
        }
        let trained: Vec<(Uuid, i32)> = training::Entity::find()
            .select_only()
            .column(training::Column::StaffId)
            .column(training::Column::HoursTenths)
            .filter(training::Column::SchoolId.eq(school.uuid()))
            .filter(training::Column::StartsOn.gte(year.first_day()))
            .filter(training::Column::StartsOn.lte(year.last_day()))
            .into_tuple()
            .all(&self.db)
            .await?;
        for (staff, h) in trained {
            let p = out.entry(StaffId::from_uuid(staff)).or_default();
            p.training_hours = Hours::from_tenths(p.training_hours.tenths() + hours(h).tenths());
        }
        let authored: Vec<Uuid> = material_author::Entity::find()
            .select_only()
            .column(material_author::Column::StaffId)
            .filter(
                material_author::Column::MaterialId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(material::Column::Id)
                        .from(material::Entity)
                        .and_where(material::Column::SchoolId.eq(school.uuid()))
                        .and_where(material::Column::StartYear.eq(year.start_year()))
                        .to_owned(),
                ),
            )
            .into_tuple()
            .all(&self.db)
            .await?;
        for staff in authored {
            out.entry(StaffId::from_uuid(staff)).or_default().materials += 1;
        }
        Ok((facts, out))
    }
}

fn to_diagnosis(row: diagnostic::Model) -> StoreResult<Diagnosis> {
    let areas: Vec<AreaRow> = stored("diagnostic.areas", serde_json::from_str(&row.areas))?;
    Ok(Diagnosis {
        staff: StaffId::from_uuid(row.staff_id),
        year: stored("diagnostic.start_year", AcademicYear::starting(row.start_year))?,
        areas: areas.into_iter().map(|a| (a.area, a.level, a.note)).collect(),
        version: row.version,
        updated_at: row.updated_at,
    })
}

/// Inserts an activity and its participants inside the caller's transaction.
async fn insert_activity(txn: &sea_orm::DatabaseTransaction, school: &School, a: &Activity) -> StoreResult<()> {
    let at = now();
    activity::ActiveModel {
        id: Set(a.id.uuid()),
        school_id: Set(school.id.uuid()),
        start_year: Set(a.year.start_year()),
        form_code: Set(a.form.clone()),
        title: Set(a.title.clone()),
        starts_on: Set(a.starts_on),
        ends_on: Set(a.ends_on),
        organiser_id: Set(a.organiser.map(StaffId::uuid)),
        commission_id: Set(a.commission.map(CommissionId::uuid)),
        place: Set(a.place.clone()),
        hours_tenths: Set(tenths(a.hours)),
        description: Set(a.description.clone()),
        outcome: Set(a.outcome.clone()),
        grade: Set(a.grade.clone()),
        subject_id: Set(a.subject.map(SubjectId::uuid)),
        feedback: Set(to_json(
            &a.feedback
                .iter()
                .map(|f| FeedbackRow { staff_id: f.staff.uuid(), text: f.text.clone() })
                .collect::<Vec<_>>(),
        )),
        plan_item_id: Set(a.plan_item.map(ItemId::uuid)),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(txn)
    .await?;
    replace_participants(txn, (a.id.uuid(), school.id.uuid(), a.year.start_year()), &a.participants).await?;
    Ok(())
}

/// Replaces an activity's participants; `activity` is its id, school and year.
async fn replace_participants(
    db: &impl ConnectionTrait,
    (activity_id, school_id, start_year): (Uuid, Uuid, i32),
    participants: &[Participant],
) -> StoreResult<()> {
    activity_participant::Entity::delete_many()
        .filter(activity_participant::Column::ActivityId.eq(activity_id))
        .exec(db)
        .await?;
    if participants.is_empty() {
        return Ok(());
    }
    activity_participant::Entity::insert_many(participants.iter().map(|p| activity_participant::ActiveModel {
        activity_id: Set(activity_id),
        staff_id: Set(p.staff.uuid()),
        role: Set(p.role.code().to_owned()),
        attended: Set(p.attended),
        school_id: Set(Some(school_id)),
        start_year: Set(Some(start_year)),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}
