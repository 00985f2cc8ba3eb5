//! Organisation: commissions with their subjects and dated membership, school orders, the
//! methodological council's composition, and meetings with their minutes.

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
enum Staff {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Subjects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    SchoolId,
    StartYear,
    Number,
    Date,
    Title,
    Decided,
    CommissionId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Commissions {
    Table,
    Id,
    SchoolId,
    StartYear,
    Name,
    NameKey,
    HeadId,
    Status,
    ApprovedOrderId,
    DissolvedOrderId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CommissionSubjects {
    Table,
    CommissionId,
    SubjectId,
}

#[derive(DeriveIden)]
enum CommissionMembers {
    Table,
    Id,
    CommissionId,
    StaffId,
    Since,
    Until,
    AddedOrderId,
    RemovedOrderId,
}

#[derive(DeriveIden)]
enum CouncilOverrides {
    Table,
    SchoolId,
    StartYear,
    StaffId,
    Included,
}

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    SchoolId,
    BodyKey,
    CommissionId,
    StartYear,
    Date,
    Status,
    Title,
    Agenda,
    Attendance,
    Decisions,
    Notes,
    ChairId,
    SecretaryId,
    ProtocolNumber,
    QuorumPresent,
    QuorumTotal,
    FinalizedAt,
    Version,
    CreatedAt,
    UpdatedAt,
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
                .table(Orders::Table)
                .col(pk_uuid(Orders::Id))
                .col(uuid(Orders::SchoolId))
                .col(integer(Orders::StartYear))
                .col(string_len(Orders::Number, 32))
                .col(date(Orders::Date))
                .col(text(Orders::Title))
                .col(text(Orders::Decided))
                .col(uuid_null(Orders::CommissionId))
                .col(uuid_null(Orders::CreatedBy))
                .col(timestamp_with_time_zone(Orders::CreatedAt))
                .foreign_key(&mut fk(Orders::Table, Orders::SchoolId, Schools::Table, Schools::Id))
                .to_owned(),
        )
        .await?;
        // An order number is used once per school and academic year.
        m.create_index(
            Index::create()
                .name("orders_number_key")
                .table(Orders::Table)
                .col(Orders::SchoolId)
                .col(Orders::StartYear)
                .col(Orders::Number)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Commissions::Table)
                .col(pk_uuid(Commissions::Id))
                .col(uuid(Commissions::SchoolId))
                .col(integer(Commissions::StartYear))
                .col(string_len(Commissions::Name, 200))
                .col(string_len(Commissions::NameKey, 200))
                .col(uuid_null(Commissions::HeadId))
                .col(string_len(Commissions::Status, 16))
                .col(uuid_null(Commissions::ApprovedOrderId))
                .col(uuid_null(Commissions::DissolvedOrderId))
                .col(integer(Commissions::Version))
                .col(timestamp_with_time_zone(Commissions::CreatedAt))
                .col(timestamp_with_time_zone(Commissions::UpdatedAt))
                .foreign_key(&mut fk(Commissions::Table, Commissions::SchoolId, Schools::Table, Schools::Id))
                .foreign_key(&mut fk(Commissions::Table, Commissions::HeadId, Staff::Table, Staff::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("commissions_name_key")
                .table(Commissions::Table)
                .col(Commissions::SchoolId)
                .col(Commissions::StartYear)
                .col(Commissions::NameKey)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CommissionSubjects::Table)
                .col(uuid(CommissionSubjects::CommissionId))
                .col(uuid(CommissionSubjects::SubjectId))
                .primary_key(Index::create().col(CommissionSubjects::CommissionId).col(CommissionSubjects::SubjectId))
                .foreign_key(&mut fk(
                    CommissionSubjects::Table,
                    CommissionSubjects::CommissionId,
                    Commissions::Table,
                    Commissions::Id,
                ))
                .foreign_key(&mut fk(
                    CommissionSubjects::Table,
                    CommissionSubjects::SubjectId,
                    Subjects::Table,
                    Subjects::Id,
                ))
                .to_owned(),
        )
        .await?;

