"""Writes the conformance corpus: conformance/cases/<name>/{case.json, <input file>}.

Every expectation below is written by hand from DOMAIN.md and the rule set's catalogue, not
recorded from a run. Each door (Rust, Python, Kotlin) reads the same case files; see
conformance/README.md for the form. Run: python3 conformance/make_cases.py
"""
import json, pathlib, shutil

ROOT = pathlib.Path(__file__).resolve().parent
CASES = ROOT / "cases"
H = '"A00",1234,"CMQ",20261202,093000,42'
# Valid MPRNs (DOMAIN §5).
M1, M2, M3, M4 = "3938424403", "1234567810", "9876543209", "7613419305"

BY_REF = {"R1": M1, "R2": M2, "R3": M3, "R4": M4}

def cdq(ref, mprn=None, eff="20261101", desc="meter over-reads", **kw):
    mprn = BY_REF.get(ref, M1) if mprn is None else mprn
    f = ["\"C01\"", f'"{ref}"', '"CDQ"', mprn, "", "", eff, "", "", "", f'"{desc}"']
    return ",".join(f)

def c01(ref, typ, mprn="", serial="", cls="", eff="", end="", read="", adj="", desc='"d"'):
    return ",".join(['"C01"', f'"{ref}"', f'"{typ}"', mprn, serial, cls, eff, end, read, adj, desc])

ADDR = '"C03",12,,"High Street","Leeds","LS1","4AB"'

def body(*lines, trailer=None, end="\n"):
    n = len(lines) if trailer is None else trailer
    return "\n".join([H, *lines, f'"Z99",{n}']) + end

cases = []
def case(name, description, text, expect, name_file="SHP00042.CMQ", options=None, kind="validate", rules=None):
    cases.append(dict(name=name, description=description, text=text, file=name_file,
                      options=options or {}, expect=expect, kind=kind, rules=rules))

def F(code, line, field=None, scope=None):
    d = {"code": code, "line": line, "field": field}
    if scope: d["scope"] = scope
    return d

SHIPPER = {"org_id": 1234, "org_type": "shipper"}

# ---- clean -------------------------------------------------------------------------------
case("clean_upload", "a clean upload of three contacts is accepted with no findings",
     body(cdq("R1"), c01("R2", "DMQ", mprn=M2, cls="1"), c01("R3", "MNC"), ADDR),
     {"accepted": True, "findings": []}, options=SHIPPER)
case("crlf_line_ends", "CR LF line ends are accepted",
     body(cdq("R1")).replace("\n", "\r\n"), {"accepted": True, "findings": []})

# ---- file level --------------------------------------------------------------------------
case("empty_file", "an empty file is rejected", "", {"accepted": False, "findings": [F("FIL00001", None, scope="file")]})
case("missing_header", "the first record is not the header",
     cdq("R1") + '\n"Z99",1\n', {"accepted": False, "findings": [F("FIL00002", 1)]})
case("missing_trailer", "the file ends without a trailer",
     H + "\n" + cdq("R1") + "\n", {"accepted": False, "findings": [F("FIL00003", 2)]})
case("duplicate_header", "a second header",
     "\n".join([H, H, cdq("R1"), '"Z99",1']) + "\n", {"accepted": False, "findings": [F("FIL00004", 2)]})
case("record_after_trailer", "a record after the trailer",
     body(cdq("R1")) + cdq("R2") + "\n", {"accepted": False, "findings": [F("FIL00005", 4)]})
case("record_count_mismatch", "the trailer counts 2 records where 1 stands",
     body(cdq("R1"), trailer=2),
     {"accepted": False, "findings": [F("FIL00006", 3, "RECORD_COUNT", scope="file")]})
case("unknown_file_type", "a file type the rule set does not have",
     body(cdq("R1")).replace('"CMQ"', '"XYZ"'),
     {"accepted": False, "findings": [F("FIL00007", 1, "FILE_TYPE")]}, name_file="SHP00042.XYZ")
case("extension_mismatch", "the header says CMQ, the name says CMR",
     body(cdq("R1")), {"accepted": False, "findings": [F("FIL00008", 1, "FILE_TYPE")]}, name_file="SHP00042.CMR")
