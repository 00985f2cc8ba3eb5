//! The `materials` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "materials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub kind: String,
    pub title: String,
    pub search_text: String,
    pub subject_id: Option<Uuid>,
    pub grades: Option<String>,
    pub start_year: i32,
    pub tags: String,
    pub annotation: Option<String>,
    pub status: String,
    pub review_meeting_id: Option<Uuid>,
    pub link_url: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub file_size: Option<i64>,
    pub sha256: Option<String>,
    pub storage_key: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
