//! Knowledge quality and year-end reports with their transitions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum QualitySheets {
    Table,
    Id,
    SchoolId,
    StartYear,
    Term,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum QualityRows {
    Table,
    Id,
    SheetId,
    SchoolId,
    StartYear,
    Term,
    SubjectId,
    ClassName,
    Students,
    Grade5,
    Grade4,
    Grade3,
    Grade2,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    SchoolId,
    Kind,
    CommissionId,
    ScopeKey,
    StartYear,
    Status,
    AuthorId,
    AuthorName,
    Achievements,
    Problems,
    Proposals,
    Figures,
    FiguresAsOf,
    ReturnComment,
    SubmittedAt,
    AcceptedBy,
    AcceptedByName,
    AcceptedOn,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReportTransitions {
    Table,
    Id,
    ReportId,
    At,
    ActorId,
    ActorRole,
    Action,
    FromStatus,
    ToStatus,
    Comment,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(QualitySheets::Table)
                .col(pk_uuid(QualitySheets::Id))
                .col(uuid(QualitySheets::SchoolId))
                .col(integer(QualitySheets::StartYear))
                .col(string_len(QualitySheets::Term, 8))
                .col(integer(QualitySheets::Version))
                .col(timestamp_with_time_zone(QualitySheets::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(QualitySheets::Table, QualitySheets::SchoolId)
                        .to(Schools::Table, Schools::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("quality_sheets_key")
                .table(QualitySheets::Table)
                .col(QualitySheets::SchoolId)
                .col(QualitySheets::StartYear)
                .col(QualitySheets::Term)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(QualityRows::Table)
                .col(pk_uuid(QualityRows::Id))
                .col(uuid(QualityRows::SheetId))
                .col(uuid(QualityRows::SchoolId))
                .col(integer(QualityRows::StartYear))
                .col(string_len(QualityRows::Term, 8))
                .col(uuid(QualityRows::SubjectId))
                .col(string_len(QualityRows::ClassName, 64))
                .col(integer(QualityRows::Students))
                .col(integer(QualityRows::Grade5))
                .col(integer(QualityRows::Grade4))
                .col(integer(QualityRows::Grade3))
                .col(integer(QualityRows::Grade2))
                .foreign_key(
                    ForeignKey::create()
                        .from(QualityRows::Table, QualityRows::SheetId)
                        .to(QualitySheets::Table, QualitySheets::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("quality_rows_key")
                .table(QualityRows::Table)
                .col(QualityRows::SheetId)
                .col(QualityRows::SubjectId)
                .col(QualityRows::ClassName)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("quality_rows_school_year_idx")
                .table(QualityRows::Table)
                .col(QualityRows::SchoolId)
                .col(QualityRows::StartYear)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Reports::Table)
                .col(pk_uuid(Reports::Id))
                .col(uuid(Reports::SchoolId))
                .col(string_len(Reports::Kind, 16))
                .col(uuid_null(Reports::CommissionId))
                .col(string_len(Reports::ScopeKey, 64))
                .col(integer(Reports::StartYear))
                .col(string_len(Reports::Status, 16))
                .col(uuid_null(Reports::AuthorId))
                .col(string_len_null(Reports::AuthorName, 300))
                .col(text_null(Reports::Achievements))
                .col(text_null(Reports::Problems))
                .col(text_null(Reports::Proposals))
                .col(text(Reports::Figures))
                .col(timestamp_with_time_zone(Reports::FiguresAsOf))
                .col(text_null(Reports::ReturnComment))
                .col(timestamp_with_time_zone_null(Reports::SubmittedAt))
                .col(uuid_null(Reports::AcceptedBy))
                .col(string_len_null(Reports::AcceptedByName, 300))
                .col(date_null(Reports::AcceptedOn))
                .col(integer(Reports::Version))
                .col(timestamp_with_time_zone(Reports::CreatedAt))
                .col(timestamp_with_time_zone(Reports::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Reports::Table, Reports::SchoolId)
                        .to(Schools::Table, Schools::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // One report per school, year and scope (the school, or one commission).
        m.create_index(
            Index::create()
                .name("reports_scope_key")
                .table(Reports::Table)
                .col(Reports::SchoolId)
                .col(Reports::StartYear)
                .col(Reports::ScopeKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReportTransitions::Table)
                .col(pk_uuid(ReportTransitions::Id))
                .col(uuid(ReportTransitions::ReportId))
                .col(timestamp_with_time_zone(ReportTransitions::At))
                .col(uuid_null(ReportTransitions::ActorId))
                .col(string_len(ReportTransitions::ActorRole, 32))
                .col(string_len(ReportTransitions::Action, 32))
                .col(string_len(ReportTransitions::FromStatus, 16))
                .col(string_len(ReportTransitions::ToStatus, 16))
                .col(text_null(ReportTransitions::Comment))
                .foreign_key(
                    ForeignKey::create()
                        .from(ReportTransitions::Table, ReportTransitions::ReportId)
                        .to(Reports::Table, Reports::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("report_transitions_report_idx")
                .table(ReportTransitions::Table)
                .col(ReportTransitions::ReportId)
                .col(ReportTransitions::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ReportTransitions::Table.into_iden(),
            Reports::Table.into_iden(),
            QualityRows::Table.into_iden(),
            QualitySheets::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
