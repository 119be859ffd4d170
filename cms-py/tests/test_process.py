"""cms.process: the batch job, and BatchResult / ContactResult."""

from __future__ import annotations

import datetime
import io
import json
import pathlib
import shutil

import pytest

import cms
from conftest import BAD_MPRN_UPLOAD, CLEAN_UPLOAD

TWO = (
    b'"A00",1234,"CMQ",20261202,093000,42\n'
    b'"C01","REF-1","CDQ",1234567890,,,20261101,,,,"meter over-reads"\n'
    b'"C01","REF-2","CDQ",1234567810,,,20261101,,,,"meter over-reads"\n'
    b'"Z99",2\n'
)


def test_bytes_upload() -> None:
    r = cms.process(TWO, 1234, "shipper", datetime.date(2026, 12, 3), file_name="SHP00042.CMQ")
    assert r.file_accepted
    assert (r.contacts_total, r.accepted, r.warned, r.rejected) == (2, 1, 0, 1)
    assert r.response_file == "SHP00042.CMR" and r.response_path is None
    assert r.first_crn == r.last_crn == "C00000000195"
    bad, good = r.contacts
    assert isinstance(good, cms.ContactResult)
    assert (bad.line, bad.outcome, bad.crn, bad.target_date, bad.codes, bad.accepted) == (
        2,
        "RJ",
        None,
        None,
        ["CON00008"],
        False,
    )
    assert bad.findings[0].field == "SUPPLY_METER_POINT_REFERENCE"
    assert (good.customer_reference, good.contact_type, good.outcome, good.crn) == (
        "REF-2",
        "CDQ",
        "AC",
        "C00000000195",
    )
    assert good.target_date == datetime.date(2026, 12, 17)  # 10 working days after 3 December
    assert good.status is not None
    assert len(r) == 2
    assert r.response.startswith(b'"A00",')
    # The response validates as a CMR file.
    v = cms.validate(r.response, file_name=r.response_file)
    assert v.accepted and v.format == "CMR"


def test_path_upload_writes_the_response(tmp_path: pathlib.Path, example_upload: pathlib.Path) -> None:
    upload = tmp_path / example_upload.name
    shutil.copy(example_upload, upload)
    r = cms.process(upload, 1234, "shipper", "2026-12-03", out_dir=tmp_path / "out")
    assert r.file_accepted
    assert r.response_path == str(tmp_path / "out" / "SHP00042.CMR")
    assert pathlib.Path(r.response_path).read_bytes() == r.response
    # Default: beside the upload.
    r2 = cms.process(str(upload), 1234, "shipper", "2026-12-03")
    assert r2.response_path == str(tmp_path / "SHP00042.CMR")
    assert r2.contacts == r.contacts


def test_a_file_object_upload(example_upload: pathlib.Path) -> None:
    with open(example_upload, "rb") as f:
        r = cms.process(f, 1234, "shipper", "2026-12-03")
    assert r.response_file == "SHP00042.CMR"
    by_bytes = cms.process(example_upload.read_bytes(), 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ")
    assert r.contacts == by_bytes.contacts and r.response == by_bytes.response
    r3 = cms.process(io.BytesIO(TWO), 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ")
    assert r3.accepted == 1


def test_a_generator_carries_on_across_files() -> None:
    gen = cms.CrnGenerator(cms.RuleSet.default().crn_scheme, 500)
    a = cms.process(CLEAN_UPLOAD, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ", crn=gen)
    b = cms.process(CLEAN_UPLOAD, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ", crn=gen)
    scheme = cms.RuleSet.default().crn_scheme
    assert a.first_crn is not None and b.first_crn is not None
    assert scheme.parse(a.first_crn) == 500 and scheme.parse(b.first_crn) == 501
    c = cms.process(CLEAN_UPLOAD, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ", first_sequence=77)
    assert c.first_crn == scheme.format(77)


def test_file_rejected_issues_no_crn() -> None:
    r = cms.process(TWO, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ", last_generation=42)
    assert not r.file_accepted
    assert [f.code for f in r.file_rejections] == ["FIL00010"]
    assert r.first_crn is None and r.contacts == []
    assert b'"R00"' in r.response
    assert "file rejected" in repr(r)


def test_summary_dicts_and_frames() -> None:
    r = cms.process(TWO, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ", time=datetime.time(9, 30))
    s = r.summary()
    assert s["response_file"] == "SHP00042.CMR" and s["accepted"] == 1
    assert json.loads(json.dumps(s)) == s
    rows = r.to_dicts()
    assert [row["outcome"] for row in rows] == ["RJ", "AC"]
    assert rows[0]["findings"][0]["code"] == "CON00008"
    assert r.contacts[1].to_dict() == rows[1]
    assert b",20261203,093000,42" in r.response.split(b"\n")[0]


def test_to_pandas() -> None:
    pytest.importorskip("pandas")
    df = cms.process(TWO, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ").to_pandas()
    assert list(df["outcome"]) == ["RJ", "AC"]
    assert list(df.columns) == [
        "line",
        "customer_reference",
        "contact_type",
        "outcome",
        "crn",
        "target_date",
        "status",
        "codes",
    ]


def test_to_polars() -> None:
    pytest.importorskip("polars")
    df = cms.process(TWO, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ").to_polars()
    assert df["codes"].to_list() == [["CON00008"], []]


def test_arguments_that_do_not_go_together(tmp_path: pathlib.Path) -> None:
    with pytest.raises(cms.ArgumentError, match="file_name"):
        cms.process(TWO, 1234, "shipper", "2026-12-03")
    with pytest.raises(cms.ArgumentError, match="out_dir"):
        cms.process(TWO, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ", out_dir=tmp_path)
    with pytest.raises(cms.ArgumentError, match="first_sequence"):
        cms.process(TWO, 1234, "shipper", "2026-12-03", file_name="S.CMQ", crn=cms.CrnGenerator(), first_sequence=3)
    p = tmp_path / "SHP00042.CMQ"
    p.write_bytes(TWO)
    with pytest.raises(cms.ArgumentError, match="file_name"):
        cms.process(p, 1234, "shipper", "2026-12-03", file_name="x.CMQ")
    with pytest.raises(cms.ArgumentError, match="YYYY-MM-DD"):
        cms.process(TWO, 1234, "shipper", "3 December", file_name="SHP00042.CMQ")
    with pytest.raises(TypeError, match="today"):
        cms.process(TWO, 1234, "shipper", 20261203, file_name="SHP00042.CMQ")  # type: ignore[arg-type]


def test_bad_mprn_rejects_the_contact_only() -> None:
    r = cms.process(BAD_MPRN_UPLOAD, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ")
    assert r.file_accepted and r.rejected == 1 and r.first_crn is None
