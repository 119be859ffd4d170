//! The working-day calendar: England & Wales bank holidays plus the rule set's exceptions and
//! declared non-business days. Every call is pure; "today" is always an argument.

use chrono::NaiveDate;
use cms_core::calendar::{self, Holiday, NamedDay};
use std::sync::Arc;

/// A working-day calendar. Get the rule set's with `RuleSet.calendar()`, or the England & Wales
/// default with `Calendar.englandAndWales()`.
#[derive(Debug, uniffi::Object)]
pub struct Calendar {
    inner: calendar::Calendar,
}

impl Calendar {
    pub(crate) fn wrap(inner: calendar::Calendar) -> Self {
        Calendar { inner }
    }
}

#[uniffi::export]
impl Calendar {
    /// The England & Wales calendar with the known exceptions and no extra non-business days.
    #[uniffi::constructor]
    pub fn england_and_wales() -> Arc<Self> {
        Arc::new(Calendar::wrap(calendar::Calendar::england_and_wales()))
    }

    /// The bank holidays of a year, sorted by date.
    pub fn bank_holidays(&self, year: i32) -> Vec<Holiday> {
        self.inner.bank_holidays(year)
    }

    /// The declared non-business days of a year (which are not bank holidays), sorted by date.
    pub fn non_business_days(&self, year: i32) -> Vec<NamedDay> {
        self.inner.non_business_days(year)
    }

    /// Whether the date is a bank holiday.
    pub fn is_bank_holiday(&self, date: NaiveDate) -> bool {
        self.inner.is_bank_holiday(date)
    }

    /// Whether the date is a declared non-business day.
    pub fn is_non_business_day(&self, date: NaiveDate) -> bool {
        self.inner.is_non_business_day(date)
    }

    /// Whether the date is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.inner.is_working_day(date)
    }

    /// The `n`-th working day after `date` (the date itself never counts; `n = 0` gives the
    /// date). Null only beyond the last representable date.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        self.inner.add_working_days(date, n)
    }

    /// Working days after `from` up to and including `to` (negative when `to` is before `from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        self.inner.working_days_between(from, to)
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.inner.next_working_day(date)
    }

    /// The last working day strictly before `date`.
    pub fn previous_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.inner.previous_working_day(date)
    }
}
