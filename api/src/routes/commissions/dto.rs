//! The commission resource's wire types: request bodies and queries turned into the domain's
//! requests, and the views of commissions, orders and memberships.

use crate::query;
use crate::routes::list_of;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::commission::command::{AddMembersRequest, DraftRequest, EditRequest, OrderRequest, RemovalRequest};
use usul_domain::commission::{Commission, CommissionStatus, Order, Stint};
use usul_domain::ids::{CommissionId, OrderId, StaffId, SubjectId};
use usul_domain::lang::Lang;
use usul_domain::staff::Staff;
use usul_persistence::{CommissionFilter, Page};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A commission's status.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommissionStatusDto {
    Draft,
    Approved,
    Dissolved,
}

impl From<CommissionStatus> for CommissionStatusDto {
    fn from(s: CommissionStatus) -> Self {
        match s {
            CommissionStatus::Draft => Self::Draft,
            CommissionStatus::Approved => Self::Approved,
            CommissionStatus::Dissolved => Self::Dissolved,
        }
    }
}

/// A cyclic methodological commission (*циклдик усулдук комиссия*).
#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionView {
    pub id: Uuid,
    pub school_id: Uuid,
    /// The academic year it works in.
    #[schema(example = "2022-2023")]
    pub year: String,
    #[schema(example = "Табигый-математикалык циклдин усулдук комиссиясы")]
    pub name: String,
    /// Its subject, or several related ones (R-3.2.2a).
    pub subject_ids: Vec<Uuid>,
    /// The head appointed by the director (R-3.2.2c).
    pub head_id: Option<Uuid>,
    /// Current members.
    pub member_ids: Vec<Uuid>,
    pub status: CommissionStatusDto,
    /// The status in the language chosen by `Accept-Language`.
    #[schema(example = "Бекитилген")]
    pub status_label: String,
    /// The order that approved it.
    pub approved_by_order_id: Option<Uuid>,
    /// The order that dissolved it.
    pub dissolved_by_order_id: Option<Uuid>,
    /// Sent as `ETag`; send it back in `If-Match`.
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CommissionView {
    /// The view of a commission, its status labelled in `language`.
    #[must_use]
    pub fn new(c: &Commission, language: Lang) -> Self {
        Self {
            id: c.id.uuid(),
            school_id: c.school.uuid(),
            year: c.year.to_string(),
            name: c.name.to_string(),
            subject_ids: c.subjects.iter().map(|s| s.uuid()).collect(),
            head_id: c.head.map(StaffId::uuid),
            member_ids: c.members.iter().map(|m| m.uuid()).collect(),
            status: c.status.into(),
            status_label: c.status.label().get(language).to_owned(),
            approved_by_order_id: c.approved_by_order.map(OrderId::uuid),
            dissolved_by_order_id: c.dissolved_by_order.map(OrderId::uuid),
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

list_of!(CommissionList, CommissionView, "A page of commissions.");

/// A school order (*буйрук*).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    pub id: Uuid,
    pub school_id: Uuid,
    /// As written on the order.
    #[schema(example = "45")]
    pub number: String,
    #[schema(example = "2022-09-05")]
    pub date: NaiveDate,
    #[schema(example = "Циклдик усулдук комиссиянын курамын бекитүү жөнүндө")]
    pub title: String,
    /// What it decided.
    pub decided: String,
    /// The commission it concerns.
    pub commission_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<&Order> for OrderView {
    fn from(o: &Order) -> Self {
        Self {
            id: o.id.uuid(),
            school_id: o.school.uuid(),
            number: o.number.as_str().to_owned(),
            date: o.date,
            title: o.title.clone(),
            decided: o.decided.clone(),
            commission_id: o.commission.map(CommissionId::uuid),
            created_at: o.created_at,
        }
    }
}

list_of!(OrderList, OrderView, "A page of orders, oldest first.");

/// A commission and the order that just changed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionWithOrder {
    pub commission: CommissionView,
    pub order: OrderView,
}

/// The order that makes a change: its number and date as written on paper; the title and the
/// decision text are filled in when omitted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "45", "date": "2022-09-05"}))]
pub struct OrderBody {
    /// 1–32 characters, unique per school and academic year.
    #[schema(min_length = 1, max_length = 32, pattern = "\\S")]
    pub number: String,
    /// The order's date.
    pub date: NaiveDate,
    #[schema(max_length = 500)]
    pub title: Option<String>,
    #[schema(max_length = 4000)]
    pub decided: Option<String>,
}

/// A new draft commission.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": "2022-2023", "name": "Табигый-математикалык циклдин усулдук комиссиясы", "subject_ids": ["01a22fba-7a53-72fe-b323-4c6ab5fa2362"], "member_ids": []}))]
pub struct CreateCommissionBody {
    /// The academic year, `YYYY-YYYY`.
    #[schema(pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: String,
    /// 1–200 characters, unique in the school and year.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    /// One subject of the school, or several related ones.
    #[schema(min_items = 1)]
    pub subject_ids: Vec<Uuid>,
    /// Staff of the school; they may sit on other commissions too.
    #[serde(default)]
    pub member_ids: Vec<Uuid>,
}

/// Changes to a draft commission; absent fields stay. `member_ids` replaces the list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Математика жана физика комиссиясы"}))]
pub struct UpdateCommissionBody {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    pub subject_ids: Option<Vec<Uuid>>,
    pub member_ids: Option<Vec<Uuid>>,
}

/// People to add. A draft takes them at once; an approved commission only by an order
/// (R-3.2.2d).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"staff_ids": ["01a2153e-6f02-75e8-ab76-f3d21fc243e7"], "order": {"number": "61", "date": "2022-11-14"}}))]
pub struct AddMembersBody {
    #[schema(min_items = 1)]
    pub staff_ids: Vec<Uuid>,
    /// Required once the commission is approved.
    pub order: Option<OrderBody>,
}

/// The director appoints the head from the members (R-3.2.2c).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"staff_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7"}))]
pub struct HeadBody {
    pub staff_id: Uuid,
}

/// The order of an approval or a dissolution.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"order": {"number": "45", "date": "2022-09-05"}}))]
pub struct OrderActBody {
    pub order: OrderBody,
}

/// Filters of the commission list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommissionQuery {
    /// Only this academic year.
    #[param(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
    /// Only this status.
    #[param(value_type = Option<CommissionStatusDto>)]
    #[serde(default, deserialize_with = "status_filter")]
    pub status: Option<CommissionStatus>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<String>, pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<query::Cursor>,
    /// Only those changed at or after this time (RFC 3339). A client's clock misses rows
    /// committed late by a slower write: to sync, use `sync_token`.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<query::Since>,
    /// The `sync_token` of an earlier read's first page: only what changed since, and the ids
    /// deleted since in `deleted` (see "Delta sync" in the API description).
    #[param(value_type = Option<String>, pattern = "^st1\\.[0-9a-f]{16}$")]
    pub sync_token: Option<crate::sync::SyncToken>,
}

fn status_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<CommissionStatus>, D::Error> {
    query::code(d, CommissionStatus::parse).map(Some)
}

impl CommissionQuery {
    /// The list's filter.
    #[must_use]
    pub fn filter(&self) -> CommissionFilter {
        CommissionFilter { year: self.year.map(|y| y.0), status: self.status, updated_since: None }
    }
}

/// The removal order, for an approved commission.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemovalQuery {
    /// The order's number (required once the commission is approved).
    pub order_number: Option<String>,
    /// The order's date, `YYYY-MM-DD`.
    #[param(value_type = Option<NaiveDate>)]
    pub order_date: Option<String>,
}

