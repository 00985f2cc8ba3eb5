//! The events outbox: every audited change is also an event, written in the same
//! transaction, read in order as a feed (`occurred_at`, then `id`) and fanned out to webhook
//! deliveries. Kept for the event retention, then purged.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    OccurredAt,
    EventType,
    SchoolId,
    DistrictId,
    ResourceKind,
    ResourceId,
    Action,
    ActorKind,
    ActorId,
    Summary,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Events::Table)
                .if_not_exists()
                .col(uuid(Events::Id).primary_key())
                .col(timestamp_with_time_zone(Events::OccurredAt))
                .col(string_len(Events::EventType, 60))
                .col(uuid_null(Events::SchoolId))
                .col(uuid_null(Events::DistrictId))
                .col(string_len(Events::ResourceKind, 40))
                .col(uuid_null(Events::ResourceId))
                .col(string_len(Events::Action, 60))
                .col(string_len(Events::ActorKind, 20))
                .col(uuid_null(Events::ActorId))
                .col(text(Events::Summary))
                .to_owned(),
        )
        .await?;
        for (name, first) in [
            ("idx_events_occurred_at", None),
            ("idx_events_school_occurred_at", Some(Events::SchoolId)),
            ("idx_events_district_occurred_at", Some(Events::DistrictId)),
        ] {
            let mut index = Index::create();
            index.name(name).table(Events::Table);
            if let Some(col) = first {
                index.col(col);
            }
            m.create_index(index.col(Events::OccurredAt).col(Events::Id).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Events::Table).to_owned()).await
    }
}
