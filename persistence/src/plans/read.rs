//! Reading plans: one plan with what surrounds it for the caller, the list under the domain's
//! read rule, a plan's history, and the lean facts reports need.

use super::rows::{items_of, lineage, load_keyed, load_one, to_plan};
use super::{HistoryEntry, PlanFilter, Surroundings};
use crate::entities::{
    commission, commission_member, meeting, plan, plan_item, plan_transition, school, school_year, staff,
};
use crate::keys::{self, RowKey};
use crate::memo::Items;
use crate::{Page, PageRequest, Store, StoreError, StoreResult, stored};
use chrono::NaiveDate;
use sea_orm::sea_query::{Asterisk, Condition, Expr, ExprTrait, JoinType, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Statement,
};
use std::collections::HashMap;
use std::sync::OnceLock;
use usul_domain::commission::CommissionStatus;
use usul_domain::ids::{ItemId, MeetingId, PlanId, SchoolId, StaffId};
use usul_domain::plan::{Caller, Owner, Plan, PlanActor, PlanContext, PlanKind, Progress, ReadScope, StatusName};
use usul_domain::policy::Actor;
use usul_domain::report::{ItemMark, PlanFacts};
use usul_domain::staff::Role;
use usul_domain::year::AcademicYear;
use uuid::Uuid;

const APPROVED: &str = CommissionStatus::Approved.code();

/// The teachers on the approved commissions `head` leads (current members). The same relation
/// as [`teacher_facts`]' "heads a commission the teacher sits on", seen from the head.
fn led_teachers(head: StaffId) -> SelectStatement {
    Query::select()
        .column(commission_member::Column::StaffId)
        .from(commission_member::Entity)
        .and_where(commission_member::Column::Until.is_null())
        .and_where(
            commission_member::Column::CommissionId.in_subquery(
                Query::select()
                    .column(commission::Column::Id)
                    .from(commission::Entity)
                    .and_where(commission::Column::HeadId.eq(head.uuid()))
                    .and_where(commission::Column::Status.eq(APPROVED))
                    .to_owned(),
            ),
        )
        .to_owned()
}

/// The domain's [`ReadScope`] as a filter: the one home of plan visibility in SQL.
fn readable(scope: ReadScope) -> Condition {
    match scope {
        ReadScope::All => Condition::all(),
        ReadScope::OwnAndLed(me) => Condition::any()
            .add(plan::Column::TeacherId.is_null())
            .add(plan::Column::TeacherId.eq(me.uuid()))
            .add(plan::Column::TeacherId.in_subquery(led_teachers(me))),
    }
}

/// A status name as a filter; the in-route names depend on each kind's route.
fn status_is(name: StatusName) -> Condition {
    match name {
        StatusName::Draft => Condition::all().add(plan::Column::Status.eq("draft")),
        StatusName::Approved => Condition::all().add(plan::Column::Status.eq("approved")),
        StatusName::Superseded => Condition::all().add(plan::Column::Status.eq("superseded")),
        StatusName::Submitted | StatusName::Reviewed | StatusName::Agreed => {
            let mut any = Condition::any();
            for (kind, steps_done) in name.in_route() {
                any = any.add(
                    Condition::all()
                        .add(plan::Column::Kind.eq(kind.code()))
                        .add(plan::Column::StepsDone.eq(i32::from(steps_done))),
                );
            }
            Condition::all().add(plan::Column::Status.eq("in_route")).add(any)
        }
    }
}

