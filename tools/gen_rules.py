"""Writes cms-core/data/rules.json, the embedded default rule set.

The JSON file is the source of truth once written; this script only saves typing when the
catalogue grows. Run: python3 tools/gen_rules.py
"""
import json, pathlib

def F(name, opt, dom, lng, dec=0, **kw):
    d = {"name": name, "opt": opt, "dom": dom, "lng": lng}
    if dec: d["dec"] = dec
    d.update(kw)
    return d

TT = F("TRANSACTION_TYPE", "M", "T", 3)

findings = [
 # file level
 ("empty_file","FIL00001","error","file","empty file","the file holds no records"),
 ("missing_header","FIL00002","error","file","missing header","the first record is `{record}`, not the header `{expected}`"),
 ("missing_trailer","FIL00003","error","file","missing trailer","the file ends without the trailer `{expected}`"),
 ("duplicate_header","FIL00004","error","file","second header","a second header `{record}`; the header is on line {first_line}"),
 ("record_after_trailer","FIL00005","error","file","record after trailer","record `{record}` after the trailer on line {trailer_line}"),
 ("record_count_mismatch","FIL00006","error","file","wrong record count","the trailer says {declared} records, {found} stand between header and trailer"),
 ("unknown_file_type","FIL00007","error","file","unknown file type","file type `{value}` is not a format of rule set `{rules}`"),
 ("extension_mismatch","FIL00008","error","file","file type and name disagree","file type `{value}` does not match the file name's extension `{expected}`"),
 ("generation_mismatch","FIL00009","error","file","generation and name disagree","generation number `{value}` does not match the number `{expected}` in the file name"),
 ("duplicate_generation","FIL00010","error","file","duplicate generation","generation {value} is not above the last accepted generation {last}: a duplicate file"),
 ("file_name_style","FIL00011","warning","file","file name style","file name `{value}` is not letters, a generation number, a dot and the file type (like `SHP00042.CMQ`)"),
 ("format_mismatch","FIL00012","error","file","not the format asked for","file type `{value}` is not the format `{expected}` asked for"),
 ("organisation_mismatch","FIL00013","error","file","not the uploader","organisation id `{value}` is not the uploader's organisation {expected}"),
 ("organisation_type_not_allowed","FIL00014","error","file","organisation type may not use CMS","organisation type `{org_type}` may not use CMS"),
 ("no_final_line_end","FIL00015","warning","file","no final line end","the last line has no line end"),
 ("byte_order_mark","FIL00016","warning","file","byte-order mark","the file starts with a UTF-8 byte-order mark, which is skipped"),
 ("findings_capped","FIL00017","warning","file","findings capped","{count} more findings are not listed (the limit is {limit}); counting went on to the end"),
 ("missing_mandatory_record","FIL00018","error","file","mandatory record missing","the file has no `{record}` record, and one is mandatory"),
 ("blank_line","FIL00019","warning","file","blank line","blank line ignored"),
 ("user_may_not_upload","FIL00020","error","file","user may not upload","user `{user}` may not upload this file: {reason}"),
 ("service_unavailable","FIL00021","error","file","service unavailable","the service is not available at {at}: {reason}"),
 # record level
 ("unknown_record_type","REC00001","error","record","unknown record type","record type `{value}` is not part of a `{format}` file"),
 ("too_few_fields","REC00002","error","record","too few fields","{found} fields where `{record}` has {expected}"),
 ("too_many_fields","REC00003","error","record","too many fields","{found} fields where `{record}` has {expected}"),
 ("record_out_of_place","REC00004","error","record","record out of place","`{record}` must come under a `{parent}` record"),
 ("too_many_occurrences","REC00005","error","record","too many occurrences","more than {max} `{record}` records in {parent}"),
 ("missing_child_record","REC00006","error","record","mandatory child missing","this `{parent}` has no `{record}` record, and one is mandatory"),
 ("unbalanced_quote","REC00007","error","record","unbalanced quote","a quoted field is not closed before the end of the line"),
 ("line_too_long","REC00008","error","record","line too long","the line is longer than the limit of {limit} bytes"),
 # field level
 ("mandatory_field_missing","FLD00001","error","field","mandatory field empty","mandatory field is empty"),
 ("text_too_long","FLD00002","error","field","text too long","`{value}` is {length} characters long, more than the {max} allowed"),
 ("not_numeric","FLD00003","error","field","not a number","`{value}` is not a number"),
 ("too_many_digits","FLD00004","error","field","too many digits","`{value}` has {digits} digits before the decimal point, more than the {max} allowed"),
 ("too_many_decimals","FLD00005","error","field","too many decimals","`{value}` has {decimals} decimal places, more than the {max} allowed"),
 ("sign_not_allowed","FLD00006","error","field","negative value","`{value}` is negative, and the field is unsigned"),
 ("invalid_date","FLD00007","error","field","invalid date","`{value}` is not a real date in the form YYYYMMDD"),
 ("invalid_time","FLD00008","error","field","invalid time","`{value}` is not a time of day in the form HHMMSS"),
 ("invalid_timestamp","FLD00009","error","field","invalid timestamp","`{value}` is not a timestamp in the form YYYYMMDDHHMMSS"),
 ("character_not_allowed","FLD00010","error","field","character not allowed","`{value}` holds {character}, outside {charset}"),
 ("quote_in_field","FLD00011","error","field","quote inside a field","`{value}` holds a double quote, and no escape for one is defined"),
 ("text_not_quoted","FLD00012","error","field","text not quoted","text field `{value}` is not in double quotes (strict mode)"),
 ("non_text_quoted","FLD00013","error","field","non-text quoted","non-text field `{value}` is in double quotes (strict mode)"),
 ("value_not_allowed","FLD00014","error","field","value not allowed","`{value}` is not one of {allowed}"),
 # contact rules
 ("unknown_contact_type","CON00001","error","field","unknown contact type","contact type `{value}` is not in the catalogue"),
 ("retired_contact_type","CON00002","error","field","retired contact type","contact type `{value}` ({name}) is retired and cannot be raised"),
 ("contact_type_not_in_new_cms","CON00003","error","field","not in the new CMS","contact type `{value}` ({name}) is not in the new CMS yet: raise it in the existing system"),
 ("not_raisable_by_organisation","CON00004","error","field","organisation may not raise","organisation type `{org_type}` may not raise contact type `{value}`"),
 ("required_field_missing","CON00005","error","field","required field missing","contact type `{type}` needs this field"),
 ("field_not_allowed","CON00006","error","field","field not allowed","contact type `{type}` must not have this field (found `{value}`)"),
 ("required_record_missing","CON00007","error","record","required record missing","contact type `{type}` needs a `{record}` record"),
 ("mprn_check_digits","CON00008","error","field","MPRN check digits","MPRN `{value}` fails its check digits (they would be `{expected}`)"),
 ("mprn_length","CON00009","error","field","MPRN length","MPRN `{value}` has {digits} digits, where {min} to {max} are allowed"),
 ("class_not_allowed","CON00010","error","field","class not allowed","supply point class `{value}` is not allowed for contact type `{type}` (allowed: {allowed})"),
 ("end_before_effective","CON00011","error","field","end before effective","END_DATE `{value}` is before EFFECTIVE_DATE `{other}`"),
 ("date_after_creation","CON00012","error","field","date after file creation","`{value}` is after the file's CREATION_DATE `{other}`"),
 ("date_before_earliest","CON00013","error","field","date too early","`{value}` is before {earliest}, the earliest date for contact type `{type}`"),
 ("duplicate_reference","CON00014","error","field","repeated reference","customer reference `{value}` is used by an earlier contact in this file"),
 ("user_may_not_raise","CON00016","error","field","user may not raise","user `{user}` may not raise contact type `{value}`: {reason}"),
 ("duplicate_meter_point","CON00015","warning","field","repeated meter point","an earlier contact in this file has MPRN `{value}` and contact type `{type}`"),
]

