//! sea-orm entities: private to this crate, never seen by the API.

pub mod activity;
pub mod activity_participant;
pub mod audit_event;
pub mod commission;
pub mod commission_member;
pub mod commission_subject;
pub mod council_override;
pub mod diagnostic;
pub mod district;
pub mod idempotency_key;
pub mod material;
pub mod material_author;
pub mod meeting;
pub mod mentorship;
pub mod order;
pub mod plan;
pub mod plan_item;
pub mod plan_transition;
pub mod refresh_token;
pub mod school;
pub mod school_year;
pub mod service_account;
pub mod staff;
pub mod staff_subject;
pub mod subject;
pub mod training;
