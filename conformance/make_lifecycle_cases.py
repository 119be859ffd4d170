"""Writes conformance/lifecycle_cases.json: lifecycle transitions and access decisions.

Every expectation below is written by hand from DOMAIN.md §1-3 and §10 and issue 3 (the default
workflow, the role grants, service hours), not recorded from a run. The form is described at the
end of conformance/README.md. Run: python3 conformance/make_lifecycle_cases.py
"""
import copy, json, pathlib

ROOT = pathlib.Path(__file__).resolve().parent
NOW = "2026-12-03T10:00:00"  # Thursday, 10:00 GMT: open, no maintenance window

SHIPPER = {"id": 1001, "short_code": "SHP", "org_type": "shipper", "active": True}
OTHER_SHIPPER = {"id": 1002, "short_code": "SH2", "org_type": "shipper", "active": True}
GT = {"id": 3003, "short_code": "GTA", "org_type": "gt", "active": True}
MRA = {"id": 5005, "short_code": "MRA", "org_type": "mra", "active": True}
CDSP = {"id": 9999, "short_code": "XOS", "org_type": "cdsp", "active": True}


def org_ref(o):
    return {"id": o["id"], "org_type": o["org_type"]}


def user(uid, o, roles, status="active", raise_=("CDQ", "RFA", "DMQ", "MNC"), upload=True, view_only=False):
    return {"id": uid, "organisation_id": o["id"], "roles": list(roles), "status": status,
            "permissions": {"raise": list(raise_), "upload_batches": upload, "view_only": view_only}}


def actor(u, o):
    return {"user": u, "organisation": o}


RAISER = actor(user("u-shp", SHIPPER, ["user"]), SHIPPER)
XOSERVE = actor(user("u-xo", CDSP, ["supervisor"]), CDSP)
GT_USER = actor(user("u-gt", GT, ["user"]), GT)
MRA_USER = actor(user("u-mra", MRA, ["user"]), MRA)

# A CDQ contact raised by the shipper on Tuesday 1 December 2026 (target: 10 working days).
BASE = {
    "crn": "C00000000195", "contact_type": "CDQ", "status": "open",
    "raised_by": org_ref(SHIPPER), "raised_by_user": "u-shp", "raised_at": "2026-12-01T10:00:00",
    "target_date": "2026-12-15", "routed_party": None, "routed_to": [], "assignee": None,
    "paused_since": None, "paused_working_days": 0, "request": None, "resolved_at": None,
    "resolution": None, "rejection_code": None, "events": 2,
}


def state(**kw):
    s = copy.deepcopy(BASE)
    s.update(kw)
    return s


OPEN = state()
WITH_XOSERVE = state(status="with_xoserve", assignee="u-xo")
WITH_GT = state(status="with_third_party", routed_party=3003, routed_to=[3003])
RETURNED = state(status="with_xoserve", routed_to=[3003])
# Paused since Thursday 26 November; the Data Clarification was due Tuesday 1 December.
AWAITING = state(status="awaiting_customer", paused_since="2026-11-26",
                 request={"kind": "data_clarification", "deadline": "2026-12-01"})
RESOLVED = state(status="resolved", resolved_at="2026-12-02T15:00:00", resolution="reads corrected")
THEFT = state(contact_type="XTH", status="with_xoserve")

cases = []


def transition(name, description, st, who, action, expect, now=NOW, note=None):
    c = {"name": name, "description": description, "kind": "transition", "state": st,
         "actor": who, "action": action, "now": now}
    if note is not None:
        c["note"] = note
    c["expect"] = expect
    cases.append(c)


def decide(name, description, who, request, expect, st=None, now=NOW, outages=None):
    c = {"name": name, "description": description, "kind": "decide"}
    if st is not None:
        c["state"] = st
    c.update({"actor": who, "request": request, "now": now})
    if outages is not None:
        c["outages"] = outages
    c["expect"] = expect
    cases.append(c)


def ok(to, **state_fields):
    e = {"ok": True, "to": to}
    if state_fields:
        e["state"] = state_fields
    return e


