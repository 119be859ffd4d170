"""cms.validate and what it returns: Report and Finding."""

from __future__ import annotations

import io
import json
import pathlib

import pytest

import cms
from conftest import BAD_MPRN_UPLOAD, CLEAN_UPLOAD


def test_bytes_with_a_name() -> None:
    report = cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00042.CMQ")
    assert not report.accepted
    assert (report.records, report.errors, report.warnings, report.suppressed) == (3, 1, 0, 0)
    assert report.format == "CMQ"
    assert report.file == "SHP00042.CMQ"
    assert (report.rules_name, report.rules_version) == (
        cms.RuleSet.default().name,
        cms.RuleSet.default().version,
    )
    [f] = report.findings
    assert isinstance(f, cms.Finding)
    assert (f.code, f.severity, f.scope, f.line, f.record_type, f.field, f.field_index) == (
        "CON00008",
        "error",
        "field",
        2,
        "C01",
        "SUPPLY_METER_POINT_REFERENCE",
        4,
    )
    assert f.message == "MPRN `1234567890` fails its check digits (they would be `10`)"
    assert f.is_error
    assert len(report) == 1


def test_clean_upload_is_accepted() -> None:
    report = cms.validate(CLEAN_UPLOAD, file_name="SHP00042.CMQ")
    assert report.accepted
    assert report.findings == []
    assert report.errors == 0


