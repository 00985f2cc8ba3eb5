//! Commissions, their dated membership, and the school orders that change them.

use crate::commission_writes::{add_member_row, advance, dedup, insert_order, set_subjects, write_members};
use crate::entities::{commission, commission_member, commission_subject, order};
use crate::org::check_version;
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use usul_domain::commission::command::{CommissionChange, Named, NewCommission};
use usul_domain::commission::{Commission, CommissionStatus, Order, OrderNumber, Stint};
use usul_domain::ids::{CommissionId, OrderId, SchoolId, StaffId, SubjectId};
use usul_domain::org::School;
use usul_domain::staff::Staff;
use usul_domain::values::Name;
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// Filters of the commission list.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommissionFilter {
    pub year: Option<AcademicYear>,
    pub status: Option<CommissionStatus>,
    /// Only those changed at or after this time.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

fn to_order(m: order::Model) -> StoreResult<Order> {
    Ok(Order {
        id: OrderId::from_uuid(m.id),
        school: SchoolId::from_uuid(m.school_id),
        number: stored("order.number", OrderNumber::parse(&m.number))?,
        date: m.date,
        title: m.title,
        decided: m.decided,
        commission: m.commission_id.map(CommissionId::from_uuid),
        created_at: m.created_at,
    })
}

async fn load_many(db: &impl ConnectionTrait, rows: Vec<commission::Model>) -> StoreResult<Vec<Commission>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut subjects: HashMap<Uuid, Vec<SubjectId>> = HashMap::new();
    let mut members: HashMap<Uuid, Vec<StaffId>> = HashMap::new();
    if !ids.is_empty() {
        for s in commission_subject::Entity::find()
            .filter(commission_subject::Column::CommissionId.is_in(ids.clone()))
            .order_by_asc(commission_subject::Column::SubjectId)
            .all(db)
            .await?
        {
            subjects.entry(s.commission_id).or_default().push(SubjectId::from_uuid(s.subject_id));
        }
        for m in commission_member::Entity::find()
            .filter(commission_member::Column::CommissionId.is_in(ids))
            .filter(commission_member::Column::Until.is_null())
            .order_by_asc(commission_member::Column::Id)
            .all(db)
            .await?
        {
            members.entry(m.commission_id).or_default().push(StaffId::from_uuid(m.staff_id));
        }
    }
    rows.into_iter()
        .map(|m| {
            Ok(Commission {
                id: CommissionId::from_uuid(m.id),
                school: SchoolId::from_uuid(m.school_id),
                year: stored("commission.start_year", AcademicYear::starting(m.start_year))?,
                name: stored("commission.name", Name::parse(&m.name))?,
                subjects: subjects.remove(&m.id).unwrap_or_default(),
                head: m.head_id.map(StaffId::from_uuid),
                members: members.remove(&m.id).unwrap_or_default(),
                status: CommissionStatus::parse(&m.status)
                    .ok_or_else(|| StoreError::Corrupt(format!("commission.status: {}", m.status)))?,
                approved_by_order: m.approved_order_id.map(OrderId::from_uuid),
                dissolved_by_order: m.dissolved_order_id.map(OrderId::from_uuid),
                version: m.version,
                created_at: m.created_at,
                updated_at: m.updated_at,
            })
        })
        .collect()
}

async fn load_one(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Commission> {
    let row = commission::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
    load_many(db, vec![row]).await?.pop().ok_or(StoreError::NotFound)
}

fn name_key(name: &Name) -> String {
    name.as_str().to_lowercase()
}

/// What a command on a commission needs, loaded in a fixed number of queries: the commission,
/// its school, the people the request names (for an approval: the members), and the subjects
/// the request names that the school does not have.
#[derive(Debug, Clone)]
pub struct CommissionCase {
    pub commission: Commission,
    pub school: School,
    pub people: Vec<Staff>,
    pub unknown_subjects: Vec<SubjectId>,
}

impl CommissionCase {
    /// The facts a command reads about the ids a request names.
    #[must_use]
    pub fn named(&self) -> Named<'_> {
        Named { people: &self.people, unknown_subjects: &self.unknown_subjects }
    }
}

/// What drafting a commission needs: the school, the people and the unknown subjects a
/// request names.
#[derive(Debug, Clone)]
pub struct DraftCase {
    pub school: School,
    pub people: Vec<Staff>,
    pub unknown_subjects: Vec<SubjectId>,
}

