"""Side by side: the Python package ``cms`` against what a data team would otherwise use, on one
generated CMQ upload, in one run — and ``cms`` from Python against cms-core from Rust.

    python benches/python/compare.py [--contacts N] [--runs R] [--skip frictionless,...]

The tools:

- ``cms`` — ``cms.validate(path, org_id=1234, org_type="shipper")``: the whole file (header,
  trailer and record count, hierarchy, quoting, character set, every field domain) and the
  contact rules (contact type, uploader, required and forbidden fields, MPRN check digits, class,
  dates, duplicate references and meter points).
- ``rust`` — ``cms_core::format::validate_path`` with the same options, from the Rust example
  ``cms-py/examples/validate_timing.rs`` (release build): the Python door's overhead is the gap.
- ``frictionless`` (Table Schema), ``pandera`` (over pandas, ``read_csv`` included) and ``python``
  (a plain validator over the ``csv`` module): the same *field* rules of the C01 record — the
  mandatory fields, text lengths, the contact type codes, numeric digits and decimals, real
  ``YYYYMMDD`` dates, class 1 to 4, MPRN length and check digits, unique references, printable
  ASCII text. They get the C01 lines only (a flat table: none of them can read the A00 header
  or Z99 trailer), and check less than ``cms`` does.

Each tool's best of ``--runs`` runs is reported (frictionless, the slowest by far, runs once),
as rows (C01 records) per second, and ``cms``'s speed over it. None of these libraries is a
dependency of ``cms`` or of its tests: install them to run this (``pip install frictionless
pandera pandas``); a missing one is reported and skipped.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

REPO = pathlib.Path(__file__).resolve().parents[2]
ORG_ID = 1234
FIELDS = [
    "TRANSACTION_TYPE",
    "CUSTOMER_REFERENCE",
    "CONTACT_TYPE_CODE",
    "SUPPLY_METER_POINT_REFERENCE",
    "METER_SERIAL_NUMBER",
    "SUPPLY_POINT_CLASS",
    "EFFECTIVE_DATE",
    "END_DATE",
    "METER_READING",
    "ADJUSTMENT_VOLUME",
    "DESCRIPTION",
]
TYPES = ["RFA", "CDQ", "DMQ", "CDQ", "RFA"]
ALL_TYPES = ["RFA", "CDQ", "DMQ", "FOM", "MNC"]
DESCRIPTIONS = [
    "estimated reads too high",
    "customer disputes winter bill",
    "meter exchanged, reads open",
    "AQ wrong after change of use",
    "reads rejected twice",
    "consumption doubled",
    "site vacant; no usage",
    "correction factor in error",
]


# The generated upload ------------------------------------------------------------------------


def mprn_check(body: str) -> str:
    """The two MPRN check digits (DOMAIN.md §5): weights n..1 from the left, sum modulo 11."""
    n = len(body)
    return "%02d" % (sum((n - i) * int(d) for i, d in enumerate(body)) % 11)


def contact_line(i: int) -> str:
    kind = TYPES[i % len(TYPES)]
    body = str(10_000_000 + (i * 7_919) % 90_000_000)
    mprn = body + mprn_check(body)
    month, day = 1 + i % 12, 1 + i % 28
    effective = "2025%02d%02d" % (month, day)
    serial, klass, end, reading, volume = "", "", "", "", ""
    if kind == "RFA":
        end = "2026%02d%02d" % (1 + i % 11, day)  # after the effective date, before the header's
        klass, volume = str(2 + i % 3), "%d.%03d" % (i % 9999, i % 1000)
    elif kind == "DMQ":
        klass, effective = "1", ""
    if i % 4 == 0:
        serial, reading = "M%08d" % (i % 10**8), str(i % 10**9)
    return '"C01","REF-%08d","%s",%s,"%s",%s,%s,%s,%s,%s,"%s"\n' % (
        i,
        kind,
        mprn,
        serial,
        klass,
        effective,
        end,
        reading,
        volume,
        DESCRIPTIONS[i % len(DESCRIPTIONS)],
    )


def generate(directory: pathlib.Path, contacts: int) -> Tuple[pathlib.Path, pathlib.Path]:
    """The upload (SHP00042.CMQ) and its C01 lines alone (contacts.csv)."""
    upload = directory / "SHP00042.CMQ"
    table = directory / "contacts.csv"
    with open(upload, "w", newline="") as u, open(table, "w", newline="") as t:
        u.write('"A00",%d,"CMQ",20261202,093000,42\n' % ORG_ID)
        block: List[str] = []
        for i in range(contacts):
            block.append(contact_line(i))
            if len(block) == 10_000:
                text = "".join(block)
                u.write(text)
                t.write(text)
                block = []
        text = "".join(block)
        u.write(text)
        t.write(text)
        u.write('"Z99",%d\n' % contacts)
    return upload, table


# The same field rules, three ways -------------------------------------------------------------

TEXT = re.compile(r"^[\x20-\x7e]*$")
DIGITS = {"SUPPLY_METER_POINT_REFERENCE": 10, "SUPPLY_POINT_CLASS": 1, "METER_READING": 12}
LENGTHS = {"CUSTOMER_REFERENCE": 30, "CONTACT_TYPE_CODE": 3, "METER_SERIAL_NUMBER": 14, "DESCRIPTION": 500}
MANDATORY = ["TRANSACTION_TYPE", "CUSTOMER_REFERENCE", "CONTACT_TYPE_CODE", "DESCRIPTION"]
VOLUME = re.compile(r"^-?\d{1,11}(\.\d{1,3})?$")


def valid_date(s: str) -> bool:
    if len(s) != 8 or not s.isdigit():
        return False
    try:
        datetime.date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return False
    return True


def valid_mprn(s: str) -> bool:
    return s.isdigit() and 6 <= len(s) <= 10 and mprn_check(s[:-2]) == s[-2:]


def plain_python(table: pathlib.Path) -> Tuple[int, int]:
    """A validator a data engineer would write: the csv module and a loop. (rows, errors)"""
    errors = 0
    rows = 0
    seen = set()
    with open(table, newline="", encoding="latin-1") as f:
        for rec in csv.reader(f):
            rows += 1
            if len(rec) != len(FIELDS):
                errors += 1
                continue
            row = dict(zip(FIELDS, rec))
            for name in MANDATORY:
                if not row[name]:
                    errors += 1
            for name, max_len in LENGTHS.items():
                v = row[name]
                if len(v) > max_len or not TEXT.match(v):
                    errors += 1
            if row["TRANSACTION_TYPE"] != "C01":
                errors += 1
            if row["CONTACT_TYPE_CODE"] not in ALL_TYPES:
                errors += 1
            for name, max_digits in DIGITS.items():
                v = row[name]
                if v and (not v.isdigit() or len(v) > max_digits):
                    errors += 1
            if row["SUPPLY_METER_POINT_REFERENCE"] and not valid_mprn(row["SUPPLY_METER_POINT_REFERENCE"]):
                errors += 1
            if row["SUPPLY_POINT_CLASS"] and row["SUPPLY_POINT_CLASS"] not in "1234":
                errors += 1
            for name in ("EFFECTIVE_DATE", "END_DATE"):
                if row[name] and not valid_date(row[name]):
                    errors += 1
            if row["ADJUSTMENT_VOLUME"] and not VOLUME.match(row["ADJUSTMENT_VOLUME"]):
                errors += 1
            ref = row["CUSTOMER_REFERENCE"]
            if ref in seen:
                errors += 1
            seen.add(ref)
    return rows, errors


def with_pandera(table: pathlib.Path) -> Tuple[int, int]:
    import pandas as pd
    import pandera.pandas as pa

    def text(max_len: int, required: bool = False) -> Any:
        return pa.Column(
            str,
            checks=[pa.Check.str_length(max_value=max_len), pa.Check.str_matches(r"^[\x20-\x7e]*$")],
            nullable=not required,
        )

    def digits(n: int) -> Any:
        return pa.Column(str, checks=pa.Check.str_matches(r"^\d{1,%d}$" % n), nullable=True)

    def date() -> Any:
        return pa.Column(
            str,
            checks=pa.Check(lambda s: pd.to_datetime(s, format="%Y%m%d", errors="coerce").notna()),
            nullable=True,
        )

    schema = pa.DataFrameSchema(
        {
            "TRANSACTION_TYPE": pa.Column(str, checks=pa.Check.eq("C01")),
            "CUSTOMER_REFERENCE": pa.Column(str, checks=pa.Check.str_length(max_value=30), unique=True),
            "CONTACT_TYPE_CODE": pa.Column(str, checks=pa.Check.isin(ALL_TYPES)),
            "SUPPLY_METER_POINT_REFERENCE": pa.Column(
                str,
                checks=[
                    pa.Check.str_matches(r"^\d{6,10}$"),
                    pa.Check(lambda s: s.map(valid_mprn), element_wise=False),
                ],
                nullable=True,
            ),
            "METER_SERIAL_NUMBER": text(14),
            "SUPPLY_POINT_CLASS": pa.Column(str, checks=pa.Check.isin(["1", "2", "3", "4"]), nullable=True),
            "EFFECTIVE_DATE": date(),
            "END_DATE": date(),
            "METER_READING": digits(12),
            "ADJUSTMENT_VOLUME": pa.Column(str, checks=pa.Check.str_matches(VOLUME.pattern), nullable=True),
            "DESCRIPTION": text(500, required=True),
        },
        strict=True,
    )
    df = pd.read_csv(
        table,
        header=None,
        names=FIELDS,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        encoding="latin-1",
    )
    try:
        schema.validate(df, lazy=True)
        errors = 0
    except pa.errors.SchemaErrors as e:
        errors = len(e.failure_cases)
    return len(df), errors


def with_frictionless(table: pathlib.Path) -> Tuple[int, int]:
    import frictionless as fl

    def text(name: str, max_len: int, required: bool = False) -> Dict[str, Any]:
        return {
            "name": name,
            "type": "string",
            "constraints": {"maxLength": max_len, "required": required, "pattern": r"[\x20-\x7e]*"},
        }

    def digits(name: str, n: int) -> Dict[str, Any]:
        return {"name": name, "type": "string", "constraints": {"pattern": r"\d{1,%d}" % n}}

    descriptor = {
        "fields": [
            {"name": "TRANSACTION_TYPE", "type": "string", "constraints": {"required": True, "enum": ["C01"]}},
            {
                "name": "CUSTOMER_REFERENCE",
                "type": "string",
                "constraints": {"required": True, "maxLength": 30, "unique": True},
            },
            {"name": "CONTACT_TYPE_CODE", "type": "string", "constraints": {"required": True, "enum": ALL_TYPES}},
            {"name": "SUPPLY_METER_POINT_REFERENCE", "type": "string", "constraints": {"pattern": r"\d{6,10}"}},
            text("METER_SERIAL_NUMBER", 14),
            {"name": "SUPPLY_POINT_CLASS", "type": "integer", "constraints": {"minimum": 1, "maximum": 4}},
            {"name": "EFFECTIVE_DATE", "type": "date", "format": "%Y%m%d"},
            {"name": "END_DATE", "type": "date", "format": "%Y%m%d"},
            digits("METER_READING", 12),
            {"name": "ADJUSTMENT_VOLUME", "type": "string", "constraints": {"pattern": VOLUME.pattern[1:-1]}},
            text("DESCRIPTION", 500, required=True),
        ]
    }

    class MprnCheckDigits(fl.Check):
        """The MPRN check digits, which Table Schema cannot say."""

        type = "mprn-check-digits"
        Errors = [fl.errors.RowError]

        def validate_row(self, row: Any) -> Any:
            value = row["SUPPLY_METER_POINT_REFERENCE"]
            if value and not valid_mprn(value):
                yield fl.errors.RowError.from_row(row, note="MPRN check digits")

    resource = fl.Resource(
        path=table.name,
        basepath=str(table.parent),
        format="csv",
        encoding="latin-1",
        dialect=fl.Dialect(header=False),
        schema=fl.Schema.from_descriptor(descriptor),
    )
    report = resource.validate(fl.Checklist(checks=[MprnCheckDigits()]), limit_errors=10**9)
    task = report.tasks[0]
    if any(e.type == "resource-error" for e in task.errors):
        raise RuntimeError(f"frictionless could not read the table: {task.errors[0].message}")
    return task.stats.get("rows", 0), len(task.errors)


def with_cms(upload: pathlib.Path) -> Tuple[int, int]:
    import cms

    r = cms.validate(upload, org_id=ORG_ID, org_type="shipper")
    return r.records - 2, r.errors


# The run ------------------------------------------------------------------------------------


def best_of(runs: int, f: Callable[[], Tuple[int, int]]) -> Tuple[float, int, int]:
    best = float("inf")
    rows = errors = 0
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        rows, errors = f()
        best = min(best, time.perf_counter() - start)
    return best, rows, errors


def rust(upload: pathlib.Path, runs: int) -> Optional[Tuple[float, int, int]]:
    cmd = [
        "cargo",
        "run",
        "--quiet",
        "--release",
        "--locked",
        "-p",
        "cms-py",
        "--example",
        "validate_timing",
        "--",
        str(upload),
        str(runs),
        str(ORG_ID),
        "shipper",
    ]
    try:
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"rust: not run ({e})", file=sys.stderr)
        return None
    if done.returncode != 0:
        print(f"rust: not run:\n{done.stderr}", file=sys.stderr)
        return None
    out = json.loads(done.stdout)
    return out["seconds"], out["records"] - 2, out["errors"]


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--contacts", type=int, default=200_000, help="C01 records in the file (default 200,000)")
    p.add_argument("--runs", type=int, default=3, help="runs per tool, best kept (frictionless: 1)")
    p.add_argument("--skip", default="", help="tools to leave out, comma-separated")
    p.add_argument("--keep", metavar="DIR", help="write the generated files here and keep them")
    args = p.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    directory = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp())
    directory.mkdir(parents=True, exist_ok=True)
    upload, table = generate(directory, args.contacts)
    size_mb = upload.stat().st_size / 1e6
    print(f"file: {args.contacts:,} C01 contacts, {size_mb:.1f} MB ({upload})", file=sys.stderr)

    results: Dict[str, Tuple[float, int, int]] = {}
    tools: List[Tuple[str, Callable[[], Tuple[int, int]], int]] = [
        ("cms", lambda: with_cms(upload), args.runs),
        ("python", lambda: plain_python(table), args.runs),
        ("pandera", lambda: with_pandera(table), args.runs),
        ("frictionless", lambda: with_frictionless(table), 1),
    ]
    for name, f, runs in tools:
        if name in skip:
            continue
        try:
            results[name] = best_of(runs, f)
        except ImportError as e:
            print(f"{name}: not installed ({e.name}); skipped", file=sys.stderr)
            continue
        seconds, rows, errors = results[name]
        print(f"{name}: {seconds:.3f} s, {rows:,} rows, {errors} errors", file=sys.stderr)
        if rows != args.contacts or errors:
            print(f"{name}: expected {args.contacts} rows and no error", file=sys.stderr)
            return 1
    if "rust" not in skip:
        r = rust(upload, args.runs)
        if r is not None:
            results["rust"] = r

    if "cms" not in results:
        return 1
    cms_rate = args.contacts / results["cms"][0]
    print()
    print(f"{args.contacts:,} C01 contacts ({size_mb:.0f} MB), best of {args.runs} "
          f"(frictionless: 1), Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print()
    print("| tool | what it checks | rows/s | cms ÷ tool |")
    print("|---|---|---:|---:|")
    what = {
        "cms": "the whole file: framing, header, trailer, every field, contact rules",
        "rust": "the same, cms-core called from Rust",
        "python": "C01 field rules, `csv` module and a loop",
        "pandera": "C01 field rules, pandas `read_csv` + pandera schema",
        "frictionless": "C01 field rules, Table Schema (+ an MPRN row check)",
    }
    order = ["cms", "rust", "python", "pandera", "frictionless"]
    for name in order:
        if name not in results:
            continue
        rate = args.contacts / results[name][0]
        ratio = "—" if name == "cms" else f"{cms_rate / rate:.2f}×"
        print(f"| {name} | {what[name]} | {rate:,.0f} | {ratio} |")
    if "rust" in results:
        gap = results["cms"][0] / results["rust"][0] - 1
        print()
        print(
            f"cms from Python takes {gap:+.1%} more time than cms-core from Rust on the same "
            "file (target: within 10%)."
        )
    if not args.keep:
        for f in (upload, table):
            f.unlink()
        directory.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