case("generation_mismatch", "the header says 42, the name says 41",
     body(cdq("R1")), {"accepted": False, "findings": [F("FIL00009", 1, "GENERATION_NUMBER")]}, name_file="SHP00041.CMQ")
case("duplicate_generation", "generation 42 again after 42 was accepted",
     body(cdq("R1")), {"accepted": False, "findings": [F("FIL00010", 1, "GENERATION_NUMBER")]},
     options={"last_generation": 42})
case("file_name_style", "a name in another style is only a warning",
     body(cdq("R1")), {"accepted": True, "findings": [F("FIL00011", 1)]}, name_file="upload.CMQ")
case("format_mismatch", "validating as CMR a file whose header says CMQ",
     body(cdq("R1")), {"accepted": False, "findings": [F("FIL00012", 1, "FILE_TYPE"), F("REC00001", 2, scope="file")]},
     options={"format": "CMR"})
case("organisation_mismatch", "the header's organisation is not the uploader",
     body(cdq("R1")), {"accepted": False, "findings": [F("FIL00013", 1, "ORGANISATION_ID")]},
     options={"org_id": 5678, "org_type": "shipper"})
case("organisation_type_not_allowed", "the CDSP does not upload contacts",
     body(cdq("R1")),
     {"accepted": False, "findings": [F("FIL00014", 1), F("CON00004", 2, "CONTACT_TYPE_CODE")]},
     options={"org_id": 1234, "org_type": "cdsp"})
case("no_final_line_end", "the last line has no line end: a warning",
     body(cdq("R1"), end=""), {"accepted": True, "findings": [F("FIL00015", 3)]})
case("byte_order_mark", "a UTF-8 byte-order mark is skipped with a warning",
     "\ufeff" + body(cdq("R1")), {"accepted": True, "findings": [F("FIL00016", 1)]})
case("findings_capped", "past the cap, findings are counted, not listed",
     body(cdq("R1", mprn="1234567890"), cdq("R2", mprn="1234567891"), cdq("R3", mprn="1234567892")),
     {"accepted": False, "errors": 3, "findings": [F("CON00008", 2, "SUPPLY_METER_POINT_REFERENCE"),
                                                   F("CON00008", 3, "SUPPLY_METER_POINT_REFERENCE"), F("FIL00017", None)]},
     options={"max_findings": 2})
case("missing_mandatory_record", "an upload without any contact",
     H + '\n"Z99",0\n', {"accepted": False, "findings": [F("FIL00018", None)]})
case("blank_line", "a blank line is ignored with a warning and not counted",
     "\n".join([H, "", cdq("R1"), '"Z99",1']) + "\n", {"accepted": True, "findings": [F("FIL00019", 2)]})

# ---- record level ------------------------------------------------------------------------
case("unknown_record_type", "a record type the format does not have rejects its contact",
     body(cdq("R1"), '"C09","x"', cdq("R2")), {"accepted": False, "findings": [F("REC00001", 3, scope="record")]})
case("too_few_fields", "a contact record with 10 fields of 11",
     body(cdq("R1").rsplit(",", 1)[0]), {"accepted": False, "findings": [F("REC00002", 2)]})
case("too_many_fields", "a contact record with 12 fields of 11",
     body(cdq("R1") + ',"extra"'), {"accepted": False, "findings": [F("REC00003", 2)]})
case("record_out_of_place", "a note before any contact belongs to nothing: the file is rejected",
     body('"C02","early note"', cdq("R1")), {"accepted": False, "findings": [F("REC00004", 2, scope="file")]})
case("too_many_occurrences", "two addresses under one contact",
     body(c01("R1", "MNC"), ADDR, ADDR), {"accepted": False, "findings": [F("REC00005", 4)]})
case("missing_child_record", "a mandatory child record is missing (rule set with a TST format)",
     '"A00",1234,"TST",20261202,093000,42\n"T01",20261202093000\n"T01",20261202093000\n"T02","child"\n"Z99",3\n',
     {"accepted": False, "findings": [F("REC00006", 2)]}, name_file="SHP00042.TST", rules="rules/extras.json")
case("unbalanced_quote", "an unclosed quote is a fault of its own line only; the next line is the next record",
     body(cdq("R1"), '"C02","no end quote', cdq("R2")),
     {"accepted": False, "findings": [F("REC00007", 3)]})
