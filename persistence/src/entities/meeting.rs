//! The `meetings` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub body_key: String,
    pub commission_id: Option<Uuid>,
    pub start_year: i32,
    pub date: Date,
    pub status: String,
    pub title: Option<String>,
    pub agenda: String,
    pub attendance: String,
    pub decisions: String,
    pub notes: Option<String>,
    pub chair_id: Option<Uuid>,
    pub secretary_id: Option<Uuid>,
    pub protocol_number: Option<i32>,
    pub quorum_present: Option<i32>,
    pub quorum_total: Option<i32>,
    pub finalized_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
