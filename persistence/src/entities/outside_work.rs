//! The `outside_work` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outside_work")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub staff_id: Uuid,
    pub level: String,
    pub on_date: Date,
    pub start_year: i32,
    pub form: String,
    pub role: String,
    pub title: String,
    pub organiser: Option<String>,
    pub hours_tenths: i32,
    pub link: Option<String>,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub evidence_file_name: Option<String>,
    pub evidence_content_type: Option<String>,
    pub evidence_size: Option<i64>,
    pub evidence_sha256: Option<String>,
    pub evidence_key: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
