//! cms-core: placeholder, replaced as modules land.
#![allow(missing_docs)]
pub mod calendar;
pub mod crn;
pub mod ids;
