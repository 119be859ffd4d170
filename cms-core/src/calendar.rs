//! England & Wales working days, bank holidays and Europe/London time.
//!
//! A *working day* is a Monday to Friday that is neither an England & Wales bank holiday nor a
//! non-business day declared by the market (DOMAIN.md §6). Contact targets are counted in working
//! days: a target of `n` working days is the `n`-th working day after the day the contact was
//! accepted ([`Calendar::add_working_days`]).
//!
//! Everything here is pure: no function reads a clock. "Today" and "now" are always arguments.
//!
//! # Bank holidays: rules plus data
//!
//! [`Calendar::bank_holidays`] applies the standing rules — New Year's Day, Good Friday, Easter
//! Monday (Easter by the Gregorian computus), the first Monday of May, the last Monday of May, the
//! last Monday of August, Christmas Day and Boxing Day, with a substitute weekday for one that falls
//! at a weekend — and then the exceptions in a [`CalendarData`]: dates the rules give that did not
//! happen (`removed`) and one-off holidays (`added`). No year is special-cased in code: every
//! exception is data, and [`CalendarData::england_and_wales_exceptions`] is the list the embedded
//! rule set carries.
//!
//! **Range of correctness.** The rules as written have applied since 1978, when the early May bank
//! holiday began; with the exceptions list the result is the real list of bank holidays from 1978
//! on. It is checked against GOV.UK's published list for 2011–2027 and against dates written out
//! by hand for 2000–2010 and 2028–2030. Years after the last published list are what the rules
//! predict (a future one-off holiday is added as data when announced). For years before 1978 the
//! same rules are applied anyway, which does not match history; every year that chrono can
//! represent gets an answer and nothing panics.
//!
//! # Europe/London time
//!
//! [`london_offset_seconds`], [`utc_to_london`], [`london_to_utc`] and [`london_date`] apply the
//! United Kingdom's summer-time rule in force since 1996: GMT (UTC+0) in winter, BST (UTC+1) from
//! 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October. The same rule
//! is applied to every year; for years before 1996 it may differ from what the clocks did.
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use cms_core::calendar::{Calendar, CalendarData};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let calendar = Calendar::new(&CalendarData::england_and_wales_exceptions());
//! let accepted = NaiveDate::from_ymd_opt(2026, 12, 21).ok_or("bad date")?;
//! // Christmas Day is a Friday, Boxing Day a Saturday: Monday 28 December is the substitute.
//! let due = calendar.add_working_days(accepted, 5);
//! assert_eq!(due, NaiveDate::from_ymd_opt(2026, 12, 30));
//! assert_eq!(calendar.working_days_between(accepted, due.ok_or("no date")?), 5);
//! # Ok(())
//! # }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// The exceptions to the standing bank-holiday rules, and the market's extra non-business days.
///
/// This is part of a rule set (its field names are stable). Every field may be left out of a rule
/// file and is then empty. Dates are written `YYYY-MM-DD`.
///
/// An entry that changes nothing (a `removed` date the rules do not give, an `added` date that is
/// already a holiday) is accepted and has no effect. When two entries share a date, the first one
/// (in list order) gives the name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarData {
    /// Dates that the rules would give but that did not happen (a bank holiday moved away).
    #[serde(default)]
    pub removed: Vec<NaiveDate>,
    /// One-off bank holidays (jubilees, royal events, moved holidays' new dates).
    #[serde(default)]
    pub added: Vec<NamedDay>,
    /// Market-declared non-business days that are not bank holidays.
    #[serde(default)]
    pub non_business_days: Vec<NamedDay>,
}

/// A date with a name, as listed in a [`CalendarData`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedDay {
    /// The day.
    pub date: NaiveDate,
    /// What the day is called, e.g. `Queen's Diamond Jubilee`.
    pub name: String,
}

/// Rule dates that did not happen in England & Wales: (year, month, day).
const EW_REMOVED: [(i32, u32, u32); 5] = [
    (1995, 5, 1),  // early May moved to 8 May (50th anniversary of VE day)
    (2002, 5, 27), // spring moved to 4 June (Golden Jubilee)
    (2012, 5, 28), // spring moved to 4 June (Diamond Jubilee)
    (2020, 5, 4),  // early May moved to 8 May (75th anniversary of VE day)
    (2022, 5, 30), // spring moved to 2 June (Platinum Jubilee)
];

