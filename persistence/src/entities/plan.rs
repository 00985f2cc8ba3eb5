//! The `plans` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub kind: String,
    pub owner_key: String,
    pub commission_id: Option<Uuid>,
    pub teacher_id: Option<Uuid>,
    pub start_year: i32,
    pub lineage_key: String,
    pub version_no: i32,
    pub status: String,
    pub steps_done: i32,
    pub title: String,
    pub goal: Option<String>,
    pub personal_theme: Option<String>,
    pub ever_submitted: bool,
    pub review_meeting_id: Option<Uuid>,
    pub review_protocol: Option<i32>,
    pub review_date: Option<Date>,
    pub approved_by: Option<Uuid>,
    pub approved_on: Option<Date>,
    pub previous_id: Option<Uuid>,
    pub return_comment: Option<String>,
    pub submitted_on: Option<Date>,
    pub reviewed_on: Option<Date>,
    pub agreed_by: Option<Uuid>,
    pub agreed_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