/// A member's removal, passed as an addition is: for an approved commission, the school order
/// that removes them (R-3.2.2d); for a draft, nothing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"order": {"number": "302", "date": "2024-01-10"}}))]
pub struct RemovalBody {
    /// Required once the commission is approved.
    pub order: Option<RemovalOrderBody>,
}

/// The order that removes a member: its number and date as written on paper.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemovalOrderBody {
    /// 1–32 characters, unique per school and academic year.
    #[schema(min_length = 1, max_length = 32, pattern = "\\S", example = "302")]
    pub number: String,
    /// The order's date.
    pub date: NaiveDate,
}

impl RemovalBody {
    /// The removal of `staff` this body orders.
    #[must_use]
    pub fn request(self, staff: StaffId) -> RemovalRequest {
        let (order_number, order_date) = match self.order {
            Some(o) => (Some(o.number), Some(o.date.format("%Y-%m-%d").to_string())),
            None => (None, None),
        };
        RemovalRequest { staff, order_number, order_date }
    }
}

/// The membership as of a date.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembersQuery {
    /// The date (default: today). Before approval nobody is a member in law.
    #[param(value_type = Option<NaiveDate>)]
    pub as_of: Option<query::Day>,
}

/// A member, with what the rules look at.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub staff_id: Uuid,
    #[schema(example = "Үсөнова А.Б.")]
    pub short_name: String,
    pub subject_ids: Vec<Uuid>,
    #[schema(example = 12)]
    pub experience_years: u8,
    /// Whether they teach one of the commission's subjects (R-3.2.2a).
    pub teaches_a_commission_subject: bool,
    pub is_head: bool,
    /// The order date their membership began (empty while a draft).
    pub since: Option<NaiveDate>,
    pub added_by_order_id: Option<Uuid>,
}

