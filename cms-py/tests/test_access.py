"""Access control through Python: the decision cases of the shared corpus
(conformance/lifecycle_cases.json, with the checks of cms-core's tests/lifecycle_conformance.rs),
then each function, the value classes, bad inputs and pickling."""

from __future__ import annotations

import copy
import datetime
import pickle
from typing import Any, Callable, Dict, List, Tuple, Type

import pytest

import cms
from conftest import CLEAN_UPLOAD, lifecycle_cases

DECISIONS = lifecycle_cases("decide")
BY_NAME = {c["name"]: c for c in lifecycle_cases()}
NOW = "2026-12-03T10:00:00"  # Thursday, 10:00 GMT: open, no maintenance window


def case(name: str) -> Dict[str, Any]:
    return copy.deepcopy(BY_NAME[name])


def request_of(c: Dict[str, Any]) -> Dict[str, Any]:
    """The corpus's request, with the contact it is about (the corpus gives it as `state`)."""
    r: Dict[str, Any] = dict(c["request"])
    if r["kind"] in ("view", "lifecycle"):
        r["contact"] = c["state"]
    return r


RAISER = case("decide_allowed_cancel")["actor"]  # a user of shipper 1001
XOSERVE = case("decide_cdsp_sees_everything")["actor"]
GT_USER = case("decide_visible_after_return")["actor"]
MRA_USER = case("decide_not_visible")["actor"]
OPEN = case("decide_allowed_cancel")["state"]
WITH_GT = case("decide_not_visible")["state"]


@pytest.mark.parametrize("c", DECISIONS, ids=[c["name"] for c in DECISIONS])
def test_corpus_decide(c: Dict[str, Any]) -> None:
    expect = c["expect"]
    user, org = c["actor"]["user"], c["actor"]["organisation"]
    d = cms.decide(user, org, request_of(c), c["now"], c.get("outages"))
    assert (d.allowed, d.rule) == (expect["allowed"], expect["rule"]), d.reason
    if "may_be_unavailable" in expect:
        assert d.may_be_unavailable is expect["may_be_unavailable"]
    assert d.reason
    # The same case with the package's classes and datetimes decides the same.
    outages = [cms.Outage(o["from"], o["to"]) for o in c.get("outages", [])]
    objects = request_of(c)
    if "contact" in objects:
        objects["contact"] = cms.ContactState.from_dict(objects["contact"])
    if objects["kind"] == "account":
        objects["target"] = cms.User.from_dict(objects["target"])
        objects["organisation_users"] = [cms.User.from_dict(u) for u in objects["organisation_users"]]
    again = cms.decide(cms.User.from_dict(user), cms.OrganisationRecord.from_dict(org), objects,
                       datetime.datetime.fromisoformat(c["now"]), outages)
    assert again == d


def test_the_decision_corpus_is_there() -> None:
    assert len(DECISIONS) == 35
    assert {c["expect"]["rule"] for c in DECISIONS} >= {"allowed", "no_grant", "outside_service_hours", "outage"}


# ---- Decision ---------------------------------------------------------------------------------


def test_decision() -> None:
    d = cms.decide(RAISER["user"], RAISER["organisation"], "search", NOW)
    assert (d.allowed, d.rule, d.reason, d.may_be_unavailable) == (True, "allowed", "allowed", False)
    assert d.to_dict() == {"allowed": True, "rule": "allowed", "reason": "allowed", "may_be_unavailable": False}
    assert repr(d) == "Decision(allowed=True, rule='allowed', reason='allowed')"
    no = cms.decide(RAISER["user"], RAISER["organisation"], {"kind": "raise", "contact_type": "XTH"}, NOW)
    assert (no.allowed, no.rule) == (False, "no_permission_for_type") and "XTH" in no.reason
    assert len({d, no, cms.decide(RAISER["user"], RAISER["organisation"], {"kind": "search"}, NOW)}) == 2


