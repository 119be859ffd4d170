"""Shared fixtures: where the repository's files are (the conformance corpus, examples)."""

from __future__ import annotations

import json
import pathlib
from typing import Any, Dict, List, Optional

import pytest

import cms

REPO = pathlib.Path(__file__).resolve().parents[2]
CORPUS = REPO / "conformance"
EXAMPLES = REPO / "examples" / "data"


def lifecycle_cases(kind: Optional[str] = None) -> List[Dict[str, Any]]:
    """The lifecycle and access corpus, conformance/lifecycle_cases.json (its form is in
    conformance/README.md): every case, or those of one kind (`transition`, `decide`)."""
    path = CORPUS / "lifecycle_cases.json"
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as f:
        cases: List[Dict[str, Any]] = json.load(f)
    return [c for c in cases if kind is None or c["kind"] == kind]


# An upload with one contact whose MPRN fails its check digits (as in cms-core's crate docs).
BAD_MPRN_UPLOAD = (
    b'"A00",1234,"CMQ",20261202,093000,42\n'
    b'"C01","REF-1","CDQ",1234567890,,,20261101,,,,"meter over-reads"\n'
    b'"Z99",1\n'
)
# The same contact with a valid MPRN: accepted.
CLEAN_UPLOAD = BAD_MPRN_UPLOAD.replace(b"1234567890", b"1234567810")


@pytest.fixture(scope="session")
def rules() -> cms.RuleSet:
    return cms.RuleSet.default()


@pytest.fixture(scope="session")
def example_upload() -> pathlib.Path:
    path = EXAMPLES / "SHP00042.CMQ"
    if not path.exists():
        pytest.skip("the repository's examples are not here")
    return path


@pytest.fixture(scope="session")
def faulty_upload() -> pathlib.Path:
    path = EXAMPLES / "SHP00043.CMQ"
    if not path.exists():
        pytest.skip("the repository's examples are not here")
    return path
