//! An activity's participants carry its school and year, so that a school's year of
//! participation — and a district's — is read through one index, without joining every
//! participant of every activity.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ActivityParticipants {
    Table,
    SchoolId,
    StartYear,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [uuid_null(ActivityParticipants::SchoolId), integer_null(ActivityParticipants::StartYear)] {
            let mut col = col;
            m.alter_table(Table::alter().table(ActivityParticipants::Table).add_column(&mut col).to_owned()).await?;
        }
        m.get_connection()
            .execute_unprepared(
                "UPDATE activity_participants SET \
                 school_id = (SELECT a.school_id FROM activities a WHERE a.id = activity_participants.activity_id), \
                 start_year = (SELECT a.start_year FROM activities a WHERE a.id = activity_participants.activity_id)",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("activity_participants_school_year_idx")
                .table(ActivityParticipants::Table)
                .col(ActivityParticipants::SchoolId)
                .col(ActivityParticipants::StartYear)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop().name("activity_participants_school_year_idx").table(ActivityParticipants::Table).to_owned(),
        )
        .await?;
        for col in [ActivityParticipants::SchoolId, ActivityParticipants::StartYear] {
            m.alter_table(Table::alter().table(ActivityParticipants::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
