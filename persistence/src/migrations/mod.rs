//! Schema migrations, identical on SQLite and PostgreSQL. One file per migration: the
//! migration's name is taken from its file name.

use sea_orm_migration::prelude::*;

mod m20261126_000001_foundation;
mod m20261126_000002_organisation;
mod m20261126_000003_plans;
mod m20261126_000004_records;
mod m20261126_000005_training_certificates;
mod m20261126_000006_reports;
mod m20261126_000007_participants_school_year;
mod m20261201_000010_login_throttle;
mod m20261201_000030_sync_tombstones;
mod m20261201_000031_report_hearings;
mod m20261201_000032_outside_work;
mod m20261201_000033_district_support;
mod m20261201_000110_plan_return_comment;
mod m20261201_000111_plan_decision_dates;
mod m20261202_000130_staff_invitations;
mod m20261202_000140_events;
mod m20261202_000141_webhooks;
mod m20261203_000150_school_year_boundary;
mod m20261203_000151_report_decision_dates;
mod m20261203_000152_ministry_service_accounts;
mod m20261203_000160_outside_work_evidence;
mod m20261204_000170_summary_indexes;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_foundation::Migration),
            Box::new(m20261126_000002_organisation::Migration),
            Box::new(m20261126_000003_plans::Migration),
            Box::new(m20261126_000004_records::Migration),
            Box::new(m20261126_000005_training_certificates::Migration),
            Box::new(m20261126_000006_reports::Migration),
            Box::new(m20261126_000007_participants_school_year::Migration),
            Box::new(m20261201_000010_login_throttle::Migration),
            Box::new(m20261201_000030_sync_tombstones::Migration),
            Box::new(m20261201_000031_report_hearings::Migration),
            Box::new(m20261201_000032_outside_work::Migration),
            Box::new(m20261201_000033_district_support::Migration),
            Box::new(m20261201_000110_plan_return_comment::Migration),
            Box::new(m20261201_000111_plan_decision_dates::Migration),
            Box::new(m20261202_000130_staff_invitations::Migration),
            Box::new(m20261202_000140_events::Migration),
            Box::new(m20261202_000141_webhooks::Migration),
            Box::new(m20261203_000150_school_year_boundary::Migration),
            Box::new(m20261203_000151_report_decision_dates::Migration),
            Box::new(m20261203_000152_ministry_service_accounts::Migration),
            Box::new(m20261203_000160_outside_work_evidence::Migration),
            Box::new(m20261204_000170_summary_indexes::Migration),
        ]
    }
}