def test_every_kind_of_source_gives_the_same_findings(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "SHP00042.CMQ"
    path.write_bytes(BAD_MPRN_UPLOAD)
    by_bytes = cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00042.CMQ")
    sources = [
        str(path),
        path,
        bytearray(BAD_MPRN_UPLOAD),
        memoryview(BAD_MPRN_UPLOAD),
        open(path, "rb"),
        io.BytesIO(BAD_MPRN_UPLOAD),
        io.BufferedReader(io.BytesIO(BAD_MPRN_UPLOAD), buffer_size=7),
    ]
    for source in sources:
        name = None if isinstance(source, (str, pathlib.Path)) or hasattr(source, "name") else "SHP00042.CMQ"
        if isinstance(source, (str, pathlib.Path)):
            report = cms.validate(source)
        else:
            report = cms.validate(source, file_name=name)
        if hasattr(source, "close"):
            source.close()
        assert report.findings == by_bytes.findings, source
        assert report.records == by_bytes.records
    # A path report names the path; a file object its name.
    assert cms.validate(path).file == str(path)
    with open(path, "rb") as f:
        assert cms.validate(f).file == "SHP00042.CMQ"


def test_the_file_name_is_checked_against_the_header() -> None:
    report = cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00041.CMQ")
    codes = [f.code for f in report.findings]
    assert "FIL00009" in codes  # the generation number differs from the name's
    # Without a name there is nothing to compare.
    assert "FIL00009" not in [f.code for f in cms.validate(BAD_MPRN_UPLOAD).findings]


def test_options_reach_the_core() -> None:
    upload = BAD_MPRN_UPLOAD
    assert cms.validate(upload, strict=True).errors == 1
    # The uploader: an organisation type that may not raise CDQ.
    r = cms.validate(upload, org_id=1234, org_type="gt", file_name="SHP00042.CMQ")
    assert "CON00004" in [f.code for f in r.findings]
    # The header's organisation is not the uploader.
    r = cms.validate(upload, org_id=99, org_type="shipper", file_name="SHP00042.CMQ")
    assert "FIL00013" in [f.code for f in r.findings]
    # Duplicate generation.
    r = cms.validate(upload, file_name="SHP00042.CMQ", last_generation=42)
    assert "FIL00010" in [f.code for f in r.findings]
    # Redaction leaves the value out.
    r = cms.validate(upload, file_name="SHP00042.CMQ", redact=True)
    assert "1234567890" not in r.findings[0].message
    # A format asked for that the header does not say.
    r = cms.validate(upload, file_name="SHP00042.CMQ", format="CMR")
    assert "FIL00012" in [f.code for f in r.findings]
    # Limits.
    r = cms.validate(upload, max_line_bytes=40)
    assert "REC00008" in [f.code for f in r.findings]
    r = cms.validate(upload, max_fields=3)
    assert r.errors > 0


def test_findings_cap_counts_the_rest() -> None:
    bad = b'"C01","R","CDQ",1234567890,,,20261101,,,,"d"\n'
    upload = b'"A00",1234,"CMQ",20261202,093000,42\n' + bad * 50 + b'"Z99",50\n'
    r = cms.validate(upload, max_findings=5)
    assert len(r.findings) == 6  # five listed and the cap's own warning
    assert r.findings[-1].code == "FIL00017"
    assert r.suppressed > 0
    assert r.errors > 5


def test_to_dicts_and_to_json_have_the_command_line_keys() -> None:
    r = cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00042.CMQ")
    [d] = r.to_dicts()
    keys = ["code", "severity", "scope", "line", "record_type", "field", "field_index", "message"]
    assert list(d) == keys
    assert d == r.findings[0].to_dict()
    j = json.loads(r.to_json())
    assert set(j) == {
        "file",
        "format",
        "rules_name",
        "rules_version",
        "accepted",
        "records",
        "errors",
        "warnings",
        "findings",
    }
    assert j["findings"] == [d]
    assert cms.Report.from_json(r.to_json()) == cms.Report._from_state(r.to_json(), 0)
    assert cms.Report.from_json(r.to_json()).findings == r.findings


def test_to_text_is_the_command_line_output() -> None:
    r = cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00042.CMQ")
    assert r.to_text() == (
        "SHP00042.CMQ:2: SUPPLY_METER_POINT_REFERENCE: error[CON00008]: MPRN `1234567890` "
        "fails its check digits (they would be `10`)\n"
        f"SHP00042.CMQ: rejected: 3 records, 1 errors, 0 warnings (format CMQ, rules "
        f"{r.rules_name} {r.rules_version})\n"
    )
    assert cms.validate(b"").to_text().startswith("-:")


def test_findings_are_made_once_and_handed_out_as_new_lists() -> None:
    r = cms.validate(BAD_MPRN_UPLOAD)
    a, b = r.findings, r.findings
    assert a == b and a is not b
    assert a[0] is b[0]
    a.clear()
    assert len(r.findings) == 1


def test_finding_objects() -> None:
    f = cms.Finding("CON00008", "error", "field", 2, "C01", "X", 4, "m")
    assert f == cms.Finding("CON00008", "error", "field", 2, "C01", "X", 4, "m")
    assert f != cms.Finding("CON00008", "warning", "field", 2, "C01", "X", 4, "m")
    assert repr(f) == "Finding(code='CON00008', severity='error', scope='field', line=2, field='X', message='m')"
    with pytest.raises(cms.ArgumentError, match="severity"):
        cms.Finding("CON00008", "fatal", "field", 2, "C01", "X", 4, "m")
    with pytest.raises(TypeError):
        hash(f)


def test_report_json_that_is_not_one() -> None:
    with pytest.raises(ValueError, match="not a cms report"):
        cms.Report.from_json('{"file": 1}')


def test_repr() -> None:
    r = cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00042.CMQ")
    assert repr(r) == "<Report SHP00042.CMQ rejected: 3 records, 1 errors, 0 warnings>"


def test_frames_need_their_library() -> None:
    r = cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00042.CMQ")
    for method, library in ((r.to_pandas, "pandas"), (r.to_polars, "polars")):
        try:
            __import__(library)
        except ImportError:
            with pytest.raises(ImportError, match=f"pip install {library}"):
                method()


def test_to_pandas() -> None:
    pd = pytest.importorskip("pandas")
    r = cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00042.CMQ")
    df = r.to_pandas()
    assert list(df.columns) == list(r.to_dicts()[0])
    assert df.loc[0, "code"] == "CON00008"
    assert str(df["line"].dtype) == "Int64"
    empty = cms.validate(CLEAN_UPLOAD).to_pandas()
    assert len(empty) == 0 and list(empty.columns) == list(df.columns)
    assert isinstance(df, pd.DataFrame)


def test_to_polars() -> None:
    pl = pytest.importorskip("polars")
    r = cms.validate(BAD_MPRN_UPLOAD, file_name="SHP00042.CMQ")
    df = r.to_polars()
    assert df["code"].to_list() == ["CON00008"]
    assert df.schema["line"] == pl.Int64
    assert cms.validate(CLEAN_UPLOAD).to_polars().height == 0


def test_user_rules_from_a_path_or_object() -> None:
    text = cms.RuleSet.default().to_json()
    mine = cms.RuleSet.from_json(text, "mine.json")
    assert cms.validate(BAD_MPRN_UPLOAD, rules=mine).findings == cms.validate(BAD_MPRN_UPLOAD).findings


def test_the_uploading_user_and_time() -> None:
    user = {
        "id": "alice",
        "organisation_id": 1234,
        "roles": ["user"],
        "status": "active",
        "permissions": {"raise": ["DMQ"], "upload_batches": True, "view_only": False},
    }
    r = cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", user=user, file_name="SHP00042.CMQ")
    assert [f.code for f in r.findings] == ["CON00016"]
    user["permissions"]["raise"] = ["CDQ"]  # type: ignore[index]
    r = cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", user=user, at="2026-12-03T10:00:00")
    assert r.accepted, r.to_text()
    import datetime

    evening = datetime.datetime(2026, 12, 3, 19, 0)
    r = cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", at=evening)
    assert [f.code for f in r.findings] == ["FIL00021"]
    aware = datetime.datetime(2026, 12, 3, 20, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    r2 = cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", at=aware)
    assert r2.findings == r.findings
    outage = [{"from": "2026-12-03T09:00:00", "to": "2026-12-03T11:00:00"}]
    r = cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", at="2026-12-03T10:00:00", outages=outage)
    assert [f.code for f in r.findings] == ["FIL00021"]
    with pytest.raises(cms.ArgumentError, match="user"):
        cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", user={"id": "x"})
