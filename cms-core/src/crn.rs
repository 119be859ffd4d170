//! crn
