//! What the record rules need to know, loaded in a fixed number of statements whatever the
//! size of the data: the caller's standing with the commissions they head, and the ids an input
//! refers to.

use crate::entities::{activity, commission, commission_member, material, meeting, plan, plan_item, staff, subject};
use crate::{Store, StoreResult};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use usul_domain::commission::CommissionStatus;
use usul_domain::ids::{ActivityId, CommissionId, ItemId, MaterialId, MeetingId, SchoolId, StaffId, SubjectId};
use usul_domain::org::School;
use usul_domain::policy::Actor;
use usul_domain::records::actor::{LedCommission, RecordActor, Standing};
use usul_domain::records::input::{PersonFacts, RefQuery, Refs};
use uuid::Uuid;

/// The distinct UUIDs of some typed ids.
fn distinct<T: Copy>(ids: &[T], uuid: impl Fn(T) -> Uuid) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = ids.iter().map(|i| uuid(*i)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl Store {
    /// The caller as the record rules see them in `school`, or `None` when the school is hidden
    /// from them. For a member of the staff without the managers' rights, also the approved
    /// commissions of the school they head with their current members (R-3.2.2c): two
    /// statements at most, none for anyone else.
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn record_actor(&self, actor: Actor, school: &School) -> StoreResult<Option<RecordActor>> {
        let Some(mut out) = RecordActor::new(actor, school.id, school.district, Vec::new()) else { return Ok(None) };
        let Standing::Colleague(me) = out.standing else { return Ok(Some(out)) };
        let led: Vec<Uuid> = commission::Entity::find()
            .select_only()
            .column(commission::Column::Id)
            .filter(commission::Column::SchoolId.eq(school.id.uuid()))
            .filter(commission::Column::HeadId.eq(me.uuid()))
            .filter(commission::Column::Status.eq(CommissionStatus::Approved.code()))
            .into_tuple()
            .all(&self.db)
            .await?;
        if led.is_empty() {
            return Ok(Some(out));
        }
        let members: Vec<(Uuid, Uuid)> = commission_member::Entity::find()
            .select_only()
            .column(commission_member::Column::CommissionId)
            .column(commission_member::Column::StaffId)
            .filter(commission_member::Column::CommissionId.is_in(led.iter().copied()))
            .filter(commission_member::Column::Until.is_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        out.leads = led
            .into_iter()
            .map(|c| LedCommission {
                id: CommissionId::from_uuid(c),
                members: members.iter().filter(|(k, _)| *k == c).map(|(_, s)| StaffId::from_uuid(*s)).collect(),
            })
            .collect();
        Ok(Some(out))
    }

    /// What `school` has of the ids in `q`: one statement per kind of id asked about, whatever
    /// their number (people are found in any school, for the rules to tell "unknown" from
    /// "inactive").
    ///
    /// # Errors
    /// [`crate::StoreError::Db`].
    pub async fn record_refs(&self, school: &School, q: &RefQuery) -> StoreResult<Refs> {
        let mut refs = Refs { boundary: school.settings.year_starts_on, ..Refs::empty(school.id) };
        let school = school.id;
        let s = school.uuid();
        let people = distinct(&q.people, StaffId::uuid);
        if !people.is_empty() {
            let rows: Vec<(Uuid, Option<Uuid>, bool)> = staff::Entity::find()
                .select_only()
                .column(staff::Column::Id)
                .column(staff::Column::SchoolId)
                .column(staff::Column::Active)
                .filter(staff::Column::Id.is_in(people))
                .into_tuple()
                .all(&self.db)
                .await?;
            refs.people = rows
                .into_iter()
                .map(|(id, school, active)| PersonFacts {
                    id: StaffId::from_uuid(id),
                    school: school.map(SchoolId::from_uuid),
                    active,
                })
                .collect();
        }
        macro_rules! found {
            ($ids:expr, $entity:ident, $school:expr) => {{
                let ids = $ids;
                if ids.is_empty() {
                    Vec::new()
                } else {
                    $entity::Entity::find()
                        .select_only()
                        .column($entity::Column::Id)
                        .filter($entity::Column::Id.is_in(ids))
                        .filter($school)
                        .into_tuple::<Uuid>()
                        .all(&self.db)
                        .await?
                }
            }};
        }
        refs.subjects = found!(distinct(&q.subjects, SubjectId::uuid), subject, subject::Column::SchoolId.eq(s))
            .into_iter()
            .map(SubjectId::from_uuid)
            .collect();
        refs.commissions =
            found!(distinct(&q.commissions, CommissionId::uuid), commission, commission::Column::SchoolId.eq(s))
                .into_iter()
                .map(CommissionId::from_uuid)
                .collect();
        let of_school_plans = plan_item::Column::PlanId.in_subquery(
            Query::select()
                .column(plan::Column::Id)
                .from(plan::Entity)
                .and_where(plan::Column::SchoolId.eq(s))
                .to_owned(),
        );
        refs.plan_items = found!(distinct(&q.plan_items, ItemId::uuid), plan_item, of_school_plans)
            .into_iter()
            .map(ItemId::from_uuid)
            .collect();
        refs.activities = found!(distinct(&q.activities, ActivityId::uuid), activity, activity::Column::SchoolId.eq(s))
            .into_iter()
            .map(ActivityId::from_uuid)
            .collect();
        refs.materials = found!(distinct(&q.materials, MaterialId::uuid), material, material::Column::SchoolId.eq(s))
            .into_iter()
            .map(MaterialId::from_uuid)
            .collect();
        refs.meetings = found!(distinct(&q.meetings, MeetingId::uuid), meeting, meeting::Column::SchoolId.eq(s))
            .into_iter()
            .map(MeetingId::from_uuid)
            .collect();
        Ok(refs)
    }
}
