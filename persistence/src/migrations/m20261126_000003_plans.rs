//! Plans: versions of a lineage (kind + owner + year), their items and every transition.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    SchoolId,
    Kind,
    OwnerKey,
    CommissionId,
    TeacherId,
    StartYear,
    LineageKey,
    VersionNo,
    Status,
    StepsDone,
    Title,
    Goal,
    PersonalTheme,
    EverSubmitted,
    ReviewMeetingId,
    ReviewProtocol,
    ReviewDate,
    ApprovedBy,
    ApprovedOn,
    PreviousId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlanItems {
    Table,
    Id,
    PlanId,
    Position,
    Title,
    Description,
    FormCode,
    Direction,
    StartDate,
    DueDate,
    Responsible,
    ExpectedResult,
    Progress,
    CompletedOn,
    Outcome,
    Evidence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlanTransitions {
    Table,
    Id,
    PlanId,
    At,
    ActorId,
    ActorRole,
    Action,
    FromStatus,
    ToStatus,
    Comment,
    MeetingId,
    ProtocolNumber,
    MeetingDate,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Plans::Table)
                .col(pk_uuid(Plans::Id))
                .col(uuid(Plans::SchoolId))
                .col(string_len(Plans::Kind, 32))
                .col(string_len(Plans::OwnerKey, 64))
                .col(uuid_null(Plans::CommissionId))
                .col(uuid_null(Plans::TeacherId))
                .col(integer(Plans::StartYear))
                .col(string_len(Plans::LineageKey, 128))
                .col(integer(Plans::VersionNo))
                .col(string_len(Plans::Status, 16))
                .col(integer(Plans::StepsDone))
                .col(string_len(Plans::Title, 300))
                .col(text_null(Plans::Goal))
                .col(text_null(Plans::PersonalTheme))
                .col(boolean(Plans::EverSubmitted))
                .col(uuid_null(Plans::ReviewMeetingId))
                .col(integer_null(Plans::ReviewProtocol))
                .col(date_null(Plans::ReviewDate))
                .col(uuid_null(Plans::ApprovedBy))
                .col(date_null(Plans::ApprovedOn))
                .col(uuid_null(Plans::PreviousId))
                .col(integer(Plans::Version))
                .col(timestamp_with_time_zone(Plans::CreatedAt))
                .col(timestamp_with_time_zone(Plans::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Plans::Table, Plans::SchoolId)
                        .to(Schools::Table, Schools::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("plans_lineage_version_key")
                .table(Plans::Table)
                .col(Plans::LineageKey)
                .col(Plans::VersionNo)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("plans_school_idx").table(Plans::Table).col(Plans::SchoolId).col(Plans::Id).to_owned(),
        )
        .await?;
        // At most one approved version per lineage, whatever the number of servers.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX plans_one_approved_key ON plans (lineage_key) WHERE status = 'approved'",
            )
            .await?;

        m.create_table(
            Table::create()
                .table(PlanItems::Table)
                .col(pk_uuid(PlanItems::Id))
                .col(uuid(PlanItems::PlanId))
                .col(integer(PlanItems::Position))
                .col(string_len(PlanItems::Title, 500))
                .col(text_null(PlanItems::Description))
                .col(string_len(PlanItems::FormCode, 64))
                .col(string_len_null(PlanItems::Direction, 200))
                .col(date_null(PlanItems::StartDate))
                .col(date_null(PlanItems::DueDate))
                .col(text(PlanItems::Responsible))
                .col(text_null(PlanItems::ExpectedResult))
                .col(string_len(PlanItems::Progress, 16))
                .col(date_null(PlanItems::CompletedOn))
                .col(text_null(PlanItems::Outcome))
                .col(text(PlanItems::Evidence))
                .col(timestamp_with_time_zone(PlanItems::CreatedAt))
                .col(timestamp_with_time_zone(PlanItems::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PlanItems::Table, PlanItems::PlanId)
                        .to(Plans::Table, Plans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("plan_items_plan_idx")
                .table(PlanItems::Table)
                .col(PlanItems::PlanId)
                .col(PlanItems::Position)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlanTransitions::Table)
                .col(pk_uuid(PlanTransitions::Id))
                .col(uuid(PlanTransitions::PlanId))
                .col(timestamp_with_time_zone(PlanTransitions::At))
                .col(uuid_null(PlanTransitions::ActorId))
                .col(string_len(PlanTransitions::ActorRole, 32))
                .col(string_len(PlanTransitions::Action, 32))
                .col(string_len(PlanTransitions::FromStatus, 16))
                .col(string_len(PlanTransitions::ToStatus, 16))
                .col(text_null(PlanTransitions::Comment))
                .col(uuid_null(PlanTransitions::MeetingId))
                .col(integer_null(PlanTransitions::ProtocolNumber))
                .col(date_null(PlanTransitions::MeetingDate))
                .foreign_key(
                    ForeignKey::create()
                        .from(PlanTransitions::Table, PlanTransitions::PlanId)
                        .to(Plans::Table, Plans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("plan_transitions_plan_idx")
                .table(PlanTransitions::Table)
                .col(PlanTransitions::PlanId)
                .col(PlanTransitions::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [PlanTransitions::Table.into_iden(), PlanItems::Table.into_iden(), Plans::Table.into_iden()] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
