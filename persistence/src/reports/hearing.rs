//! The meeting that heard a report: stored beside the report, read with the meeting
//! so that the minutes' current number is cited.

use crate::entities::{meeting, report_hearing};
use crate::{Audit, Store, StoreResult, now, record_audit};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, EntityTrait};
use usul_domain::ids::ReportId;
use usul_domain::meeting::Meeting;
use usul_domain::report::{Hearing, Report};

impl Store {
    /// Records (or replaces) the meeting that heard `report`.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn record_hearing(&self, report: &Report, hearing: &Hearing, audit: &Audit) -> StoreResult<()> {
        let txn = self.write().await?;
        report_hearing::Entity::insert(report_hearing::ActiveModel {
            report_id: Set(report.id.uuid()),
            meeting_id: Set(hearing.meeting.uuid()),
            recorded_at: Set(now()),
        })
        .on_conflict(
            OnConflict::column(report_hearing::Column::ReportId)
                .update_columns([report_hearing::Column::MeetingId, report_hearing::Column::RecordedAt])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
        record_audit(&txn, audit, "report.heard", "report", Some(report.id.uuid()), Some(report.school.uuid()), None)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The meeting that heard a report, as it stands now (its minutes' number included), in
    /// two statements.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`], [`crate::StoreError::Corrupt`].
    pub async fn report_hearing(&self, report: ReportId) -> StoreResult<Option<Hearing>> {
        let Some(row) = report_hearing::Entity::find_by_id(report.uuid()).one(&self.db).await? else {
            return Ok(None);
        };
        let Some(m) = meeting::Entity::find_by_id(row.meeting_id).one(&self.db).await? else { return Ok(None) };
        Ok(Some(Hearing::of(&Meeting::try_from(m)?)))
    }
}
