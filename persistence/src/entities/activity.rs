//! The `activities` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub start_year: i32,
    pub form_code: String,
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub organiser_id: Option<Uuid>,
    pub commission_id: Option<Uuid>,
    pub place: Option<String>,
    pub hours_tenths: i32,
    pub description: Option<String>,
    pub outcome: Option<String>,
    pub grade: Option<String>,
    pub subject_id: Option<Uuid>,
    pub feedback: String,
    pub plan_item_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