/// One-off bank holidays in England & Wales, including moved holidays' new dates.
const EW_ADDED: [(i32, u32, u32, &str); 13] = [
    (1981, 7, 29, "Royal wedding"),
    (1995, 5, 8, "Early May bank holiday (VE day)"),
    (1999, 12, 31, "Millennium celebrations"),
    (2002, 6, 3, "Queen's Golden Jubilee"),
    (2002, 6, 4, "Spring bank holiday"),
    (2011, 4, 29, "Royal wedding"),
    (2012, 6, 4, "Spring bank holiday"),
    (2012, 6, 5, "Queen's Diamond Jubilee"),
    (2020, 5, 8, "Early May bank holiday (VE day)"),
    (2022, 6, 2, "Spring bank holiday"),
    (2022, 6, 3, "Platinum Jubilee bank holiday"),
    (
        2022,
        9,
        19,
        "Bank holiday for the State Funeral of Queen Elizabeth II",
    ),
    (
        2023,
        5,
        8,
        "Bank holiday for the coronation of King Charles III",
    ),
];

impl CalendarData {
    /// The known exceptions to the England & Wales rules since 1978, with no extra non-business
    /// days: the data the embedded rule set carries.
    ///
    /// - removed: 1995-05-01, 2002-05-27, 2012-05-28, 2020-05-04, 2022-05-30 (holidays moved);
    /// - added: 1981-07-29 (royal wedding), 1995-05-08 (VE day), 1999-12-31 (millennium),
    ///   2002-06-03 and 2002-06-04 (Golden Jubilee, moved spring holiday), 2011-04-29 (royal
    ///   wedding), 2012-06-04 and 2012-06-05 (moved spring holiday, Diamond Jubilee), 2020-05-08
    ///   (VE day), 2022-06-02 and 2022-06-03 (moved spring holiday, Platinum Jubilee), 2022-09-19
    ///   (state funeral), 2023-05-08 (coronation).
    #[must_use]
    pub fn england_and_wales_exceptions() -> Self {
        let removed = EW_REMOVED
            .iter()
            .filter_map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
            .collect();
        let added = EW_ADDED
            .iter()
            .filter_map(|&(y, m, d, name)| {
                NaiveDate::from_ymd_opt(y, m, d).map(|date| NamedDay {
                    date,
                    name: name.to_owned(),
                })
            })
            .collect();
        Self {
            removed,
            added,
            non_business_days: Vec::new(),
        }
    }
}

/// Why a date is a bank holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A standing rule gives this date directly (e.g. Christmas Day on a Wednesday).
    Rule,
    /// A standing holiday fell at a weekend and this is the weekday that replaces it.
    Substitute,
    /// A one-off holiday from [`CalendarData::added`] (including a moved holiday's new date).
    OneOff,
}

/// One bank holiday, as listed by [`Calendar::bank_holidays`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Holiday {
    /// The day off.
    pub date: NaiveDate,
    /// Its name; a substitute day is named after the holiday it replaces, e.g.
    /// `Boxing Day (substitute day)`.
    pub name: String,
    /// Why the date is a holiday.
    pub kind: HolidayKind,
}

/// A standing England & Wales bank-holiday rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    NewYear,
    GoodFriday,
    EasterMonday,
    EarlyMay,
    Spring,
    Summer,
    Christmas,
    Boxing,
}

impl Rule {
    fn name(self) -> &'static str {
        match self {
            Self::NewYear => "New Year's Day",
            Self::GoodFriday => "Good Friday",
            Self::EasterMonday => "Easter Monday",
            Self::EarlyMay => "Early May bank holiday",
            Self::Spring => "Spring bank holiday",
            Self::Summer => "Summer bank holiday",
            Self::Christmas => "Christmas Day",
            Self::Boxing => "Boxing Day",
        }
    }
}

/// A date given by a standing rule, after weekend substitution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RuleDay {
    date: NaiveDate,
    rule: Rule,
    substitute: bool,
}

