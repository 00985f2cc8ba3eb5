//! A school's year boundary (issue 11 point 6, R-5.1): the day from which dated records are
//! filed under the coming academic year, `MM-DD`, 15 August for every school until it says
//! otherwise.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Schools {
    Table,
    YearStartsOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Schools::Table)
                .add_column(string_len(Schools::YearStartsOn, 5).default("08-15"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Schools::Table).drop_column(Schools::YearStartsOn).to_owned()).await?;
        Ok(())
    }
}
