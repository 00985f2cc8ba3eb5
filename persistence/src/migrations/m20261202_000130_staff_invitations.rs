//! Invitations of people onboarded by an import: an account made from a staff list has no
//! usable password; the import answers a one-time token, stored here only as its SHA-256, which
//! the person exchanges for a password of their own before it expires.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffInvitations {
    Table,
    TokenHash,
    StaffId,
    ExpiresAt,
    CreatedAt,
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
                .table(StaffInvitations::Table)
                .if_not_exists()
                .col(string_len(StaffInvitations::TokenHash, 64).primary_key())
                .col(uuid(StaffInvitations::StaffId))
                .col(timestamp_with_time_zone(StaffInvitations::ExpiresAt))
                .col(timestamp_with_time_zone(StaffInvitations::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_staff_invitations_staff")
                        .from(StaffInvitations::Table, StaffInvitations::StaffId)
                        .to(Staff::Table, Staff::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_staff_invitations_staff_id")
                .table(StaffInvitations::Table)
                .col(StaffInvitations::StaffId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(StaffInvitations::Table).to_owned()).await
    }
}