/// One stint of membership.
#[derive(Debug, Serialize, ToSchema)]
pub struct StintView {
    pub staff_id: Uuid,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub added_by_order_id: Option<Uuid>,
    pub removed_by_order_id: Option<Uuid>,
}

/// Members as of a date, and every change ever recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembersView {
    #[schema(example = "2022-11-14")]
    pub as_of: NaiveDate,
    pub members: Vec<MemberView>,
    /// Every stint, oldest first (R-3.2.2d: each change recorded).
    pub history: Vec<StintView>,
}

/// A commission, and the order that changed it if one did.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionWithOrderOrNot {
    pub commission: CommissionView,
    /// The order recorded for an approved commission; `null` for a draft.
    pub order: Option<OrderView>,
}

impl CommissionList {
    /// A page of commissions, labelled in `language`.
    #[must_use]
    pub fn new(page: &Page<Commission>, language: Lang) -> Self {
        Self {
            items: page.items.iter().map(|c| CommissionView::new(c, language)).collect(),
            next_cursor: crate::routes::next_cursor(page.next),
            sync_token: None,
            deleted: None,
        }
    }
}

impl From<&Page<Order>> for OrderList {
    fn from(page: &Page<Order>) -> Self {
        Self {
            items: page.items.iter().map(OrderView::from).collect(),
            next_cursor: crate::routes::next_cursor(page.next),
            sync_token: None,
            deleted: None,
        }
    }
}

impl CommissionWithOrder {
    /// A commission and the order that changed it.
    #[must_use]
    pub fn new(c: &Commission, order: &Order, language: Lang) -> Self {
        Self { commission: CommissionView::new(c, language), order: OrderView::from(order) }
    }
}

impl CommissionWithOrderOrNot {
    /// A commission and the order that changed it, if one did.
    #[must_use]
    pub fn new(c: &Commission, order: Option<&Order>, language: Lang) -> Self {
        Self { commission: CommissionView::new(c, language), order: order.map(OrderView::from) }
    }
}

fn staff_ids(ids: Vec<Uuid>) -> Vec<StaffId> {
    ids.into_iter().map(StaffId::from_uuid).collect()
}

fn subject_ids(ids: Vec<Uuid>) -> Vec<SubjectId> {
    ids.into_iter().map(SubjectId::from_uuid).collect()
}

impl From<CreateCommissionBody> for DraftRequest {
    fn from(b: CreateCommissionBody) -> Self {
        Self {
            year: b.year,
            name: b.name,
            subject_ids: subject_ids(b.subject_ids),
            member_ids: staff_ids(b.member_ids),
        }
    }
}

impl From<UpdateCommissionBody> for EditRequest {
    fn from(b: UpdateCommissionBody) -> Self {
        Self { name: b.name, subject_ids: b.subject_ids.map(subject_ids), member_ids: b.member_ids.map(staff_ids) }
    }
}

impl From<OrderBody> for OrderRequest {
    fn from(b: OrderBody) -> Self {
        Self { number: b.number, date: b.date, title: b.title, decided: b.decided }
    }
}

impl From<AddMembersBody> for AddMembersRequest {
    fn from(b: AddMembersBody) -> Self {
        Self { staff_ids: staff_ids(b.staff_ids), order: b.order.map(OrderRequest::from) }
    }
}

impl RemovalQuery {
    /// The removal of `staff` this query orders.
    #[must_use]
    pub fn request(self, staff: StaffId) -> RemovalRequest {
        RemovalRequest { staff, order_number: self.order_number, order_date: self.order_date }
    }
}

impl From<&Stint> for StintView {
    fn from(m: &Stint) -> Self {
        Self {
            staff_id: m.staff.uuid(),
            since: m.since,
            until: m.until,
            added_by_order_id: m.added_by_order.map(OrderId::uuid),
            removed_by_order_id: m.removed_by_order.map(OrderId::uuid),
        }
    }
}

impl MembersView {
    /// The members of `c` sitting on `as_of` (as `people` knows them) and every stint.
    #[must_use]
    pub fn new(c: &Commission, stints: &[Stint], sitting: &[&Stint], people: &[Staff], as_of: NaiveDate) -> Self {
        let members = sitting
            .iter()
            .filter_map(|m| {
                people.iter().find(|p| p.id == m.staff).map(|p| MemberView {
                    staff_id: p.id.uuid(),
                    short_name: p.short_name(),
                    subject_ids: p.subjects.iter().map(|s| s.uuid()).collect(),
                    experience_years: p.experience.years(),
                    teaches_a_commission_subject: p.subjects.iter().any(|s| c.subjects.contains(s)),
                    is_head: c.head == Some(p.id),
                    since: m.since,
                    added_by_order_id: m.added_by_order.map(OrderId::uuid),
                })
            })
            .collect();
        Self { as_of, members, history: stints.iter().map(StintView::from).collect() }
    }
}