case("line_too_long", "a line over the limit",
     body(cdq("R1", desc="x" * 200)), {"accepted": False, "findings": [F("REC00008", 2)]},
     options={"max_line_bytes": 100})

# ---- field level -------------------------------------------------------------------------
case("mandatory_field_missing", "an empty DESCRIPTION",
     body(cdq("R1", desc="")), {"accepted": False, "findings": [F("FLD00001", 2, "DESCRIPTION", scope="field")]})
case("text_too_long", "a 31-character reference",
     body(cdq("R" * 31)), {"accepted": False, "findings": [F("FLD00002", 2, "CUSTOMER_REFERENCE")]})
case("not_numeric", "a letter O in a meter reading",
     body(c01("R1", "CDQ", mprn=M1, eff="20261101", read="12O45")),
     {"accepted": False, "findings": [F("FLD00003", 2, "METER_READING")]})
case("too_many_digits", "13 digits in a 12-digit reading",
     body(c01("R1", "CDQ", mprn=M1, eff="20261101", read="1234567890123")),
     {"accepted": False, "findings": [F("FLD00004", 2, "METER_READING")]})
case("too_many_decimals", "four decimals where three are allowed",
     body(c01("R1", "CDQ", mprn=M1, eff="20261101", adj="1.2345")),
     {"accepted": False, "findings": [F("FLD00005", 2, "ADJUSTMENT_VOLUME")]})
case("sign_not_allowed", "a negative reading; ADJUSTMENT_VOLUME may be negative",
     body(c01("R1", "CDQ", mprn=M1, eff="20261101", read="-5", adj="-1.5")),
     {"accepted": False, "findings": [F("FLD00006", 2, "METER_READING")]})
case("invalid_date", "29 February 2023 does not exist",
     body(cdq("R1", eff="20230229")), {"accepted": False, "findings": [F("FLD00007", 2, "EFFECTIVE_DATE")]})
case("invalid_time", "a header time of 24:00:00 rejects the file",
     body(cdq("R1")).replace("093000", "240000"),
     {"accepted": False, "findings": [F("FLD00008", 1, "CREATION_TIME", scope="file")]})
case("invalid_timestamp", "a timestamp with month 13 (rule set with a TST format)",
     '"A00",1234,"TST",20261202,093000,42\n"T01",20261302093000\n"T02","child"\n"Z99",2\n',
     {"accepted": False, "findings": [F("FLD00009", 2, "STAMP")]}, name_file="SHP00042.TST", rules="rules/extras.json")
case("character_not_allowed", "a Latin-1 byte 0xE9 where printable ASCII is allowed",
     body(cdq("R1", desc="caf\u00e9")), {"accepted": False, "findings": [F("FLD00010", 2, "DESCRIPTION")]})
case("nul_byte", "a NUL byte inside a text field",
     body(cdq("R1", desc="a\u0000b")), {"accepted": False, "findings": [F("FLD00010", 2, "DESCRIPTION")]})
case("quote_in_field", "a double quote inside a note",
     body(cdq("R1"), '"C02","he said "now" twice"'), {"accepted": False, "findings": [F("FLD00011", 3, "NOTE_TEXT")]})
case("text_not_quoted", "strict mode: an unquoted text field",
     body(cdq("R1").replace('"meter over-reads"', "meter")),
     {"accepted": False, "findings": [F("FLD00012", 2, "DESCRIPTION")]}, options={"strict": True})
case("non_text_quoted", "strict mode: a quoted number",
     body(cdq("R1", mprn=f'"{M1}"')),
     {"accepted": False, "findings": [F("FLD00013", 2, "SUPPLY_METER_POINT_REFERENCE")]}, options={"strict": True})
case("strict_quoted_date_is_not_read", "strict mode: a quoted date is a fault, and no rule reads it as a date",
     body(c01("R1", "RFA", mprn=M1, cls="3", eff='"20250601"', end="20250501")),
     {"accepted": False, "findings": [F("FLD00013", 2, "EFFECTIVE_DATE")]}, options={"strict": True})
case("lenient_quoting", "without strict mode, quotes are optional on any field",
     body(cdq("R1", mprn=f'"{M1}"').replace('"meter over-reads"', "meter")), {"accepted": True, "findings": []})
