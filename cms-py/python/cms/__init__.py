"""cms — the rules of the GB gas market's Contact Management Service (CMS), for Python.

Validate UK Link batch files, run the CMS batch job (CRNs, target dates, the response file),
and use the rule set, MPRN and CRN helpers and the England & Wales working-day calendar —
the same rules as the ``cms`` command, from the Rust library cms-core.

>>> import cms
>>> report = cms.validate(b'"A00",1234,"CMQ",20261202,093000,42\\n"Z99",0\\n', file_name="SHP00042.CMQ")
>>> report.accepted, [f.code for f in report.findings]
(False, ['FIL00018'])

Everything here comes from the extension module ``cms._cms``; this file only re-exports it.
"""

from ._cms import (
    DEFAULT_MAX_FIELDS,
    DEFAULT_MAX_FINDINGS,
    DEFAULT_MAX_LINE_BYTES,
    LDZ_CODES,
    ORG_TYPES,
    ArgumentError,
    BatchResult,
    Calendar,
    CmsError,
    ContactResult,
    ContactType,
    CrnError,
    CrnGenerator,
    CrnScheme,
    Finding,
    FindingDef,
    Holiday,
    InternalError,
    MprnError,
    Report,
    RuleFileError,
    RuleSet,
    __version__,
    check_mprn,
    crn_check_digits,
    is_ldz,
    is_valid_mprn,
    london_date,
    london_offset_seconds,
    mprn_check_digits,
    process,
    service_status,
    utc_to_london,
    validate,
)

__all__ = [
    "DEFAULT_MAX_FIELDS",
    "DEFAULT_MAX_FINDINGS",
    "DEFAULT_MAX_LINE_BYTES",
    "LDZ_CODES",
    "ORG_TYPES",
    "ArgumentError",
    "BatchResult",
    "Calendar",
    "CmsError",
    "ContactResult",
    "ContactType",
    "CrnError",
    "CrnGenerator",
    "CrnScheme",
    "Finding",
    "FindingDef",
    "Holiday",
    "InternalError",
    "MprnError",
    "Report",
    "RuleFileError",
    "RuleSet",
    "__version__",
    "check_mprn",
    "crn_check_digits",
    "is_ldz",
    "is_valid_mprn",
    "london_date",
    "london_offset_seconds",
    "mprn_check_digits",
    "process",
    "service_status",
    "utc_to_london",
    "validate",
]