def refused(reason, guard=None):
    return {"ok": False, "reason": reason, "guard": guard}


def allowed(rule="allowed", flag=None):
    e = {"allowed": rule == "allowed", "rule": rule}
    if flag is not None:
        e["may_be_unavailable"] = flag
    return e


# ---- every action, taken ------------------------------------------------------------------
transition("assign_from_open", "Xoserve takes an open contact: assigned to one of its own users",
           OPEN, XOSERVE, {"action": "assign", "assignee": "u-xo-2", "assignee_organisation": 9999},
           {**ok("with_xoserve", assignee="u-xo-2", events=3),
            "event": {"id": "C00000000195-3", "seq": 3, "from": "open", "to": "with_xoserve",
                      "note": "picked up", "actor": {"user": "u-xo", "organisation": org_ref(CDSP),
                                                     "roles": ["supervisor"]}}},
           note="picked up")
transition("transfer_inside_xoserve", "a contact with Xoserve moves to another Xoserve user",
           WITH_XOSERVE, XOSERVE, {"action": "transfer", "assignee": "u-xo-3", "assignee_organisation": 9999},
           ok("with_xoserve", assignee="u-xo-3"))
transition("route_to_the_network", "Xoserve routes a contact to the gas transporter; the assignee is cleared",
           WITH_XOSERVE, XOSERVE, {"action": "route", "to": org_ref(GT)},
           ok("with_third_party", routed_party=3003, routed_to=[3003], assignee=None))
transition("return_to_xoserve", "the gas transporter hands the contact back; it keeps sight of it",
           WITH_GT, GT_USER, {"action": "return_to_xoserve"},
           ok("with_xoserve", routed_party=None, routed_to=[3003]))
transition("request_information", "a Data Clarification Request: the clock pauses, 5 working days to answer",
           WITH_XOSERVE, XOSERVE, {"action": "request_information", "kind": "data_clarification"},
           ok("awaiting_customer", paused_since="2026-12-03",
              request={"kind": "data_clarification", "deadline": "2026-12-10"}, target_date="2026-12-15"))
transition("request_for_information_on_theft", "a Request for Information on the theft type XTH: 10 working days",
           THEFT, XOSERVE, {"action": "request_information", "kind": "request_for_information"},
           ok("awaiting_customer", request={"kind": "request_for_information", "deadline": "2026-12-17"}))
transition("respond_moves_the_target", "the raiser answers after 5 paused working days (27, 30 Nov, 1, 2, 3 Dec): "
           "the target moves from 15 to 22 December",
           AWAITING, RAISER, {"action": "respond"},
           ok("with_xoserve", request=None, paused_since=None, paused_working_days=5, target_date="2026-12-22"))
transition("auto_close_after_the_deadline", "the system closes a contact whose request went unanswered",
           AWAITING, "system", {"action": "auto_close"},
           {**ok("closed", request=None), "event": {"actor": {"user": None, "organisation": None, "roles": []}}})
transition("resolve_by_the_routed_party", "the gas transporter resolves the contact routed to it",
           WITH_GT, GT_USER, {"action": "resolve", "text": "meter exchanged"},
           ok("resolved", resolution="meter exchanged", resolved_at=NOW))
transition("reject_with_a_catalogue_code", "Xoserve rejects an open contact with a catalogue code",
           OPEN, XOSERVE, {"action": "reject", "code": "CON00008"}, ok("rejected", rejection_code="CON00008"))
transition("cancel_while_awaiting", "the raiser withdraws a contact while it awaits their answer",
           AWAITING, RAISER, {"action": "cancel"}, ok("cancelled", paused_since=None))
transition("close_after_resolution", "the raiser closes a resolved contact", RESOLVED, RAISER, {"action": "close"},
           ok("closed"))
transition("reopen_inside_the_window", "the raiser reopens a contact resolved yesterday",
           RESOLVED, RAISER, {"action": "reopen"}, ok("with_xoserve", resolution=None, resolved_at=None))

# ---- refused by the table -----------------------------------------------------------------
transition("close_from_open", "close is only from resolved", OPEN, RAISER, {"action": "close"},
           refused("not_from_status"))
