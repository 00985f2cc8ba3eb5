//! Usul's HTTP API: routes, auth, problem+json errors, the OpenAPI contract, and the CLI's
//! building blocks. The binary `usul` is in `main.rs`.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod documents;
pub mod export;
pub mod extract;
pub mod files;
pub mod hashing;
pub mod kept;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod problem;
pub mod query;
pub mod ratelimit;
pub mod routes;
pub mod state;
pub mod storage;
pub mod sync;
pub mod upload;
pub mod webhooks;
