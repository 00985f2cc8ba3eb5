//! The `quality_rows` table: grade counts of one class in one subject.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quality_rows")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub sheet_id: Uuid,
    pub school_id: Uuid,
    pub start_year: i32,
    pub term: String,
    pub subject_id: Uuid,
    pub class_name: String,
    pub students: i32,
    pub grade5: i32,
    pub grade4: i32,
    pub grade3: i32,
    pub grade2: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