transition("raiser_may_not_resolve", "resolve is Xoserve's or the routed party's, not the raiser's",
           WITH_XOSERVE, RAISER, {"action": "resolve", "text": "solved it myself"}, refused("not_for_actor"))
transition("returned_party_may_not_resolve", "once the contact is back with Xoserve the network has no part in it",
           RETURNED, GT_USER, {"action": "resolve", "text": "x"}, refused("not_for_actor"))
transition("auto_close_is_the_systems", "a user may not auto-close", AWAITING, XOSERVE, {"action": "auto_close"},
           refused("not_for_actor"))
transition("nothing_leaves_a_terminal_status", "a cancelled contact cannot be reopened",
           state(status="cancelled"), RAISER, {"action": "reopen"}, refused("not_from_status"))

# ---- guards -------------------------------------------------------------------------------
transition("guard_resolution_text_required", "resolving needs a resolution text (blank is none)",
           WITH_XOSERVE, XOSERVE, {"action": "resolve", "text": "   "},
           refused("guard", "resolution_text_required"))
transition("guard_rejection_code_unknown", "the rejection code must be in the catalogue",
           OPEN, XOSERVE, {"action": "reject", "code": "XYZ00001"}, refused("guard", "rejection_code_unknown"))
transition("guard_request_kind_unknown", "a request kind the rule set does not have",
           WITH_XOSERVE, XOSERVE, {"action": "request_information", "kind": "telegram"},
           refused("guard", "request_kind_unknown"))
transition("guard_theft_only", "a Request for Information is only for theft-related types, not CDQ",
           WITH_XOSERVE, XOSERVE, {"action": "request_information", "kind": "request_for_information"},
           refused("guard", "theft_only"))
transition("guard_reopen_window_passed", "resolved Wednesday 18 November: 11 working days before Thursday 3 December",
           state(status="resolved", resolved_at="2026-11-18T12:00:00", resolution="done"), RAISER, {"action": "reopen"},
           refused("guard", "reopen_window_passed"))
transition("reopen_on_the_last_day", "resolved Thursday 19 November: exactly 10 working days before",
           state(status="resolved", resolved_at="2026-11-19T12:00:00", resolution="done"), RAISER, {"action": "reopen"},
           ok("with_xoserve"))
transition("guard_deadline_not_passed", "on the deadline day itself the customer may still answer",
           state(status="awaiting_customer", paused_since="2026-11-26",
                 request={"kind": "data_clarification", "deadline": "2026-12-03"}),
           "system", {"action": "auto_close"}, refused("guard", "deadline_not_passed"), now="2026-12-03T23:30:00")
transition("guard_no_open_request", "nothing to respond to",
           state(status="awaiting_customer", paused_since="2026-11-26"), RAISER, {"action": "respond"},
           refused("guard", "no_open_request"))
transition("guard_assignee_outside_handling_organisation", "Xoserve may not assign its contact to the network's user",
           WITH_XOSERVE, XOSERVE, {"action": "assign", "assignee": "u-gt", "assignee_organisation": 3003},
           refused("guard", "assignee_outside_handling_organisation"))
transition("guard_route_target_invalid", "a contact is never routed to the CDSP",
           OPEN, XOSERVE, {"action": "route", "to": org_ref(CDSP)}, refused("guard", "route_target_invalid"))
transition("guard_date_out_of_range", "a paused target at the end of the calendar cannot move on",
           state(status="awaiting_customer", paused_since="2026-11-26", target_date="+262142-12-31",
                 request={"kind": "data_clarification", "deadline": "2026-12-10"}),
           RAISER, {"action": "respond"}, refused("guard", "date_out_of_range"))

# ---- decisions ------------------------------------------------------------------------------
LIFE = "lifecycle"
decide("decide_allowed_cancel", "the raiser's user cancels their open contact", RAISER,
       {"kind": LIFE, "action": {"action": "cancel"}}, allowed(flag=False), st=OPEN)