/// The number of holidays the standing rules give in every year.
///
/// The eight nominal dates are distinct and every substitute is a weekday not already taken, so a
/// year always has exactly eight distinct weekday rule holidays, all inside the year (the latest
/// substitute is 28 December, the earliest nominal date 1 January). The fast working-day counts
/// rely on this; a test checks it for every year chrono can represent.
const RULE_DAYS_PER_YEAR: i64 = 8;

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm of Meeus, Jones and
/// Butcher), for any year chrono can represent.
fn easter_sunday(year: i32) -> Option<NaiveDate> {
    // The Gregorian computus repeats every 5,700,000 years, so a non-negative equivalent year
    // gives the same month and day and keeps every division below a floor division.
    let y = i64::from(year).rem_euclid(5_700_000);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The last given weekday of a month.
fn last_weekday_of_month(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    // Going back from the last day of the month keeps clear of the end of chrono's range.
    let last = match first_of_next {
        Some(date) => date.pred_opt()?,
        None => NaiveDate::from_ymd_opt(year, 12, 31)?,
    };
    let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    last.checked_sub_signed(Duration::days(i64::from(back)))
}

/// The eight standing-rule holidays of a year, after weekend substitution, sorted by date.
/// `None` only for a year outside chrono's range.
fn rule_days(year: i32) -> Option<[RuleDay; 8]> {
    let easter = easter_sunday(year)?;
    let nominal = [
        (NaiveDate::from_ymd_opt(year, 1, 1)?, Rule::NewYear),
        (
            easter.checked_sub_signed(Duration::days(2))?,
            Rule::GoodFriday,
        ),
        (
            easter.checked_add_signed(Duration::days(1))?,
            Rule::EasterMonday,
        ),
        (
            NaiveDate::from_weekday_of_month_opt(year, 5, Weekday::Mon, 1)?,
            Rule::EarlyMay,
        ),
        (last_weekday_of_month(year, 5, Weekday::Mon)?, Rule::Spring),
        (last_weekday_of_month(year, 8, Weekday::Mon)?, Rule::Summer),
        (NaiveDate::from_ymd_opt(year, 12, 25)?, Rule::Christmas),
        (NaiveDate::from_ymd_opt(year, 12, 26)?, Rule::Boxing),
    ];
    // Days already holidays: every nominal date on a weekday, then each substitute as chosen.
    let mut taken: Vec<NaiveDate> = nominal
        .iter()
        .map(|&(date, _)| date)
        .filter(|&date| !is_weekend(date))
        .collect();
    let mut days = nominal.map(|(date, rule)| RuleDay {
        date,
        rule,
        substitute: false,
    });
    for day in &mut days {
        if is_weekend(day.date) {
            let mut date = day.date.succ_opt()?;
            while is_weekend(date) || taken.contains(&date) {
                date = date.succ_opt()?;
            }
            taken.push(date);
            day.date = date;
            day.substitute = true;
        }
    }
    days.sort_by_key(|day| day.date);
    Some(days)
}

/// Weekdays among the day indices `0..z`, where index 0 is Monday 0001-01-01.
///
/// Defined for negative `z` too, so that `weekday_prefix(b) - weekday_prefix(a)` counts the
/// weekdays in `a..b` for any `a <= b`.
fn weekday_prefix(z: i64) -> i64 {
    5 * z.div_euclid(7) + z.rem_euclid(7).min(5)
}

/// The day index of a date: 0 for Monday 0001-01-01.
fn day_index(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 1
}

fn date_from_index(index: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(index.checked_add(1)?).ok()?)
}

/// Weekdays `d` with `from < d <= to` (zero when `to <= from`).
fn weekdays_between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to <= from {
        return 0;
    }
    weekday_prefix(day_index(to) + 1) - weekday_prefix(day_index(from) + 1)
}

/// The `n`-th weekday after `date` (`n >= 1`); `None` beyond chrono's range.
fn add_weekdays(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    // The weekday wanted is the `g`-th weekday counted from index 0 (1-based).
    let g = weekday_prefix(day_index(date) + 1).checked_add(n)?;
    let index = 7 * (g - 1).div_euclid(5) + (g - 1).rem_euclid(5);
    date_from_index(index)
}

/// A working-day calendar: the standing England & Wales rules plus a [`CalendarData`].
///
/// Built once with [`Calendar::new`]; cloning is cheap (the data is shared) and a calendar can be
/// used from many threads. All queries are pure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    inner: Arc<Inner>,
}

