"""Reports, results, rule sets and exceptions pickle and unpickle (multiprocessing and Spark
workers pass them between processes); a CRN generator refuses to (two copies would issue the
same CRNs)."""

from __future__ import annotations

import concurrent.futures
import datetime
import pickle
from typing import Any, List

import pytest

import cms
from conftest import BAD_MPRN_UPLOAD, CLEAN_UPLOAD

PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)


def roundtrip(x: Any, protocol: int = pickle.HIGHEST_PROTOCOL) -> Any:
    return pickle.loads(pickle.dumps(x, protocol=protocol))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_report(protocol: int) -> None:
    many = b'"A00",1234,"CMQ",20261202,093000,42\n' + b'"C01","R","CDQ",1234567890,,,20261101,,,,"d"\n' * 9 + b'"Z99",9\n'
    for r in (
        cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00042.CMQ"),
        cms.validate(CLEAN_UPLOAD),
        cms.validate(many, max_findings=2),
    ):
        back = roundtrip(r, protocol)
        assert isinstance(back, cms.Report)
        assert back == r
        assert back.findings == r.findings
        assert back.suppressed == r.suppressed
        assert back.to_json() == r.to_json() and back.to_text() == r.to_text()
        assert (back.accepted, back.records, back.errors, back.warnings) == (
            r.accepted,
            r.records,
            r.errors,
            r.warnings,
        )


def test_findings_and_catalogue_entries() -> None:
    f = cms.validate(BAD_MPRN_UPLOAD).findings[0]
    assert roundtrip(f) == f
    rules = cms.RuleSet.default()
    for d in rules.catalogue:
        assert roundtrip(d) == d
    for t in rules.contact_types:
        assert roundtrip(t) == t


def test_batch_results() -> None:
    r = cms.process(BAD_MPRN_UPLOAD, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ")
    back = roundtrip(r)
    assert back == r
    assert back.response == r.response
    assert back.contacts == r.contacts
    assert back.summary() == r.summary()
    assert [f.code for f in back.contacts[0].findings] == ["CON00008"]
    c = r.contacts[0]
    assert roundtrip(c) == c
    rejected = cms.process(BAD_MPRN_UPLOAD, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ", last_generation=50)
    assert roundtrip(rejected).file_rejections == rejected.file_rejections


def test_rule_sets_calendars_schemes_holidays() -> None:
    default = cms.RuleSet.default()
    assert roundtrip(default).origin == "<embedded>"
    mine = cms.RuleSet.from_json(default.to_json(), "mine.json")
    back = roundtrip(mine)
    assert (back.origin, back.to_json()) == ("mine.json", mine.to_json())
    cal = default.calendar
    assert roundtrip(cal) == cal
    assert roundtrip(cal).add_working_days(datetime.date(2026, 12, 21), 5) == datetime.date(2026, 12, 30)
    assert roundtrip(cms.CrnScheme("T", 3)) == cms.CrnScheme("T", 3)
    h = cal.bank_holidays(2026)[0]
    assert roundtrip(h) == h


def test_generator_refuses() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(cms.CrnGenerator())


def _errors() -> List[BaseException]:
    out: List[BaseException] = []
    for make in (
        lambda: cms.RuleSet.from_json("{", "bad.json"),
        lambda: cms.validate(CLEAN_UPLOAD, format="XYZ"),
        lambda: cms.CrnScheme().parse("nope"),
        lambda: cms.check_mprn("1234567890"),
        lambda: cms._cms._panic_for_tests("pickled"),
        lambda: cms.validate("/no/such/file.CMQ"),
    ):
        try:
            make()
        except BaseException as e:  # noqa: BLE001
            out.append(e)
    return out


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_exceptions(protocol: int) -> None:
    errors = _errors()
    assert len(errors) == 6
    for e in errors:
        back = roundtrip(e, protocol)
        assert type(back) is type(e)
        assert str(back) == str(e)
        assert back.args == e.args
    rule_error = errors[0]
    assert isinstance(rule_error, cms.RuleFileError)
    back = roundtrip(rule_error, protocol)
    assert (back.origin, back.place, back.problem) == (rule_error.origin, rule_error.place, rule_error.problem)
    os_error = errors[-1]
    assert isinstance(roundtrip(os_error), FileNotFoundError)
    assert roundtrip(os_error).filename == "/no/such/file.CMQ"


def _validate_in_worker(data: bytes) -> cms.Report:
    return cms.validate(data, file_name="SHP00042.CMQ")


def _fail_in_worker(text: str) -> None:
    cms.RuleSet.from_json(text, "worker.json")


def test_across_processes() -> None:
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(_validate_in_worker, [BAD_MPRN_UPLOAD, CLEAN_UPLOAD]))
        assert [r.accepted for r in reports] == [False, True]
        assert reports[0] == cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00042.CMQ")
        with pytest.raises(cms.RuleFileError) as info:
            pool.submit(_fail_in_worker, "{").result()
        assert info.value.origin == "worker.json"
