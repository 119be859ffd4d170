"""The exception tree: cms.CmsError and its subclasses, I/O errors as OSError subclasses, a
Rust panic as cms.InternalError."""

from __future__ import annotations

import io
import os
import pathlib

import pytest

import cms
from cms import _cms
from conftest import CLEAN_UPLOAD


def test_the_tree() -> None:
    assert issubclass(cms.CmsError, Exception)
    for cls in (cms.RuleFileError, cms.ArgumentError, cms.CrnError, cms.MprnError, cms.InternalError):
        assert issubclass(cls, cms.CmsError)
        assert cls.__module__ == "cms"
        assert getattr(cms, cls.__name__) is cls
        assert cls.__doc__
    assert issubclass(cms.ArgumentError, ValueError)
    assert issubclass(cms.MprnError, ValueError)
    assert not issubclass(cms.CrnError, ValueError)


def test_rule_file_error_names_the_file_the_place_and_the_problem(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text('{"name": "x",\n  "version": ')
    with pytest.raises(cms.RuleFileError) as info:
        cms.RuleSet.load(path)
    e = info.value
    assert e.origin == str(path)
    assert e.place.startswith("line 2, column")
    assert e.problem
    assert str(e) == f"rule file `{path}`: {e.place}: {e.problem}"
    # A rule set that parses but is not consistent.
    data = cms.RuleSet.default().to_dict()
    data["version"] = ""
    import json

    with pytest.raises(cms.RuleFileError) as info:
        cms.RuleSet.from_json(json.dumps(data), "v.json")
    assert (info.value.origin, info.value.place) == ("v.json", "version")
    # Not UTF-8.
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(cms.RuleFileError, match="not UTF-8"):
        cms.RuleSet.load(path)


def test_argument_errors() -> None:
    with pytest.raises(cms.ArgumentError, match="unknown organisation type `supplier`"):
        cms.validate(CLEAN_UPLOAD, org_id=1, org_type="supplier")
    with pytest.raises(cms.ArgumentError, match="go together"):
        cms.validate(CLEAN_UPLOAD, org_id=1)
    with pytest.raises(cms.ArgumentError, match="go together"):
        cms.validate(CLEAN_UPLOAD, org_type="shipper")
    with pytest.raises(cms.ArgumentError, match="unknown format `XYZ`"):
        cms.validate(CLEAN_UPLOAD, format="XYZ")
    # An ArgumentError is a ValueError, as Python code expects of a bad value.
    with pytest.raises(ValueError):
        cms.validate(CLEAN_UPLOAD, format="XYZ")


def test_io_errors_are_the_builtin_subclasses(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "nope" / "SHP00042.CMQ"
    with pytest.raises(FileNotFoundError) as info:
        cms.validate(missing)
    assert info.value.filename == str(missing)
    assert info.value.errno == 2
    with pytest.raises(FileNotFoundError):
        cms.process(missing, 1234, "shipper", "2026-12-03")
    with pytest.raises(FileNotFoundError):
        cms.RuleSet.load(missing)
    with pytest.raises(IsADirectoryError):
        cms.validate(tmp_path)
    f = tmp_path / "file"
    f.write_bytes(b"")
    with pytest.raises(NotADirectoryError):
        cms.validate(f / "x.CMQ")
    # An OSError is not a CmsError: `except OSError` is how Python code catches I/O.
    assert not issubclass(FileNotFoundError, cms.CmsError)


def test_permission_error(tmp_path: pathlib.Path) -> None:
    if os.geteuid() == 0:
        # root reads everything; /sys refuses a new directory even to root.
        target = pathlib.Path("/sys/cms-permission-test")
        if not pathlib.Path("/sys").is_dir():
            pytest.skip("no /sys")
        upload = tmp_path / "SHP00042.CMQ"
        upload.write_bytes(CLEAN_UPLOAD)
        with pytest.raises(PermissionError):
            cms.process(upload, 1234, "shipper", "2026-12-03", out_dir=target)
    else:
        locked = tmp_path / "SHP00042.CMQ"
        locked.write_bytes(CLEAN_UPLOAD)
        locked.chmod(0)
        with pytest.raises(PermissionError):
            cms.validate(locked)


def test_a_file_objects_exception_comes_back_as_it_was() -> None:
    class Failing(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: object) -> int:
            raise PermissionError(13, "denied by the test")

    with pytest.raises(PermissionError, match="denied by the test"):
        cms.validate(Failing())

    class Boom:
        def read(self, n: int) -> bytes:
            raise KeyError("boom")

    with pytest.raises(KeyError):
        cms.validate(Boom())
    with pytest.raises(KeyError):
        cms.process(Boom(), 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ")


def test_a_panic_is_an_internal_error_not_a_base_exception() -> None:
    with pytest.raises(cms.InternalError, match=r"please report it\): deliberate"):
        _cms._panic_for_tests("deliberate")
    try:
        _cms._panic_for_tests("again")
    except Exception as e:  # noqa: BLE001 - the point: `except Exception` catches it
        assert isinstance(e, cms.CmsError)
    # The extension still works afterwards.
    assert cms.validate(CLEAN_UPLOAD).accepted


def test_crn_and_mprn_errors() -> None:
    with pytest.raises(cms.CrnError):
        cms.CrnScheme().parse("X")
    with pytest.raises(cms.MprnError):
        cms.check_mprn("")
