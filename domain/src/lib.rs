//! Usul's domain: the rules of the Regulation on Methodological Work as pure code.
//!
//! No I/O, no web or database types: everything here is tested by unit tests that cite the
//! regulation's `R-` ids.

#![forbid(unsafe_code)]

pub mod catalogue;
pub mod commission;
pub mod decision;
pub mod effectiveness;
pub mod events;
#[cfg(test)]
mod fixture;
pub mod form;
pub mod ids;
pub mod lang;
pub mod meeting;
pub mod national;
pub mod onboarding;
pub mod org;
pub mod plan;
pub mod policy;
pub mod quality;
pub mod records;
pub mod report;
pub mod staff;
pub mod support;
pub mod table;
pub mod values;
pub mod year;
