//! Working days, bank holidays and London time, checked against published and hand-written dates.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // reason: tests fail loudly on bad fixtures

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use cms_core::calendar::{
    london_date, london_offset_seconds, london_to_utc, utc_to_london, Calendar, CalendarData,
    HolidayKind, LocalTime, NamedDay,
};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    date(y, mo, d).and_hms_opt(h, mi, s).unwrap()
}

fn ew() -> Calendar {
    Calendar::new(&CalendarData::england_and_wales_exceptions())
}

fn holiday_dates(calendar: &Calendar, year: i32) -> Vec<NaiveDate> {
    calendar
        .bank_holidays(year)
        .iter()
        .map(|h| h.date)
        .collect()
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The slow reference: step one day at a time.
fn add_day_by_day(calendar: &Calendar, start: NaiveDate, n: u32) -> NaiveDate {
    let mut day = start;
    let mut left = n;
    while left > 0 {
        day = day.succ_opt().unwrap();
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    day
}

// ---------------------------------------------------------------- bank holidays

#[test]
fn reproduces_gov_uk_list_exactly() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bank_holidays_england_and_wales.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["division"], "england-and-wales");
    let mut by_year: BTreeMap<i32, BTreeSet<NaiveDate>> = BTreeMap::new();
    for event in json["events"].as_array().unwrap() {
        let d: NaiveDate = event["date"].as_str().unwrap().parse().unwrap();
        by_year.entry(d.year()).or_default().insert(d);
    }
    let years: Vec<i32> = by_year.keys().copied().collect();
    assert_eq!(years, (2011..=2027).collect::<Vec<_>>());
    let calendar = ew();
    for (year, expected) in &by_year {
        let got: BTreeSet<NaiveDate> = holiday_dates(&calendar, *year).into_iter().collect();
        assert_eq!(&got, expected, "year {year}");
        // One entry per date, sorted.
        assert_eq!(calendar.bank_holidays(*year).len(), expected.len());
        for d in expected {
            assert!(calendar.is_bank_holiday(*d), "{d}");
            assert!(!calendar.is_working_day(*d), "{d}");
        }
    }
}