#[derive(Debug, PartialEq, Eq)]
struct Inner {
    removed: BTreeSet<NaiveDate>,
    added: BTreeMap<NaiveDate, String>,
    non_business: BTreeMap<NaiveDate, String>,
    /// For each year touched by the data: its weekday non-working days (bank holidays and declared
    /// days on a weekday) minus [`RULE_DAYS_PER_YEAR`]. Any other year has a correction of zero.
    corrections: BTreeMap<i32, i64>,
}

impl Default for Calendar {
    /// The England & Wales calendar with the known exceptions
    /// ([`Calendar::england_and_wales`]).
    fn default() -> Self {
        Self::england_and_wales()
    }
}

impl Calendar {
    /// Builds a calendar from the standing rules and the given exceptions and extra days.
    #[must_use]
    pub fn new(data: &CalendarData) -> Self {
        let removed: BTreeSet<NaiveDate> = data.removed.iter().copied().collect();
        let mut added = BTreeMap::new();
        for day in &data.added {
            added.entry(day.date).or_insert_with(|| day.name.clone());
        }
        let mut non_business = BTreeMap::new();
        for day in &data.non_business_days {
            non_business
                .entry(day.date)
                .or_insert_with(|| day.name.clone());
        }
        let mut inner = Inner {
            removed,
            added,
            non_business,
            corrections: BTreeMap::new(),
        };
        let years: BTreeSet<i32> = inner
            .removed
            .iter()
            .chain(inner.added.keys())
            .chain(inner.non_business.keys())
            .map(Datelike::year)
            .collect();
        let corrections = years
            .into_iter()
            .map(|year| {
                let count = i64::try_from(inner.non_working_weekdays(year).len()).unwrap_or(0);
                (year, count - RULE_DAYS_PER_YEAR)
            })
            .filter(|&(_, correction)| correction != 0)
            .collect();
        inner.corrections = corrections;
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The England & Wales calendar with the known exceptions and no extra non-business days:
    /// `Calendar::new(&CalendarData::england_and_wales_exceptions())`.
    #[must_use]
    pub fn england_and_wales() -> Self {
        Self::new(&CalendarData::england_and_wales_exceptions())
    }

    /// The data this calendar was built from, with duplicate dates merged and every list sorted.
    #[must_use]
    pub fn data(&self) -> CalendarData {
        let named = |map: &BTreeMap<NaiveDate, String>| {
            map.iter()
                .map(|(&date, name)| NamedDay {
                    date,
                    name: name.clone(),
                })
                .collect()
        };
        CalendarData {
            removed: self.inner.removed.iter().copied().collect(),
            added: named(&self.inner.added),
            non_business_days: named(&self.inner.non_business),
        }
    }

    /// The bank holidays of a year, sorted by date, one entry per date.
    ///
    /// The standing rules with weekend substitution (the next weekday that is not already a
    /// holiday: Christmas on a Saturday gives Monday 27 and Tuesday 28 December; Christmas on a
    /// Sunday gives Boxing Day on Monday 26 and the Christmas substitute on Tuesday 27; New Year's
    /// Day on a Saturday gives Monday 3 January), then the data's `removed` dates taken away and
    /// its `added` dates put in. See the module documentation for the range of years this is
    /// correct for. Declared non-business days are not bank holidays and are not listed (see
    /// [`Calendar::non_business_days`]).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cms_core::calendar::{Calendar, HolidayKind};
    ///
    /// let holidays = Calendar::england_and_wales().bank_holidays(2004);
    /// let last_two: Vec<_> = holidays.iter().rev().take(2).map(|h| (h.date, h.kind)).collect();
    /// // Christmas on a Saturday, Boxing Day on a Sunday.
    /// assert_eq!(
    ///     last_two,
    ///     [
    ///         (NaiveDate::from_ymd_opt(2004, 12, 28).unwrap_or_default(), HolidayKind::Substitute),
    ///         (NaiveDate::from_ymd_opt(2004, 12, 27).unwrap_or_default(), HolidayKind::Substitute),
    ///     ]
    /// );
    /// ```
    #[must_use]
    pub fn bank_holidays(&self, year: i32) -> Vec<Holiday> {
        let mut holidays: Vec<Holiday> = rule_days(year)
            .into_iter()
            .flatten()
            .filter(|day| !self.inner.removed.contains(&day.date))
            .map(|day| Holiday {
                date: day.date,
                name: if day.substitute {
                    format!("{} (substitute day)", day.rule.name())
                } else {
                    day.rule.name().to_owned()
                },
                kind: if day.substitute {
                    HolidayKind::Substitute
                } else {
                    HolidayKind::Rule
                },
            })
            .collect();
        for (&date, name) in year_range(&self.inner.added, year) {
            if !holidays.iter().any(|holiday| holiday.date == date) {
                holidays.push(Holiday {
                    date,
                    name: name.clone(),
                    kind: HolidayKind::OneOff,
                });
            }
        }
        holidays.sort_by_key(|holiday| holiday.date);
        holidays
    }

    /// The declared non-business days of a year (from [`CalendarData::non_business_days`]),
    /// sorted by date.
    #[must_use]
    pub fn non_business_days(&self, year: i32) -> Vec<NamedDay> {
        year_range(&self.inner.non_business, year)
            .map(|(&date, name)| NamedDay {
                date,
                name: name.clone(),
            })
            .collect()
    }

    /// Whether the date is a bank holiday (as [`Calendar::bank_holidays`] lists them).
    #[must_use]
    pub fn is_bank_holiday(&self, date: NaiveDate) -> bool {
        self.inner.is_bank_holiday(date)
    }

    /// Whether the date is one of the declared non-business days (which are not bank holidays).
    #[must_use]
    pub fn is_non_business_day(&self, date: NaiveDate) -> bool {
        self.inner.non_business.contains_key(&date)
    }

    /// Whether the date is a working day: Monday to Friday, not a bank holiday, not a declared
    /// non-business day.
    #[must_use]
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !is_weekend(date) && !self.inner.is_holiday_or_declared(date)
    }

