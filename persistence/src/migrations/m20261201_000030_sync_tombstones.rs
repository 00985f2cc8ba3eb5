//! Tombstones for delta sync: the id of every row deleted from a synced collection, with its
//! school and district and when it was deleted, so that a client syncing "changed since" a
//! token learns of deletions. Kept for the sync retention, then purged; a token older than
//! that answers 410.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SyncTombstones {
    Table,
    Collection,
    EntityId,
    SchoolId,
    DistrictId,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SyncTombstones::Table)
                .if_not_exists()
                .col(string_len(SyncTombstones::Collection, 40))
                .col(uuid(SyncTombstones::EntityId))
                .col(uuid_null(SyncTombstones::SchoolId))
                .col(uuid_null(SyncTombstones::DistrictId))
                .col(timestamp_with_time_zone(SyncTombstones::DeletedAt))
                .primary_key(Index::create().col(SyncTombstones::Collection).col(SyncTombstones::EntityId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_sync_tombstones_collection_deleted_at")
                .table(SyncTombstones::Table)
                .col(SyncTombstones::Collection)
                .col(SyncTombstones::DeletedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SyncTombstones::Table).to_owned()).await
    }
}