decide("decide_user_not_active", "a suspended user may not even search",
       actor(user("u-s", SHIPPER, ["user"], status="suspended"), SHIPPER), {"kind": "search"},
       allowed("user_not_active"))
decide("decide_revoked_own_password", "a revoked user may not change their own password",
       actor(user("u-r", SHIPPER, ["user"], status="revoked"), SHIPPER), {"kind": "change_own_password"},
       allowed("user_not_active"))
decide("decide_organisation_not_active", "an inactive organisation's users are refused",
       actor(user("u-1", SHIPPER, ["user"]), {**SHIPPER, "active": False}), {"kind": "search"},
       allowed("organisation_not_active"))
decide("decide_wrong_organisation", "the user record belongs to another organisation",
       actor(user("u-1", SHIPPER, ["user"]), OTHER_SHIPPER), {"kind": "search"}, allowed("wrong_organisation"))
decide("decide_cdsp_does_not_upload", "the CDSP handles contacts, it does not upload them",
       XOSERVE, {"kind": "upload_batch"}, allowed("organisation_type_not_allowed"))
decide("decide_outside_service_hours_autumn", "Sunday 25 October 2026, 07:30 UTC is 07:30 GMT: closed (weekend window)",
       RAISER, {"kind": "search"}, allowed("outside_service_hours", flag=True), now="2026-10-25T07:30:00")
decide("decide_open_after_the_spring_change", "Sunday 29 March 2026, 07:30 UTC is 08:30 BST: open (weekend window)",
       RAISER, {"kind": "search"}, allowed(flag=True), now="2026-03-29T07:30:00")
decide("decide_maintenance_window_flag", "Tuesday 17:30: open, but in the evening window",
       RAISER, {"kind": "search"}, allowed(flag=True), now="2026-12-01T17:30:00")
decide("decide_outage", "a declared outage closes the service", RAISER, {"kind": "raise", "contact_type": "CDQ"},
       allowed("outage", flag=False), outages=[{"from": "2026-12-03T09:00:00", "to": "2026-12-03T11:00:00"}])
decide("decide_after_the_outage", "an outage's end is exclusive", RAISER, {"kind": "raise", "contact_type": "CDQ"},
       allowed(), now="2026-12-03T11:00:00",
       outages=[{"from": "2026-12-03T09:00:00", "to": "2026-12-03T11:00:00"}])
decide("decide_no_grant_assign", "assigning is the supervisor's: a plain Xoserve user may not",
       actor(user("u-xo-plain", CDSP, ["user"]), CDSP),
       {"kind": LIFE, "action": {"action": "assign", "assignee": "u-xo-plain", "assignee_organisation": 9999}},
       allowed("no_grant"), st=OPEN)
decide("decide_view_only", "a view-only user may not raise",
       actor(user("u-v", SHIPPER, ["user"], view_only=True), SHIPPER), {"kind": "raise", "contact_type": "CDQ"},
       allowed("view_only"))
decide("decide_view_only_may_view", "a view-only user may view their organisation's contact",
       actor(user("u-v", SHIPPER, ["user"], view_only=True), SHIPPER), {"kind": "view"}, allowed(), st=OPEN)
decide("decide_not_visible", "an unrelated organisation does not see the contact", MRA_USER, {"kind": "view"},
       allowed("not_visible"), st=WITH_GT)
decide("decide_visible_after_return", "an organisation the contact was routed to keeps sight of it",
       GT_USER, {"kind": "view"}, allowed(), st=RETURNED)
decide("decide_cdsp_sees_everything", "the CDSP sees every contact", XOSERVE, {"kind": "view"}, allowed(), st=OPEN)
decide("decide_contact_type_not_raisable", "USR is retired", RAISER, {"kind": "raise", "contact_type": "USR"},
       allowed("contact_type_not_raisable"))
decide("decide_not_in_the_new_cms", "XAD is raised in the old system", RAISER, {"kind": "raise", "contact_type": "XAD"},
       allowed("contact_type_not_raisable"))
decide("decide_organisation_may_not_raise", "a meter reading agency may not raise a CDQ", MRA_USER,
       {"kind": "raise", "contact_type": "CDQ"}, allowed("organisation_may_not_raise"))
