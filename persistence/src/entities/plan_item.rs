//! The `plan_items` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: Uuid,
    pub position: i32,
    pub title: String,
    pub description: Option<String>,
    pub form_code: String,
    pub direction: Option<String>,
    pub start_date: Option<Date>,
    pub due_date: Option<Date>,
    pub responsible: String,
    pub expected_result: Option<String>,
    pub progress: String,
    pub completed_on: Option<Date>,
    pub outcome: Option<String>,
    pub evidence: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
