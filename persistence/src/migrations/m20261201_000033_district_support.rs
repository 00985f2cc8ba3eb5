//! The district's own methodological events and visits to schools.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupportEvents {
    Table,
    Id,
    DistrictId,
    OnDate,
    StartYear,
    Form,
    Topic,
    /// JSON array of school ids the event served.
    SchoolIds,
    /// JSON array of `{"school_id", "teachers"}`.
    Participants,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SupportEvents::Table)
                .col(pk_uuid(SupportEvents::Id))
                .col(uuid(SupportEvents::DistrictId))
                .col(date(SupportEvents::OnDate))
                .col(integer(SupportEvents::StartYear))
                .col(string_len(SupportEvents::Form, 64))
                .col(string(SupportEvents::Topic))
                .col(text(SupportEvents::SchoolIds))
                .col(text(SupportEvents::Participants))
                .col(uuid_null(SupportEvents::RecordedBy))
                .col(timestamp_with_time_zone(SupportEvents::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(SupportEvents::Table, SupportEvents::DistrictId)
                        .to(Districts::Table, Districts::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("support_events_district_year_idx")
                .table(SupportEvents::Table)
                .col(SupportEvents::DistrictId)
                .col(SupportEvents::StartYear)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SupportEvents::Table).to_owned()).await
    }
}