/// An individual plan's facts about a staff caller, in one statement: the teacher's role, and
/// the heads of the approved commissions the teacher sits on.
async fn teacher_facts(db: &impl ConnectionTrait, teacher: StaffId, me: StaffId, a: &mut PlanActor) -> StoreResult<()> {
    let member = |c: commission_member::Column| Expr::col((commission_member::Entity, c));
    let of_commission = |c: commission::Column| Expr::col((commission::Entity, c));
    let stmt = Query::select()
        .column((staff::Entity, staff::Column::Role))
        .expr_as(of_commission(commission::Column::Id), "commission_id")
        .expr_as(of_commission(commission::Column::HeadId), "head_id")
        .from(staff::Entity)
        .join(
            JoinType::LeftJoin,
            commission_member::Entity,
            Condition::all()
                .add(member(commission_member::Column::StaffId).equals((staff::Entity, staff::Column::Id)))
                .add(member(commission_member::Column::Until).is_null()),
        )
        .join(
            JoinType::LeftJoin,
            commission::Entity,
            Condition::all()
                .add(
                    of_commission(commission::Column::Id)
                        .equals((commission_member::Entity, commission_member::Column::CommissionId)),
                )
                .add(of_commission(commission::Column::Status).eq(APPROVED)),
        )
        .and_where(Expr::col((staff::Entity, staff::Column::Id)).eq(teacher.uuid()))
        .to_owned();
    let mut sits_on_one = false;
    for row in db.query_all(&stmt).await? {
        let role: String = row.try_get("", "role")?;
        a.owner_is_deputy = Role::parse(&role) == Some(Role::Deputy);
        let commission: Option<Uuid> = row.try_get("", "commission_id")?;
        let head: Option<Uuid> = row.try_get("", "head_id")?;
        sits_on_one |= commission.is_some();
        a.heads_teachers_commission |= commission.is_some() && head == Some(me.uuid());
    }
    a.teacher_has_no_commission = !sits_on_one;
    Ok(())
}

/// What surrounds a plan of `owner` in `school` and `year` for `actor`: at most three
/// statements whatever the data (the owning commission or the teacher's commissions, and the
/// school year's theme).
async fn surroundings(
    db: &impl ConnectionTrait,
    actor: Actor,
    school: SchoolId,
    owner: Owner,
    year: AcademicYear,
    known: Option<Joined>,
) -> StoreResult<Surroundings> {
    let caller = Caller::at(actor, school);
    let mut a = PlanActor::plain(caller);
    let mut context = PlanContext::default();
    match (owner, caller.staff()) {
        (Owner::Commission(c), me) => {
            let row: Option<(String, Option<Uuid>)> = match &known {
                Some(k) => k.commission.clone(),
                None => {
                    commission::Entity::find_by_id(c.uuid())
                        .select_only()
                        .column(commission::Column::Status)
                        .column(commission::Column::HeadId)
                        .into_tuple()
                        .one(db)
                        .await?
                }
            };
            let (status, head) = row.unwrap_or_default();
            context.commission_approved = status == APPROVED;
            a.heads_owning_commission = context.commission_approved && me.is_some_and(|m| head == Some(m.uuid()));
        }
        // Outsiders act on nothing, so their facts about a teacher are not needed.
        (Owner::Teacher(t), Some(me)) => teacher_facts(db, t, me, &mut a).await?,
        (Owner::Teacher(_) | Owner::School(_), _) => {}
    }
    let theme: Option<String> = match known {
        Some(k) => k.theme,
        None => {
            school_year::Entity::find_by_id((school.uuid(), year.start_year()))
                .select_only()
                .column(school_year::Column::Theme)
                .into_tuple()
                .one(db)
                .await?
        }
    };
    context.school_theme_set = theme.is_some();
    Ok(Surroundings { actor: a, context, school_theme: theme })
}

/// What the joined read of a plan learns beyond the plan row.
struct Joined {
    /// The school year's theme, if set.
    theme: Option<String>,
    /// The owning commission's status and head, for a commission's plan.
    commission: Option<(String, Option<Uuid>)>,
}

