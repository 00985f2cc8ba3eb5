//! The `trainings` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub staff_id: Uuid,
    pub title: String,
    pub provider: String,
    pub mode: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub hours_tenths: i32,
    pub certificate_number: Option<String>,
    pub issuer: Option<String>,
    pub certificate_file_name: Option<String>,
    pub certificate_content_type: Option<String>,
    pub certificate_size: Option<i64>,
    pub certificate_sha256: Option<String>,
    pub certificate_key: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
