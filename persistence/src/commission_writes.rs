//! The writes behind a commission's commands: claiming the next version, issuing an order,
//! and the membership rows a change begins and ends (R-3.2.2d).

use crate::entities::{commission, commission_member, commission_subject, order, school};
use crate::{Audit, StoreError, StoreResult, now, stored};
use chrono::NaiveDate;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use usul_domain::commission::command::{CommissionChange, IssuedOrder};
use usul_domain::commission::{Commission, CommissionStatus};
use usul_domain::ids::{StaffId, SubjectId};
use usul_domain::year::{AcademicYear, YearBoundary};
use uuid::Uuid;

/// Moves a commission from `expected` version (and `from` status) to the next version,
/// setting what `am` sets. Zero rows means someone else moved it first.
pub(crate) async fn advance(
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

pub(crate) async fn insert_order(
    txn: &DatabaseTransaction,
    school: Uuid,
    commission: Uuid,
    issued: &IssuedOrder,
    audit: &Audit,
) -> StoreResult<order::Model> {
    let new = &issued.order;
    // Filed under the year the order's date belongs to in this school (its boundary, R-5.1).
    let boundary = school::Entity::find_by_id(school)
        .one(txn)
        .await?
        .map(|s| stored("school.year_starts_on", YearBoundary::parse(&s.year_starts_on)))
        .transpose()?
        .unwrap_or_default();
    let start_year = AcademicYear::of(new.date, boundary).map_or(0, AcademicYear::start_year);
    order::ActiveModel {
        id: Set(issued.id.uuid()),
        school_id: Set(school),
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

/// Writes the membership side of a change: a draft's rows change freely; an approved
/// commission's stints begin and end on its orders' dates (R-3.2.2d).
pub(crate) async fn write_members(
    txn: &DatabaseTransaction,
    before: &Commission,
    after: &Commission,
    change: &CommissionChange,
) -> StoreResult<()> {
    let id = before.id.uuid();
    match change {
        CommissionChange::Drafted | CommissionChange::HeadAppointed { .. } => {}
        CommissionChange::DraftEdited => {
            if after.subjects != before.subjects {
                set_subjects(txn, id, &after.subjects).await?;
            }
            if after.members != before.members {
                commission_member::Entity::delete_many()
                    .filter(commission_member::Column::CommissionId.eq(id))
                    .exec(txn)
                    .await?;
                for s in dedup(&after.members) {
                    add_member_row(txn, id, s, None, None).await?;
                }
            }
        }
        CommissionChange::DraftMembersAdded(added) => {
            for s in dedup(added) {
                add_member_row(txn, id, s, None, None).await?;
            }
        }
        CommissionChange::DraftMemberLeft(s) => {
            commission_member::Entity::delete_many()
                .filter(commission_member::Column::CommissionId.eq(id))
                .filter(commission_member::Column::StaffId.eq(s.uuid()))
                .exec(txn)
                .await?;
        }
        CommissionChange::Approved(o) => {
            commission::Entity::update_many()
                .col_expr(commission::Column::ApprovedOrderId, Expr::value(o.id.uuid()))
                .filter(commission::Column::Id.eq(id))
                .exec(txn)
                .await?;
            commission_member::Entity::update_many()
                .col_expr(commission_member::Column::Since, Expr::value(o.order.date))
                .col_expr(commission_member::Column::AddedOrderId, Expr::value(o.id.uuid()))
                .filter(commission_member::Column::CommissionId.eq(id))
                .filter(commission_member::Column::Until.is_null())
                .exec(txn)
                .await?;
        }
        CommissionChange::MembersChanged { added, removed, order } => {
            for s in dedup(added) {
                add_member_row(txn, id, s, Some(order.order.date), Some(order.id.uuid())).await?;
            }
            if !removed.is_empty() {
                end_memberships(txn, id, Some(removed), order.order.date, order.id.uuid()).await?;
            }
        }
        CommissionChange::Dissolved(o) => {
            commission::Entity::update_many()
                .col_expr(commission::Column::DissolvedOrderId, Expr::value(o.id.uuid()))
                .filter(commission::Column::Id.eq(id))
                .exec(txn)
                .await?;
            end_memberships(txn, id, None, o.order.date, o.id.uuid()).await?;
        }
    }
    Ok(())
}

pub(crate) fn dedup(ids: &[StaffId]) -> Vec<StaffId> {
    let mut out: Vec<StaffId> = Vec::new();
    for i in ids {
        if !out.contains(i) {
            out.push(*i);
        }
    }
    out
}

pub(crate) async fn set_subjects(
    txn: &DatabaseTransaction,
    commission: Uuid,
    subjects: &[SubjectId],
) -> StoreResult<()> {
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

pub(crate) async fn add_member_row(
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
