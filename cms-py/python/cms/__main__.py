"""``python -m cms validate FILE...``: the ``cms validate`` command, with the same options,
output and exit codes — 0 when every file is accepted, 1 when any is not, 2 when it could not
run (usage, I/O, a bad rule file)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Optional, Sequence

from . import DEFAULT_MAX_FINDINGS, ArgumentError, CmsError, RuleSet, validate


def _parser() -> argparse.ArgumentParser:
    rules_help = "load this rule file instead of the embedded default rule set"
    parser = argparse.ArgumentParser(
        prog="python -m cms",
        description="Rules of the GB gas market's Contact Management Service",
    )
    parser.add_argument("--rules", metavar="FILE", help=rules_help)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    v = commands.add_parser(
        "validate",
        help="validate files: format rules, and contact rules for uploads",
        description="Validate files: format rules, and contact rules for uploads. Exit 0 when "
        "every file is accepted, 1 when any is not, 2 when it could not run.",
    )
    v.add_argument("--rules", metavar="FILE", help=rules_help, default=argparse.SUPPRESS)
    v.add_argument("--format", metavar="CODE", help="validate as this format instead of the header's FILE_TYPE")
    v.add_argument("--output", choices=["human", "json"], default="human", help="output style")
    v.add_argument("--strict", action="store_true", help="require double quotes exactly on text fields")
    v.add_argument("--org-id", metavar="N", type=int, help="the uploading organisation's id (with --org-type)")
    v.add_argument(
        "--org-type",
        metavar="TYPE",
        help="the uploading organisation's type: shipper, gt, igt, mra, dmsp, uip, cdsp",
    )
    v.add_argument(
        "--user",
        metavar="FILE",
        help="the uploading user's record (JSON): their permissions are checked too",
    )
    v.add_argument(
        "--at",
        metavar="TIME",
        help="the upload's time, UTC (YYYY-MM-DDTHH:MM:SS): service hours are checked too",
    )
    v.add_argument(
        "--last-generation",
        metavar="N",
        type=int,
        help="the last generation accepted from this sender for this file type",
    )
    v.add_argument(
        "--max-findings",
        metavar="N",
        type=int,
        default=DEFAULT_MAX_FINDINGS,
        help="most findings listed per file (counting goes on)",
    )
    v.add_argument("--redact", action="store_true", help="leave customer data (field values) out of messages")
    v.add_argument("files", metavar="FILE", nargs="+", help="the files")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if (args.org_id is None) != (args.org_type is None):
        parser.error("--org-id and --org-type go together")
    if (args.user is not None or args.at is not None) and args.org_id is None:
        parser.error("--user and --at need --org-id and --org-type")
    for name in ("org_id", "last_generation", "max_findings"):
        if getattr(args, name) is not None and getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must not be negative")
    try:
        rules = RuleSet.load(args.rules) if args.rules else RuleSet.default()
        user = None
        if args.user is not None:
            with open(args.user, encoding="utf-8") as f:
                text = f.read()
            try:
                user = json.loads(text)
            except ValueError as e:
                raise ArgumentError(f"user file `{args.user}`: {e}") from e
        all_accepted = True
        for file in args.files:
            report = validate(
                file,
                format=args.format,
                strict=args.strict,
                rules=rules,
                org_id=args.org_id,
                org_type=args.org_type,
                last_generation=args.last_generation,
                max_findings=args.max_findings,
                redact=args.redact,
                user=user,
                at=args.at,
            )
            all_accepted = all_accepted and report.accepted
            sys.stdout.write(report.to_json() + "\n" if args.output == "json" else report.to_text())
        sys.stdout.flush()
    except (CmsError, OSError) as e:
        sys.stdout.flush()
        print(f"cms: error: {e}", file=sys.stderr)
        return 2
    return 0 if all_accepted else 1


if __name__ == "__main__":
    sys.exit(main())
