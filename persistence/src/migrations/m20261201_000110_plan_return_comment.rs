//! A returned plan says why (issue 11): the return's comment stands on the plan, as a report's
//! does, until the plan is submitted again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Plans {
    Table,
    ReturnComment,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Plans::Table).add_column(text_null(Plans::ReturnComment)).to_owned())
            .await?;
        // Plans returned before this column: their last return's comment.
        m.get_connection()
            .execute_unprepared(
                "UPDATE plans SET return_comment = (SELECT t.comment FROM plan_transitions t \
                 WHERE t.plan_id = plans.id AND t.action = 'return' ORDER BY t.at DESC LIMIT 1) \
                 WHERE status = 'draft' AND ever_submitted",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Plans::Table).drop_column(Plans::ReturnComment).to_owned()).await?;
        Ok(())
    }
}