decide("decide_no_permission_for_type", "the LSO granted CDQ, RFA, DMQ, MNC — not XTH", RAISER,
       {"kind": "raise", "contact_type": "XTH"}, allowed("no_permission_for_type"))
decide("decide_no_permission_to_upload", "the LSO did not grant batch uploads",
       actor(user("u-n", SHIPPER, ["user"], upload=False), SHIPPER), {"kind": "upload_batch"},
       allowed("no_permission_to_upload"))
decide("decide_upload_allowed", "a shipper's user with the upload permission", RAISER, {"kind": "upload_batch"},
       allowed())
decide("decide_lifecycle_refused", "the raiser may not resolve their own contact", RAISER,
       {"kind": LIFE, "action": {"action": "resolve", "text": "x"}}, allowed("lifecycle_refused"), st=WITH_XOSERVE)
decide("decide_lifecycle_guard", "the lifecycle's guards refuse through decide too", XOSERVE,
       {"kind": LIFE, "action": {"action": "reject", "code": "NOPE0000"}}, allowed("lifecycle_refused"), st=OPEN)

LSO = user("u-lso", SHIPPER, ["lso"])
LSO2 = user("u-lso2", SHIPPER, ["lso"])
PLAIN = user("u-plain", SHIPPER, ["user"])
SUSPENDED = user("u-susp", SHIPPER, ["user"], status="suspended")
TEAM = [LSO, PLAIN, SUSPENDED]


def acct(action, target, users=TEAM):
    return {"kind": "account", "action": action, "target": target, "organisation_users": users}


decide("decide_account_suspend", "the LSO suspends a user of their organisation", actor(LSO, SHIPPER),
       acct("suspend", PLAIN), allowed())
decide("decide_account_not_for_users", "account actions are the LSO's only", RAISER,
       acct("reset_password", PLAIN), allowed("no_grant"))
decide("decide_other_organisation", "an LSO acts only inside their own organisation", actor(LSO, SHIPPER),
       acct("delete_user", user("u-far", OTHER_SHIPPER, ["user"]), []), allowed("other_organisation"))
decide("decide_self_grant", "no one changes their own permissions", actor(LSO, SHIPPER),
       acct("change_permissions", LSO, [LSO, LSO2]), allowed("self_grant"))
decide("decide_last_active_lso", "the only active LSO may not delete themselves", actor(LSO, SHIPPER),
       acct("delete_user", LSO), allowed("last_active_lso"))
decide("decide_second_lso", "with a second active LSO, the first may go", actor(LSO, SHIPPER),
       acct("delete_user", LSO, [LSO, LSO2, PLAIN]), allowed())
decide("decide_not_suspended", "reinstating an active user", actor(LSO, SHIPPER), acct("reinstate", PLAIN),
       allowed("not_suspended"))
decide("decide_reinstate", "reinstating a suspended user", actor(LSO, SHIPPER), acct("reinstate", SUSPENDED),
       allowed())
decide("decide_create_user", "the LSO creates a user", actor(LSO, SHIPPER),
       acct("create_user", user("u-new", SHIPPER, ["user"])), allowed())
decide("decide_own_profile", "any active user changes their own profile",
       actor(user("u-v", SHIPPER, ["supervisor"], view_only=True), SHIPPER), {"kind": "change_own_profile"},
       allowed())

transition("unknown_contact_type", "a contact of a type the rule set does not have follows no workflow",
           state(contact_type="ZZZ"), XOSERVE, {"action": "reject", "code": "CON00008"}, refused("unknown_contact_type"))
transition("guard_route_to_the_raiser", "routing goes to a third party, never back to the raiser",
           OPEN, XOSERVE, {"action": "route", "to": {"id": 1001, "org_type": "shipper"}}, refused("guard", "route_target_invalid"))

names = [c["name"] for c in cases]
assert len(names) == len(set(names)), "case names must be unique"
(ROOT / "lifecycle_cases.json").write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")
print(len(cases), "lifecycle cases")