case("value_not_allowed", "supply point class 5",
     body(c01("R1", "CDQ", mprn=M1, cls="5", eff="20261101")),
     {"accepted": False, "findings": [F("FLD00014", 2, "SUPPLY_POINT_CLASS")]})

# ---- contact rules -----------------------------------------------------------------------
case("unknown_contact_type", "contact type ZZZ", body(c01("R1", "ZZZ", mprn=M1)),
     {"accepted": False, "findings": [F("CON00001", 2, "CONTACT_TYPE_CODE")]})
case("retired_contact_type", "the retired USR type", body(c01("R1", "USR", mprn=M1)),
     {"accepted": False, "findings": [F("CON00002", 2, "CONTACT_TYPE_CODE")]})
case("contact_type_not_in_new_cms", "an illustrative type not in the new CMS", body(c01("R1", "XAD", mprn=M1), ADDR),
     {"accepted": False, "findings": [F("CON00003", 2, "CONTACT_TYPE_CODE")]})
case("not_raisable_by_organisation", "a shipper raising FOM", body(c01("R1", "FOM"), ADDR),
     {"accepted": False, "findings": [F("CON00004", 2, "CONTACT_TYPE_CODE")]}, options=SHIPPER)
case("uploader_rules_need_an_uploader", "without an uploader, who may raise a type is not checked",
     body(c01("R1", "FOM"), ADDR), {"accepted": True, "findings": []})
case("required_field_missing", "a CDQ without EFFECTIVE_DATE", body(cdq("R1", eff="")),
     {"accepted": False, "findings": [F("CON00005", 2, "EFFECTIVE_DATE")]})
case("field_not_allowed", "an MNC that carries an MPRN", body(c01("R1", "MNC", mprn=M1), ADDR),
     {"accepted": False, "findings": [F("CON00006", 2, "SUPPLY_METER_POINT_REFERENCE")]})
case("required_record_missing", "an MNC without its address record", body(c01("R1", "MNC")),
     {"accepted": False, "findings": [F("CON00007", 2, scope="record")]})
case("mprn_check_digits", "the often-shown sample MPRN 1234567890 fails its check", body(cdq("R1", mprn="1234567890")),
     {"accepted": False, "findings": [F("CON00008", 2, "SUPPLY_METER_POINT_REFERENCE")]})
case("mprn_length", "a five-digit MPRN (check digits right)", body(cdq("R1", mprn="12310")),
     {"accepted": False, "findings": [F("CON00009", 2, "SUPPLY_METER_POINT_REFERENCE")]})
case("class_not_allowed", "a DMQ for a class 3 site", body(c01("R1", "DMQ", mprn=M1, cls="3")),
     {"accepted": False, "findings": [F("CON00010", 2, "SUPPLY_POINT_CLASS")]})
case("end_before_effective", "END_DATE before EFFECTIVE_DATE",
     body(c01("R1", "RFA", mprn=M1, cls="3", eff="20250601", end="20250501")),
     {"accepted": False, "findings": [F("CON00011", 2, "END_DATE")]})
case("date_after_creation", "an EFFECTIVE_DATE after the header's CREATION_DATE", body(cdq("R1", eff="20261203")),
     {"accepted": False, "findings": [F("CON00012", 2, "EFFECTIVE_DATE")]})
case("date_before_earliest", "an RFA for a period before 2017-06-01",
     body(c01("R1", "RFA", mprn=M1, cls="3", eff="20170531", end="20170630")),
     {"accepted": False, "findings": [F("CON00013", 2, "EFFECTIVE_DATE")]})
case("duplicate_reference", "a reference used twice rejects the later one, even when the first was rejected",
     body(cdq("R1", mprn="1234567890"), cdq("R1", mprn=M2), cdq("R1", mprn=M3)),
     {"accepted": False, "findings": [F("CON00008", 2, "SUPPLY_METER_POINT_REFERENCE"),
                                      F("CON00014", 3, "CUSTOMER_REFERENCE"), F("CON00014", 4, "CUSTOMER_REFERENCE")]})
case("duplicate_meter_point", "the same MPRN and type twice: the later one is only warned",
     body(cdq("R1"), cdq("R2", mprn=M1), c01("R3", "DMQ", mprn=M1, cls="1")),
     {"accepted": True, "findings": [F("CON00015", 3, "SUPPLY_METER_POINT_REFERENCE")]})