        // One row per stint of membership: `since` is the approving (or changing) order's date,
        // empty while the commission is a draft; `until` is the removing order's date.
        m.create_table(
            Table::create()
                .table(CommissionMembers::Table)
                .col(pk_uuid(CommissionMembers::Id))
                .col(uuid(CommissionMembers::CommissionId))
                .col(uuid(CommissionMembers::StaffId))
                .col(date_null(CommissionMembers::Since))
                .col(date_null(CommissionMembers::Until))
                .col(uuid_null(CommissionMembers::AddedOrderId))
                .col(uuid_null(CommissionMembers::RemovedOrderId))
                .foreign_key(&mut fk(
                    CommissionMembers::Table,
                    CommissionMembers::CommissionId,
                    Commissions::Table,
                    Commissions::Id,
                ))
                .foreign_key(&mut fk(CommissionMembers::Table, CommissionMembers::StaffId, Staff::Table, Staff::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("commission_members_idx")
                .table(CommissionMembers::Table)
                .col(CommissionMembers::CommissionId)
                .col(CommissionMembers::StaffId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CouncilOverrides::Table)
                .col(uuid(CouncilOverrides::SchoolId))
                .col(integer(CouncilOverrides::StartYear))
                .col(uuid(CouncilOverrides::StaffId))
                .col(boolean(CouncilOverrides::Included))
                .primary_key(
                    Index::create()
                        .col(CouncilOverrides::SchoolId)
                        .col(CouncilOverrides::StartYear)
                        .col(CouncilOverrides::StaffId),
                )
                .foreign_key(&mut fk(CouncilOverrides::Table, CouncilOverrides::StaffId, Staff::Table, Staff::Id))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Meetings::Table)
                .col(pk_uuid(Meetings::Id))
                .col(uuid(Meetings::SchoolId))
                .col(string_len(Meetings::BodyKey, 64))
                .col(uuid_null(Meetings::CommissionId))
                .col(integer(Meetings::StartYear))
                .col(date(Meetings::Date))
                .col(string_len(Meetings::Status, 16))
                .col(string_len_null(Meetings::Title, 200))
                .col(text(Meetings::Agenda))
                .col(text(Meetings::Attendance))
                .col(text(Meetings::Decisions))
                .col(text_null(Meetings::Notes))
                .col(uuid_null(Meetings::ChairId))
                .col(uuid_null(Meetings::SecretaryId))
                .col(integer_null(Meetings::ProtocolNumber))
                .col(integer_null(Meetings::QuorumPresent))
                .col(integer_null(Meetings::QuorumTotal))
                .col(timestamp_with_time_zone_null(Meetings::FinalizedAt))
                .col(integer(Meetings::Version))
                .col(timestamp_with_time_zone(Meetings::CreatedAt))
                .col(timestamp_with_time_zone(Meetings::UpdatedAt))
                .foreign_key(&mut fk(Meetings::Table, Meetings::SchoolId, Schools::Table, Schools::Id))
                .foreign_key(&mut fk(Meetings::Table, Meetings::CommissionId, Commissions::Table, Commissions::Id))
                .to_owned(),
        )
        .await?;
        // Protocol numbers: no duplicate per body and year, whatever the number of servers.
        m.create_index(
            Index::create()
                .name("meetings_protocol_key")
                .table(Meetings::Table)
                .col(Meetings::SchoolId)
                .col(Meetings::BodyKey)
                .col(Meetings::StartYear)
                .col(Meetings::ProtocolNumber)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("meetings_school_idx")
                .table(Meetings::Table)
                .col(Meetings::SchoolId)
                .col(Meetings::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Meetings::Table.into_iden(),
            CouncilOverrides::Table.into_iden(),
            CommissionMembers::Table.into_iden(),
            CommissionSubjects::Table.into_iden(),
            Commissions::Table.into_iden(),
            Orders::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
