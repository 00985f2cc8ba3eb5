//! Webhook subscriptions and their deliveries: one delivery per (subscription, event), made in
//! the transaction that writes the event, claimed by one deliverer at a time with a lease.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookSubscriptions {
    Table,
    Id,
    Scope,
    SchoolId,
    DistrictId,
    Url,
    EventTypes,
    Secret,
    Status,
    PausedReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
    ConsecutiveFailures,
    FailingSince,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    SubscriptionId,
    EventId,
    EventAt,
    ResourceKey,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastAttemptAt,
    LastStatus,
    LastError,
    DeliveredAt,
    CreatedAt,
    ReplayOf,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(WebhookSubscriptions::Table)
                .if_not_exists()
                .col(uuid(WebhookSubscriptions::Id).primary_key())
                .col(string_len(WebhookSubscriptions::Scope, 10))
                .col(uuid_null(WebhookSubscriptions::SchoolId))
                .col(uuid_null(WebhookSubscriptions::DistrictId))
                .col(text(WebhookSubscriptions::Url))
                .col(text(WebhookSubscriptions::EventTypes))
                .col(string_len(WebhookSubscriptions::Secret, 100))
                .col(string_len(WebhookSubscriptions::Status, 10))
                .col(text_null(WebhookSubscriptions::PausedReason))
                .col(uuid_null(WebhookSubscriptions::CreatedBy))
                .col(timestamp_with_time_zone(WebhookSubscriptions::CreatedAt))
                .col(timestamp_with_time_zone(WebhookSubscriptions::UpdatedAt))
                .col(integer(WebhookSubscriptions::Version))
                .col(integer(WebhookSubscriptions::ConsecutiveFailures))
                .col(timestamp_with_time_zone_null(WebhookSubscriptions::FailingSince))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .if_not_exists()
                .col(uuid(WebhookDeliveries::Id).primary_key())
                .col(uuid(WebhookDeliveries::SubscriptionId))
                .col(uuid(WebhookDeliveries::EventId))
                .col(timestamp_with_time_zone(WebhookDeliveries::EventAt))
                .col(string_len(WebhookDeliveries::ResourceKey, 100))
                .col(string_len(WebhookDeliveries::Status, 12))
                .col(integer(WebhookDeliveries::Attempts))
                .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                .col(timestamp_with_time_zone_null(WebhookDeliveries::LeaseUntil))
                .col(timestamp_with_time_zone_null(WebhookDeliveries::LastAttemptAt))
                .col(integer_null(WebhookDeliveries::LastStatus))
                .col(text_null(WebhookDeliveries::LastError))
                .col(timestamp_with_time_zone_null(WebhookDeliveries::DeliveredAt))
                .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                .col(uuid_null(WebhookDeliveries::ReplayOf))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_webhook_deliveries_subscription")
                        .from(WebhookDeliveries::Table, WebhookDeliveries::SubscriptionId)
                        .to(WebhookSubscriptions::Table, WebhookSubscriptions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_webhook_deliveries_event")
                        .from(WebhookDeliveries::Table, WebhookDeliveries::EventId)
                        .to(Events::Table, Events::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_due")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::Status)
                .col(WebhookDeliveries::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_resource")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::SubscriptionId)
                .col(WebhookDeliveries::ResourceKey)
                .col(WebhookDeliveries::Status)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_event")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::EventId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(WebhookSubscriptions::Table).to_owned()).await
    }
}