/// Dates written out by hand from the rules (and checked against the historical record).
#[test]
fn hand_written_years() {
    let cases: &[(i32, &[(u32, u32)])] = &[
        // New Year's Day on a Saturday: substitute Monday 3 January.
        (
            2000,
            &[
                (1, 3),
                (4, 21),
                (4, 24),
                (5, 1),
                (5, 29),
                (8, 28),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2001,
            &[
                (1, 1),
                (4, 13),
                (4, 16),
                (5, 7),
                (5, 28),
                (8, 27),
                (12, 25),
                (12, 26),
            ],
        ),
        // Golden Jubilee Monday 3 June, spring holiday moved to Tuesday 4 June (not 27 May).
        (
            2002,
            &[
                (1, 1),
                (3, 29),
                (4, 1),
                (5, 6),
                (6, 3),
                (6, 4),
                (8, 26),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2003,
            &[
                (1, 1),
                (4, 18),
                (4, 21),
                (5, 5),
                (5, 26),
                (8, 25),
                (12, 25),
                (12, 26),
            ],
        ),
        // Christmas on a Saturday: Monday 27 and Tuesday 28.
        (
            2004,
            &[
                (1, 1),
                (4, 9),
                (4, 12),
                (5, 3),
                (5, 31),
                (8, 30),
                (12, 27),
                (12, 28),
            ],
        ),
        // New Year on a Saturday; Christmas on a Sunday: Boxing Day Monday 26, substitute Tuesday 27.
        (
            2005,
            &[
                (1, 3),
                (3, 25),
                (3, 28),
                (5, 2),
                (5, 30),
                (8, 29),
                (12, 26),
                (12, 27),
            ],
        ),
        // New Year on a Sunday: substitute Monday 2 January.
        (
            2006,
            &[
                (1, 2),
                (4, 14),
                (4, 17),
                (5, 1),
                (5, 29),
                (8, 28),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2007,
            &[
                (1, 1),
                (4, 6),
                (4, 9),
                (5, 7),
                (5, 28),
                (8, 27),
                (12, 25),
                (12, 26),
            ],
        ),
        // Early Easter (23 March).
        (
            2008,
            &[
                (1, 1),
                (3, 21),
                (3, 24),
                (5, 5),
                (5, 26),
                (8, 25),
                (12, 25),
                (12, 26),
            ],
        ),
        // Boxing Day on a Saturday: substitute Monday 28.
        (
            2009,
            &[
                (1, 1),
                (4, 10),
                (4, 13),
                (5, 4),
                (5, 25),
                (8, 31),
                (12, 25),
                (12, 28),
            ],
        ),
        (
            2010,
            &[
                (1, 1),
                (4, 2),
                (4, 5),
                (5, 3),
                (5, 31),
                (8, 30),
                (12, 27),
                (12, 28),
            ],
        ),
        (
            2028,
            &[
                (1, 3),
                (4, 14),
                (4, 17),
                (5, 1),
                (5, 29),
                (8, 28),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2029,
            &[
                (1, 1),
                (3, 30),
                (4, 2),
                (5, 7),
                (5, 28),
                (8, 27),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2030,
            &[
                (1, 1),
                (4, 19),
                (4, 22),
                (5, 6),
                (5, 27),
                (8, 26),
                (12, 25),
                (12, 26),
            ],
        ),
        // Early May moved to Monday 8 May (VE day).
        (
            1995,
            &[
                (1, 2),
                (4, 14),
                (4, 17),
                (5, 8),
                (5, 29),
                (8, 28),
                (12, 25),
                (12, 26),
            ],
        ),
        // Christmas on a Saturday, and the millennium holiday on Friday 31 December.
        (
            1999,
            &[
                (1, 1),
                (4, 2),
                (4, 5),
                (5, 3),
                (5, 31),
                (8, 30),
                (12, 27),
                (12, 28),
                (12, 31),
            ],
        ),
        // Royal wedding Wednesday 29 July.
        (
            1981,
            &[
                (1, 1),
                (4, 17),
                (4, 20),
                (5, 4),
                (5, 25),
                (7, 29),
                (8, 31),
                (12, 25),
                (12, 28),
            ],
        ),
    ];
    let calendar = ew();
    for &(year, days) in cases {
        let expected: Vec<NaiveDate> = days.iter().map(|&(m, d)| date(year, m, d)).collect();
        assert_eq!(holiday_dates(&calendar, year), expected, "year {year}");
    }
}

#[test]
fn holiday_kinds_and_names() {
    let calendar = ew();
    let h2026 = calendar.bank_holidays(2026);
    let boxing = h2026.last().unwrap();
    assert_eq!(boxing.date, date(2026, 12, 28));
    assert_eq!(boxing.kind, HolidayKind::Substitute);
    assert_eq!(boxing.name, "Boxing Day (substitute day)");
    let christmas = &h2026[h2026.len() - 2];
    assert_eq!(christmas.date, date(2026, 12, 25));
    assert_eq!(christmas.kind, HolidayKind::Rule);
    assert_eq!(christmas.name, "Christmas Day");

    let h2022 = calendar.bank_holidays(2022);
    let funeral = h2022.iter().find(|h| h.date == date(2022, 9, 19)).unwrap();
    assert_eq!(funeral.kind, HolidayKind::OneOff);
    assert!(funeral.name.contains("State Funeral"));
    assert!(!calendar.is_bank_holiday(date(2022, 5, 30)));
    assert!(calendar.is_working_day(date(2022, 5, 30)));

    let kinds: Vec<HolidayKind> = calendar
        .bank_holidays(2005)
        .iter()
        .map(|h| h.kind)
        .collect();
    use HolidayKind::{Rule, Substitute};
    assert_eq!(
        kinds,
        vec![Substitute, Rule, Rule, Rule, Rule, Rule, Rule, Substitute]
    );
    assert_eq!(calendar.bank_holidays(2005)[6].name, "Boxing Day");
    assert_eq!(
        calendar.bank_holidays(2005)[7].name,
        "Christmas Day (substitute day)"
    );
}

#[test]
fn exceptions_data_is_as_documented() {
    let data = CalendarData::england_and_wales_exceptions();
    let removed: Vec<String> = data.removed.iter().map(ToString::to_string).collect();
    assert_eq!(
        removed,
        [
            "1995-05-01",
            "2002-05-27",
            "2012-05-28",
            "2020-05-04",
            "2022-05-30"
        ]
    );
    let added: Vec<String> = data.added.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(
        added,
        [
            "1981-07-29",
            "1995-05-08",
            "1999-12-31",
            "2002-06-03",
            "2002-06-04",
            "2011-04-29",
            "2012-06-04",
            "2012-06-05",
            "2020-05-08",
            "2022-06-02",
            "2022-06-03",
            "2022-09-19",
            "2023-05-08"
        ]
    );
    assert!(data.non_business_days.is_empty());
    // Every removed date is one the rules give (otherwise the entry would be dead data).
    let bare = Calendar::new(&CalendarData::default());
    for d in &data.removed {
        assert!(bare.is_bank_holiday(*d), "{d}");
    }
    assert_eq!(Calendar::default(), ew());
    assert_eq!(ew().data(), data);
}

#[test]
fn calendar_data_serde_shape() {
    let data = CalendarData {
        removed: vec![date(2020, 5, 4)],
        added: vec![NamedDay {
            date: date(2020, 5, 8),
            name: "VE day".into(),
        }],
        non_business_days: vec![],
    };
    let json = serde_json::to_value(&data).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "removed": ["2020-05-04"],
            "added": [{"date": "2020-05-08", "name": "VE day"}],
            "non_business_days": []
        })
    );
    let back: CalendarData = serde_json::from_value(json).unwrap();
    assert_eq!(back, data);
    // Every list may be left out.
    let empty: CalendarData = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, CalendarData::default());
    // Unknown fields are refused, at both levels.
    assert!(serde_json::from_str::<CalendarData>(r#"{"removd": []}"#).is_err());
    assert!(serde_json::from_str::<CalendarData>(
        r#"{"added": [{"date": "2020-05-08", "name": "x", "extra": 1}]}"#
    )
    .is_err());
    assert!(serde_json::from_str::<CalendarData>(r#"{"removed": ["2020-13-01"]}"#).is_err());
}

#[test]
fn declared_non_business_days() {
    let data = CalendarData {
        non_business_days: vec![
            NamedDay {
                date: date(2026, 12, 29),
                name: "market closure".into(),
            },
            NamedDay {
                date: date(2026, 12, 25), // also a bank holiday: counted once
                name: "duplicate".into(),
            },
        ],
        ..CalendarData::england_and_wales_exceptions()
    };
    let calendar = Calendar::new(&data);
    let d = date(2026, 12, 29);
    assert!(calendar.is_non_business_day(d));
    assert!(!calendar.is_bank_holiday(d));
    assert!(!calendar.is_working_day(d));
    assert!(!holiday_dates(&calendar, 2026).contains(&d));
    assert_eq!(calendar.non_business_days(2026).len(), 2);
    assert!(calendar.non_business_days(2025).is_empty());
    // Monday 21 + 5: 22, 23, 24, 30, 31 (25 and 28 holidays, 29 declared).
    assert_eq!(
        calendar.add_working_days(date(2026, 12, 21), 5),
        Some(date(2026, 12, 31))
    );
    assert_eq!(
        calendar.working_days_between(date(2026, 12, 21), date(2026, 12, 31)),
        5
    );
    // A declared day on a weekend changes nothing.
    let weekend = Calendar::new(&CalendarData {
        non_business_days: vec![NamedDay {
            date: date(2026, 12, 5),
            name: "Saturday".into(),
        }],
        ..CalendarData::england_and_wales_exceptions()
    });
    assert_eq!(
        weekend.add_working_days(date(2026, 12, 3), 5),
        Some(date(2026, 12, 10))
    );
}

// ---------------------------------------------------------------- working days

#[test]
fn domain_examples() {
    let calendar = ew();
    // Thursday 2026-12-03 + 5 = Thursday 2026-12-10.
    assert_eq!(
        calendar.add_working_days(date(2026, 12, 3), 5),
        Some(date(2026, 12, 10))
    );
    // Monday 2026-12-21 + 5 = Wednesday 2026-12-30 (25 and 28 December are holidays).
    assert_eq!(
        calendar.add_working_days(date(2026, 12, 21), 5),
        Some(date(2026, 12, 30))
    );
    assert_eq!(
        calendar.working_days_between(date(2026, 12, 3), date(2026, 12, 10)),
        5
    );
    assert_eq!(
        calendar.working_days_between(date(2026, 12, 21), date(2026, 12, 30)),
        5
    );
    assert!(calendar.is_working_day(date(2026, 12, 24)));
    assert!(!calendar.is_working_day(date(2026, 12, 26)));
    assert!(!calendar.is_working_day(date(2026, 12, 27)));
    assert!(!calendar.is_working_day(date(2026, 12, 28)));
}

#[test]
fn add_working_days_edges() {
    let calendar = ew();
    // n = 0 returns the date unchanged, even when it is not a working day.
    assert_eq!(
        calendar.add_working_days(date(2026, 12, 26), 0),
        Some(date(2026, 12, 26))
    );
    // The start never counts: Saturday + 1 = Monday; Friday + 1 = Monday.
    assert_eq!(
        calendar.add_working_days(date(2026, 12, 5), 1),
        Some(date(2026, 12, 7))
    );
    assert_eq!(
        calendar.add_working_days(date(2026, 12, 4), 1),
        Some(date(2026, 12, 7))
    );
    // Across Christmas and New Year 2026/27: Thursday 24 + 1 = Tuesday 29.
    assert_eq!(
        calendar.next_working_day(date(2026, 12, 24)),
        Some(date(2026, 12, 29))
    );
    assert_eq!(
        calendar.add_working_days(date(2026, 12, 31), 1),
        Some(date(2027, 1, 4))
    );
    // Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    assert_eq!(
        calendar.add_working_days(date(2027, 3, 25), 1),
        Some(date(2027, 3, 30))
    );
    assert_eq!(
        calendar.previous_working_day(date(2027, 3, 30)),
        Some(date(2027, 3, 25))
    );
    assert_eq!(
        calendar.previous_working_day(date(2026, 12, 29)),
        Some(date(2026, 12, 24))
    );
    assert_eq!(
        calendar.previous_working_day(date(2026, 12, 7)),
        Some(date(2026, 12, 4))
    );
    // 2022: spring holiday Thursday 2 June, jubilee Friday 3 June.
    assert_eq!(
        calendar.add_working_days(date(2022, 6, 1), 1),
        Some(date(2022, 6, 6))
    );
    // Working days in 2026 (weekdays 261, all 8 holidays on weekdays): 253.
    assert_eq!(
        calendar.working_days_between(date(2025, 12, 31), date(2026, 12, 31)),
        253
    );
    // 2022: 260 weekdays, 10 holidays.
    assert_eq!(
        calendar.working_days_between(date(2021, 12, 31), date(2022, 12, 31)),
        250
    );
}

#[test]
fn between_counts_end_not_start_and_mirrors() {
    let calendar = ew();
    let thu = date(2026, 12, 3);
    let fri = date(2026, 12, 4);
    let mon = date(2026, 12, 7);
    assert_eq!(calendar.working_days_between(thu, thu), 0);
    assert_eq!(calendar.working_days_between(thu, fri), 1);
    assert_eq!(calendar.working_days_between(fri, mon), 1);
    assert_eq!(calendar.working_days_between(fri, date(2026, 12, 6)), 0);
    assert_eq!(calendar.working_days_between(fri, thu), -1);
    assert_eq!(calendar.working_days_between(mon, fri), -1);
    assert_eq!(
        calendar.working_days_between(date(2026, 12, 30), date(2026, 12, 21)),
        -5
    );
}

#[test]
fn add_matches_day_by_day_on_moderate_n() {
    let calendar = ew();
    let start = date(1998, 12, 20);
    let mut day = start;
    for n in 1..=9000_u32 {
        day = day.succ_opt().unwrap();
        while !calendar.is_working_day(day) {
            day = day.succ_opt().unwrap();
        }
        assert_eq!(calendar.add_working_days(start, n), Some(day), "n {n}");
        assert_eq!(calendar.working_days_between(start, day), i64::from(n));
    }
}

/// Working days in a year from its listed holidays and declared days: independent of the
/// calendar's internal per-year arithmetic.
fn working_days_in_year(calendar: &Calendar, year: i32) -> u64 {
    let first = date(year, 1, 1);
    let days_in_year = if first.leap_year() { 366 } else { 365 };
    // 52 whole weeks, then the last one or two days of the year.
    let mut weekdays = 260;
    for back in 0..(days_in_year - 364) {
        let d = date(year, 12, 31 - back);
        if !is_weekend(d) {
            weekdays += 1;
        }
    }
    let mut off: BTreeSet<NaiveDate> = calendar
        .bank_holidays(year)
        .iter()
        .map(|h| h.date)
        .collect();
    off.extend(calendar.non_business_days(year).iter().map(|d| d.date));
    let off_weekdays = off.iter().filter(|d| !is_weekend(**d)).count();
    weekdays - off_weekdays as u64
}

/// A slower reference for large n: whole years by listed holidays, then day by day.
fn add_year_by_year(calendar: &Calendar, start: NaiveDate, n: u64) -> NaiveDate {
    let mut left = n;
    let mut day = start;
    while left > 0 && day.year() == start.year() {
        day = day.succ_opt().unwrap();
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    let mut year = day.year();
    if left > 0 {
        // `day` is 1 January of `year`, not yet examined.
        day = day.pred_opt().unwrap();
        loop {
            let in_year = working_days_in_year(calendar, year);
            if in_year >= left {
                break;
            }
            left -= in_year;
            year += 1;
            day = date(year, 1, 1).pred_opt().unwrap();
        }
        while left > 0 {
            day = day.succ_opt().unwrap();
            if calendar.is_working_day(day) {
                left -= 1;
            }
        }
    }
    day
}

#[test]
fn big_n_matches_year_by_year_reference() {
    // Data in far-off years, to exercise the per-year corrections inside a long jump.
    let mut data = CalendarData::england_and_wales_exceptions();
    data.added.push(NamedDay {
        date: date(5000, 3, 14), // a Friday
        name: "one-off".into(),
    });
    data.removed.push(date(7000, 12, 25)); // Christmas 7000 is a Thursday
    data.non_business_days.push(NamedDay {
        date: date(6000, 6, 6), // a Tuesday
        name: "declared".into(),
    });
    data.non_business_days.push(NamedDay {
        date: date(6000, 6, 10), // a Saturday: no effect
        name: "weekend".into(),
    });
    let calendar = Calendar::new(&data);
    assert_eq!(date(5000, 3, 14).weekday(), Weekday::Fri);
    assert_eq!(date(7000, 12, 25).weekday(), Weekday::Thu);
    assert_eq!(date(6000, 6, 6).weekday(), Weekday::Tue);
    for (start, n) in [
        (date(2026, 12, 3), 1_000_000_u32),
        (date(2026, 12, 3), 2_000_000),
        (date(1979, 2, 28), 3_000_003),
        (date(2000, 1, 1), 12_345_678),
    ] {
        let fast = calendar.add_working_days(start, n).unwrap();
        assert_eq!(
            fast,
            add_year_by_year(&calendar, start, u64::from(n)),
            "{start} + {n}"
        );
        assert!(calendar.is_working_day(fast));
        assert_eq!(calendar.working_days_between(start, fast), i64::from(n));
        assert_eq!(calendar.working_days_between(fast, start), -i64::from(n));
    }
}

#[test]
fn end_of_chrono_range() {
    let calendar = ew();
    assert_eq!(calendar.add_working_days(date(2026, 1, 1), u32::MAX), None);
    assert_eq!(calendar.add_working_days(NaiveDate::MAX, 1), None);
    assert_eq!(
        calendar.add_working_days(NaiveDate::MAX, 0),
        Some(NaiveDate::MAX)
    );
    assert_eq!(calendar.next_working_day(NaiveDate::MAX), None);
    assert_eq!(calendar.previous_working_day(NaiveDate::MIN), None);
    // The last working day chrono can represent is reachable, and one more is not.
    let last = if calendar.is_working_day(NaiveDate::MAX) {
        NaiveDate::MAX
    } else {
        calendar.previous_working_day(NaiveDate::MAX).unwrap()
    };
    assert_eq!(NaiveDate::MAX, date(262_142, 12, 31));
    assert_eq!(NaiveDate::MAX.weekday(), Weekday::Mon);
    assert_eq!(last, NaiveDate::MAX);
    assert!(last > NaiveDate::MAX - chrono::Duration::days(10));
    let start = date(2026, 12, 3);
    let n = u32::try_from(calendar.working_days_between(start, last)).unwrap();
    assert_eq!(calendar.add_working_days(start, n), Some(last));
    assert_eq!(calendar.add_working_days(start, n + 1), None);
    // From the first date chrono can represent to the last.
    let all = calendar.working_days_between(NaiveDate::MIN, NaiveDate::MAX);
    assert!(all > 130_000_000);
    assert_eq!(
        calendar.working_days_between(NaiveDate::MAX, NaiveDate::MIN),
        -all
    );
    assert_eq!(
        calendar.add_working_days(NaiveDate::MIN, u32::try_from(all).unwrap()),
        Some(last)
    );
}

fn any_date_1990_2100() -> impl Strategy<Value = NaiveDate> {
    let first = date(1990, 1, 1);
    let span = date(2100, 12, 31).signed_duration_since(first).num_days();
    (0..=span).prop_map(move |offset| first + chrono::Duration::days(offset))
}

proptest! {
    #[test]
    fn add_then_between_gives_n(start in any_date_1990_2100(), n in 0_u32..2000) {
        let calendar = ew();
        let end = calendar.add_working_days(start, n).unwrap();
        prop_assert_eq!(calendar.working_days_between(start, end), i64::from(n));
        prop_assert_eq!(calendar.working_days_between(end, start), -i64::from(n));
        if n > 0 {
            prop_assert!(calendar.is_working_day(end));
            prop_assert!(end > start);
            // The previous working day before the n-th is the (n-1)-th.
            let before = calendar.previous_working_day(end).unwrap();
            prop_assert_eq!(
                Some(before.max(start)),
                calendar.add_working_days(start, n - 1)
            );
        } else {
            prop_assert_eq!(end, start);
        }
    }

    #[test]
    fn add_equals_day_by_day_reference(start in any_date_1990_2100(), n in 0_u32..5000) {
        let calendar = ew();
        prop_assert_eq!(
            calendar.add_working_days(start, n),
            Some(add_day_by_day(&calendar, start, n))
        );
    }

    #[test]
    fn between_equals_day_by_day_count(a in any_date_1990_2100(), b in any_date_1990_2100()) {
        let calendar = ew();
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        // Keep the day-by-day walk short.
        let hi = hi.min(lo + chrono::Duration::days(4000));
        let mut count = 0_i64;
        let mut day = lo;
        while day < hi {
            day = day.succ_opt().unwrap();
            if calendar.is_working_day(day) {
                count += 1;
            }
        }
        prop_assert_eq!(calendar.working_days_between(lo, hi), count);
        prop_assert_eq!(calendar.working_days_between(hi, lo), -count);
    }
}

// ---------------------------------------------------------------- London time

#[test]
fn london_spring_change() {
    // 2026: BST from 01:00 UTC on Sunday 29 March.
    assert_eq!(london_offset_seconds(dt(2026, 3, 29, 0, 59, 59)), 0);
    assert_eq!(london_offset_seconds(dt(2026, 3, 29, 1, 0, 0)), 3600);
    assert_eq!(
        utc_to_london(dt(2026, 3, 29, 0, 59, 59)),
        dt(2026, 3, 29, 0, 59, 59)
    );
    assert_eq!(
        utc_to_london(dt(2026, 3, 29, 1, 0, 0)),
        dt(2026, 3, 29, 2, 0, 0)
    );
    assert_eq!(london_to_utc(dt(2026, 3, 29, 1, 30, 0)), LocalTime::Missing);
    assert_eq!(london_to_utc(dt(2026, 3, 29, 1, 0, 0)), LocalTime::Missing);
    assert_eq!(
        london_to_utc(dt(2026, 3, 29, 0, 59, 59)),
        LocalTime::Single(dt(2026, 3, 29, 0, 59, 59))
    );
    assert_eq!(
        london_to_utc(dt(2026, 3, 29, 2, 0, 0)),
        LocalTime::Single(dt(2026, 3, 29, 1, 0, 0))
    );
    assert_eq!(london_to_utc(dt(2026, 3, 29, 1, 30, 0)).earliest(), None);
}

#[test]
fn london_autumn_change() {
    // 2026: GMT again from 01:00 UTC on Sunday 25 October.
    assert_eq!(london_offset_seconds(dt(2026, 10, 25, 0, 59, 59)), 3600);
    assert_eq!(london_offset_seconds(dt(2026, 10, 25, 1, 0, 0)), 0);
    assert_eq!(
        utc_to_london(dt(2026, 10, 25, 0, 59, 59)),
        dt(2026, 10, 25, 1, 59, 59)
    );
    assert_eq!(
        utc_to_london(dt(2026, 10, 25, 1, 0, 0)),
        dt(2026, 10, 25, 1, 0, 0)
    );
    let repeated = london_to_utc(dt(2026, 10, 25, 1, 30, 0));
    assert_eq!(
        repeated,
        LocalTime::Ambiguous {
            earlier: dt(2026, 10, 25, 0, 30, 0),
            later: dt(2026, 10, 25, 1, 30, 0),
        }
    );
    assert_eq!(repeated.earliest(), Some(dt(2026, 10, 25, 0, 30, 0)));
    assert_eq!(repeated.latest(), Some(dt(2026, 10, 25, 1, 30, 0)));
    assert_eq!(
        london_to_utc(dt(2026, 10, 25, 0, 59, 59)),
        LocalTime::Single(dt(2026, 10, 24, 23, 59, 59))
    );
    assert_eq!(
        london_to_utc(dt(2026, 10, 25, 2, 0, 0)),
        LocalTime::Single(dt(2026, 10, 25, 2, 0, 0))
    );
}

#[test]
fn london_ordinary_times() {
    // Summer: 14:30 BST is 13:30 UTC, both ways.
    let summer_utc = dt(2026, 7, 15, 13, 30, 0);
    assert_eq!(london_offset_seconds(summer_utc), 3600);
    assert_eq!(utc_to_london(summer_utc), dt(2026, 7, 15, 14, 30, 0));
    assert_eq!(
        london_to_utc(dt(2026, 7, 15, 14, 30, 0)),
        LocalTime::Single(summer_utc)
    );
    // Winter: GMT.
    let winter = dt(2026, 1, 15, 9, 0, 0);
    assert_eq!(london_offset_seconds(winter), 0);
    assert_eq!(utc_to_london(winter), winter);
    assert_eq!(london_to_utc(winter), LocalTime::Single(winter));
    // The London date runs an hour ahead of UTC in summer.
    assert_eq!(london_date(dt(2026, 6, 30, 23, 30, 0)), date(2026, 7, 1));
    assert_eq!(london_date(dt(2026, 12, 31, 23, 30, 0)), date(2026, 12, 31));
    // Other years: 2024 changed on 31 March and 27 October; 2027 on 28 March and 31 October.
    assert_eq!(london_offset_seconds(dt(2024, 3, 31, 1, 0, 0)), 3600);
    assert_eq!(london_offset_seconds(dt(2024, 10, 27, 1, 0, 0)), 0);
    assert_eq!(london_offset_seconds(dt(2027, 3, 28, 0, 59, 59)), 0);
    assert_eq!(london_offset_seconds(dt(2027, 10, 31, 0, 59, 59)), 3600);
    // The ends of chrono's range are winter: nothing overflows.
    assert_eq!(utc_to_london(NaiveDateTime::MAX), NaiveDateTime::MAX);
    assert_eq!(
        london_to_utc(NaiveDateTime::MIN),
        LocalTime::Single(NaiveDateTime::MIN)
    );
}

proptest! {
    #[test]
    fn london_round_trip(secs in 0_i64..(150 * 366 * 86_400)) {
        let utc = dt(1996, 1, 1, 0, 0, 0) + chrono::Duration::seconds(secs);
        let local = utc_to_london(utc);
        let back = london_to_utc(local);
        prop_assert!(back.earliest() == Some(utc) || back.latest() == Some(utc));
        prop_assert!(back != LocalTime::Missing);
    }
}