def test_request_forms() -> None:
    u, o = RAISER["user"], RAISER["organisation"]
    for kind in ("search", "upload_batch", "change_own_password", "change_own_profile"):
        assert cms.decide(u, o, kind, NOW) == cms.decide(u, o, {"kind": kind}, NOW)
    d = cms.decide(u, o, {"kind": "lifecycle", "action": "cancel", "contact": OPEN}, NOW)
    assert d.allowed
    d = cms.decide(u, o, {"kind": "lifecycle", "action": {"action": "resolve", "text": "x"}, "contact": OPEN}, NOW)
    assert d.rule == "lifecycle_refused"


def test_decide_without_time() -> None:
    u, o = RAISER["user"], RAISER["organisation"]
    sunday_night = "2026-12-06T23:00:00"
    assert cms.decide(u, o, "search", sunday_night).rule == "outside_service_hours"
    d = cms.decide_without_time(u, o, "search")
    assert d.allowed and d.may_be_unavailable is False
    life = cms.decide_without_time(u, o, {"kind": "lifecycle", "action": "cancel", "contact": OPEN})
    assert (life.allowed, life.rule) == (False, "lifecycle_refused")
    assert cms.decide_without_time(u, o, {"kind": "raise", "contact_type": "USR"}).rule == "contact_type_not_raisable"


def test_is_visible() -> None:
    gt = GT_USER["organisation"]
    assert cms.is_visible(RAISER["organisation"], WITH_GT)  # the raiser
    assert cms.is_visible(gt, WITH_GT)  # routed to it
    assert cms.is_visible(XOSERVE["organisation"], WITH_GT)  # the CDSP
    assert not cms.is_visible(MRA_USER["organisation"], WITH_GT)
    assert cms.is_visible(cms.OrganisationRecord.from_dict(gt), cms.ContactState.from_dict(WITH_GT))
    assert not cms.is_visible(dict(gt, id=3004), WITH_GT)


# ---- search -----------------------------------------------------------------------------------


def contacts() -> List[Dict[str, Any]]:
    base = copy.deepcopy(OPEN)
    return [
        dict(base, crn="C00000000195"),
        dict(base, crn="C00000000292", status="resolved", raised_at="2026-12-02T09:00:00"),
        dict(base, crn="C00000000389", raised_by={"id": 1002, "org_type": "shipper"}),  # another shipper's
        dict(base, crn="C00000000486", contact_type="RFA", raised_at="2026-11-30T09:00:00"),
        dict(base, crn="C00000000583", raised_by={"id": 1002, "org_type": "shipper"}, routed_to=[1001]),
    ]


def crns(found: List[Any]) -> List[str]:
    return [c["crn"] if isinstance(c, dict) else c.crn for c in found]


def test_search() -> None:
    u, o = RAISER["user"], RAISER["organisation"]
    given = contacts()
    d, found = cms.search(u, o, given, NOW)
    assert d.allowed
    assert crns(found) == ["C00000000195", "C00000000292", "C00000000486", "C00000000583"]  # visible, in order
    assert all(any(f is g for g in given) for f in found)  # the very objects given
    _, found = cms.search(u, o, given, NOW, {"statuses": ["open"], "contact_types": ["CDQ"]})
    assert crns(found) == ["C00000000195", "C00000000583"]
    q = cms.Query(raised_from=datetime.datetime(2026, 12, 1), raised_to="2026-12-02T09:00:00")
    _, found = cms.search(u, o, given, NOW, q)
    assert crns(found) == ["C00000000195", "C00000000583"]  # raised_to is exclusive
    _, found = cms.search(u, o, given, NOW, cms.Query(crns=["C00000000292", "C00000000389"]))
    assert crns(found) == ["C00000000292"]  # the other is another shipper's
    states = [cms.ContactState.from_dict(c) for c in given]
    _, found = cms.search(u, o, states, NOW)
    assert found == [states[0], states[1], states[3], states[4]] and found[0] is states[0]
    _, everything = cms.search(XOSERVE["user"], XOSERVE["organisation"], iter(given), NOW)
    assert len(everything) == 5
    _, none = cms.search(u, o, [], NOW)
    assert none == []


