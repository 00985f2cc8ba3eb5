//! The `council_overrides` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "council_overrides")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub school_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub start_year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_id: Uuid,
    pub included: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
