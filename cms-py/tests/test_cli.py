"""python -m cms validate: the same options, output and exit codes as `cms validate`."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
from typing import List, Optional

import pytest

import cms
from conftest import BAD_MPRN_UPLOAD, CLEAN_UPLOAD, REPO


def run(*args: str, cwd: Optional[pathlib.Path] = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cms", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture()
def files(tmp_path: pathlib.Path) -> List[pathlib.Path]:
    clean = tmp_path / "clean" / "SHP00042.CMQ"
    bad = tmp_path / "bad" / "SHP00042.CMQ"
    for p, data in ((clean, CLEAN_UPLOAD), (bad, BAD_MPRN_UPLOAD)):
        p.parent.mkdir()
        p.write_bytes(data)
    return [clean, bad]


def test_exit_codes(files: List[pathlib.Path], tmp_path: pathlib.Path) -> None:
    clean, bad = files
    assert run("validate", str(clean)).returncode == 0
    assert run("validate", str(bad)).returncode == 1
    assert run("validate", str(clean), str(bad)).returncode == 1
    missing = run("validate", str(tmp_path / "missing.CMQ"))
    assert missing.returncode == 2 and missing.stderr.startswith("cms: error: ")
    assert run("validate").returncode == 2  # usage
    assert run("validate", "--org-id", "1", str(clean)).returncode == 2  # needs --org-type
    assert run("validate", "--org-id", "1", "--org-type", "nope", str(clean)).returncode == 2
    assert run("--rules", str(tmp_path / "no.json"), "validate", str(clean)).returncode == 2
    assert run("validate", "--format", "XYZ", str(clean)).returncode == 2


def test_human_output(files: List[pathlib.Path]) -> None:
    clean, bad = files
    done = run("validate", str(bad))
    assert done.stdout == cms.validate(bad).to_text()
    assert done.stdout.splitlines()[0] == (
        f"{bad}:2: SUPPLY_METER_POINT_REFERENCE: error[CON00008]: MPRN `1234567890` fails its "
        "check digits (they would be `10`)"
    )
    assert run("validate", str(clean)).stdout.splitlines()[-1].startswith(f"{clean}: accepted: 3 records")


def test_json_output_one_object_per_file(files: List[pathlib.Path]) -> None:
    done = run("validate", "--output", "json", *map(str, files))
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    objects = [json.loads(line) for line in lines]
    assert [o["accepted"] for o in objects] == [True, False]
    assert objects[1]["findings"][0]["code"] == "CON00008"


def test_options(files: List[pathlib.Path], tmp_path: pathlib.Path) -> None:
    clean, bad = files
    assert "FIL00010" in run("validate", "--last-generation", "42", str(clean)).stdout
    assert "1234567890" not in run("validate", "--redact", str(bad)).stdout
    assert run("validate", "--org-id", "1234", "--org-type", "shipper", str(clean)).returncode == 0
    assert run("validate", "--org-id", "99", "--org-type", "shipper", str(clean)).returncode == 1
    capped = run("validate", "--max-findings", "0", "--output", "json", str(bad))
    assert json.loads(capped.stdout)["findings"][0]["code"] == "FIL00017"
    user = tmp_path / "alice.json"
    user.write_text(
        json.dumps(
            {
                "id": "alice",
                "organisation_id": 1234,
                "roles": ["user"],
                "status": "active",
                "permissions": {"raise": ["DMQ"], "upload_batches": True, "view_only": False},
            }
        )
    )
    done = run("validate", "--org-id", "1234", "--org-type", "shipper", "--user", str(user), str(clean))
    assert done.returncode == 1 and "CON00016" in done.stdout
    late = run("validate", "--org-id", "1234", "--org-type", "shipper", "--at", "2026-12-03T19:00:00", str(clean))
    assert late.returncode == 1 and "FIL00021" in late.stdout
    assert run("validate", "--user", str(user), str(clean)).returncode == 2  # needs --org-id
    assert run("validate", "--strict", str(clean)).returncode == 0


def _cms_binary() -> Optional[str]:
    for candidate in (os.environ.get("CMS_BIN"), str(REPO / "target" / "release" / "cms")):
        if candidate and os.path.exists(candidate):
            return candidate
    return shutil.which("cms")


def test_same_output_as_the_rust_command(files: List[pathlib.Path]) -> None:
    binary = _cms_binary()
    if binary is None:
        pytest.skip("the cms command is not built (cargo build --release -p cms-cli)")
    example = REPO / "examples" / "data" / "SHP00043.CMQ"
    paths = [*map(str, files)] + ([str(example)] if example.exists() else [])
    for extra in ([], ["--org-id", "1234", "--org-type", "shipper"], ["--strict", "--redact"]):
        for output in ("human", "json"):
            args = ["validate", "--output", output, *extra, *paths]
            ours = run(*args)
            theirs = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)
            assert ours.returncode == theirs.returncode
            if output == "json":
                assert [json.loads(x) for x in ours.stdout.splitlines()] == [
                    json.loads(x) for x in theirs.stdout.splitlines()
                ]
            else:
                assert ours.stdout == theirs.stdout
