//! The meeting that heard a year-end report: one row per report, citing a meeting of
//! the body that hears it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportHearings {
    Table,
    ReportId,
    MeetingId,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReportHearings::Table)
                .col(pk_uuid(ReportHearings::ReportId))
                .col(uuid(ReportHearings::MeetingId))
                .col(timestamp_with_time_zone(ReportHearings::RecordedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ReportHearings::Table, ReportHearings::ReportId)
                        .to(Reports::Table, Reports::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ReportHearings::Table, ReportHearings::MeetingId)
                        .to(Meetings::Table, Meetings::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReportHearings::Table).to_owned()).await
    }
}
