//! Commissions, their dated membership, and the school orders that change them.

use crate::entities::{commission, commission_member, commission_subject, order};
use crate::org::check_version;
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::NaiveDate;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;
use usul_domain::commission::{Commission, CommissionStatus, NewOrder, Order, OrderNumber};
use usul_domain::ids::{CommissionId, OrderId, SchoolId, StaffId, SubjectId};
use usul_domain::org::School;
use usul_domain::values::Name;
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// One stint of a person on a commission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub staff: StaffId,
    /// The order date it began; `None` while the commission is a draft.
    pub since: Option<NaiveDate>,
    /// The order date it ended.
    pub until: Option<NaiveDate>,
    pub added_by_order: Option<OrderId>,
    pub removed_by_order: Option<OrderId>,
}

/// Filters of the commission list.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommissionFilter {
    pub year: Option<AcademicYear>,
    pub status: Option<CommissionStatus>,
}

/// A change to an approved commission's membership, made by one order.
#[derive(Debug, Clone, Default)]
pub struct MembershipChange {
    pub add: Vec<StaffId>,
    pub remove: Vec<StaffId>,
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

/// Moves a commission from `expected` version (and `from` status) to the next version,
/// setting what `am` sets. Zero rows means someone else moved it first.
async fn advance(
    txn: &DatabaseTransaction,
    current: &commission::Model,
    from: CommissionStatus,
    mut am: commission::ActiveModel,
) -> StoreResult<()> {
    am.version = Set(current.version + 1);
    am.updated_at = Set(now());
    let n = commission::Entity::update_many()
        .set(am)
        .filter(commission::Column::Id.eq(current.id))
        .filter(commission::Column::Version.eq(current.version))
        .filter(commission::Column::Status.eq(from.code()))
        .exec(txn)
        .await
        .map_err(|e| StoreError::unique(e, crate::Conflict::CommissionNameTaken))?
        .rows_affected;
    if n == 0 {
        return Err(StoreError::VersionMismatch { current: current.version + 1 });
    }
    Ok(())
}

async fn insert_order(
    txn: &DatabaseTransaction,
    school: SchoolId,
    commission: Uuid,
    new: &NewOrder,
    audit: &Audit,
) -> StoreResult<order::Model> {
    let start_year = AcademicYear::containing(new.date).map_or(0, AcademicYear::start_year);
    order::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school.uuid()),
        start_year: Set(start_year),
        number: Set(new.number.as_str().to_owned()),
        date: Set(new.date),
        title: Set(new.title.clone()),
        decided: Set(new.decided.clone()),
        commission_id: Set(Some(commission)),
        created_by: Set(audit.actor_id),
        created_at: Set(now()),
    }
    .insert(txn)
    .await
    .map_err(|e| StoreError::unique(e, crate::Conflict::OrderNumberTaken))
}

fn name_key(name: &Name) -> String {
    name.as_str().to_lowercase()
}

