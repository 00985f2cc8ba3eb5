//! Activities held and who took part.

use super::{ActivityFilter, EvidenceRow, FeedbackRow, hours, tenths, to_json};
use crate::entities::{activity, activity_participant, plan, plan_item};
use crate::org::check_version;
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use usul_domain::ids::{ActivityId, CommissionId, ItemId, SchoolId, StaffId, SubjectId};
use usul_domain::org::School;
use usul_domain::records::{Activity, Feedback, Participant, ParticipantRole};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

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
            // The plan's content changed: its version (its ETag, and the key its items are
            // kept under in memory) moves on, and delta sync sees it.
            plan::Entity::update_many()
                .col_expr(plan::Column::Version, Expr::col(plan::Column::Version).add(1))
                .col_expr(plan::Column::UpdatedAt, Expr::value(now()))
                .filter(plan::Column::Id.eq(row.plan_id))
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
        let at = now();
        for chunk in activities.chunks(500) {
            activity::Entity::insert_many(chunk.iter().map(|a| activity_row(school, a, at)))
                .exec_without_returning(&txn)
                .await?;
        }
        let participants: Vec<activity_participant::ActiveModel> = activities
            .iter()
            .flat_map(|a| {
                a.participants.iter().map(|p| participant_row((a.id.uuid(), school.id.uuid(), a.year.start_year()), p))
            })
            .collect();
        for chunk in participants.chunks(2000) {
            activity_participant::Entity::insert_many(chunk.iter().cloned()).exec_without_returning(&txn).await?;
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
}

/// Inserts an activity and its participants inside the caller's transaction.
async fn insert_activity(txn: &sea_orm::DatabaseTransaction, school: &School, a: &Activity) -> StoreResult<()> {
    activity_row(school, a, now()).insert(txn).await?;
    replace_participants(txn, (a.id.uuid(), school.id.uuid(), a.year.start_year()), &a.participants).await?;
    Ok(())
}

fn activity_row(school: &School, a: &Activity, at: chrono::DateTime<chrono::Utc>) -> activity::ActiveModel {
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
}

fn participant_row(
    (activity_id, school_id, start_year): (Uuid, Uuid, i32),
    p: &Participant,
) -> activity_participant::ActiveModel {
    activity_participant::ActiveModel {
        activity_id: Set(activity_id),
        staff_id: Set(p.staff.uuid()),
        role: Set(p.role.code().to_owned()),
        attended: Set(p.attended),
        school_id: Set(Some(school_id)),
        start_year: Set(Some(start_year)),
    }
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
    activity_participant::Entity::insert_many(
        participants.iter().map(|p| participant_row((activity_id, school_id, start_year), p)),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