def test_search_refused() -> None:
    u, o = RAISER["user"], RAISER["organisation"]
    d, found = cms.search(u, o, contacts(), "2026-12-06T23:00:00")  # Sunday night: closed
    assert (d.allowed, d.rule, found) == (False, "outside_service_hours", [])
    outage = [cms.Outage("2026-12-03T09:00:00", "2026-12-03T11:00:00")]
    d, found = cms.search(u, o, contacts(), NOW, None, outage)
    assert (d.rule, found) == ("outage", [])
    suspended = dict(u, status="suspended")
    assert cms.search(suspended, o, contacts(), NOW)[0].rule == "user_not_active"


# ---- the value classes -------------------------------------------------------------------------


def test_user() -> None:
    u = cms.User("u-shp", 1001, ["user"], "active", {"raise": ["CDQ", "RFA", "DMQ", "MNC"], "upload_batches": True})
    assert (u.id, u.organisation_id, u.roles, u.status) == ("u-shp", 1001, ["user"], "active")
    assert u.permissions == {"raise": ["CDQ", "RFA", "DMQ", "MNC"], "upload_batches": True, "view_only": False}
    assert u == cms.User.from_dict(RAISER["user"]) == cms.User.from_json(u.to_json())
    assert u.to_dict() == RAISER["user"]
    bare = cms.User("u-2", 1001, ("lso", "user"), "suspended")
    assert bare.permissions == {"raise": [], "upload_batches": False, "view_only": False}
    assert repr(bare) == "User(id='u-2', organisation_id=1001, roles=['lso', 'user'], status='suspended')"


def test_organisation_record() -> None:
    o = cms.OrganisationRecord(1001, "shipper", True, "SHP")
    assert (o.id, o.org_type, o.active, o.short_code) == (1001, "shipper", True, "SHP")
    assert o.to_dict() == RAISER["organisation"] and cms.OrganisationRecord.from_dict(o.to_dict()) == o
    assert cms.OrganisationRecord.from_json(o.to_json()) == o
    assert cms.OrganisationRecord(9999, "cdsp", False).short_code == ""
    assert repr(o) == "OrganisationRecord(id=1001, org_type='shipper', active=True, short_code='SHP')"
    assert cms.OrganisationRecord.from_dict({"id": 1, "org_type": "gt", "active": True}).short_code == ""


def test_outage_and_query() -> None:
    aware = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    out = cms.Outage(aware, "2026-12-03T11:00:00")
    assert (out.start, out.end) == (datetime.datetime(2026, 12, 3, 9, 0), datetime.datetime(2026, 12, 3, 11, 0))
    assert out.to_dict() == {"from": "2026-12-03T09:00:00", "to": "2026-12-03T11:00:00"}
    q = cms.Query(crns=("C1",), statuses=["open"])
    assert (q.crns, q.statuses, q.contact_types, q.raised_from, q.raised_to) == (["C1"], ["open"], [], None, None)
    assert cms.Query.from_dict(q.to_dict()) == q and cms.Query() == cms.Query.from_dict({})
    assert repr(q) == "Query(crns=['C1'], statuses=['open'], contact_types=[], raised_from=None, raised_to=None)"


def test_validate_takes_the_classes() -> None:
    u = cms.User("alice", 1234, ["user"], "active", {"raise": ["DMQ"], "upload_batches": True})
    r = cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", user=u, file_name="SHP00042.CMQ")
    assert r == cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", user=u.to_dict(), file_name="SHP00042.CMQ")
    assert [f.code for f in r.findings] == ["CON00016"]
    outage = [cms.Outage("2026-12-03T09:00:00", "2026-12-03T11:00:00")]
    r = cms.validate(CLEAN_UPLOAD, org_id=1234, org_type="shipper", at=NOW, outages=outage)
    assert [f.code for f in r.findings] == ["FIL00021"]
    assert cms.service_status(NOW, outage)["rule"] == "outage"


# ---- bad inputs ---------------------------------------------------------------------------------

U, O = RAISER["user"], RAISER["organisation"]

