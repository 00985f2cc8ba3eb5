//! Teachers' part in methodological work beyond the school, confirmed by the deputy.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutsideWork {
    Table,
    Id,
    SchoolId,
    StaffId,
    Level,
    OnDate,
    StartYear,
    Form,
    Role,
    Title,
    Organiser,
    HoursTenths,
    Link,
    ConfirmedBy,
    ConfirmedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OutsideWork::Table)
                .col(pk_uuid(OutsideWork::Id))
                .col(uuid(OutsideWork::SchoolId))
                .col(uuid(OutsideWork::StaffId))
                .col(string_len(OutsideWork::Level, 20))
                .col(date(OutsideWork::OnDate))
                .col(integer(OutsideWork::StartYear))
                .col(string_len(OutsideWork::Form, 64))
                .col(string_len(OutsideWork::Role, 20))
                .col(string(OutsideWork::Title))
                .col(string_null(OutsideWork::Organiser))
                .col(integer(OutsideWork::HoursTenths))
                .col(string_null(OutsideWork::Link))
                .col(uuid_null(OutsideWork::ConfirmedBy))
                .col(timestamp_with_time_zone_null(OutsideWork::ConfirmedAt))
                .col(integer(OutsideWork::Version))
                .col(timestamp_with_time_zone(OutsideWork::CreatedAt))
                .col(timestamp_with_time_zone(OutsideWork::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(OutsideWork::Table, OutsideWork::SchoolId)
                        .to(Schools::Table, Schools::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(OutsideWork::Table, OutsideWork::StaffId)
                        .to(Staff::Table, Staff::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("outside_work_school_year_idx")
                .table(OutsideWork::Table)
                .col(OutsideWork::SchoolId)
                .col(OutsideWork::StartYear)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OutsideWork::Table).to_owned()).await
    }
}
