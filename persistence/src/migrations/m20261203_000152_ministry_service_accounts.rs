//! Service accounts of the ministry (issue 11 point 14, R-3.1): a machine client that reads
//! every district, as the ministry's methodologists do. Its `district_id` is null. PostgreSQL
//! drops the NOT NULL; SQLite cannot alter a column, so the table is rebuilt with its rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceAccounts {
    Table,
    Id,
    DistrictId,
    Name,
    ClientId,
    SecretHash,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
}

const COLUMNS: &str = "id, district_id, name, client_id, secret_hash, active, created_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
            db.execute_unprepared("ALTER TABLE service_accounts ALTER COLUMN district_id DROP NOT NULL").await?;
            return Ok(());
        }
        // Move the old table aside, create the new one under the old name, copy, drop the old.
        db.execute_unprepared("ALTER TABLE service_accounts RENAME TO service_accounts_old").await?;
        db.execute_unprepared("DROP INDEX IF EXISTS service_accounts_client_key").await?;
        m.create_table(
            Table::create()
                .table(ServiceAccounts::Table)
                .col(pk_uuid(ServiceAccounts::Id))
                .col(uuid_null(ServiceAccounts::DistrictId))
                .col(string_len(ServiceAccounts::Name, 200))
                .col(string_len(ServiceAccounts::ClientId, 64))
                .col(string(ServiceAccounts::SecretHash))
                .col(boolean(ServiceAccounts::Active))
                .col(timestamp_with_time_zone(ServiceAccounts::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ServiceAccounts::Table, ServiceAccounts::DistrictId)
                        .to(Districts::Table, Districts::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO service_accounts ({COLUMNS}) SELECT {COLUMNS} FROM service_accounts_old"
        ))
        .await?;
        db.execute_unprepared("DROP TABLE service_accounts_old").await?;
        m.create_index(
            Index::create()
                .name("service_accounts_client_key")
                .table(ServiceAccounts::Table)
                .col(ServiceAccounts::ClientId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // A ministry account has no district to go back to.
        Err(DbErr::Migration("ministry service accounts cannot be undone".to_owned()))
    }
}
