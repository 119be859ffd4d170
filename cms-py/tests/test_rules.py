"""The rule set, CRNs, MPRNs, LDZs and the calendar."""

from __future__ import annotations

import datetime
import json
import pathlib

import pytest

import cms
from conftest import CORPUS

D = datetime.date


def test_default_rule_set(rules: cms.RuleSet) -> None:
    assert rules.origin == "<embedded>"
    assert rules.name and rules.version
    assert {"CMQ", "CMR"} <= set(rules.formats)
    assert cms.RuleSet.default().name == rules.name
    codes = [t.code for t in rules.contact_types]
    assert {"RFA", "CDQ", "DMQ", "FOM", "MNC"} <= set(codes)
    rfa = rules.contact_type("RFA")
    assert rfa is not None
    assert rfa.name == "Request For Adjustment"
    assert rfa.raised_by == ["shipper", "dmsp"]
    assert rfa.classes == [2, 3, 4]
    assert rfa.earliest_effective_date == D(2017, 6, 1)
    assert rfa.target_working_days == 10
    assert rfa.provenance == "confirmed" and rfa.family in ("operational", "invoicing")
    assert rfa.new_cms and not rfa.retired
    assert rfa.to_dict()["code"] == "RFA"
    assert rules.contact_type("ZZZ") is None
    assert rules.may_use_cms("shipper")
    with pytest.raises(cms.ArgumentError):
        rules.may_use_cms("supplier")
    assert rules.mprn_digits == (6, 10)
    assert rules.crn_scheme == cms.CrnScheme("C", 9)
    assert isinstance(rules.cdsp_organisation_id, int)
    assert repr(rules).startswith("<RuleSet ")


def test_catalogue(rules: cms.RuleSet) -> None:
    cat = rules.catalogue
    by_code = {d.code: d for d in cat}
    assert len(by_code) == len(cat)
    d = by_code["CON00008"]
    assert (d.check, d.severity, d.scope) == ("mprn_check_digits", "error", "field")
    assert "{value}" in d.message and "value" in d.params
    assert d.title


def test_export_and_load(tmp_path: pathlib.Path, rules: cms.RuleSet) -> None:
    text = rules.to_json()
    assert json.loads(text) == rules.to_dict()
    path = tmp_path / "mine.json"
    path.write_text(text)
    mine = cms.RuleSet.load(path)
    assert mine.origin == str(path)
    assert [t.code for t in mine.contact_types] == [t.code for t in rules.contact_types]
    assert cms.RuleSet.load(str(path)).name == rules.name


def test_a_user_rule_file_from_the_corpus() -> None:
    extras = CORPUS / "rules" / "extras.json"
    if not extras.exists():
        pytest.skip("no corpus")
    assert "TST" in cms.RuleSet.load(extras).formats


def test_crn_scheme() -> None:
    s = cms.CrnScheme()
    assert (s.prefix, s.width, s.length, s.max_sequence) == ("C", 9, 12, 999_999_999)
    assert s.format(1) == "C00000000195"
    assert s.format(123_456_789) == "C12345678978"
    assert s.parse("C12345678978") == 123_456_789
    assert s.is_valid("C00000000195") and not s.is_valid("C12345687978")
    with pytest.raises(cms.CrnError, match="check digits"):
        s.parse("C12345687978")
    with pytest.raises(cms.CrnError):
        s.format(0)
    with pytest.raises(cms.CrnError):
        cms.CrnScheme("C1", 9)
    with pytest.raises(cms.CrnError):
        cms.CrnScheme("C", 19)
    assert cms.crn_check_digits(1) == "95"
    assert repr(cms.CrnScheme("T", 1)) == "CrnScheme(prefix='T', width=1)"


def test_crn_generator() -> None:
    g = cms.CrnGenerator(cms.CrnScheme("T", 1), 8)
    assert g.next() == "T874"
    assert g.next() == "T971"
    with pytest.raises(cms.CrnError, match="no CRN sequences are left"):
        g.next()
    g = cms.CrnGenerator(first_sequence=5, block_size=2)
    assert [g.next_sequence() for _ in range(3)] == [5, 6, 7]
    assert g.block_size == 2 and g.scheme == cms.CrnScheme()


def test_crn_generator_over_a_host_source() -> None:
    blocks = iter([(10, 12), range(20, 22)])
    asked = []

    def source(wanted: int) -> object:
        asked.append(wanted)
        return next(blocks)

    g = cms.CrnGenerator(source=source, block_size=2)  # type: ignore[arg-type]
    assert [g.next_sequence() for _ in range(4)] == [10, 11, 20, 21]
    assert asked == [2, 2]
    # The source's own exception comes back (StopIteration from the exhausted iterator).
    with pytest.raises(StopIteration):
        g.next()

    def db_down(wanted: int) -> tuple:
        raise ConnectionError("the database is down")

    with pytest.raises(ConnectionError, match="database"):
        cms.CrnGenerator(source=db_down).next()
    with pytest.raises(cms.CrnError, match="above"):
        again = cms.CrnGenerator(source=lambda n: (5, 10))
        again.next()
        for _ in range(5):
            again.next()
    with pytest.raises(TypeError):
        cms.CrnGenerator(source=lambda n: "no").next()  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError):
        cms.CrnGenerator(source=lambda n: (-1, 3)).next()
    with pytest.raises(TypeError):
        cms.CrnGenerator(source=42)  # type: ignore[arg-type]
    with pytest.raises(cms.ArgumentError):
        cms.CrnGenerator(first_sequence=1, source=lambda n: (1, 2))