    /// The `n`-th working day after `date`.
    ///
    /// `date` itself never counts, whether or not it is a working day, so a contact accepted on a
    /// Saturday with a target of 1 is due on the Monday (if that is a working day). `n = 0` returns
    /// `date` unchanged. `None` only when the result would be beyond the last date chrono can
    /// represent (`NaiveDate::MAX`, 31 December 262142).
    ///
    /// The cost does not grow with `n`: whole spans are counted by arithmetic on weeks and on a
    /// fixed number of rule holidays per year, corrected by the (few) years the data touches.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use cms_core::calendar::Calendar;
    ///
    /// let calendar = Calendar::england_and_wales();
    /// let thursday = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
    /// assert_eq!(calendar.add_working_days(thursday, 5), NaiveDate::from_ymd_opt(2026, 12, 10));
    /// assert_eq!(calendar.add_working_days(thursday, 0), Some(thursday));
    /// assert_eq!(calendar.add_working_days(thursday, u32::MAX), None);
    /// ```
    #[must_use]
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut current = date;
        let mut remaining = i64::from(n);
        while remaining > 0 {
            // Working days are a subset of weekdays, so the target is at or after this weekday.
            let target = add_weekdays(current, remaining)?;
            remaining = self.inner.excluded_between(current, target);
            current = target;
        }
        Some(current)
    }

    /// The number of working days `d` with `from < d <= to`: the start is not counted, the end is.
    ///
    /// When `to` is before `from` the result is the negated count of working days `d` with
    /// `to < d <= from`; it is zero when they are equal. For any `n`,
    /// `working_days_between(a, add_working_days(a, n)) == n`.
    #[must_use]
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        weekdays_between(from, to) - self.inner.excluded_between(from, to)
    }

    /// The first working day strictly after `date`; `None` beyond chrono's range.
    #[must_use]
    pub fn next_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.add_working_days(date, 1)
    }

    /// The last working day strictly before `date`; `None` before chrono's range.
    #[must_use]
    pub fn previous_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut day = date.pred_opt()?;
        while !self.is_working_day(day) {
            day = day.pred_opt()?;
        }
        Some(day)
    }
}

/// The entries of a date map that fall in a year.
fn year_range<V>(
    map: &BTreeMap<NaiveDate, V>,
    year: i32,
) -> impl Iterator<Item = (&NaiveDate, &V)> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1);
    let end = NaiveDate::from_ymd_opt(year, 12, 31);
    let range = match (start, end) {
        (Some(start), Some(end)) => Some(map.range(start..=end)),
        _ => None,
    };
    range.into_iter().flatten()
}

