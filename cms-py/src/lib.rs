//! The Python door of cms-core: the extension module `cms._cms`, re-exported by the pure-Python
//! package `cms` (`python/cms/__init__.py`).
//!
//! The core decides, the door translates: nothing here holds a business rule, a finding code or
//! a message of the domain. What is here is conversion (Python values in, Python objects out,
//! made only when read), error mapping ([`errors`]), and releasing the GIL around every piece
//! of work so that many threads can validate at once.
//!
//! One file per concept of cms-core:
//!
//! | file          | Python                                              | cms-core           |
//! |---------------|-----------------------------------------------------|--------------------|
//! | `validate.rs` | `validate()`                                        | `format`           |
//! | `report.rs`   | `Report`, `Finding`                                 | `format::Report`, `door::ReportOut` |
//! | `batch.rs`    | `process()`, `BatchResult`, `ContactResult`         | `batch`            |
//! | `rules.rs`    | `RuleSet`, `ContactType`, `FindingDef`              | `rules`            |
//! | `crn.rs`      | `CrnScheme`, `CrnGenerator`, `crn_check_digits()`   | `crn`              |
//! | `ids.rs`      | `check_mprn()`, `is_valid_mprn()`, `is_ldz()`, ...  | `ids`              |
//! | `calendar.rs` | `Calendar`, `Holiday`, `london_date()`, ...          | `calendar`         |
//! | `lifecycle.rs`| `ContactState`, `Event`, `Refusal`, `transition()`, `replay()`, ... | `lifecycle` |
//! | `access.rs`   | `User`, `OrganisationRecord`, `Decision`, `decide()`, `search()`, ... | `access` |
//! | `errors.rs`   | `CmsError` and its subclasses                       | `Error`, `lifecycle::ReplayError` |
//!
//! `validate.rs` also has `service_status()`, and `rules.rs` the workflows' Mermaid diagrams
//! (`RuleSet.lifecycle_mermaid()`). The lifecycle and access values are frozen `#[pyclass]`es
//! over the core's types; every function also takes them as their serde form, the dicts of
//! `conformance/lifecycle_cases.json` ([`convert::py_to_json`]). A refused transition is a
//! value (`Refusal`), as in the core; an invalid history raises `ReplayError`.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

mod access;
mod batch;
mod calendar;
mod convert;
mod crn;
mod errors;
mod ids;
mod lifecycle;
mod report;
mod rules;
mod source;
mod validate;

#[cfg(test)]
mod tests;

/// The extension module.
#[pymodule]
fn _cms(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;

    m.add_function(wrap_pyfunction!(validate::validate, m)?)?;
    m.add_function(wrap_pyfunction!(validate::service_status, m)?)?;
    m.add_class::<report::Report>()?;
    m.add_class::<report::Finding>()?;

    m.add_function(wrap_pyfunction!(batch::process, m)?)?;
    m.add_class::<batch::BatchResult>()?;
    m.add_class::<batch::ContactResult>()?;

    m.add_class::<rules::RuleSet>()?;
    m.add_class::<rules::ContactType>()?;
    m.add_class::<rules::FindingDef>()?;

    m.add_class::<crn::CrnScheme>()?;
    m.add_class::<crn::CrnGenerator>()?;
    m.add_function(wrap_pyfunction!(crn::crn_check_digits, m)?)?;

    m.add_function(wrap_pyfunction!(ids::check_mprn, m)?)?;
    m.add_function(wrap_pyfunction!(ids::is_valid_mprn, m)?)?;
    m.add_function(wrap_pyfunction!(ids::mprn_check_digits, m)?)?;
    m.add_function(wrap_pyfunction!(ids::is_ldz, m)?)?;
    let py = m.py();
    m.add("LDZ_CODES", PyTuple::new(py, cms_core::ids::LDZ_CODES)?)?;
    m.add(
        "ORG_TYPES",
        PyTuple::new(py, cms_core::OrgType::ALL.iter().map(|t| t.as_str()))?,
    )?;

    m.add_class::<calendar::Calendar>()?;
    m.add_class::<calendar::Holiday>()?;
    m.add_function(wrap_pyfunction!(calendar::london_date, m)?)?;
    m.add_function(wrap_pyfunction!(calendar::utc_to_london, m)?)?;
    m.add_function(wrap_pyfunction!(calendar::london_offset_seconds, m)?)?;

    m.add_class::<lifecycle::ContactState>()?;
    m.add_class::<lifecycle::Event>()?;
    m.add_class::<lifecycle::Transitioned>()?;
    m.add_class::<lifecycle::Refusal>()?;
    m.add_class::<lifecycle::TransitionDef>()?;
    m.add_function(wrap_pyfunction!(lifecycle::transition, m)?)?;
    m.add_function(wrap_pyfunction!(lifecycle::allowed, m)?)?;
    m.add_function(wrap_pyfunction!(lifecycle::parties, m)?)?;
    m.add_function(wrap_pyfunction!(lifecycle::replay, m)?)?;
    m.add_function(wrap_pyfunction!(lifecycle::is_breached, m)?)?;
    m.add_function(wrap_pyfunction!(lifecycle::effective_target, m)?)?;
    m.add_function(wrap_pyfunction!(lifecycle::working_days_remaining, m)?)?;

    m.add_class::<access::User>()?;
    m.add_class::<access::OrganisationRecord>()?;
    m.add_class::<access::Outage>()?;
    m.add_class::<access::Query>()?;
    m.add_class::<access::Decision>()?;
    m.add_function(wrap_pyfunction!(access::decide, m)?)?;
    m.add_function(wrap_pyfunction!(access::decide_without_time, m)?)?;
    m.add_function(wrap_pyfunction!(access::is_visible, m)?)?;
    m.add_function(wrap_pyfunction!(access::search, m)?)?;

    m.add(
        "DEFAULT_MAX_FINDINGS",
        cms_core::format::DEFAULT_MAX_FINDINGS,
    )?;
    m.add(
        "DEFAULT_MAX_LINE_BYTES",
        cms_core::format::DEFAULT_MAX_LINE_BYTES,
    )?;
    m.add("DEFAULT_MAX_FIELDS", cms_core::format::DEFAULT_MAX_FIELDS)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;

    m.add_function(wrap_pyfunction!(errors::panic_for_tests, m)?)?;
    Ok(())
}