/// The joined read of a plan (see [`load_joined`]) of `id`.
fn joined_select(id: Uuid) -> SelectStatement {
    Query::select()
        .column((plan::Entity, Asterisk))
        .expr_as(Expr::col((meeting::Entity, meeting::Column::ProtocolNumber)), "j_protocol_number")
        .expr_as(Expr::col((school_year::Entity, school_year::Column::Theme)), "j_theme")
        .expr_as(Expr::col((commission::Entity, commission::Column::Status)), "j_commission_status")
        .expr_as(Expr::col((commission::Entity, commission::Column::HeadId)), "j_commission_head")
        .from(plan::Entity)
        .join(
            JoinType::LeftJoin,
            meeting::Entity,
            Expr::col((meeting::Entity, meeting::Column::Id)).equals((plan::Entity, plan::Column::ReviewMeetingId)),
        )
        .join(
            JoinType::LeftJoin,
            school_year::Entity,
            Condition::all()
                .add(
                    Expr::col((school_year::Entity, school_year::Column::SchoolId))
                        .equals((plan::Entity, plan::Column::SchoolId)),
                )
                .add(
                    Expr::col((school_year::Entity, school_year::Column::StartYear))
                        .equals((plan::Entity, plan::Column::StartYear)),
                ),
        )
        .join(
            JoinType::LeftJoin,
            commission::Entity,
            Expr::col((commission::Entity, commission::Column::Id)).equals((plan::Entity, plan::Column::CommissionId)),
        )
        .and_where(Expr::col((plan::Entity, plan::Column::Id)).eq(id))
        .to_owned()
}

/// [`joined_select`] as SQL for `backend`. The SQL is built once per backend and kept: only
/// the plan id, its one bound value, changes between reads, and building the statement again
/// and dropping it took about 5 % of the CPU a plan read used (perf, SQLite).
fn joined_statement(backend: DbBackend, id: Uuid) -> Statement {
    static SQLITE: OnceLock<String> = OnceLock::new();
    static POSTGRES: OnceLock<String> = OnceLock::new();
    let built = || backend.build(&joined_select(Uuid::nil())).sql;
    let sql = match backend {
        DbBackend::Sqlite => SQLITE.get_or_init(built).clone(),
        DbBackend::Postgres => POSTGRES.get_or_init(built).clone(),
        _ => built(),
    };
    Statement::from_sql_and_values(backend, sql, [id.into()])
}

/// A plan, with its review's protocol number as the minutes stand now, its school year's theme
/// and its owning commission, in one statement; its items come from `kept` when this version's
/// were read before, else from one more statement.
async fn load_joined(db: &impl ConnectionTrait, id: Uuid, kept: &Items) -> StoreResult<Option<(Plan, Joined)>> {
    let stmt = joined_statement(db.get_database_backend(), id);
    let Some(row) = db.query_one_raw(stmt).await? else { return Ok(None) };
    let m = plan::Model::from_query_result(&row, "")?;
    let number: Option<i32> = row.try_get("", "j_protocol_number")?;
    let status: Option<String> = row.try_get("", "j_commission_status")?;
    let head: Option<Uuid> = row.try_get("", "j_commission_head")?;
    let joined = Joined { theme: row.try_get("", "j_theme")?, commission: status.map(|s| (s, head)) };
    let numbers: HashMap<Uuid, u32> =
        m.review_meeting_id.zip(number.and_then(|n| u32::try_from(n).ok())).into_iter().collect();
    let items = items_of(db, &[(m.id, m.version)], Some(kept)).await?.remove(&m.id).unwrap_or_default();
    Ok(Some((to_plan(m, items, &numbers)?, joined)))
}

