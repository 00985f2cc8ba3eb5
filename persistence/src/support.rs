//! The district's own methodological events and visits: one row per event, its schools
//! and participants kept as JSON beside it, read a district's year at a time.

use crate::entities::support_event;
use crate::{Audit, Store, StoreError, StoreResult, record_audit, stored};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{DistrictId, SchoolId, StaffId, SupportEventId};
use usul_domain::support::{SchoolParticipants, SupportEvent};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
struct ParticipantsRow {
    school_id: Uuid,
    teachers: u32,
}

fn to_event(m: support_event::Model) -> StoreResult<SupportEvent> {
    let schools: Vec<Uuid> = serde_json::from_str(&m.school_ids)
        .map_err(|e| StoreError::Corrupt(format!("support_events.school_ids: {e}")))?;
    let parts: Vec<ParticipantsRow> = serde_json::from_str(&m.participants)
        .map_err(|e| StoreError::Corrupt(format!("support_events.participants: {e}")))?;
    Ok(SupportEvent {
        id: SupportEventId::from_uuid(m.id),
        district: DistrictId::from_uuid(m.district_id),
        on: m.on_date,
        year: stored("support_events.start_year", AcademicYear::starting(m.start_year))?,
        form: m.form,
        topic: m.topic,
        schools: schools.into_iter().map(SchoolId::from_uuid).collect(),
        participants: parts
            .into_iter()
            .map(|p| SchoolParticipants { school: SchoolId::from_uuid(p.school_id), teachers: p.teachers })
            .collect(),
        recorded_by: m.recorded_by.map(StaffId::from_uuid),
        created_at: m.created_at,
    })
}

impl Store {
    /// Records a district's event or visit.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_support_event(&self, e: &SupportEvent, audit: &Audit) -> StoreResult<SupportEvent> {
        let txn = self.write().await?;
        let schools: Vec<Uuid> = e.schools.iter().map(|s| s.uuid()).collect();
        let parts: Vec<ParticipantsRow> = e
            .participants
            .iter()
            .map(|p| ParticipantsRow { school_id: p.school.uuid(), teachers: p.teachers })
            .collect();
        let row = support_event::ActiveModel {
            id: Set(e.id.uuid()),
            district_id: Set(e.district.uuid()),
            on_date: Set(e.on),
            start_year: Set(e.year.start_year()),
            form: Set(e.form.clone()),
            topic: Set(e.topic.clone()),
            school_ids: Set(serde_json::to_string(&schools).unwrap_or_else(|_| "[]".into())),
            participants: Set(serde_json::to_string(&parts).unwrap_or_else(|_| "[]".into())),
            recorded_by: Set(e.recorded_by.map(|s| s.uuid())),
            created_at: Set(e.created_at),
        }
        .insert(&txn)
        .await?;
        record_audit(
            &txn,
            audit,
            "support_event.create",
            "support_event",
            Some(e.id.uuid()),
            None,
            Some(e.district.uuid()),
        )
        .await?;
        txn.commit().await?;
        to_event(row)
    }

    /// A district's events and visits of a year, by date, in one statement.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn list_support_events(
        &self,
        district: DistrictId,
        year: AcademicYear,
    ) -> StoreResult<Vec<SupportEvent>> {
        support_event::Entity::find()
            .filter(support_event::Column::DistrictId.eq(district.uuid()))
            .filter(support_event::Column::StartYear.eq(year.start_year()))
            .order_by_asc(support_event::Column::OnDate)
            .order_by_asc(support_event::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_event)
            .collect()
    }
}

impl Store {
    /// The ids of a district's schools, in one statement.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn district_schools(&self, district: DistrictId) -> StoreResult<Vec<SchoolId>> {
        use crate::entities::school;
        use sea_orm::QuerySelect;
        let ids: Vec<Uuid> = school::Entity::find()
            .select_only()
            .column(school::Column::Id)
            .filter(school::Column::DistrictId.eq(district.uuid()))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(ids.into_iter().map(SchoolId::from_uuid).collect())
    }
}