impl Store {
    /// Creates a draft commission.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `commission_name_taken` when the school has one of that name
    /// in that year.
    pub async fn create_commission(
        &self,
        school: &School,
        year: AcademicYear,
        name: Name,
        subjects: &[SubjectId],
        members: &[StaffId],
        audit: &Audit,
    ) -> StoreResult<Commission> {
        let txn = self.write().await?;
        let id = Uuid::now_v7();
        let at = now();
        commission::ActiveModel {
            id: Set(id),
            school_id: Set(school.id.uuid()),
            start_year: Set(year.start_year()),
            name_key: Set(name_key(&name)),
            name: Set(name.as_str().to_owned()),
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
        set_subjects(&txn, id, subjects).await?;
        for m in dedup(members) {
            add_member_row(&txn, id, m, None, None).await?;
        }
        record_audit(
            &txn,
            audit,
            "commission.create",
            "commission",
            Some(id),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
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

    /// Edits a draft: its name, subjects, members (free while a draft) and head.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed or is no longer a draft.
    pub async fn update_draft_commission(
        &self,
        id: CommissionId,
        expected: Option<i32>,
        name: Option<Name>,
        subjects: Option<Vec<SubjectId>>,
        members: Option<Vec<StaffId>>,
        audit: &Audit,
    ) -> StoreResult<Commission> {
        let txn = self.write().await?;
        let current = commission::Entity::find_by_id(id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let mut am = commission::ActiveModel { id: Set(current.id), ..Default::default() };
        if let Some(n) = &name {
            am.name = Set(n.as_str().to_owned());
            am.name_key = Set(name_key(n));
        }
        if let Some(m) = &members {
            // A head who leaves the draft is no longer its head.
            if current.head_id.is_some_and(|h| !m.iter().any(|s| s.uuid() == h)) {
                am.head_id = Set(None);
            }
        }
        advance(&txn, &current, CommissionStatus::Draft, am).await?;
        if let Some(s) = &subjects {
            set_subjects(&txn, current.id, s).await?;
        }
        if let Some(m) = &members {
            commission_member::Entity::delete_many()
                .filter(commission_member::Column::CommissionId.eq(current.id))
                .exec(&txn)
                .await?;
            for s in dedup(m) {
                add_member_row(&txn, current.id, s, None, None).await?;
            }
        }
        record_audit(&txn, audit, "commission.update", "commission", Some(current.id), Some(current.school_id), None)
            .await?;
        let c = load_one(&txn, current.id).await?;
        txn.commit().await?;
        Ok(c)
    }

    /// Appoints the head (R-3.2.2c; the caller has checked the rules).
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn set_commission_head(
        &self,
        c: &Commission,
        expected: Option<i32>,
        head: StaffId,
        audit: &Audit,
    ) -> StoreResult<Commission> {
        let txn = self.write().await?;
        let current = commission::Entity::find_by_id(c.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let am = commission::ActiveModel { id: Set(current.id), head_id: Set(Some(head.uuid())), ..Default::default() };
        advance(&txn, &current, c.status, am).await?;
        record_audit(&txn, audit, "commission.head", "commission", Some(current.id), Some(current.school_id), None)
            .await?;
        let c = load_one(&txn, current.id).await?;
        txn.commit().await?;
        Ok(c)
    }

    /// Approves a draft by a school order (R-3.2.2d): the order is recorded and every member's
    /// membership starts on its date. Of two concurrent approvals exactly one succeeds.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed or was approved meanwhile;
    /// [`StoreError::Conflict`] `order_number_taken`.
    pub async fn approve_commission(
        &self,
        c: &Commission,
        expected: Option<i32>,
        new: &NewOrder,
        audit: &Audit,
    ) -> StoreResult<(Commission, Order)> {
        let txn = self.write().await?;
        let current = commission::Entity::find_by_id(c.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let am = commission::ActiveModel {
            id: Set(current.id),
            status: Set(CommissionStatus::Approved.code().to_owned()),
            ..Default::default()
        };
        // Claim the transition first, so that a concurrent approval fails before its order.
        advance(&txn, &current, CommissionStatus::Draft, am).await?;
        let o = insert_order(&txn, c.school, current.id, new, audit).await?;
        commission::Entity::update_many()
            .col_expr(commission::Column::ApprovedOrderId, Expr::value(o.id))
            .filter(commission::Column::Id.eq(current.id))
            .exec(&txn)
            .await?;
        commission_member::Entity::update_many()
            .col_expr(commission_member::Column::Since, Expr::value(new.date))
            .col_expr(commission_member::Column::AddedOrderId, Expr::value(o.id))
            .filter(commission_member::Column::CommissionId.eq(current.id))
            .filter(commission_member::Column::Until.is_null())
            .exec(&txn)
            .await?;
        record_audit(&txn, audit, "commission.approve", "commission", Some(current.id), Some(current.school_id), None)
            .await?;
        let c = load_one(&txn, current.id).await?;
        txn.commit().await?;
        Ok((c, to_order(o)?))
    }

    /// Changes an approved commission's membership by one order (R-3.2.2d).
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] or `order_number_taken`.
    pub async fn change_commission_members(
        &self,
        c: &Commission,
        expected: Option<i32>,
        change: &MembershipChange,
        new: &NewOrder,
        audit: &Audit,
    ) -> StoreResult<(Commission, Order)> {
        let txn = self.write().await?;
        let current = commission::Entity::find_by_id(c.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        advance(
            &txn,
            &current,
            CommissionStatus::Approved,
            commission::ActiveModel { id: Set(current.id), ..Default::default() },
        )
        .await?;
        let o = insert_order(&txn, c.school, current.id, new, audit).await?;
        for s in dedup(&change.add) {
            add_member_row(&txn, current.id, s, Some(new.date), Some(o.id)).await?;
        }
        if !change.remove.is_empty() {
            end_memberships(&txn, current.id, Some(&change.remove), new.date, o.id).await?;
        }
        record_audit(&txn, audit, "commission.members", "commission", Some(current.id), Some(current.school_id), None)
            .await?;
        let c = load_one(&txn, current.id).await?;
        txn.commit().await?;
        Ok((c, to_order(o)?))
    }

    /// Dissolves an approved commission by order: every membership ends on its date.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] or `order_number_taken`.
    pub async fn dissolve_commission(
        &self,
        c: &Commission,
        expected: Option<i32>,
        new: &NewOrder,
        audit: &Audit,
    ) -> StoreResult<(Commission, Order)> {
        let txn = self.write().await?;
        let current = commission::Entity::find_by_id(c.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let am = commission::ActiveModel {
            id: Set(current.id),
            status: Set(CommissionStatus::Dissolved.code().to_owned()),
            ..Default::default()
        };
        advance(&txn, &current, CommissionStatus::Approved, am).await?;
        let o = insert_order(&txn, c.school, current.id, new, audit).await?;
        commission::Entity::update_many()
            .col_expr(commission::Column::DissolvedOrderId, Expr::value(o.id))
            .filter(commission::Column::Id.eq(current.id))
            .exec(&txn)
            .await?;
        end_memberships(&txn, current.id, None, new.date, o.id).await?;
        record_audit(&txn, audit, "commission.dissolve", "commission", Some(current.id), Some(current.school_id), None)
            .await?;
        let c = load_one(&txn, current.id).await?;
        txn.commit().await?;
        Ok((c, to_order(o)?))
    }

    /// Every stint of membership of a commission, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn commission_memberships(&self, id: CommissionId) -> StoreResult<Vec<Membership>> {
        Ok(commission_member::Entity::find()
            .filter(commission_member::Column::CommissionId.eq(id.uuid()))
            .order_by_asc(commission_member::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Membership {
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
    pub async fn list_orders(&self, school: SchoolId, page: PageRequest) -> StoreResult<Page<Order>> {
        let mut q = order::Entity::find()
            .filter(order::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(order::Column::Id)
            .limit(page.limit + 1);
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

fn dedup(ids: &[StaffId]) -> Vec<StaffId> {
    let mut out: Vec<StaffId> = Vec::new();
    for i in ids {
        if !out.contains(i) {
            out.push(*i);
        }
    }
    out
}

async fn set_subjects(txn: &DatabaseTransaction, commission: Uuid, subjects: &[SubjectId]) -> StoreResult<()> {
    commission_subject::Entity::delete_many()
        .filter(commission_subject::Column::CommissionId.eq(commission))
        .exec(txn)
        .await?;
    let mut unique: Vec<Uuid> = subjects.iter().map(|s| s.uuid()).collect();
    unique.sort_unstable();
    unique.dedup();
    if unique.is_empty() {
        return Ok(());
    }
    commission_subject::Entity::insert_many(
        unique
            .into_iter()
            .map(|s| commission_subject::ActiveModel { commission_id: Set(commission), subject_id: Set(s) }),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

async fn add_member_row(
    txn: &DatabaseTransaction,
    commission: Uuid,
    staff: StaffId,
    since: Option<NaiveDate>,
    order: Option<Uuid>,
) -> StoreResult<()> {
    commission_member::ActiveModel {
        id: Set(Uuid::now_v7()),
        commission_id: Set(commission),
        staff_id: Set(staff.uuid()),
        since: Set(since),
        until: Set(None),
        added_order_id: Set(order),
        removed_order_id: Set(None),
    }
    .insert(txn)
    .await?;
    Ok(())
}

async fn end_memberships(
    txn: &DatabaseTransaction,
    commission: Uuid,
    only: Option<&[StaffId]>,
    date: NaiveDate,
    order: Uuid,
) -> StoreResult<()> {
    let mut q = commission_member::Entity::update_many()
        .col_expr(commission_member::Column::Until, Expr::value(date))
        .col_expr(commission_member::Column::RemovedOrderId, Expr::value(order))
        .filter(commission_member::Column::CommissionId.eq(commission))
        .filter(commission_member::Column::Until.is_null());
    if let Some(staff) = only {
        q = q.filter(commission_member::Column::StaffId.is_in(staff.iter().map(|s| s.uuid())));
    }
    q.exec(txn).await?;
    Ok(())
}
