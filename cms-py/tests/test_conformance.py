"""The shared conformance corpus (conformance/cases/*/case.json), run through the Python
package: the same checks, on the same files, as cms-core's tests/conformance.rs."""

from __future__ import annotations

import json
import pathlib
from collections import Counter
from typing import Any, Dict, List, Optional

import pytest

import cms
from conftest import CORPUS


def _cases() -> List[pathlib.Path]:
    cases = CORPUS / "cases"
    if not cases.is_dir():
        return []
    return sorted(p for p in cases.iterdir() if (p / "case.json").exists())


CASES = _cases()


def _spec(case: pathlib.Path) -> Dict[str, Any]:
    with open(case / "case.json", encoding="utf-8") as f:
        spec: Dict[str, Any] = json.load(f)
    return spec


def _rules(spec: Dict[str, Any]) -> cms.RuleSet:
    rel: Optional[str] = spec.get("rules")
    return cms.RuleSet.load(CORPUS / rel) if rel else cms.RuleSet.default()


def _validate_options(o: Dict[str, Any]) -> Dict[str, Any]:
    opts: Dict[str, Any] = {
        "format": o.get("format"),
        "strict": bool(o.get("strict", False)),
        "last_generation": o.get("last_generation"),
        "max_findings": o.get("max_findings"),
        "max_line_bytes": o.get("max_line_bytes"),
    }
    if o.get("org_id") is not None and o.get("org_type") is not None:
        opts["org_id"] = o["org_id"]
        opts["org_type"] = o["org_type"]
    if o.get("user") is not None:
        opts["user"] = o["user"]
    if o.get("at") is not None:
        opts["at"] = o["at"]
    return opts


def _matches(expected: Dict[str, Any], actual: cms.Finding) -> bool:
    return (
        expected["code"] == actual.code
        and expected["line"] == actual.line
        and expected["field"] == actual.field
        and ("scope" not in expected or expected["scope"] == actual.scope)
    )


def run_validate(case: pathlib.Path, spec: Dict[str, Any]) -> None:
    rules = _rules(spec)
    name = spec["input"]
    data = (case / name).read_bytes()
    report = cms.validate(data, rules=rules, file_name=name, **_validate_options(spec["options"]))
    expect = spec["expect"]
    actual = list(report.findings)
    shown = "\n".join(repr(f) for f in actual)
    for e in expect["findings"]:
        i = next((i for i, a in enumerate(actual) if _matches(e, a)), None)
        assert i is not None, f"expected finding {e} not found; got\n{shown}"
        del actual[i]
    assert not actual, f"unexpected findings {actual}"
    assert report.accepted == expect["accepted"]
    if "errors" in expect:
        assert report.errors == expect["errors"]


def run_process(case: pathlib.Path, spec: Dict[str, Any]) -> None:
    rules = _rules(spec)
    o = spec["options"]
    name = spec["input"]
    data = (case / name).read_bytes()
    opts = _validate_options(o)
    result = cms.process(
        data,
        o["org_id"],
        o["org_type"],
        o["today"],
        rules=rules,
        file_name=name,
        first_sequence=o.get("first_sequence", 1),
        last_generation=o.get("last_generation"),
        strict=opts["strict"],
        max_findings=opts["max_findings"],
        max_line_bytes=opts["max_line_bytes"],
        user=opts.get("user"),
        at=opts.get("at"),
    )
    expect = spec["expect"]
    assert result.file_accepted == expect["file_accepted"], repr(result)
    if "response_file" in expect:
        assert result.response_file == expect["response_file"]
    if "file_rejections" in expect:
        assert [f.code for f in result.file_rejections] == expect["file_rejections"]
    want = expect["contacts"]
    assert len(result.contacts) == len(want), result.contacts
    for w, c in zip(want, result.contacts):
        got = {
            "line": c.line,
            "outcome": c.outcome,
            "crn": c.crn,
            "target_date": c.target_date.isoformat() if c.target_date else None,
            "codes": Counter(c.codes),
        }
        assert got == {**w, "codes": Counter(w["codes"])}, f"contact: expected {w}, got {c}"
    # The response must itself pass the validator as a response file, one R01 per contact.
    response = cms.validate(result.response, rules=rules, file_name=result.response_file)
    assert response.errors == 0 and response.format == "CMR", (
        response.to_text() + result.response.decode("ascii", "replace")
    )
    r01 = sum(1 for line in result.response.split(b"\n") if line.startswith(b'"R01"'))
    assert r01 == len(result.contacts)


def test_corpus_is_here() -> None:
    assert len(CASES) > 50, f"corpus not found or too small: {len(CASES)} cases in {CORPUS}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: pathlib.Path) -> None:
    spec = _spec(case)
    kind = spec["kind"]
    if kind == "validate":
        run_validate(case, spec)
    elif kind == "process":
        run_process(case, spec)
    else:
        pytest.fail(f"unknown kind {kind!r}")


def test_every_finding_code_is_covered() -> None:
    seen = set()
    for case in CASES:
        e = _spec(case)["expect"]
        seen.update(f["code"] for f in e.get("findings", []))
        for c in e.get("contacts", []):
            seen.update(c["codes"])
        seen.update(e.get("file_rejections", []))
    missing = [d.code for d in cms.RuleSet.default().catalogue if d.code not in seen]
    assert not missing, f"codes without a conformance case: {missing}"
