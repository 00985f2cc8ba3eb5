//! An outside work's optional evidence file, named and kept as a training's
//! certificate is.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutsideWork {
    Table,
    EvidenceFileName,
    EvidenceContentType,
    EvidenceSize,
    EvidenceSha256,
    EvidenceKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            string_len_null(OutsideWork::EvidenceFileName, 255),
            string_len_null(OutsideWork::EvidenceContentType, 127),
            big_integer_null(OutsideWork::EvidenceSize),
            string_len_null(OutsideWork::EvidenceSha256, 64),
            string_len_null(OutsideWork::EvidenceKey, 128),
        ] {
            let mut col = col;
            m.alter_table(Table::alter().table(OutsideWork::Table).add_column(&mut col).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            OutsideWork::EvidenceFileName,
            OutsideWork::EvidenceContentType,
            OutsideWork::EvidenceSize,
            OutsideWork::EvidenceSha256,
            OutsideWork::EvidenceKey,
        ] {
            m.alter_table(Table::alter().table(OutsideWork::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