def ct(code, name, family, raised_by, routed_to, target, new_cms=True, provenance="confirmed", **kw):
    d = {"code": code, "name": name, "family": family, "raised_by": raised_by, "routed_to": routed_to}
    d.update(kw)
    if target is not None: d["target_working_days"] = target
    d["new_cms"] = new_cms
    d["provenance"] = provenance
    return d

MPRN = "SUPPLY_METER_POINT_REFERENCE"
wd = ["Mon","Tue","Wed","Thu","Fri","Sat","Sun"]
def T(action, frm, to, by): return {"action": action, "from": frm, "to": to, "by": by}
def win(d1,t1,d2,t2): return {"from":{"day":d1,"time":t1},"to":{"day":d2,"time":t2}}

rules = {
 "name": "cms-default",
 "version": "2026.12.0",
 "description": "The project's embedded default rule set. Contact types marked confirmed follow public material; the CMQ and CMR batch layouts, finding codes, CRN scheme and lifecycle are project decisions (the real ones are not public) and are meant to be replaced by a user's own rule file.",
 "cdsp_organisation_id": 9999,
 "organisation_types": [
   {"code":"shipper","name":"Shipper","may_use_cms":True},
   {"code":"gt","name":"Gas Transporter","may_use_cms":True},
   {"code":"igt","name":"Independent Gas Transporter","may_use_cms":True},
   {"code":"mra","name":"Meter Reading Agency","may_use_cms":True},
   {"code":"dmsp","name":"Daily Metered Service Provider","may_use_cms":True},
   {"code":"uip","name":"Utility Infrastructure Provider","may_use_cms":True},
   {"code":"cdsp","name":"Central Data Service Provider (Xoserve), which operates CMS","may_use_cms":False},
 ],
 "contact_types": [
   ct("RFA","Request For Adjustment","invoicing",["shipper","dmsp"],"cdsp",10,
      required_fields=[MPRN,"SUPPLY_POINT_CLASS","EFFECTIVE_DATE","END_DATE"], classes=[2,3,4],
      earliest_effective_date="2017-06-01",
      notes="Class 2, 3 or 4 supply meter points only; periods before 2017-06-01 are not adjusted. DMSP raises on a shipper's behalf. Family and target are project defaults."),
   ct("CDQ","Consumption Dispute Query","invoicing",["shipper"],"cdsp",10,
      required_fields=[MPRN,"EFFECTIVE_DATE"], notes="Target is a project default."),
   ct("DMQ","Daily Metered Query","operational",["shipper"],"dmsp",5,
      required_fields=[MPRN,"SUPPLY_POINT_CLASS"], classes=[1], notes="Class 1 sites; routed to the DMSP. Target is a project default."),
   ct("FOM","New meter point (MPRN) request","operational",["uip","gt","igt"],"cdsp",1,
      required_records=["C03"], forbidden_fields=[MPRN],
      notes="Asks for a new MPRN, so carries none. Historic standard: 95% resolved by the next working day."),
   ct("MNC","Meter point number creation","operational",["shipper"],"cdsp",5,
      required_records=["C03"], forbidden_fields=[MPRN], notes="Target is a project default."),
   ct("USR","User Suppressed Reconciliation Value","invoicing",[],"cdsp",None, new_cms=False, retired=True,
      notes="The USRV process is finished and archived: a retired type that cannot be raised. The code USR is the project's."),
   ct("XAD","Address amendment (illustrative)","operational",["shipper"],"cdsp",5, new_cms=False, provenance="illustrative",
      required_fields=[MPRN], required_records=["C03"], notes="Illustrative: the real code is not public. Not in the new CMS."),
   ct("XMR","Meter read query (illustrative)","operational",["shipper"],"cdsp",5, new_cms=False, provenance="illustrative",
      required_fields=[MPRN,"METER_READING"], notes="Illustrative: the real code is not public. Not in the new CMS."),
   ct("XAS","Asset or meter details query (illustrative)","operational",["shipper","mra"],"cdsp",5, new_cms=False, provenance="illustrative",
      required_fields=[MPRN], notes="Illustrative: the real code is not public. Not in the new CMS."),
   ct("XTH","Theft of gas report (illustrative)","operational",["shipper","gt","igt"],"gt",10, provenance="illustrative",
      required_fields=[MPRN], theft_related=True, notes="Illustrative: the real code is not public. Theft related: Xoserve may send a Request for Information."),
 ],
 "envelope": {
   "header": {"record_type":"A00","name":"STANDARD_HEADER","fields":[
     TT, F("ORGANISATION_ID","M","N",10), F("FILE_TYPE","M","T",3), F("CREATION_DATE","M","D",8),
     F("CREATION_TIME","M","M",6), F("GENERATION_NUMBER","M","N",6)]},
   "trailer": {"record_type":"Z99","name":"STANDARD_TRAILER","fields":[TT, F("RECORD_COUNT","M","N",10)]},
   "fields": {"organisation_id":"ORGANISATION_ID","file_type":"FILE_TYPE","creation_date":"CREATION_DATE",
              "creation_time":"CREATION_TIME","generation_number":"GENERATION_NUMBER","record_count":"RECORD_COUNT"},
 },
 "formats": [
  {"code":"CMQ","name":"CMS contact upload",
   "description":"Project reference layout (the real CMS batch layouts are not public): customer to CDSP, one C01 per contact with optional notes (C02) and address (C03).",
   "records":[
     {"record_type":"C01","name":"CONTACT","fields":[TT,
        F("CUSTOMER_REFERENCE","M","T",30, description="unique in the file"),
        F("CONTACT_TYPE_CODE","M","T",3),
        F(MPRN,"O","N",10, description="required when the contact type says so"),
        F("METER_SERIAL_NUMBER","O","T",14),
        F("SUPPLY_POINT_CLASS","O","N",1, values=["1","2","3","4"]),
        F("EFFECTIVE_DATE","O","D",8),
        F("END_DATE","O","D",8, description="not before EFFECTIVE_DATE"),
        F("METER_READING","O","N",12),
        F("ADJUSTMENT_VOLUME","O","N",14,3, signed=True),
        F("DESCRIPTION","M","T",500)]},
     {"record_type":"C02","name":"CONTACT_NOTE","fields":[TT, F("NOTE_TEXT","M","T",250)]},
     {"record_type":"C03","name":"CONTACT_ADDRESS","fields":[TT,
        F("BUILDING_NUMBER","O","N",4), F("BUILDING_NAME","O","T",50), F("PRINCIPAL_STREET","M","T",40),
        F("POST_TOWN","M","T",40), F("POSTCODE_OUTCODE","M","T",4), F("POSTCODE_INCODE","M","T",4)]},
   ],
   "hierarchy":[
     {"record":"C01","level":1,"max":1000000,"opt":"M"},
     {"record":"C02","level":2,"parent":"C01","max":10,"opt":"O"},
     {"record":"C03","level":2,"parent":"C01","max":1,"opt":"O"},
   ],
   "upload":{"contact_record":"C01","response_format":"CMR","fields":{
     "reference":"CUSTOMER_REFERENCE","contact_type":"CONTACT_TYPE_CODE","mprn":MPRN,
     "class":"SUPPLY_POINT_CLASS","effective_date":"EFFECTIVE_DATE","end_date":"END_DATE"}}},
  {"code":"CMR","name":"CMS upload response",
   "description":"Project reference layout: CDSP to customer, one R01 per uploaded C01 in input order with R02 rejection details, or R00 records when the whole file is rejected.",
   "records":[
     {"record_type":"R00","name":"FILE_REJECTION","fields":[TT, F("REJECTION_CODE","M","T",8), F("REJECTION_TEXT","M","T",250)]},
     {"record_type":"R01","name":"CONTACT_RESPONSE","fields":[TT,
        F("CUSTOMER_REFERENCE","O","T",30), F("OUTCOME_CODE","M","T",2, values=["AC","RJ","WN"]),
        F("CONTACT_REFERENCE_NUMBER","O","T",12), F("CONTACT_TYPE_CODE","O","T",3),
        F("TARGET_RESOLUTION_DATE","O","D",8)]},
     {"record_type":"R02","name":"REJECTION_DETAIL","fields":[TT, F("REJECTION_CODE","M","T",8),
        F("FIELD_NAME","O","T",40), F("REJECTION_TEXT","M","T",250)]},
   ],
   "hierarchy":[
     {"record":"R00","level":1,"max":15,"opt":"O"},
     {"record":"R01","level":1,"opt":"O"},
     {"record":"R02","level":2,"parent":"R01","max":15,"opt":"O"},
   ],
   "response":{
     "file_rejection":{"record":"R00","code":"REJECTION_CODE","text":"REJECTION_TEXT"},
     "contact":{"record":"R01","reference":"CUSTOMER_REFERENCE","outcome":"OUTCOME_CODE",
                "crn":"CONTACT_REFERENCE_NUMBER","contact_type":"CONTACT_TYPE_CODE","target_date":"TARGET_RESOLUTION_DATE"},
     "detail":{"record":"R02","code":"REJECTION_CODE","field":"FIELD_NAME","text":"REJECTION_TEXT"},
     "max_details":15, "max_file_rejections":15}},
 ],
 "charset": "printable_ascii",
 "mprn": {"min_digits":6, "max_digits":10},
 "crn": {"prefix":"C", "width":9},
 "calendar": {
   "removed": ["1995-05-01","2002-05-27","2012-05-28","2020-05-04","2022-05-30"],
   "added": [
     {"date":"1995-05-08","name":"Early May bank holiday (VE Day)"},
     {"date":"1981-07-29","name":"Royal wedding"},
     {"date":"1999-12-31","name":"Millennium celebrations"},
     {"date":"2002-06-03","name":"Queen's Golden Jubilee"},
     {"date":"2002-06-04","name":"Spring bank holiday"},
     {"date":"2011-04-29","name":"Royal wedding"},
     {"date":"2012-06-04","name":"Spring bank holiday"},
     {"date":"2012-06-05","name":"Queen's Diamond Jubilee"},
     {"date":"2020-05-08","name":"Early May bank holiday (VE day)"},
     {"date":"2022-06-02","name":"Spring bank holiday"},
     {"date":"2022-06-03","name":"Platinum Jubilee bank holiday"},
     {"date":"2022-09-19","name":"Bank Holiday for the State Funeral of Queen Elizabeth II"},
     {"date":"2023-05-08","name":"Bank holiday for the coronation of King Charles III"},
   ],
   "non_business_days": [],
 },
 "service_hours": {"open":"08:00:00","close":"18:00:00","maintenance":[
   win("Mon","17:00:00","Tue","07:00:00"), win("Tue","17:00:00","Wed","07:00:00"),
   win("Wed","17:00:00","Thu","07:00:00"), win("Thu","17:00:00","Fri","07:00:00"),
   win("Fri","17:00:00","Sat","07:00:00"), win("Sat","12:00:00","Mon","07:00:00")]},
 "lifecycle": {
   "initial_status": "open",
   "statuses": [
     {"code":"open","name":"Open","clock":"running"},
     {"code":"with_xoserve","name":"With Xoserve","clock":"running"},
     {"code":"with_third_party","name":"With a third party","clock":"running"},
     {"code":"awaiting_customer","name":"Awaiting customer response","clock":"paused"},
     {"code":"resolved","name":"Resolved","clock":"stopped"},
     {"code":"closed","name":"Closed","clock":"stopped","terminal":True},
     {"code":"rejected","name":"Rejected","clock":"stopped","terminal":True},
     {"code":"cancelled","name":"Cancelled","clock":"stopped","terminal":True}],
   "request_kinds": [
     {"code":"data_clarification","name":"Data Clarification Request","response_working_days":5},
     {"code":"configuration_change","name":"Configuration Change Request","response_working_days":5},
     {"code":"request_for_information","name":"Request for Information","response_working_days":10,"theft_only":True}],
   "reopen_working_days": 10,
   "workflows": [{"code": "default", "transitions": [
     T("assign", ["open", "with_xoserve"], "with_xoserve", ["handler"]),
     T("assign", ["with_third_party"], "with_third_party", ["routed_party"]),
     T("transfer", ["with_xoserve"], "with_xoserve", ["handler"]),
     T("transfer", ["with_third_party"], "with_third_party", ["routed_party"]),
     T("route", ["open", "with_xoserve"], "with_third_party", ["handler"]),
     T("return_to_xoserve", ["with_third_party"], "with_xoserve", ["routed_party", "handler"]),
     T("request_information", ["with_xoserve"], "awaiting_customer", ["handler"]),
     T("respond", ["awaiting_customer"], "with_xoserve", ["raiser"]),
     T("auto_close", ["awaiting_customer"], "closed", ["system"]),
     T("resolve", ["with_xoserve", "with_third_party"], "resolved", ["handler", "routed_party"]),
     T("reject", ["open", "with_xoserve", "with_third_party"], "rejected", ["handler"]),
     T("cancel", ["open", "with_xoserve", "with_third_party", "awaiting_customer"], "cancelled", ["raiser"]),
     T("close", ["resolved"], "closed", ["raiser", "handler"]),
     T("reopen", ["resolved"], "with_xoserve", ["raiser"]),
   ]}]},
 "access": {"grants": [
   {"permission": "raise", "roles": ["lso", "supervisor", "user"]},
   {"permission": "upload_batch", "roles": ["lso", "supervisor", "user"]},
   {"permission": "view", "roles": ["lso", "supervisor", "user"]},
   {"permission": "search", "roles": ["lso", "supervisor", "user"]},
   {"permission": "change_own_password", "roles": ["lso", "supervisor", "user"]},
   {"permission": "change_own_profile", "roles": ["lso", "supervisor", "user"]},
   *[{"permission": {"lifecycle": a}, "roles": ["lso", "supervisor", "user"]} for a in
     ["route", "return_to_xoserve", "request_information", "respond", "resolve", "reject", "cancel", "close", "reopen"]],
   *[{"permission": {"lifecycle": a}, "roles": ["supervisor"]} for a in ["assign", "transfer"]],
   *[{"permission": {"account": a}, "roles": ["lso"]} for a in
     ["create_user", "delete_user", "change_permissions", "reset_password", "suspend", "reinstate"]],
 ]},
 "findings": [dict(check=c, code=k, severity=s, scope=sc, title=t, message=m) for (c,k,s,sc,t,m) in findings],
}
out = pathlib.Path(__file__).resolve().parent.parent / "cms-core" / "data" / "rules.json"
out.write_text(json.dumps(rules, indent=1) + "\n")
print("wrote", out)