impl Inner {
    fn is_bank_holiday(&self, date: NaiveDate) -> bool {
        if self.added.contains_key(&date) {
            return true;
        }
        if self.removed.contains(&date) {
            return false;
        }
        // Every rule holiday is in January, March, April, May, August or December.
        if !matches!(date.month(), 1 | 3 | 4 | 5 | 8 | 12) {
            return false;
        }
        rule_days(date.year()).is_some_and(|days| days.iter().any(|day| day.date == date))
    }

    /// Whether a date is a bank holiday or a declared non-business day (whatever its weekday).
    fn is_holiday_or_declared(&self, date: NaiveDate) -> bool {
        self.non_business.contains_key(&date) || self.is_bank_holiday(date)
    }

    /// The weekdays of a year that are not working days, sorted.
    fn non_working_weekdays(&self, year: i32) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = rule_days(year)
            .into_iter()
            .flatten()
            .map(|day| day.date)
            .filter(|date| !self.removed.contains(date))
            .chain(year_range(&self.added, year).map(|(&date, _)| date))
            .chain(year_range(&self.non_business, year).map(|(&date, _)| date))
            .filter(|&date| !is_weekend(date))
            .collect();
        dates.sort_unstable();
        dates.dedup();
        dates
    }

    /// Weekdays `d` with `from < d <= to` that are not working days (zero when `to <= from`).
    fn excluded_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to <= from {
            return 0;
        }
        let count = |dates: Vec<NaiveDate>, keep: &dyn Fn(NaiveDate) -> bool| {
            i64::try_from(dates.into_iter().filter(|&d| keep(d)).count()).unwrap_or(i64::MAX)
        };
        let (first_year, last_year) = (from.year(), to.year());
        if first_year == last_year {
            return count(self.non_working_weekdays(first_year), &|d| {
                from < d && d <= to
            });
        }
        let head = count(self.non_working_weekdays(first_year), &|d| from < d);
        let tail = count(self.non_working_weekdays(last_year), &|d| d <= to);
        let full_years = i64::from(last_year) - i64::from(first_year) - 1;
        let corrections: i64 = if full_years > 0 {
            self.corrections
                .range(first_year + 1..last_year)
                .map(|(_, &correction)| correction)
                .sum()
        } else {
            0
        };
        head + tail + RULE_DAYS_PER_YEAR * full_years + corrections
    }
}

/// The start and end (UTC) of British Summer Time in a year: 01:00 UTC on the last Sunday of
/// March and 01:00 UTC on the last Sunday of October.
fn bst_bounds_utc(year: i32) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let one_am = NaiveTime::from_hms_opt(1, 0, 0)?;
    let start = last_weekday_of_month(year, 3, Weekday::Sun)?.and_time(one_am);
    let end = last_weekday_of_month(year, 10, Weekday::Sun)?.and_time(one_am);
    Some((start, end))
}

/// The offset of Europe/London from UTC at a UTC instant, in seconds: 3600 during British Summer
/// Time (from 01:00 UTC on the last Sunday of March, inclusive, to 01:00 UTC on the last Sunday
/// of October, exclusive), otherwise 0. The rule in force since 1996 is applied to every year.
#[must_use]
pub fn london_offset_seconds(utc: NaiveDateTime) -> i32 {
    match bst_bounds_utc(utc.year()) {
        Some((start, end)) if start <= utc && utc < end => 3600,
        _ => 0,
    }
}

/// The Europe/London wall-clock time at a UTC instant.
#[must_use]
pub fn utc_to_london(utc: NaiveDateTime) -> NaiveDateTime {
    let offset = Duration::seconds(i64::from(london_offset_seconds(utc)));
    // Summer time never touches the ends of chrono's range (both are in winter), so this never
    // falls back in practice.
    utc.checked_add_signed(offset).unwrap_or(utc)
}

/// The Europe/London calendar date at a UTC instant, e.g. "today" in London for a host's clock.
#[must_use]
pub fn london_date(utc: NaiveDateTime) -> NaiveDate {
    utc_to_london(utc).date()
}

