//! Records: activities and their participants, mentorships, course training, materials and
//! their authors, needs diagnostics.

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
enum Activities {
    Table,
    Id,
    SchoolId,
    StartYear,
    FormCode,
    Title,
    StartsOn,
    EndsOn,
    OrganiserId,
    CommissionId,
    Place,
    HoursTenths,
    Description,
    Outcome,
    Grade,
    SubjectId,
    Feedback,
    PlanItemId,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum ActivityParticipants {
    Table,
    ActivityId,
    StaffId,
    Role,
    Attended,
}
#[derive(DeriveIden)]
enum Mentorships {
    Table,
    Id,
    SchoolId,
    StartYear,
    MentorId,
    MenteeId,
    Goals,
    Status,
    Outcome,
    Notes,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum Trainings {
    Table,
    Id,
    SchoolId,
    StaffId,
    Title,
    Provider,
    Mode,
    StartsOn,
    EndsOn,
    HoursTenths,
    CertificateNumber,
    Issuer,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum Materials {
    Table,
    Id,
    SchoolId,
    Kind,
    Title,
    SearchText,
    SubjectId,
    Grades,
    StartYear,
    Tags,
    Annotation,
    Status,
    ReviewMeetingId,
    LinkUrl,
    FileName,
    ContentType,
    FileSize,
    Sha256,
    StorageKey,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum MaterialAuthors {
    Table,
    MaterialId,
    StaffId,
}
#[derive(DeriveIden)]
enum Diagnostics {
    Table,
    SchoolId,
    StaffId,
    StartYear,
    Areas,
    Version,
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
                .table(Activities::Table)
                .col(pk_uuid(Activities::Id))
                .col(uuid(Activities::SchoolId))
                .col(integer(Activities::StartYear))
                .col(string_len(Activities::FormCode, 64))
                .col(string_len(Activities::Title, 500))
                .col(date(Activities::StartsOn))
                .col(date_null(Activities::EndsOn))
                .col(uuid_null(Activities::OrganiserId))
                .col(uuid_null(Activities::CommissionId))
                .col(string_len_null(Activities::Place, 200))
                .col(integer(Activities::HoursTenths))
                .col(text_null(Activities::Description))
                .col(text_null(Activities::Outcome))
                .col(string_len_null(Activities::Grade, 32))
                .col(uuid_null(Activities::SubjectId))
                .col(text(Activities::Feedback))
                .col(uuid_null(Activities::PlanItemId))
                .col(integer(Activities::Version))
                .col(timestamp_with_time_zone(Activities::CreatedAt))
                .col(timestamp_with_time_zone(Activities::UpdatedAt))
                .foreign_key(&mut fk(Activities::Table, Activities::SchoolId, Schools::Table, Schools::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("activities_school_year_idx")
                .table(Activities::Table)
                .col(Activities::SchoolId)
                .col(Activities::StartYear)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ActivityParticipants::Table)
                .col(uuid(ActivityParticipants::ActivityId))
                .col(uuid(ActivityParticipants::StaffId))
                .col(string_len(ActivityParticipants::Role, 16))
                .col(boolean(ActivityParticipants::Attended))
                .primary_key(Index::create().col(ActivityParticipants::ActivityId).col(ActivityParticipants::StaffId))
                .foreign_key(&mut fk(
                    ActivityParticipants::Table,
                    ActivityParticipants::ActivityId,
                    Activities::Table,
                    Activities::Id,
                ))
                .foreign_key(&mut fk(
                    ActivityParticipants::Table,
                    ActivityParticipants::StaffId,
                    Staff::Table,
                    Staff::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("activity_participants_staff_idx")
                .table(ActivityParticipants::Table)
                .col(ActivityParticipants::StaffId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Mentorships::Table)
                .col(pk_uuid(Mentorships::Id))
                .col(uuid(Mentorships::SchoolId))
                .col(integer(Mentorships::StartYear))
                .col(uuid(Mentorships::MentorId))
                .col(uuid(Mentorships::MenteeId))
                .col(text_null(Mentorships::Goals))
                .col(string_len(Mentorships::Status, 16))
                .col(text_null(Mentorships::Outcome))
                .col(text(Mentorships::Notes))
                .col(integer(Mentorships::Version))
                .col(timestamp_with_time_zone(Mentorships::CreatedAt))
                .col(timestamp_with_time_zone(Mentorships::UpdatedAt))
                .foreign_key(&mut fk(Mentorships::Table, Mentorships::SchoolId, Schools::Table, Schools::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Trainings::Table)
                .col(pk_uuid(Trainings::Id))
                .col(uuid(Trainings::SchoolId))
                .col(uuid(Trainings::StaffId))
                .col(string_len(Trainings::Title, 500))
                .col(string_len(Trainings::Provider, 300))
                .col(string_len(Trainings::Mode, 16))
                .col(date(Trainings::StartsOn))
                .col(date(Trainings::EndsOn))
                .col(integer(Trainings::HoursTenths))
                .col(string_len_null(Trainings::CertificateNumber, 100))
                .col(string_len_null(Trainings::Issuer, 300))
                .col(integer(Trainings::Version))
                .col(timestamp_with_time_zone(Trainings::CreatedAt))
                .col(timestamp_with_time_zone(Trainings::UpdatedAt))
                .foreign_key(&mut fk(Trainings::Table, Trainings::StaffId, Staff::Table, Staff::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("trainings_school_idx")
                .table(Trainings::Table)
                .col(Trainings::SchoolId)
                .col(Trainings::StartsOn)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Materials::Table)
                .col(pk_uuid(Materials::Id))
                .col(uuid(Materials::SchoolId))
                .col(string_len(Materials::Kind, 64))
                .col(string_len(Materials::Title, 500))
                .col(text(Materials::SearchText))
                .col(uuid_null(Materials::SubjectId))
                .col(string_len_null(Materials::Grades, 64))
                .col(integer(Materials::StartYear))
                .col(text(Materials::Tags))
                .col(text_null(Materials::Annotation))
                .col(string_len(Materials::Status, 16))
                .col(uuid_null(Materials::ReviewMeetingId))
                .col(string_len_null(Materials::LinkUrl, 2000))
                .col(string_len_null(Materials::FileName, 255))
                .col(string_len_null(Materials::ContentType, 127))
                .col(big_integer_null(Materials::FileSize))
                .col(string_len_null(Materials::Sha256, 64))
                .col(string_len_null(Materials::StorageKey, 128))
                .col(integer(Materials::Version))
                .col(timestamp_with_time_zone(Materials::CreatedAt))
                .col(timestamp_with_time_zone(Materials::UpdatedAt))
                .foreign_key(&mut fk(Materials::Table, Materials::SchoolId, Schools::Table, Schools::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("materials_school_idx")
                .table(Materials::Table)
                .col(Materials::SchoolId)
                .col(Materials::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MaterialAuthors::Table)
                .col(uuid(MaterialAuthors::MaterialId))
                .col(uuid(MaterialAuthors::StaffId))
                .primary_key(Index::create().col(MaterialAuthors::MaterialId).col(MaterialAuthors::StaffId))
                .foreign_key(&mut fk(
                    MaterialAuthors::Table,
                    MaterialAuthors::MaterialId,
                    Materials::Table,
                    Materials::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("material_authors_staff_idx")
                .table(MaterialAuthors::Table)
                .col(MaterialAuthors::StaffId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Diagnostics::Table)
                .col(uuid(Diagnostics::SchoolId))
                .col(uuid(Diagnostics::StaffId))
                .col(integer(Diagnostics::StartYear))
                .col(text(Diagnostics::Areas))
                .col(integer(Diagnostics::Version))
                .col(timestamp_with_time_zone(Diagnostics::UpdatedAt))
                .primary_key(Index::create().col(Diagnostics::StaffId).col(Diagnostics::StartYear))
                .foreign_key(&mut fk(Diagnostics::Table, Diagnostics::StaffId, Staff::Table, Staff::Id))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Diagnostics::Table.into_iden(),
            MaterialAuthors::Table.into_iden(),
            Materials::Table.into_iden(),
            Trainings::Table.into_iden(),
            Mentorships::Table.into_iden(),
            ActivityParticipants::Table.into_iden(),
            Activities::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
