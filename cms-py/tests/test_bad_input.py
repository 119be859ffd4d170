"""Bad inputs: wrong types, huge files, non-UTF-8 bytes, garbage. A terrible file gives a
report; a wrong argument gives a TypeError, ValueError or cms.ArgumentError; nothing crashes."""

from __future__ import annotations

import io
import os
import pathlib
import random
import resource
from typing import Any

import pytest

import cms
from conftest import CLEAN_UPLOAD

HEADER = b'"A00",1234,"CMQ",20261202,093000,42\n'


@pytest.mark.parametrize("source", [None, 123, 1.5, ["a"], {"a": 1}, object()])
def test_wrong_source_types(source: Any) -> None:
    with pytest.raises(TypeError, match="expected a path"):
        cms.validate(source)


def test_wrong_option_types() -> None:
    with pytest.raises(TypeError):
        cms.validate(CLEAN_UPLOAD, strict="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cms.validate(CLEAN_UPLOAD, org_id="1234", org_type="shipper")  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        cms.validate(CLEAN_UPLOAD, org_id=-1, org_type="shipper")
    with pytest.raises(OverflowError):
        cms.validate(CLEAN_UPLOAD, max_findings=-1)
    with pytest.raises(TypeError):
        cms.validate(CLEAN_UPLOAD, rules=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cms.validate(CLEAN_UPLOAD, format=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cms.validate(CLEAN_UPLOAD, nonsense=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", at=3)  # type: ignore[arg-type]
    with pytest.raises(cms.ArgumentError, match="YYYY-MM-DDTHH:MM:SS"):
        cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", at="tomorrow")
    with pytest.raises(TypeError):
        cms.process(CLEAN_UPLOAD, 1234, "shipper", None, file_name="S.CMQ")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cms.process(CLEAN_UPLOAD, 1234, "shipper", "2026-12-03", file_name="S.CMQ", crn="C1")  # type: ignore[arg-type]


def test_text_mode_file_objects_are_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(TypeError, match="binary mode"):
        cms.validate(io.StringIO(CLEAN_UPLOAD.decode()))
    p = tmp_path / "SHP00042.CMQ"
    p.write_bytes(CLEAN_UPLOAD)
    with open(p, encoding="ascii") as f, pytest.raises(TypeError, match="binary mode"):
        cms.validate(f)


def test_a_read_that_returns_too_much() -> None:
    class Greedy:
        def read(self, n: int) -> bytes:
            return b"x" * (n + 1)

    with pytest.raises(OSError, match="returned"):
        cms.validate(Greedy())


def test_non_utf8_bytes_are_findings() -> None:
    upload = HEADER + b'"C01","R\xff1","CDQ",1234567810,,,20261101,,,,"caf\xe9 \x00"\n"Z99",1\n'
    r = cms.validate(upload, file_name="SHP00042.CMQ")
    assert not r.accepted
    codes = [f.code for f in r.findings]
    assert codes.count(cms.RuleSet.default().catalogue[0].code) == 0
    chars = [f for f in r.findings if f.code == _code("character_not_allowed")]
    assert chars, r.to_text()
    assert "\\xFF" in chars[0].message or "\\xE9" in chars[0].message
    r.to_json().encode("ascii")  # messages are ASCII


def _code(check: str) -> str:
    return next(d.code for d in cms.RuleSet.default().catalogue if d.check == check)


def test_non_utf8_paths(tmp_path: pathlib.Path) -> None:
    name = os.fsdecode(b"SHP00042\xff.CMQ")
    path = tmp_path / name
    path.write_bytes(CLEAN_UPLOAD)
    r = cms.validate(path)
    assert r.records == 3  # read; the name shows the odd byte as a replacement character
    with pytest.raises(UnicodeEncodeError):
        cms.validate(CLEAN_UPLOAD, file_name=name)


def test_garbage_never_crashes() -> None:
    rng = random.Random(7)
    alphabet = b'"A00C01Z99,\r\n\x00\xff 0123456789.-'
    for i in range(300):
        n = rng.randrange(0, 400)
        data = bytes(rng.choice(alphabet) for _ in range(n))
        if i % 3 == 0:
            data = HEADER + data
        r = cms.validate(data, file_name="SHP00042.CMQ", org_id=1234, org_type="shipper")
        assert isinstance(r.accepted, bool)
        cms.process(data, 1234, "shipper", "2026-12-03", file_name="SHP00042.CMQ")


def test_empty_and_tiny_inputs() -> None:
    assert [f.code for f in cms.validate(b"").findings] == [_code("empty_file")]
    for data in (b"\n", b'"', b",,,", b"\xef\xbb\xbf", b"\r\n\r\n"):
        assert not cms.validate(data).accepted


def test_a_huge_line_is_a_finding() -> None:
    line = b'"C01","' + b"x" * (10 * 1024 * 1024) + b'"\n'
    r = cms.validate(HEADER + line + b'"Z99",1\n')
    assert _code("line_too_long") in [f.code for f in r.findings]


class Contacts(io.RawIOBase):
    """A CMQ upload of `n` contacts, made as it is read (never all in memory)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.i = 0
        self.pending = HEADER
        self.done = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while len(self.pending) < len(b) and not self.done:
            if self.i < self.n:
                end = min(self.i + 2000, self.n)
                self.pending += b"".join(
                    b'"C01","REF-%d","CDQ",1234567810,,,20261101,,,,"meter over-reads"\n' % k
                    for k in range(self.i, end)
                )
                self.i = end
            else:
                self.pending += b'"Z99",%d\n' % self.n
                self.done = True
        chunk, self.pending = self.pending[: len(b)], self.pending[len(b) :]
        b[: len(chunk)] = chunk
        return len(chunk)


def test_a_huge_stream_is_read_in_chunks() -> None:
    n = 1_000_000  # about 70 MB
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = cms.validate(io.BufferedReader(Contacts(n), buffer_size=1 << 20), file_name="SHP00042.CMQ")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert r.records == n + 2
    # Same MPRN and type on every contact: each later one is a warning, capped in the list.
    assert r.errors == 0 and r.warnings >= n - 1
    assert r.suppressed > 0 and len(r.findings) == cms.DEFAULT_MAX_FINDINGS + 1
    # Streamed: memory grows by the per-reference index, not by the file.
    assert grown_mib < 200, grown_mib


def test_a_huge_file_on_disk(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "SHP00042.CMQ"
    with open(path, "wb") as f:
        f.write(HEADER)
        block = b'"C01","REF","CDQ",1234567810,,,20261101,,,,"meter over-reads"\n' * 10_000
        for _ in range(50):
            f.write(block)
        f.write(b'"Z99",500000\n')
    r = cms.validate(path, max_findings=10)
    assert r.records == 500_002
    assert len(r.findings) == 11 and r.suppressed > 0