BAD: List[Tuple[str, Callable[[], Any], Type[BaseException], str]] = [
    ("user_type", lambda: cms.decide("u-shp", O, "search", NOW), TypeError, "user must be a cms.User or a dict"),
    ("user_missing", lambda: cms.decide({"id": "x"}, O, "search", NOW), cms.ArgumentError, "user: missing field"),
    ("user_unknown_field", lambda: cms.decide(dict(U, admin=True), O, "search", NOW), cms.ArgumentError, "unknown field `admin`"),
    ("user_bad_status", lambda: cms.decide(dict(U, status="gone"), O, "search", NOW), cms.ArgumentError, "unknown variant `gone`"),
    ("user_bad_permissions", lambda: cms.decide(dict(U, permissions={"raise": "CDQ"}), O, "search", NOW), cms.ArgumentError, "user"),
    ("organisation_type", lambda: cms.decide(U, 1001, "search", NOW), TypeError, "organisation must be a cms.OrganisationRecord"),
    ("organisation_bad_type", lambda: cms.decide(U, dict(O, org_type="supplier"), "search", NOW), cms.ArgumentError, "unknown variant `supplier`"),
    ("organisation_no_active", lambda: cms.decide(U, {"id": 1001, "org_type": "shipper"}, "search", NOW), cms.ArgumentError, "missing field `active`"),
    ("request_type", lambda: cms.decide(U, O, 3, NOW), TypeError, "request must be a str"),
    ("request_unknown_kind", lambda: cms.decide(U, O, "fly", NOW), cms.ArgumentError, "unknown request kind `fly`"),
    ("request_no_kind", lambda: cms.decide(U, O, {"contact_type": "CDQ"}, NOW), cms.ArgumentError, "missing field `kind`"),
    ("request_kind_type", lambda: cms.decide(U, O, {"kind": 1}, NOW), TypeError, "`kind` must be a str"),
    ("request_needs_contact", lambda: cms.decide(U, O, "view", NOW), cms.ArgumentError, "request `view` needs the field `contact`"),
    ("request_needs_type", lambda: cms.decide(U, O, {"kind": "raise"}, NOW), cms.ArgumentError, "needs the field `contact_type`"),
    ("request_contact_type_type", lambda: cms.decide(U, O, {"kind": "raise", "contact_type": 5}, NOW), TypeError, "must be a str"),
    ("request_extra_field", lambda: cms.decide(U, O, {"kind": "search", "crn": "C1"}, NOW), cms.ArgumentError, "unknown field `crn`"),
    ("request_bad_contact", lambda: cms.decide(U, O, {"kind": "view", "contact": {"crn": "C1"}}, NOW), cms.ArgumentError, "request.contact: missing field"),
    ("request_bad_action", lambda: cms.decide(U, O, {"kind": "lifecycle", "action": "fly", "contact": OPEN}, NOW), cms.ArgumentError, "unknown variant `fly`"),
    ("request_bad_account_action", lambda: cms.decide(U, O, {"kind": "account", "action": "promote", "target": U, "organisation_users": []}, NOW), cms.ArgumentError, "unknown account action `promote`"),
    ("request_account_users_type", lambda: cms.decide(U, O, {"kind": "account", "action": "suspend", "target": U, "organisation_users": U}, NOW), TypeError, "organisation_users must be a list"),
    ("request_account_no_users", lambda: cms.decide(U, O, {"kind": "account", "action": "suspend", "target": U}, NOW), cms.ArgumentError, "needs the field `organisation_users`"),
    ("request_account_bad_user", lambda: cms.decide(U, O, {"kind": "account", "action": "suspend", "target": U, "organisation_users": [{"id": 1}]}, NOW), cms.ArgumentError, r"organisation_users\[0\]"),
    ("now_type", lambda: cms.decide(U, O, "search", 10), TypeError, "now must be"),
    ("now_text", lambda: cms.decide(U, O, "search", "10:00"), cms.ArgumentError, "YYYY-MM-DDTHH:MM:SS"),
    ("outages_dict", lambda: cms.decide(U, O, "search", NOW, {"from": NOW, "to": NOW}), TypeError, "outages must be an iterable"),
    ("outages_item_type", lambda: cms.decide(U, O, "search", NOW, [NOW]), TypeError, r"outages\[0\] must be a cms.Outage or a dict"),
    ("outages_bad_time", lambda: cms.decide(U, O, "search", NOW, [{"from": "x", "to": NOW}]), cms.ArgumentError, r"outages\[0\].from: `x` is not a date"),
    ("outages_extra_field", lambda: cms.decide(U, O, "search", NOW, [{"from": NOW, "to": NOW, "why": "x"}]), cms.ArgumentError, "unknown field `why`"),
    ("search_contacts_str", lambda: cms.search(U, O, "C1", NOW), TypeError, "contacts must be an iterable"),
    ("search_contacts_item", lambda: cms.search(U, O, [OPEN, 3], NOW), TypeError, r"contacts\[1\] must be a cms.ContactState"),
    ("search_query_type", lambda: cms.search(U, O, [], NOW, ["open"]), TypeError, "query must be a cms.Query or a dict"),
    ("search_query_unknown", lambda: cms.search(U, O, [], NOW, {"status": ["open"]}), cms.ArgumentError, "unknown field `status`"),
    ("is_visible_contact", lambda: cms.is_visible(O, None), TypeError, "contact must be"),
    ("User_roles_str", lambda: cms.User("u", 1, "user", "active"), TypeError, "roles must be a list of str, not a str"),
    ("User_roles_item", lambda: cms.User("u", 1, ["user", 2], "active"), TypeError, r"roles\[1\] must be a str"),
    ("User_bad_role", lambda: cms.User("u", 1, ["boss"], "active"), cms.ArgumentError, "unknown variant `boss`"),
    ("User_bad_status", lambda: cms.User("u", 1, ["user"], "on"), cms.ArgumentError, "unknown variant `on`"),
    ("User_bad_permission", lambda: cms.User("u", 1, ["user"], "active", {"admin": True}), cms.ArgumentError, "unknown field `admin`"),
    ("User_negative_org", lambda: cms.User("u", -1, ["user"], "active"), OverflowError, ""),
    ("User_needs_status", lambda: cms.User("u", 1, ["user"]), TypeError, "status"),  # type: ignore[call-arg]
    ("Organisation_bad_type", lambda: cms.OrganisationRecord(1, "supplier", True), cms.ArgumentError, "unknown organisation type `supplier`"),
    ("Organisation_needs_active", lambda: cms.OrganisationRecord(1, "gt"), TypeError, "active"),  # type: ignore[call-arg]
    ("Outage_bad", lambda: cms.Outage("soon", NOW), cms.ArgumentError, "start `soon`"),
    ("Query_str", lambda: cms.Query(statuses="open"), TypeError, "statuses must be a list of str"),
    ("Query_positional", lambda: cms.Query(["C1"]), TypeError, ""),
    ("Query_bad_time", lambda: cms.Query(raised_from=3), TypeError, "raised_from must be"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("call, error, match", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(call: Callable[[], Any], error: Type[BaseException], match: str) -> None:
    with pytest.raises(error, match=match or None):
        call()


# ---- pickling -------------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle(protocol: int) -> None:
    d = cms.decide(RAISER["user"], RAISER["organisation"], {"kind": "raise", "contact_type": "XTH"}, NOW)
    values: List[Any] = [
        d,
        cms.User.from_dict(RAISER["user"]),
        cms.OrganisationRecord.from_dict(RAISER["organisation"]),
        cms.Outage("2026-12-03T09:00:00", "2026-12-03T11:00:00"),
        cms.Query(crns=["C1"], raised_from="2026-12-01T00:00:00"),
        cms.Query(),
    ]
    for x in values:
        back = pickle.loads(pickle.dumps(x, protocol=protocol))
        assert type(back) is type(x) and back == x and back.to_dict() == x.to_dict()
    e = pytest.raises(cms.ArgumentError, cms.decide, RAISER["user"], RAISER["organisation"], "fly", NOW).value
    back = pickle.loads(pickle.dumps(e, protocol=protocol))
    assert type(back) is cms.ArgumentError and str(back) == str(e)
