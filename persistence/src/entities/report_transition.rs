//! The `report_transitions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_transitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub report_id: Uuid,
    pub at: DateTimeUtc,
    pub actor_id: Option<Uuid>,
    pub actor_role: String,
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub comment: Option<String>,
    pub decided_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