/// The UTC instant(s) that a Europe/London wall-clock time stands for (see [`london_to_utc`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalTime {
    /// The local time happened exactly once, at this UTC instant.
    Single(NaiveDateTime),
    /// The local time happened twice, in the hour repeated when the clocks go back (01:00 to 01:59
    /// local on the last Sunday of October): first in BST, then in GMT.
    Ambiguous {
        /// The UTC instant of the first occurrence (BST, one hour before the local time).
        earlier: NaiveDateTime,
        /// The UTC instant of the second occurrence (GMT, equal to the local time).
        later: NaiveDateTime,
    },
    /// The local time never happened: it is in the hour skipped when the clocks go forward
    /// (01:00 to 01:59 local on the last Sunday of March).
    Missing,
}

impl LocalTime {
    /// The first UTC instant the local time stands for, if any.
    #[must_use]
    pub fn earliest(self) -> Option<NaiveDateTime> {
        match self {
            Self::Single(utc) | Self::Ambiguous { earlier: utc, .. } => Some(utc),
            Self::Missing => None,
        }
    }

    /// The last UTC instant the local time stands for, if any.
    #[must_use]
    pub fn latest(self) -> Option<NaiveDateTime> {
        match self {
            Self::Single(utc) | Self::Ambiguous { later: utc, .. } => Some(utc),
            Self::Missing => None,
        }
    }
}

