//! The `events` table (the outbox).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub event_type: String,
    pub school_id: Option<Uuid>,
    pub district_id: Option<Uuid>,
    pub resource_kind: String,
    pub resource_id: Option<Uuid>,
    pub action: String,
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    pub summary: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