# ---- the uploading user and the time of upload ----------------------------------------------
def user(raise_types=("CDQ", "DMQ", "RFA", "MNC"), upload=True, status="active", roles=("user",)):
    return {"id": "alice", "organisation_id": 1234, "roles": list(roles), "status": status,
            "permissions": {"raise": list(raise_types), "upload_batches": upload, "view_only": False}}
U = {"org_id": 1234, "org_type": "shipper"}
case("user_permitted", "a user with the right permissions, in service hours: nothing to say",
     body(cdq("R1")), {"accepted": True, "findings": []},
     options={**U, "user": user(), "at": "2026-12-03T10:00:00"})
case("user_may_not_upload", "a user the LSO has not let upload batches",
     body(cdq("R1")), {"accepted": False, "findings": [F("FIL00020", 1, scope="file")]},
     options={**U, "user": user(upload=False)})
case("user_suspended", "a suspended user can do nothing",
     body(cdq("R1")), {"accepted": False, "findings": [F("FIL00020", 1)]},
     options={**U, "user": user(status="suspended")})
case("user_may_not_raise", "a user not granted the CDQ type",
     body(cdq("R1"), c01("R2", "DMQ", mprn=M2, cls="1")),
     {"accepted": False, "findings": [F("CON00016", 2, "CONTACT_TYPE_CODE")]},
     options={**U, "user": user(raise_types=("DMQ",))})
case("service_unavailable", "an upload at 19:00 GMT is outside service hours",
     body(cdq("R1")), {"accepted": False, "findings": [F("FIL00021", 1)]},
     options={**U, "user": user(), "at": "2026-12-03T19:00:00"})
case("service_hours_in_summer_time", "07:30 UTC in July is 08:30 BST: open",
     body(cdq("R1", eff="20260601")).replace("20261202", "20260701"), {"accepted": True, "findings": []},
     options={**U, "at": "2026-07-01T07:30:00"})

# ---- the batch job -----------------------------------------------------------------------
P = {"org_id": 1234, "org_type": "shipper", "today": "2026-12-03", "first_sequence": 1}
case("process_clean", "every contact gets a CRN and a target date in working days",
     body(cdq("R1"), c01("R2", "DMQ", mprn=M2, cls="1"), c01("R3", "MNC"), ADDR,
          c01("R4", "RFA", mprn=M3, cls="2", eff="20240101", end="20240331")),
     {"file_accepted": True, "response_file": "SHP00042.CMR", "contacts": [
        {"line": 2, "outcome": "AC", "crn": "C00000000195", "target_date": "2026-12-17", "codes": []},
        {"line": 3, "outcome": "AC", "crn": "C00000000292", "target_date": "2026-12-10", "codes": []},
        {"line": 4, "outcome": "AC", "crn": "C00000000389", "target_date": "2026-12-10", "codes": []},
        {"line": 6, "outcome": "AC", "crn": "C00000000486", "target_date": "2026-12-17", "codes": []}]},
     kind="process", options=P)
case("process_mixed", "rejected contacts get no CRN; warned ones do; child faults reject their contact",
     body(cdq("R1", mprn="1234567890"), cdq("R2"), cdq("R3", mprn=M2), '"C02","bad "quote" here"', c01("R4", "DMQ", mprn=M1, cls="1")),
     {"file_accepted": True, "contacts": [
        {"line": 2, "outcome": "RJ", "crn": None, "target_date": None, "codes": ["CON00008"]},
        {"line": 3, "outcome": "AC", "crn": "C00000000195", "target_date": "2026-12-17", "codes": []},
        {"line": 4, "outcome": "RJ", "crn": None, "target_date": None, "codes": ["CON00015", "FLD00011"]},
        {"line": 6, "outcome": "AC", "crn": "C00000000292", "target_date": "2026-12-10", "codes": []}]},
     kind="process", options=P)
case("process_christmas", "5 working days from Monday 21 December 2026 is Wednesday 30 December",
     body(c01("R1", "DMQ", mprn=M1, cls="1")),
     {"file_accepted": True, "contacts": [{"line": 2, "outcome": "AC", "crn": "C00000100008", "target_date": "2026-12-30", "codes": []}]},
     kind="process", options={**P, "today": "2026-12-21", "first_sequence": 1000})