impl DraftCase {
    /// The facts a command reads about the ids a request names.
    #[must_use]
    pub fn named(&self) -> Named<'_> {
        Named { people: &self.people, unknown_subjects: &self.unknown_subjects }
    }
}

impl Store {
    /// Loads what drafting a commission at `school` needs; `None` when there is no such school.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn draft_case(
        &self,
        school: SchoolId,
        staff: &[StaffId],
        subjects: &[SubjectId],
    ) -> StoreResult<Option<DraftCase>> {
        let Some(school) = self.get_school(school).await? else { return Ok(None) };
        let people = self.staff_by_ids(staff).await?;
        let unknown_subjects = self.missing_subjects(school.id, subjects).await?;
        Ok(Some(DraftCase { school, people, unknown_subjects }))
    }

    /// Loads what a command on commission `id` needs; `None` when there is no such commission.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn commission_case(
        &self,
        id: CommissionId,
        staff: &[StaffId],
        subjects: &[SubjectId],
    ) -> StoreResult<Option<CommissionCase>> {
        let Some(commission) = self.get_commission(id).await? else { return Ok(None) };
        let school = self.get_school(commission.school).await?.ok_or(StoreError::NotFound)?;
        let people = self.staff_by_ids(staff).await?;
        let unknown_subjects = self.missing_subjects(school.id, subjects).await?;
        Ok(Some(CommissionCase { commission, school, people, unknown_subjects }))
    }

    /// Loads what approving commission `id` needs: its members are the people the order
    /// names and the rules count (R-3.2.2a, R-3.2.2c).
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn commission_case_with_members(&self, id: CommissionId) -> StoreResult<Option<CommissionCase>> {
        let Some(commission) = self.get_commission(id).await? else { return Ok(None) };
        let school = self.get_school(commission.school).await?.ok_or(StoreError::NotFound)?;
        let people = self.staff_by_ids(&commission.members).await?;
        Ok(Some(CommissionCase { commission, school, people, unknown_subjects: Vec::new() }))
    }

    /// Creates a draft commission.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `commission_name_taken` when the school has one of that name
    /// in that year.
    pub async fn create_commission(
        &self,
        school: &School,
        new: &NewCommission,
        audit: &Audit,
    ) -> StoreResult<Commission> {
        let txn = self.write().await?;
        let id = Uuid::now_v7();
        let at = now();
        commission::ActiveModel {
            id: Set(id),
            school_id: Set(school.id.uuid()),
            start_year: Set(new.year.start_year()),
            name_key: Set(name_key(&new.name)),
            name: Set(new.name.as_str().to_owned()),
            head_id: Set(None),
            status: Set(CommissionStatus::Draft.code().to_owned()),
            approved_order_id: Set(None),
            dissolved_order_id: Set(None),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await
        .map_err(|e| StoreError::unique(e, crate::Conflict::CommissionNameTaken))?;
        set_subjects(&txn, id, &new.subjects).await?;
        for m in dedup(&new.members) {
            add_member_row(&txn, id, m, None, None).await?;
        }
        let (school_id, district) = (Some(school.id.uuid()), Some(school.district.uuid()));
        record_audit(&txn, audit, CommissionChange::Drafted.action(), "commission", Some(id), school_id, district)
            .await?;
        let c = load_one(&txn, id).await?;
        txn.commit().await?;
        Ok(c)
    }

    /// Reads a commission with its current members.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_commission(&self, id: CommissionId) -> StoreResult<Option<Commission>> {
        match load_one(&self.db, id.uuid()).await {
            Ok(c) => Ok(Some(c)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The names of these commissions (for labels), in one query.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn names_of_commissions(&self, ids: &[CommissionId]) -> StoreResult<Vec<(CommissionId, Name)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(Uuid, String)> = commission::Entity::find()
            .select_only()
            .column(commission::Column::Id)
            .column(commission::Column::Name)
            .filter(commission::Column::Id.is_in(ids.iter().map(|c| c.uuid())))
            .into_tuple()
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|(id, name)| Ok((CommissionId::from_uuid(id), stored("commission.name", Name::parse(&name))?)))
            .collect()
    }

    /// Lists a school's commissions.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_commissions(
        &self,
        school: SchoolId,
        filter: CommissionFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Commission>> {
        let mut q = commission::Entity::find()
            .filter(commission::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(commission::Column::Id)
            .limit(page.limit + 1);
        if let Some(y) = filter.year {
            q = q.filter(commission::Column::StartYear.eq(y.start_year()));
        }
        if let Some(s) = filter.status {
            q = q.filter(commission::Column::Status.eq(s.code()));
        }
        if let Some(t) = filter.updated_since {
            q = q.filter(commission::Column::UpdatedAt.gte(t));
        }
        if let Some(after) = page.after {
            q = q.filter(commission::Column::Id.gt(after));
        }
        let rows = q.all(&self.db).await?;
        let items = load_many(&self.db, rows).await?;
        Ok(Page::from_rows(items, page.limit, |c| c.id.uuid()))
    }

    /// Every approved commission of a school and year (for councils and heads' rights).
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn approved_commissions(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<Commission>> {
        let rows = commission::Entity::find()
            .filter(commission::Column::SchoolId.eq(school.uuid()))
            .filter(commission::Column::StartYear.eq(year.start_year()))
            .filter(commission::Column::Status.eq(CommissionStatus::Approved.code()))
            .order_by_asc(commission::Column::Id)
            .all(&self.db)
            .await?;
        load_many(&self.db, rows).await
    }

    /// Writes what a command did to a commission: `after` is the commission the command
    /// answered and `change` the record of it. The write happens only if the commission is
    /// still as `before` was read (its version, and `expected` when the client sent one), so
    /// of two concurrent approvals exactly one succeeds. Answers the stored commission and the
    /// order the change issued, if any.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile; [`StoreError::Conflict`]
    /// `commission_name_taken` or `order_number_taken`.
    pub async fn save_commission(
        &self,
        before: &Commission,
        expected: Option<i32>,
        after: &Commission,
        change: &CommissionChange,
        audit: &Audit,
    ) -> StoreResult<(Commission, Option<Order>)> {
        let txn = self.write().await?;
        let current = commission::Entity::find_by_id(before.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        if current.version != before.version {
            return Err(StoreError::VersionMismatch { current: current.version });
        }
        let am = commission::ActiveModel {
            id: Set(current.id),
            name: Set(after.name.as_str().to_owned()),
            name_key: Set(name_key(&after.name)),
            head_id: Set(after.head.map(StaffId::uuid)),
            status: Set(after.status.code().to_owned()),
            ..Default::default()
        };
        // Claim the transition first, so that a concurrent one fails before its order.
        advance(&txn, &current, before.status, am).await?;
        let order = match change.order() {
            Some(o) => Some(insert_order(&txn, current.school_id, current.id, o, audit).await?),
            None => None,
        };
        write_members(&txn, before, after, change).await?;
        record_audit(&txn, audit, change.action(), "commission", Some(current.id), Some(current.school_id), None)
            .await?;
        let c = load_one(&txn, current.id).await?;
        txn.commit().await?;
        Ok((c, order.map(to_order).transpose()?))
    }

    /// Every stint of membership of a commission, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn commission_memberships(&self, id: CommissionId) -> StoreResult<Vec<Stint>> {
        Ok(commission_member::Entity::find()
            .filter(commission_member::Column::CommissionId.eq(id.uuid()))
            .order_by_asc(commission_member::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Stint {
                staff: StaffId::from_uuid(m.staff_id),
                since: m.since,
                until: m.until,
                added_by_order: m.added_order_id.map(OrderId::from_uuid),
                removed_by_order: m.removed_order_id.map(OrderId::from_uuid),
            })
            .collect())
    }

    /// The commissions `staff` currently sits on.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn commissions_of_member(&self, staff: StaffId) -> StoreResult<Vec<CommissionId>> {
        let ids: Vec<Uuid> = commission_member::Entity::find()
            .select_only()
            .column(commission_member::Column::CommissionId)
            .filter(commission_member::Column::StaffId.eq(staff.uuid()))
            .filter(commission_member::Column::Until.is_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(ids.into_iter().map(CommissionId::from_uuid).collect())
    }

    /// A school's orders, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_orders(
        &self,
        school: SchoolId,
        since: Option<chrono::DateTime<chrono::Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<Order>> {
        let mut q = order::Entity::find()
            .filter(order::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(order::Column::Id)
            .limit(page.limit + 1);
        // Orders are never changed once issued.
        if let Some(t) = since {
            q = q.filter(order::Column::CreatedAt.gte(t));
        }
        if let Some(after) = page.after {
            q = q.filter(order::Column::Id.gt(after));
        }
        let items = q.all(&self.db).await?.into_iter().map(to_order).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(items, page.limit, |o| o.id.uuid()))
    }

    /// Reads an order.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_order(&self, id: OrderId) -> StoreResult<Option<Order>> {
        order::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(to_order).transpose()
    }
}