/// The UTC instant(s) of a Europe/London wall-clock time: [`LocalTime::Single`] for almost every
/// time, [`LocalTime::Ambiguous`] in the repeated hour of the autumn change, [`LocalTime::Missing`]
/// in the skipped hour of the spring change.
///
/// ```
/// use chrono::NaiveDate;
/// use cms_core::calendar::{london_to_utc, LocalTime};
///
/// let at = |d, h, m| NaiveDate::from_ymd_opt(2026, 10, d).and_then(|x| x.and_hms_opt(h, m, 0));
/// let (Some(local), Some(bst), Some(gmt)) = (at(25, 1, 30), at(25, 0, 30), at(25, 1, 30)) else {
///     return;
/// };
/// assert_eq!(london_to_utc(local), LocalTime::Ambiguous { earlier: bst, later: gmt });
/// ```
#[must_use]
pub fn london_to_utc(local: NaiveDateTime) -> LocalTime {
    // A local time is either BST (UTC = local - 1h) or GMT (UTC = local); keep each reading that
    // the offset at that instant confirms.
    let as_bst = local
        .checked_sub_signed(Duration::hours(1))
        .filter(|&utc| london_offset_seconds(utc) == 3600);
    let as_gmt = Some(local).filter(|&utc| london_offset_seconds(utc) == 0);
    match (as_bst, as_gmt) {
        (Some(earlier), Some(later)) => LocalTime::Ambiguous { earlier, later },
        (Some(utc), None) | (None, Some(utc)) => LocalTime::Single(utc),
        (None, None) => LocalTime::Missing,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // reason: tests fail loudly on bad fixtures
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn day_index_zero_is_a_monday() {
        assert_eq!(date(1, 1, 1).weekday(), Weekday::Mon);
        assert_eq!(day_index(date(1, 1, 1)), 0);
        assert_eq!(date_from_index(0), Some(date(1, 1, 1)));
        assert_eq!(date_from_index(-1), Some(date(0, 12, 31)));
    }

    #[test]
    fn weekday_prefix_counts_weekdays() {
        // Check the prefix against a day-by-day count across the year 0 boundary.
        let start = date(-1, 11, 20);
        let mut expected = 0;
        let mut day = start;
        for _ in 0..800 {
            let next = day.succ_opt().unwrap();
            if !is_weekend(next) {
                expected += 1;
            }
            assert_eq!(weekdays_between(start, next), expected, "to {next}");
            if !is_weekend(next) {
                assert_eq!(add_weekdays(start, expected), Some(next));
            }
            day = next;
        }
        assert_eq!(weekdays_between(date(2026, 12, 4), date(2026, 12, 7)), 1);
        assert_eq!(weekdays_between(date(2026, 12, 7), date(2026, 12, 4)), 0);
        assert_eq!(add_weekdays(date(2026, 12, 5), 1), Some(date(2026, 12, 7)));
        assert_eq!(add_weekdays(date(2026, 12, 4), 5), Some(date(2026, 12, 11)));
    }

    #[test]
    fn easter_known_dates() {
        let known = [
            (1818, 3, 22),
            (1943, 4, 25),
            (2000, 4, 23),
            (2008, 3, 23),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2038, 4, 25),
            (2285, 3, 22),
        ];
        for (y, m, d) in known {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)));
        }
        // The computus repeats every 5,700,000 years; a negative year uses the same formula.
        let e = easter_sunday(-4000).unwrap();
        assert_eq!(e.weekday(), Weekday::Sun);
    }

    #[test]
    fn last_weekday_of_month_at_range_end() {
        assert_eq!(
            last_weekday_of_month(2026, 5, Weekday::Mon),
            Some(date(2026, 5, 25))
        );
        assert_eq!(
            last_weekday_of_month(2026, 10, Weekday::Sun),
            Some(date(2026, 10, 25))
        );
        let max_year = NaiveDate::MAX.year();
        let last = last_weekday_of_month(max_year, 12, Weekday::Fri).unwrap();
        assert_eq!(last.weekday(), Weekday::Fri);
        assert_eq!(last.month(), 12);
        assert!(last.day() > 24);
    }

    /// The fast counts rely on eight distinct weekday rule holidays inside every year.
    #[test]
    fn every_year_has_eight_distinct_weekday_rule_days() {
        let (min, max) = (NaiveDate::MIN.year(), NaiveDate::MAX.year());
        for year in min..=max {
            let days = rule_days(year).unwrap();
            for pair in days.windows(2) {
                if let [a, b] = pair {
                    assert!(a.date < b.date, "year {year}");
                }
            }
            for day in days {
                assert!(!is_weekend(day.date), "year {year}");
                assert_eq!(day.date.year(), year);
            }
        }
    }

    #[test]
    fn substitution_examples() {
        let subs = |year| {
            rule_days(year)
                .unwrap()
                .iter()
                .filter(|d| d.substitute)
                .map(|d| (d.rule, d.date))
                .collect::<Vec<_>>()
        };
        // 2004: Christmas Saturday, Boxing Sunday.
        assert_eq!(
            subs(2004),
            vec![
                (Rule::Christmas, date(2004, 12, 27)),
                (Rule::Boxing, date(2004, 12, 28))
            ]
        );
        // 2005: New Year Saturday; Christmas Sunday (Boxing Day is Monday 26).
        assert_eq!(
            subs(2005),
            vec![
                (Rule::NewYear, date(2005, 1, 3)),
                (Rule::Christmas, date(2005, 12, 27))
            ]
        );
        // 2026: Boxing Day Saturday.
        assert_eq!(subs(2026), vec![(Rule::Boxing, date(2026, 12, 28))]);
        // 2017: New Year Sunday.
        assert_eq!(subs(2017), vec![(Rule::NewYear, date(2017, 1, 2))]);
    }

    #[test]
    fn corrections_cover_data_years() {
        let calendar = Calendar::england_and_wales();
        let corrections: Vec<(i32, i64)> = calendar
            .inner
            .corrections
            .iter()
            .map(|(&y, &c)| (y, c))
            .collect();
        // 1995, 2002, 2012, 2020 only move a holiday; 1981, 1999, 2011, 2023 add one; 2022 adds two.
        assert_eq!(
            corrections,
            vec![
                (1981, 1),
                (1999, 1),
                (2002, 1),
                (2011, 1),
                (2012, 1),
                (2022, 2),
                (2023, 1)
            ]
        );
    }

    #[test]
    fn excluded_between_matches_day_by_day() {
        let data = CalendarData {
            removed: vec![date(2030, 12, 25)],
            added: vec![NamedDay {
                date: date(2031, 3, 4),
                name: "one-off".into(),
            }],
            non_business_days: vec![
                NamedDay {
                    date: date(2030, 6, 1), // a Saturday: no effect on counts
                    name: "weekend".into(),
                },
                NamedDay {
                    date: date(2032, 7, 7),
                    name: "declared".into(),
                },
            ],
        };
        let calendar = Calendar::new(&data);
        let start = date(2029, 12, 20);
        let mut day = start;
        let mut expected = 0;
        while day < date(2033, 1, 10) {
            day = day.succ_opt().unwrap();
            if !is_weekend(day) && !calendar.is_working_day(day) {
                expected += 1;
            }
            assert_eq!(
                calendar.inner.excluded_between(start, day),
                expected,
                "{day}"
            );
        }
    }
}
