//! The `reports` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub kind: String,
    pub commission_id: Option<Uuid>,
    pub scope_key: String,
    pub start_year: i32,
    pub status: String,
    pub author_id: Option<Uuid>,
    /// The author's name as it was when the report was started, for the printed report.
    pub author_name: Option<String>,
    pub achievements: Option<String>,
    pub problems: Option<String>,
    pub proposals: Option<String>,
    pub figures: String,
    pub figures_as_of: DateTimeUtc,
    pub return_comment: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    pub submitted_on: Option<Date>,
    pub accepted_by: Option<Uuid>,
    /// The director's name as it was at acceptance.
    pub accepted_by_name: Option<String>,
    pub accepted_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
