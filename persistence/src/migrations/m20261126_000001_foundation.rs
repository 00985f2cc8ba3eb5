//! The foundation: districts, schools, years, subjects, staff, service accounts, refresh
//! tokens, audit events and idempotency records.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
    Name,
    NameKey,
    Region,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
    DistrictId,
    Name,
    NameKey,
    Address,
    MinHeadExperienceYears,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SchoolYears {
    Table,
    SchoolId,
    StartYear,
    Theme,
    Goal,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Subjects {
    Table,
    Id,
    SchoolId,
    Name,
    NameKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Staff {
    Table,
    Id,
    SchoolId,
    DistrictId,
    Email,
    EmailKey,
    PasswordHash,
    LastName,
    FirstName,
    Patronymic,
    Position,
    Role,
    Category,
    ExperienceYears,
    Active,
    FailedLogins,
    LockedUntil,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StaffSubjects {
    Table,
    StaffId,
    SubjectId,
}

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
enum RefreshTokens {
    Table,
    Id,
    TokenHash,
    FamilyId,
    StaffId,
    ServiceAccountId,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorKind,
    ActorId,
    SchoolId,
    DistrictId,
    Action,
    Entity,
    EntityId,
    Summary,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Owner,
    Key,
    RequestHash,
    Status,
    Headers,
    Body,
    CreatedAt,
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Districts::Table)
                .col(pk_uuid(Districts::Id))
                .col(string_len(Districts::Name, 200))
                .col(string_len(Districts::NameKey, 200))
                .col(string_len_null(Districts::Region, 200))
                .col(integer(Districts::Version))
                .col(timestamp_with_time_zone(Districts::CreatedAt))
                .col(timestamp_with_time_zone(Districts::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("districts_name_key")
                .table(Districts::Table)
                .col(Districts::NameKey)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Schools::Table)
                .col(pk_uuid(Schools::Id))
                .col(uuid(Schools::DistrictId))
                .col(string_len(Schools::Name, 200))
                .col(string_len(Schools::NameKey, 200))
                .col(string_len_null(Schools::Address, 200))
                .col(integer(Schools::MinHeadExperienceYears))
                .col(integer(Schools::Version))
                .col(timestamp_with_time_zone(Schools::CreatedAt))
                .col(timestamp_with_time_zone(Schools::UpdatedAt))
                .foreign_key(&mut fk(Schools::Table, Schools::DistrictId, Districts::Table, Districts::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("schools_district_name_key")
                .table(Schools::Table)
                .col(Schools::DistrictId)
                .col(Schools::NameKey)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SchoolYears::Table)
                .col(uuid(SchoolYears::SchoolId))
                .col(integer(SchoolYears::StartYear))
                .col(text(SchoolYears::Theme))
                .col(text_null(SchoolYears::Goal))
                .col(integer(SchoolYears::Version))
                .col(timestamp_with_time_zone(SchoolYears::UpdatedAt))
                .primary_key(Index::create().col(SchoolYears::SchoolId).col(SchoolYears::StartYear))
                .foreign_key(&mut fk(SchoolYears::Table, SchoolYears::SchoolId, Schools::Table, Schools::Id))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Subjects::Table)
                .col(pk_uuid(Subjects::Id))
                .col(uuid(Subjects::SchoolId))
                .col(string_len(Subjects::Name, 200))
                .col(string_len(Subjects::NameKey, 200))
                .col(timestamp_with_time_zone(Subjects::CreatedAt))
                .foreign_key(&mut fk(Subjects::Table, Subjects::SchoolId, Schools::Table, Schools::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("subjects_school_name_key")
                .table(Subjects::Table)
                .col(Subjects::SchoolId)
                .col(Subjects::NameKey)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Staff::Table)
                .col(pk_uuid(Staff::Id))
                .col(uuid_null(Staff::SchoolId))
                .col(uuid_null(Staff::DistrictId))
                .col(string_len(Staff::Email, 254))
                .col(string_len(Staff::EmailKey, 254))
                .col(string(Staff::PasswordHash))
                .col(string_len(Staff::LastName, 200))
                .col(string_len(Staff::FirstName, 200))
                .col(string_len_null(Staff::Patronymic, 200))
                .col(string_len_null(Staff::Position, 200))
                .col(string_len(Staff::Role, 32))
                .col(string_len(Staff::Category, 16))
                .col(integer(Staff::ExperienceYears))
                .col(boolean(Staff::Active))
                .col(integer(Staff::FailedLogins))
                .col(timestamp_with_time_zone_null(Staff::LockedUntil))
                .col(integer(Staff::Version))
                .col(timestamp_with_time_zone(Staff::CreatedAt))
                .col(timestamp_with_time_zone(Staff::UpdatedAt))
                .foreign_key(&mut fk(Staff::Table, Staff::SchoolId, Schools::Table, Schools::Id))
                .foreign_key(&mut fk(Staff::Table, Staff::DistrictId, Districts::Table, Districts::Id))
                .to_owned(),
        )
        .await?;
        // Logins are unique case-insensitively: the key column holds the lower-cased address.
        m.create_index(
            Index::create().name("staff_email_key").table(Staff::Table).col(Staff::EmailKey).unique().to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("staff_school_idx").table(Staff::Table).col(Staff::SchoolId).col(Staff::Id).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(StaffSubjects::Table)
                .col(uuid(StaffSubjects::StaffId))
                .col(uuid(StaffSubjects::SubjectId))
                .primary_key(Index::create().col(StaffSubjects::StaffId).col(StaffSubjects::SubjectId))
                .foreign_key(&mut fk(StaffSubjects::Table, StaffSubjects::StaffId, Staff::Table, Staff::Id))
                .foreign_key(&mut fk(StaffSubjects::Table, StaffSubjects::SubjectId, Subjects::Table, Subjects::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("staff_subjects_subject_idx")
                .table(StaffSubjects::Table)
                .col(StaffSubjects::SubjectId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ServiceAccounts::Table)
                .col(pk_uuid(ServiceAccounts::Id))
                .col(uuid(ServiceAccounts::DistrictId))
                .col(string_len(ServiceAccounts::Name, 200))
                .col(string_len(ServiceAccounts::ClientId, 64))
                .col(string(ServiceAccounts::SecretHash))
                .col(boolean(ServiceAccounts::Active))
                .col(timestamp_with_time_zone(ServiceAccounts::CreatedAt))
                .foreign_key(&mut fk(
                    ServiceAccounts::Table,
                    ServiceAccounts::DistrictId,
                    Districts::Table,
                    Districts::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("service_accounts_client_key")
                .table(ServiceAccounts::Table)
                .col(ServiceAccounts::ClientId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(pk_uuid(RefreshTokens::Id))
                .col(string_len(RefreshTokens::TokenHash, 64))
                .col(uuid(RefreshTokens::FamilyId))
                .col(uuid_null(RefreshTokens::StaffId))
                .col(uuid_null(RefreshTokens::ServiceAccountId))
                .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("refresh_tokens_hash_key")
                .table(RefreshTokens::Table)
                .col(RefreshTokens::TokenHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("refresh_tokens_family_idx")
                .table(RefreshTokens::Table)
                .col(RefreshTokens::FamilyId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(pk_uuid(AuditEvents::Id))
                .col(timestamp_with_time_zone(AuditEvents::At))
                .col(string_len(AuditEvents::ActorKind, 32))
                .col(uuid_null(AuditEvents::ActorId))
                .col(uuid_null(AuditEvents::SchoolId))
                .col(uuid_null(AuditEvents::DistrictId))
                .col(string_len(AuditEvents::Action, 64))
                .col(string_len(AuditEvents::Entity, 64))
                .col(uuid_null(AuditEvents::EntityId))
                .col(text(AuditEvents::Summary))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_events_school_idx")
                .table(AuditEvents::Table)
                .col(AuditEvents::SchoolId)
                .col(AuditEvents::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(string_len(IdempotencyKeys::Owner, 64))
                .col(string_len(IdempotencyKeys::Key, 200))
                .col(string_len(IdempotencyKeys::RequestHash, 64))
                .col(integer_null(IdempotencyKeys::Status))
                .col(text_null(IdempotencyKeys::Headers))
                .col(text_null(IdempotencyKeys::Body))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .primary_key(Index::create().col(IdempotencyKeys::Owner).col(IdempotencyKeys::Key))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            IdempotencyKeys::Table.into_iden(),
            AuditEvents::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            ServiceAccounts::Table.into_iden(),
            StaffSubjects::Table.into_iden(),
            Staff::Table.into_iden(),
            Subjects::Table.into_iden(),
            SchoolYears::Table.into_iden(),
            Schools::Table.into_iden(),
            Districts::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
