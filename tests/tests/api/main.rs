//! Black-box HTTP tests: one binary, one module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod auth;
mod caching;
mod commissions;
mod contract;
mod conventions;
mod cors;
mod effectiveness;
mod events;
mod exports;
mod fidelity;
mod hardening;
mod hearing;
mod meetings;
mod ministry;
mod numbering;
mod oauth;
mod onboarding;
mod outside;
mod pdf;
mod plan_access;
mod plans;
mod quality;
mod records;
mod reports;
mod resources;
mod storage;
mod support;
mod sync;
mod validation;
mod webhooks;
