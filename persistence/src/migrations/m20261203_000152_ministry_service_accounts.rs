//! Service accounts of the ministry (issue 11 point 14, R-3.1): a machine client that reads
//! every district, as the ministry's methodologists do. Its `district_id` is null. PostgreSQL
//! drops the NOT NULL; SQLite cannot alter a column, so the table is rebuilt with its rows.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &str = "id, district_id, name, client_id, secret_hash, active, created_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
            db.execute_unprepared("ALTER TABLE service_accounts ALTER COLUMN district_id DROP NOT NULL").await?;
            return Ok(());
        }
        // One batch, so that every statement runs on the same connection: the old table moves
        // aside, the new one takes its name (the schema of the first migration, with a nullable
        // district), the rows are copied and the old table and its index go.
        db.execute_unprepared(&format!(
            "ALTER TABLE service_accounts RENAME TO service_accounts_old; \
             DROP INDEX IF EXISTS service_accounts_client_key; \
             CREATE TABLE \"service_accounts\" ( \"id\" uuid_text NOT NULL PRIMARY KEY, \
             \"district_id\" uuid_text NULL, \"name\" varchar(200) NOT NULL, \
             \"client_id\" varchar(64) NOT NULL, \"secret_hash\" varchar NOT NULL, \
             \"active\" boolean NOT NULL, \"created_at\" timestamp_with_timezone_text NOT NULL, \
             FOREIGN KEY (\"district_id\") REFERENCES \"districts\" (\"id\") ON DELETE RESTRICT ); \
             INSERT INTO service_accounts ({COLUMNS}) SELECT {COLUMNS} FROM service_accounts_old; \
             DROP TABLE service_accounts_old; \
             CREATE UNIQUE INDEX \"service_accounts_client_key\" ON \"service_accounts\" (\"client_id\");"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // A ministry account has no district to go back to.
        Err(DbErr::Migration("ministry service accounts cannot be undone".to_owned()))
    }
}
