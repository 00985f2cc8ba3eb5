//! What a report's figures are computed from, loaded in a fixed number of statements whatever
//! the size of the school, and the figures themselves as stored.

use crate::entities::{commission, material, material_author, meeting, plan};
use crate::{Store, StoreError, StoreResult};
use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};
use usul_domain::ids::{CommissionId, MeetingId, SchoolId, StaffId, SubjectId};
use usul_domain::plan::{Owner, PlanKind};
use usul_domain::records::MaterialStatus;
use usul_domain::report::{Inputs, MaterialFacts, MeetingFacts, Names, Scope, StoredFigures, assemble, figures_day};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// id, body key, commission, date, protocol number.
type MeetingRow = (Uuid, String, Option<Uuid>, NaiveDate, Option<i32>);

impl Store {
    /// A report's figures for `scope` as of `today`, assembled from the records with
    /// the names they print, in a fixed number of statements whatever the size of the school
    /// (about twenty).
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn report_figures(
        &self,
        school: SchoolId,
        scope: &Scope,
        year: AcademicYear,
        today: NaiveDate,
    ) -> StoreResult<StoredFigures> {
        let staff = self.active_school_staff(school).await?;
        let (activities, participation) = self.activities_and_participation(school, year).await?;
        let materials = self.material_facts(school, year).await?;
        let meetings = self.meeting_facts(school, year).await?;
        let quality = self.quality_rows(school, year).await?;
        let quality_before = match year.previous() {
            Some(y) => self.quality_rows(school, y).await?,
            None => Vec::new(),
        };
        let (kind, owner) = match scope {
            Scope::Commission { id, .. } => (PlanKind::Commission, Owner::Commission(*id)),
            Scope::School => (PlanKind::School, Owner::School(school)),
        };
        let plan = self.year_plan_facts(kind, owner, year).await?.map(|(p, _)| p);
        let ids: Vec<StaffId> = staff.iter().map(|s| s.id).collect();
        let f = assemble(Inputs {
            scope,
            today: figures_day(year, today),
            plan: plan.as_ref(),
            staff: &ids,
            activities: &activities,
            participation: &participation,
            materials: &materials,
            meetings: &meetings,
            quality: &quality,
            quality_before: &quality_before,
        });
        // Named people may have left; their names are looked up too.
        let mut names = Names::default();
        names.people.extend(staff.iter().map(|s| (s.id, s.short_name())));
        let gone: Vec<StaffId> = f.people_named().into_iter().filter(|s| !names.people.contains_key(s)).collect();
        if !gone.is_empty() {
            names.people.extend(self.staff_by_ids(&gone).await?.iter().map(|s| (s.id, s.short_name())));
        }
        names.subjects.extend(self.school_subjects(school).await?.into_iter().map(|s| (s.id, s.name.to_string())));
        names.commissions.extend(self.commission_names(school, year).await?);
        let mut frozen = StoredFigures::freeze(&f, &names);
        // The school's report shows the district's support it received.
        if matches!(scope, Scope::School) {
            let district = self.get_school(school).await?.map(|s| s.district);
            if let (Some(d), StoredFigures::V1(v1)) = (district, &mut frozen) {
                let events = self.list_support_events(d, year).await?;
                v1.support_received =
                    usul_domain::support::received_by(school, &events).iter().map(Into::into).collect();
            }
        }
        Ok(frozen)
    }

    /// The names of a school's commissions of a year, in one statement.
    async fn commission_names(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<(CommissionId, String)>> {
        let rows: Vec<(Uuid, String)> = commission::Entity::find()
            .select_only()
            .column(commission::Column::Id)
            .column(commission::Column::Name)
            .filter(commission::Column::SchoolId.eq(school.uuid()))
            .filter(commission::Column::StartYear.eq(year.start_year()))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|(id, name)| (CommissionId::from_uuid(id), name)).collect())
    }

    /// The year's materials with their authors, in two queries.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn material_facts(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<MaterialFacts>> {
        let rows: Vec<(Uuid, String, String, Option<Uuid>)> = material::Entity::find()
            .select_only()
            .column(material::Column::Id)
            .column(material::Column::Kind)
            .column(material::Column::Status)
            .column(material::Column::SubjectId)
            .filter(material::Column::SchoolId.eq(school.uuid()))
            .filter(material::Column::StartYear.eq(year.start_year()))
            .order_by_asc(material::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        let authors: Vec<(Uuid, Uuid)> = material_author::Entity::find()
            .select_only()
            .column(material_author::Column::MaterialId)
            .column(material_author::Column::StaffId)
            .filter(
                material_author::Column::MaterialId.in_subquery(
                    Query::select()
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
        let mut by: HashMap<Uuid, Vec<StaffId>> = HashMap::new();
        for (m, s) in authors {
            by.entry(m).or_default().push(StaffId::from_uuid(s));
        }
        rows.into_iter()
            .map(|(id, kind, status, subject)| {
                Ok(MaterialFacts {
                    kind,
                    status: MaterialStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("material.status: {status}")))?,
                    authors: by.remove(&id).unwrap_or_default(),
                    subject: subject.map(SubjectId::from_uuid),
                })
            })
            .collect()
    }

    /// The year's finalized meetings, in one query.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn meeting_facts(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<MeetingFacts>> {
        let rows: Vec<MeetingRow> = meeting::Entity::find()
            .select_only()
            .column(meeting::Column::Id)
            .column(meeting::Column::BodyKey)
            .column(meeting::Column::CommissionId)
            .column(meeting::Column::Date)
            .column(meeting::Column::ProtocolNumber)
            .filter(meeting::Column::SchoolId.eq(school.uuid()))
            .filter(meeting::Column::StartYear.eq(year.start_year()))
            .filter(meeting::Column::Status.eq("finalized"))
            .order_by_asc(meeting::Column::Date)
            .into_tuple()
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|(id, key, commission, date, protocol)| {
                Ok(MeetingFacts {
                    id: MeetingId::from_uuid(id),
                    body: crate::meetings::body_from(&key, commission)?,
                    date,
                    protocol_number: protocol.and_then(|n| u32::try_from(n).ok()),
                })
            })
            .collect()
    }

    /// The teachers whose individual plan of the year is approved, in one query.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn approved_individual_plans(
        &self,
        school: SchoolId,
        year: AcademicYear,
    ) -> StoreResult<HashSet<StaffId>> {
        let owners: Vec<Option<Uuid>> = plan::Entity::find()
            .select_only()
            .column(plan::Column::TeacherId)
            .filter(plan::Column::SchoolId.eq(school.uuid()))
            .filter(plan::Column::StartYear.eq(year.start_year()))
            .filter(plan::Column::Kind.eq("individual"))
            .filter(plan::Column::Status.eq("approved"))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(owners.into_iter().flatten().map(StaffId::from_uuid).collect())
    }
}
