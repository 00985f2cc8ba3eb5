//! Black-box HTTP tests: one binary, one module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod auth;
mod commissions;
mod contract;
mod conventions;
mod hardening;
mod meetings;
mod plans;
mod records;
mod reports;
mod resources;
mod validation;
