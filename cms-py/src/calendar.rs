//! `cms.Calendar`: England & Wales working days and bank holidays; Europe/London time.

use chrono::{NaiveDate, NaiveDateTime};
use pyo3::prelude::*;

use crate::convert::{date_arg, py_repr, serde_str, utc_arg};
use crate::errors::guard;

/// A working-day calendar: the standing England & Wales bank-holiday rules plus the rule set's
/// exceptions and declared non-business days. "Today" is always an argument.
#[pyclass(frozen, eq, module = "cms", name = "Calendar")]
#[derive(PartialEq)]
pub(crate) struct Calendar(pub cms_core::calendar::Calendar);

/// One bank holiday.
#[pyclass(frozen, eq, module = "cms", name = "Holiday")]
#[derive(PartialEq)]
pub(crate) struct Holiday {
    /// The day off.
    #[pyo3(get)]
    date: NaiveDate,
    /// Its name.
    #[pyo3(get)]
    name: String,
    /// `rule`, `substitute` or `one_off`.
    #[pyo3(get)]
    kind: String,
}

#[pymethods]
impl Holiday {
    #[new]
    fn new(date: NaiveDate, name: String, kind: String) -> Self {
        Holiday { date, name, kind }
    }

    fn __repr__(&self) -> String {
        format!(
            "Holiday(date={}, name={}, kind={})",
            self.date,
            py_repr(&self.name),
            py_repr(&self.kind)
        )
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (NaiveDate, String, String))> {
        let h = slf.get();
        Ok((
            slf.get_type().into_any(),
            (h.date, h.name.clone(), h.kind.clone()),
        ))
    }
}

#[pymethods]
impl Calendar {
    /// The England & Wales calendar with the known exceptions (what the embedded rule set has).
    #[staticmethod]
    fn england_and_wales() -> Self {
        Calendar(cms_core::calendar::Calendar::england_and_wales())
    }

    /// The bank holidays of a year, by date.
    fn bank_holidays(&self, py: Python<'_>, year: i32) -> PyResult<Vec<Holiday>> {
        guard(py, || {
            Ok(self
                .0
                .bank_holidays(year)
                .into_iter()
                .map(|h| Holiday {
                    date: h.date,
                    name: h.name,
                    kind: serde_str(&h.kind),
                })
                .collect())
        })
    }

    /// The declared non-business days of a year, as `(date, name)`.
    fn non_business_days(&self, py: Python<'_>, year: i32) -> PyResult<Vec<(NaiveDate, String)>> {
        guard(py, || {
            Ok(self
                .0
                .non_business_days(year)
                .into_iter()
                .map(|d| (d.date, d.name))
                .collect())
        })
    }

    /// Whether the date is a bank holiday.
    fn is_bank_holiday(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        let d = date_arg(py, "date", date)?;
        guard(py, || Ok(self.0.is_bank_holiday(d)))
    }

    /// Whether the date is a declared non-business day.
    fn is_non_business_day(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        let d = date_arg(py, "date", date)?;
        guard(py, || Ok(self.0.is_non_business_day(d)))
    }

    /// Whether the date is a working day (Monday to Friday, not a holiday or non-business day).
    fn is_working_day(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        let d = date_arg(py, "date", date)?;
        guard(py, || Ok(self.0.is_working_day(d)))
    }

    /// The n-th working day after the date (the date itself never counts); None past the last
    /// date the calendar can represent.
    fn add_working_days(
        &self,
        py: Python<'_>,
        date: &Bound<'_, PyAny>,
        n: u32,
    ) -> PyResult<Option<NaiveDate>> {
        let d = date_arg(py, "date", date)?;
        guard(py, || Ok(self.0.add_working_days(d, n)))
    }

    /// Working days after `start` up to and including `end` (negative when `end` is earlier).
    fn working_days_between(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
    ) -> PyResult<i64> {
        let a = date_arg(py, "start", start)?;
        let b = date_arg(py, "end", end)?;
        guard(py, || Ok(self.0.working_days_between(a, b)))
    }

    /// The first working day after the date.
    fn next_working_day(
        &self,
        py: Python<'_>,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<Option<NaiveDate>> {
        let d = date_arg(py, "date", date)?;
        guard(py, || Ok(self.0.next_working_day(d)))
    }

    /// The last working day before the date.
    fn previous_working_day(
        &self,
        py: Python<'_>,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<Option<NaiveDate>> {
        let d = date_arg(py, "date", date)?;
        guard(py, || Ok(self.0.previous_working_day(d)))
    }

    fn __repr__(&self) -> String {
        "<Calendar England & Wales>".to_string()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let data = serde_json::to_string(&slf.get().0.data()).unwrap_or_default();
        Ok((slf.get_type().getattr("_from_json")?, (data,)))
    }

    #[staticmethod]
    fn _from_json(text: &str) -> PyResult<Self> {
        serde_json::from_str::<cms_core::calendar::CalendarData>(text)
            .map(|d| Calendar(cms_core::calendar::Calendar::new(&d)))
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }
}

/// The Europe/London calendar date at a UTC instant ("today" in London for a host's clock).
#[pyfunction]
pub(crate) fn london_date(py: Python<'_>, utc: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    let t = utc_arg(py, "utc", utc)?;
    guard(py, || Ok(cms_core::calendar::london_date(t)))
}

/// The Europe/London wall-clock time at a UTC instant (a naive datetime).
#[pyfunction]
pub(crate) fn utc_to_london(py: Python<'_>, utc: &Bound<'_, PyAny>) -> PyResult<NaiveDateTime> {
    let t = utc_arg(py, "utc", utc)?;
    guard(py, || Ok(cms_core::calendar::utc_to_london(t)))
}

/// The offset of Europe/London from UTC at a UTC instant, in seconds (0 or 3600).
#[pyfunction]
pub(crate) fn london_offset_seconds(py: Python<'_>, utc: &Bound<'_, PyAny>) -> PyResult<i32> {
    let t = utc_arg(py, "utc", utc)?;
    guard(py, || Ok(cms_core::calendar::london_offset_seconds(t)))
}
