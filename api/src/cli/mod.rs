//! What the command line does besides serving HTTP: the demo school, the data generator, and
//! the adapters through which both drive the same domain commands as the API (plans and
//! year-end reports).

pub mod demo;
pub mod filing;
pub mod generate;
pub mod plan_desk;
