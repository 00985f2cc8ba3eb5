//! Everyone's participation in a year, assembled in a fixed number of queries.

use super::hours;
use crate::entities::{activity, activity_participant, material, material_author, mentorship, training};
use crate::{Store, StoreResult};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;
use usul_domain::ids::{ActivityId, CommissionId, SchoolId, StaffId};
use usul_domain::records::{Hours, ParticipantRole, Participation};
use usul_domain::report::ActivityFacts;
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// id, form, hours (tenths), title, date, commission, organiser.
type ActivityRow = (Uuid, String, i32, String, NaiveDate, Option<Uuid>, Option<Uuid>);

impl Store {
    /// Everyone's participation in a school year, in six queries whatever the size of
    /// the school: activities, their participants, mentorships, trainings, material authors,
    /// confirmed outside work.
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
    /// participation, from the same six queries.
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
        for (staff, counts) in self.outside_counts(school, year).await? {
            let p = out.entry(staff).or_default();
            p.outside = p.outside.plus(counts);
        }
        Ok((facts, out))
    }
}