def test_mprn() -> None:
    assert cms.check_mprn("3938424403") == 3_938_424_403
    assert cms.check_mprn(b"2459924700") == 2_459_924_700
    assert cms.is_valid_mprn("1234567810") and not cms.is_valid_mprn("1234567890")
    with pytest.raises(cms.MprnError, match="check digits"):
        cms.check_mprn("1234567890")
    with pytest.raises(ValueError):
        cms.check_mprn("12345")
    with pytest.raises(cms.MprnError, match="digits"):
        cms.check_mprn("39384244O3")
    assert cms.mprn_check_digits("39384244") == "03"
    assert cms.mprn_check_digits("3938x244") is None
    with pytest.raises(TypeError):
        cms.check_mprn(3938424403)  # type: ignore[arg-type]


def test_ldz_and_org_types() -> None:
    assert cms.is_ldz("EA") and not cms.is_ldz("XX")
    assert len(cms.LDZ_CODES) == 13 and "WS" in cms.LDZ_CODES
    assert cms.ORG_TYPES == ("shipper", "gt", "igt", "mra", "dmsp", "uip", "cdsp")


def test_calendar(rules: cms.RuleSet) -> None:
    cal = rules.calendar
    assert cms.Calendar.england_and_wales() == cms.Calendar.england_and_wales()
    assert cal.add_working_days(D(2026, 12, 3), 5) == D(2026, 12, 10)
    assert cal.add_working_days(D(2026, 12, 21), 5) == D(2026, 12, 30)
    assert cal.add_working_days("2026-12-21", 5) == D(2026, 12, 30)
    assert cal.working_days_between(D(2026, 12, 21), D(2026, 12, 30)) == 5
    assert cal.working_days_between(D(2026, 12, 30), D(2026, 12, 21)) == -5
    assert cal.is_bank_holiday(D(2026, 12, 28)) and not cal.is_working_day(D(2026, 12, 28))
    assert cal.is_working_day(D(2026, 12, 29))
    assert not cal.is_non_business_day(D(2026, 12, 29))
    assert cal.next_working_day(D(2026, 12, 24)) == D(2026, 12, 29)
    assert cal.previous_working_day(D(2026, 12, 29)) == D(2026, 12, 24)
    h2022 = cal.bank_holidays(2022)
    assert D(2022, 9, 19) in [h.date for h in h2022]
    assert {h.kind for h in cal.bank_holidays(2004)} >= {"rule", "substitute"}
    boxing = [h for h in cal.bank_holidays(2026) if h.date == D(2026, 12, 28)][0]
    assert boxing.kind == "substitute" and "Boxing Day" in boxing.name
    assert repr(boxing).startswith("Holiday(date=2026-12-28, name='Boxing Day")
    assert cal.non_business_days(2026) == []
    with pytest.raises(ValueError):
        cal.add_working_days(D(9999, 12, 28), 5)  # past what Python's date can hold
    with pytest.raises(TypeError):
        cal.is_working_day(20261229)  # type: ignore[arg-type]


def test_gov_uk_list_matches() -> None:
    """The calendar reproduces GOV.UK's published England & Wales list (DOMAIN.md §6)."""
    path = CORPUS.parent.parent / "shared" / "data" / "bank_holidays_england_and_wales.json"
    if not path.exists():
        pytest.skip("shared data not here")
    data = json.loads(path.read_text())
    events = data.get("england-and-wales", data).get("events", [])
    cal = cms.Calendar.england_and_wales()
    want = {e["date"] for e in events}
    years = {int(d[:4]) for d in want}
    got = {h.date.isoformat() for y in years for h in cal.bank_holidays(y)}
    assert got == want


def test_london_time() -> None:
    summer = datetime.datetime(2026, 7, 1, 23, 30)
    assert cms.london_offset_seconds(summer) == 3600
    assert cms.london_date(summer) == D(2026, 7, 2)
    assert cms.utc_to_london(summer) == datetime.datetime(2026, 7, 2, 0, 30)
    winter = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.timezone.utc)
    assert cms.london_date(winter) == D(2026, 12, 1)
    with pytest.raises(TypeError):
        cms.london_date(D(2026, 1, 1))  # type: ignore[arg-type]


def test_service_status_and_workflows(rules: cms.RuleSet) -> None:
    open_ = cms.service_status("2026-12-03T10:00:00")
    assert open_["available"] is True and open_["rule"] is None
    evening = cms.service_status(datetime.datetime(2026, 12, 3, 19, 0))
    assert evening["available"] is False and evening["reason"]
    down = cms.service_status(
        "2026-12-03T10:00:00", outages=[{"from": "2026-12-03T09:00:00", "to": "2026-12-03T11:00:00"}]
    )
    assert down["available"] is False and down["rule"] == "outage"
    assert "default" in rules.workflows
    diagram = rules.lifecycle_mermaid()
    assert diagram is not None and diagram.startswith("stateDiagram")
    assert rules.lifecycle_mermaid("no-such-workflow") is None
