//! The dates plan decisions carry (issue 11): each move of the route records the day it was
//! decided (`decided_on`, as the caller dated it or the day it was recorded), and the plan keeps
//! its submission, review and agreement dates beside the approval's.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Plans {
    Table,
    SubmittedOn,
    ReviewedOn,
    AgreedBy,
    AgreedOn,
}

#[derive(DeriveIden)]
enum PlanTransitions {
    Table,
    DecidedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for mut col in [
            date_null(Plans::SubmittedOn),
            date_null(Plans::ReviewedOn),
            uuid_null(Plans::AgreedBy),
            date_null(Plans::AgreedOn),
        ] {
            m.alter_table(Table::alter().table(Plans::Table).add_column(&mut col).to_owned()).await?;
        }
        m.alter_table(
            Table::alter().table(PlanTransitions::Table).add_column(date_null(PlanTransitions::DecidedOn)).to_owned(),
        )
        .await?;
        // Moves recorded before: decided the day they were recorded; a review at its meeting.
        let db = m.get_connection();
        let day_of_at = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => "CAST(at AS DATE)",
            _ => "substr(at, 1, 10)",
        };
        db.execute_unprepared(&format!(
            "UPDATE plan_transitions SET decided_on = CASE WHEN action = 'review' AND meeting_date IS NOT NULL \
             THEN meeting_date ELSE {day_of_at} END WHERE action <> 'withdraw'"
        ))
        .await?;
        db.execute_unprepared("UPDATE plans SET reviewed_on = review_date WHERE review_date IS NOT NULL").await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(PlanTransitions::Table).drop_column(PlanTransitions::DecidedOn).to_owned())
            .await?;
        for col in [Plans::SubmittedOn, Plans::ReviewedOn, Plans::AgreedBy, Plans::AgreedOn] {
            m.alter_table(Table::alter().table(Plans::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
