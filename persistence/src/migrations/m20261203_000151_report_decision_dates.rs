//! A report's decisions keep the dates they were made on (issue 11 point 7, R-5.4): the date
//! a submission was made on, and every transition's `decided_on`. Rows from before keep none:
//! their submission's date is the day it was sent.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reports {
    Table,
    SubmittedOn,
}

#[derive(DeriveIden)]
enum ReportTransitions {
    Table,
    DecidedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Reports::Table).add_column(date_null(Reports::SubmittedOn)).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(ReportTransitions::Table)
                .add_column(date_null(ReportTransitions::DecidedOn))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Reports::Table).drop_column(Reports::SubmittedOn).to_owned()).await?;
        m.alter_table(
            Table::alter().table(ReportTransitions::Table).drop_column(ReportTransitions::DecidedOn).to_owned(),
        )
        .await?;
        Ok(())
    }
}
