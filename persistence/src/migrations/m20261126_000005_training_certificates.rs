//! A course training's optional certificate file.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Trainings {
    Table,
    CertificateFileName,
    CertificateContentType,
    CertificateSize,
    CertificateSha256,
    CertificateKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            string_len_null(Trainings::CertificateFileName, 255),
            string_len_null(Trainings::CertificateContentType, 127),
            big_integer_null(Trainings::CertificateSize),
            string_len_null(Trainings::CertificateSha256, 64),
            string_len_null(Trainings::CertificateKey, 128),
        ] {
            let mut col = col;
            m.alter_table(Table::alter().table(Trainings::Table).add_column(&mut col).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            Trainings::CertificateFileName,
            Trainings::CertificateContentType,
            Trainings::CertificateSize,
            Trainings::CertificateSha256,
            Trainings::CertificateKey,
        ] {
            m.alter_table(Table::alter().table(Trainings::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