impl Store {
    /// Reads a plan with its items.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_plan(&self, id: PlanId) -> StoreResult<Option<Plan>> {
        match load_one(&self.db, id.uuid(), Some(&self.items)).await {
            Ok(p) => Ok(Some(p)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads a plan with what surrounds it for `actor`: who they are to it, the submission
    /// facts and the school year's theme. One statement when the version's items are kept (the
    /// plan with its review's protocol number, the year's theme and its owning commission,
    /// joined), one more for the items otherwise, and one for the facts about a teacher whose
    /// individual plan a staff member reads.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn plan_for(&self, id: PlanId, actor: Actor) -> StoreResult<Option<(Plan, Surroundings)>> {
        let Some((plan, known)) = load_joined(&self.lane, id.uuid(), &self.items).await? else { return Ok(None) };
        let around = surroundings(&self.lane, actor, plan.school, plan.owner, plan.year, Some(known)).await?;
        Ok(Some((plan, around)))
    }

    /// What would surround a plan of `owner` in `school` and `year` for `actor`, before the plan
    /// exists (to ask whether they draft it). Three statements at most.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn plan_surroundings(
        &self,
        actor: Actor,
        school: SchoolId,
        owner: Owner,
        year: AcademicYear,
    ) -> StoreResult<Surroundings> {
        surroundings(&self.lane, actor, school, owner, year, None).await
    }

    /// A page of the plans the filter's scope reads, oldest first (every page but the last is
    /// full), named by the plans' keys (the extra number: the protocol number of the meeting a
    /// review cites), in one statement of one row. [`Store::plans_keyed`] reads the plans.
    ///
    /// # Errors
    /// A database error.
    pub async fn plan_page(&self, f: &PlanFilter, page: PageRequest) -> StoreResult<Page<RowKey>> {
        let select = listing(f, page)
            .select_only()
            .column_as(plan::Column::Id, keys::ID)
            .column_as(plan::Column::Version, keys::VERSION)
            .expr_as(
                Expr::cust("(SELECT protocol_number FROM meetings WHERE meetings.id = plans.review_meeting_id)"),
                keys::EXTRA,
            )
            .into_query();
        keys::page_keys(&self.lane, &select, page).await
    }

    /// The plans of `ids` with their keys as [`Store::plan_page`] names them, in a fixed
    /// number of statements; an id no longer there is left out.
    ///
    /// # Errors
    /// A database error.
    pub async fn plans_keyed(&self, ids: &[Uuid]) -> StoreResult<Vec<(RowKey, Plan)>> {
        let rows = plan::Entity::find().filter(plan::Column::Id.is_in(ids.iter().copied())).all(&self.lane).await?;
        load_keyed(&self.lane, rows, Some(&self.items)).await
    }

