//! Failed sign-in attempts counted per key (a username, a client id) whether or not the
//! account exists, so that unknown and known accounts are throttled alike, and counted by one
//! atomic upsert before the password is checked.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Key,
    Failures,
    LockedUntil,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .if_not_exists()
                .col(string_len(LoginThrottle::Key, 400).primary_key())
                .col(integer(LoginThrottle::Failures))
                // Unix seconds: compared in SQL the same way on SQLite and PostgreSQL.
                .col(big_integer_null(LoginThrottle::LockedUntil))
                .col(big_integer(LoginThrottle::UpdatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LoginThrottle::Table).to_owned()).await
    }
}