case("process_file_rejected", "a wrong trailer count rejects the file: no contact, no CRN",
     body(cdq("R1"), cdq("R2"), trailer=5),
     {"file_accepted": False, "file_rejections": ["FIL00006"], "contacts": []}, kind="process", options=P)
case("process_duplicate_generation", "a duplicate generation rejects the file",
     body(cdq("R1")), {"file_accepted": False, "file_rejections": ["FIL00010"], "contacts": []},
     kind="process", options={**P, "last_generation": 42})

# ---- a format supplied as data: the public CFR example -----------------------------------
CFR = (ROOT.parent / "examples" / "data" / "cfr" / "public_CFR_example.txt").read_text()
CFR_RULES = "../examples/rules/cfr_rules.json"
cfr_common = [F("FIL00011", 1), F("FLD00002", 9, "METER_MANUFACTURER"), F("FLD00002", 18, "METER_MANUFACTURER"),
              F("FIL00006", 19, "RECORD_COUNT")]
case("cfr_public_example", "the public CFR file under a user rule set: trailer count and an over-long value",
     CFR, {"accepted": False, "findings": cfr_common}, name_file="public_CFR_example.txt", rules=CFR_RULES)
case("cfr_public_example_strict", "strict mode adds the unquoted text fields of T06 and the quoted numbers",
     CFR, {"accepted": False, "findings": cfr_common + [
        F("FLD00012", 10, "TRANSACTION_TYPE"), F("FLD00012", 10, "FIELD_2"), F("FLD00012", 10, "FIELD_4"),
        F("FLD00013", 1, "ORGANISATION_ID"), F("FLD00013", 1, "CREATION_DATE"), F("FLD00013", 1, "CREATION_TIME"),
        F("FLD00013", 3, "EFFECTIVE_DATE"), F("FLD00013", 12, "EFFECTIVE_DATE")]},
     name_file="public_CFR_example.txt", rules=CFR_RULES, options={"strict": True})
case("cfr_public_example_default_rules", "under the default rules CFR is an unknown file type",
     CFR, {"accepted": False, "findings": [F("FIL00007", 1, "FILE_TYPE"), F("FIL00011", 1), F("FIL00006", 19, "RECORD_COUNT")]},
     name_file="public_CFR_example.txt")

# ---- write -------------------------------------------------------------------------------
if CASES.exists():
    shutil.rmtree(CASES)
for c in cases:
    d = CASES / c["name"]
    d.mkdir(parents=True)
    raw = c["text"].encode("utf-8")
    if c["name"] == "character_not_allowed":
        raw = raw.replace("caf\u00e9".encode(), b"caf\xe9")  # one Latin-1 byte, not UTF-8
    (d / c["file"]).write_bytes(raw)
    spec = {"description": c["description"], "kind": c["kind"], "input": c["file"],
            "rules": c["rules"], "options": c["options"], "expect": c["expect"]}
    (d / "case.json").write_text(json.dumps(spec, indent=1) + "\n")

# A rule set for the cases the default formats cannot show: a mandatory child, a timestamp.
base = json.loads((ROOT.parent / "cms-core" / "data" / "rules.json").read_text())
base["name"], base["version"] = "conformance-extras", "1"
TT = {"name": "TRANSACTION_TYPE", "opt": "M", "dom": "T", "lng": 3}
base["formats"].append({"code": "TST", "name": "conformance test format", "records": [
    {"record_type": "T01", "name": "PARENT", "fields": [TT, {"name": "STAMP", "opt": "M", "dom": "M", "lng": 14}]},
    {"record_type": "T02", "name": "CHILD", "fields": [TT, {"name": "TEXT", "opt": "M", "dom": "T", "lng": 10}]}],
    "hierarchy": [{"record": "T01", "level": 1, "opt": "M"},
                  {"record": "T02", "level": 2, "parent": "T01", "max": 5, "opt": "M"}]})
(ROOT / "rules").mkdir(exist_ok=True)
(ROOT / "rules" / "extras.json").write_text(json.dumps(base, indent=1) + "\n")
print(len(cases), "cases")