    /// What a report or the effectiveness figures need of the plan of a lineage — its approved
    /// version, else its newest: the items' progress, deadlines and responsible people, and
    /// whether it is approved. Two lean queries.
    ///
    /// # Errors
    /// [`StoreError::Db`], [`StoreError::Corrupt`].
    pub async fn year_plan_facts(
        &self,
        kind: PlanKind,
        owner: Owner,
        year: AcademicYear,
    ) -> StoreResult<Option<(PlanFacts, bool)>> {
        let rows: Vec<(Uuid, String, String)> = plan::Entity::find()
            .select_only()
            .column(plan::Column::Id)
            .column(plan::Column::Status)
            .column(plan::Column::Title)
            .filter(plan::Column::LineageKey.eq(lineage(kind, owner, year)))
            .order_by_desc(plan::Column::VersionNo)
            .into_tuple()
            .all(&self.db)
            .await?;
        let pick = rows.iter().position(|r| r.1 == "approved").unwrap_or(0);
        let Some((id, status, title)) = rows.into_iter().nth(pick) else { return Ok(None) };
        let items: Vec<(String, Option<NaiveDate>, String)> = plan_item::Entity::find()
            .select_only()
            .column(plan_item::Column::Progress)
            .column(plan_item::Column::DueDate)
            .column(plan_item::Column::Responsible)
            .filter(plan_item::Column::PlanId.eq(id))
            .order_by_asc(plan_item::Column::Position)
            .into_tuple()
            .all(&self.db)
            .await?;
        let items = items
            .into_iter()
            .map(|(progress, due, responsible)| {
                let responsible: Vec<Uuid> = stored("plan_item.responsible", serde_json::from_str(&responsible))?;
                Ok(ItemMark {
                    progress: Progress::parse(&progress)
                        .ok_or_else(|| StoreError::Corrupt(format!("plan_item.progress: {progress}")))?,
                    due,
                    responsible: responsible.into_iter().map(StaffId::from_uuid).collect(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some((PlanFacts { id: PlanId::from_uuid(id), title, items }, status == "approved")))
    }

    /// The transitions of a plan, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn plan_history(&self, id: PlanId) -> StoreResult<Vec<HistoryEntry>> {
        let rows = plan_transition::Entity::find()
            .filter(plan_transition::Column::PlanId.eq(id.uuid()))
            .order_by_asc(plan_transition::Column::Id)
            .all(&self.db)
            .await?;
        // A review's protocol number as the minutes stand now.
        let numbers =
            super::rows::protocol_numbers(&self.db, rows.iter().filter_map(|t| t.meeting_id).collect()).await?;
        Ok(rows
            .into_iter()
            .map(|t| HistoryEntry {
                at: t.at,
                actor: t.actor_id.map(StaffId::from_uuid),
                actor_role: t.actor_role,
                action: t.action,
                from: t.from_status,
                to: t.to_status,
                comment: t.comment,
                meeting: t.meeting_id.map(MeetingId::from_uuid),
                protocol_number: t
                    .meeting_id
                    .and_then(|m| numbers.get(&m).copied())
                    .or_else(|| t.protocol_number.and_then(|n| u32::try_from(n).ok())),
                meeting_date: t.meeting_date,
                decided_on: t.decided_on,
            })
            .collect())
    }

    /// The plan an item belongs to.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn plan_of_item(&self, item: ItemId) -> StoreResult<Option<Plan>> {
        let Some(row) = plan_item::Entity::find_by_id(item.uuid()).one(&self.db).await? else { return Ok(None) };
        self.get_plan(PlanId::from_uuid(row.plan_id)).await
    }
}

/// The plans a list reads under `f`, in id order, `page.limit + 1` at most.
fn listing(f: &PlanFilter, page: PageRequest) -> sea_orm::Select<plan::Entity> {
    let mut q = plan::Entity::find().filter(readable(f.scope)).order_by_asc(plan::Column::Id).limit(page.limit + 1);
    if let Some(s) = f.school {
        q = q.filter(plan::Column::SchoolId.eq(s.uuid()));
    }
    if let Some(d) = f.district {
        q = q.filter(
            plan::Column::SchoolId.in_subquery(
                Query::select()
                    .column(school::Column::Id)
                    .from(school::Entity)
                    .and_where(school::Column::DistrictId.eq(d.uuid()))
                    .to_owned(),
            ),
        );
    }
    if let Some(k) = f.kind {
        q = q.filter(plan::Column::Kind.eq(k.code()));
    }
    if let Some(y) = f.year {
        q = q.filter(plan::Column::StartYear.eq(y.start_year()));
    }
    if let Some(o) = f.owner_id {
        q = q.filter(Condition::any().add(plan::Column::CommissionId.eq(o)).add(plan::Column::TeacherId.eq(o)));
    }
    if let Some(s) = f.status {
        q = q.filter(status_is(s));
    }
    if let Some(t) = f.updated_since {
        q = q.filter(plan::Column::UpdatedAt.gte(t));
    }
    if let Some(after) = page.after {
        q = q.filter(plan::Column::Id.gt(after));
    }
    q
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_kept_joined_statement_is_the_one_built_for_that_plan_with_its_id_as_the_only_value() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            for id in [Uuid::now_v7(), Uuid::now_v7()] {
                let kept = joined_statement(backend, id);
                let fresh = backend.build(&joined_select(id));
                assert_eq!(kept.sql, fresh.sql);
                assert_eq!(kept.values, fresh.values);
                assert_eq!(kept.values.map(|v| v.0.len()), Some(1));
            }
        }
    }
}
