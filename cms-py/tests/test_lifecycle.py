"""The contact lifecycle through Python: the transition cases of the shared corpus
(conformance/lifecycle_cases.json, with the checks of cms-core's tests/lifecycle_conformance.rs),
then each function, the value classes, bad inputs and pickling."""

from __future__ import annotations

import copy
import datetime
import json
import pickle
from typing import Any, Callable, Dict, List, Tuple, Type, Union

import pytest

import cms
from conftest import lifecycle_cases

TRANSITIONS = lifecycle_cases("transition")
BY_NAME = {c["name"]: c for c in lifecycle_cases()}
NOW = "2026-12-03T10:00:00"
UTC = datetime.timezone.utc


def case(name: str) -> Dict[str, Any]:
    return copy.deepcopy(BY_NAME[name])


def state_of(name: str) -> Dict[str, Any]:
    s: Dict[str, Any] = case(name)["state"]
    return s


def actor_of(name: str) -> Any:
    return case(name)["actor"]


def as_objects(actor: Any) -> Any:
    """The corpus's actor as the package's classes."""
    if actor == "system":
        return actor
    return (cms.User.from_dict(actor["user"]), cms.OrganisationRecord.from_dict(actor["organisation"]))


def check_transition(c: Dict[str, Any], got: Union[cms.Transitioned, cms.Refusal]) -> None:
    expect = c["expect"]
    name = c["name"]
    if expect["ok"]:
        assert isinstance(got, cms.Transitioned), f"{name}: refused: {got!r}"
        assert got.ok is True
        to = expect["to"]
        assert got.state.status == to, name
        assert got.event.to_status == to and got.event.from_status == c["state"]["status"], name
        d = got.to_dict()
        for k, v in expect.get("state", {}).items():
            assert d["state"][k] == v, f"{name}: state.{k}: expected {v!r}, got {d['state'][k]!r}"
        for k, v in expect.get("event", {}).items():
            assert d["event"][k] == v, f"{name}: event.{k}: expected {v!r}, got {d['event'][k]!r}"
        # The event is the next in the history, and says what was done.
        assert got.event.seq == c["state"]["events"] + 1 == got.state.events
        assert got.event.id == f"{c['state']['crn']}-{got.event.seq}"
        assert d["event"]["action"] == ({"action": c["action"]} if isinstance(c["action"], str) else c["action"])
        assert got.event.note == c.get("note")
    else:
        assert isinstance(got, cms.Refusal), f"{name}: expected a refusal, moved to {got!r}"
        assert got.ok is False
        assert (got.reason, got.guard) == (expect["reason"], expect.get("guard")), f"{name}: {got.message}"
        assert got.message and str(got) == got.message


def test_the_corpus_is_there() -> None:
    cases = lifecycle_cases()
    assert len(cases) == 66, "conformance/lifecycle_cases.json not found or changed size"
    assert len({c["name"] for c in cases}) == len(cases)
    assert {c["kind"] for c in cases} == {"transition", "decide"}
    assert len(TRANSITIONS) == 31


@pytest.mark.parametrize("c", TRANSITIONS, ids=[c["name"] for c in TRANSITIONS])
def test_corpus_transition(c: Dict[str, Any]) -> None:
    before = copy.deepcopy(c["state"])
    got = cms.transition(c["state"], c["action"], c["actor"], c["now"], c.get("note"))
    assert c["state"] == before, "the state passed in changed"
    check_transition(c, got)
    # The same case with the package's classes and a datetime gives the very same result.
    state = cms.ContactState.from_dict(c["state"])
    now = datetime.datetime.fromisoformat(c["now"])
    again = cms.transition(state, c["action"], as_objects(c["actor"]), now, c.get("note"))
    assert again == got
    assert state == cms.ContactState.from_dict(before)
    # allowed() agrees with the table part of the answer.
    table = cms.allowed(state, c["action"]["action"], as_objects(c["actor"]))
    if isinstance(got, cms.Refusal) and got.reason != "guard":
        assert table == got
    else:
        assert isinstance(table, cms.TransitionDef)


# ---- ContactState --------------------------------------------------------------------------


def test_raised() -> None:
    shipper = cms.OrganisationRecord(1001, "shipper", True, "SHP")
    s = cms.ContactState.raised("C00000000195", "CDQ", shipper, "u-shp", "2026-12-01T10:00:00")
    assert s is not None
    # The corpus's base state is exactly what raising gives, two events on.
    assert s.replace(events=2) == cms.ContactState.from_dict(state_of("close_from_open"))
    assert s.status == "open" and s.events == 0 and s.target_date == datetime.date(2026, 12, 15)
    as_dict = cms.ContactState.raised("C00000000195", "CDQ", {"id": 1001, "org_type": "shipper"}, "u-shp",
                                      datetime.datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    assert as_dict == s
    assert cms.ContactState.raised("C1", "ZZZ", shipper, "u", NOW) is None  # no such type
    assert cms.ContactState.raised("C1", "USR", shipper, "u", NOW) is None  # retired: no target
    assert cms.ContactState.raised("C1", "CDQ", shipper, "u", NOW, rules=cms.RuleSet.default()) is not None


def test_state_properties() -> None:
    s = cms.ContactState.from_dict(state_of("respond_moves_the_target"))
    assert (s.crn, s.contact_type, s.status) == ("C00000000195", "CDQ", "awaiting_customer")
    assert s.raised_by == {"id": 1001, "org_type": "shipper"}
    assert s.raised_by_user == "u-shp"
    assert s.raised_at == datetime.datetime(2026, 12, 1, 10, 0) and s.raised_at.tzinfo is None
    assert s.target_date == datetime.date(2026, 12, 15)
    assert s.paused_since == datetime.date(2026, 11, 26)
    assert s.request == {"kind": "data_clarification", "deadline": datetime.date(2026, 12, 1)}
    assert (s.routed_party, s.routed_to, s.assignee, s.paused_working_days) == (None, [], None, 0)
    assert (s.resolved_at, s.resolution, s.rejection_code, s.events) == (None, None, None, 2)
    r = cms.ContactState.from_dict(state_of("close_after_resolution"))
    assert r.resolved_at == datetime.datetime(2026, 12, 2, 15, 0) and r.resolution == "reads corrected"
    g = cms.ContactState.from_dict(state_of("return_to_xoserve"))
    assert (g.routed_party, g.routed_to) == (3003, [3003])
    assert repr(s) == "ContactState(crn='C00000000195', contact_type='CDQ', status='awaiting_customer', target_date='2026-12-15', events=2)"


def test_state_forms_round_trip() -> None:
    d = state_of("respond_moves_the_target")
    s = cms.ContactState.from_dict(d)
    assert s.to_dict() == d
    assert json.loads(s.to_json()) == d
    assert cms.ContactState.from_json(s.to_json()) == s
    # Dates and times may be given as objects; aware times are converted to UTC.
    objects = dict(d, raised_at=datetime.datetime(2026, 12, 1, 10, 0), target_date=datetime.date(2026, 12, 15),
                   paused_since=datetime.date(2026, 11, 26),
                   request={"kind": "data_clarification", "deadline": datetime.date(2026, 12, 1)})
    assert cms.ContactState.from_dict(objects) == s
    bst = datetime.timezone(datetime.timedelta(hours=1))
    assert cms.ContactState.from_dict(dict(d, raised_at=datetime.datetime(2026, 12, 1, 11, 0, tzinfo=bst))) == s
    assert len({s, cms.ContactState.from_dict(d)}) == 1  # frozen values hash


def test_replace() -> None:
    s = cms.ContactState.from_dict(state_of("close_from_open"))
    t = s.replace(status="resolved", resolved_at=datetime.datetime(2026, 12, 2, 15, 0), resolution="done")
    assert (t.status, t.resolution, t.resolved_at) == ("resolved", "done", datetime.datetime(2026, 12, 2, 15, 0))
    assert s.status == "open"  # unchanged
    assert s.replace() == s
    with pytest.raises(cms.ArgumentError, match="unknown field `statuss`"):
        s.replace(statuss="open")
    with pytest.raises(cms.ArgumentError, match="events"):
        s.replace(events=-1)


def test_state_frozen() -> None:
    s = cms.ContactState.from_dict(state_of("close_from_open"))
    with pytest.raises(AttributeError):
        s.status = "closed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        cms.ContactState()


def test_a_date_past_pythons_years() -> None:
    s = cms.ContactState.from_dict(state_of("guard_date_out_of_range"))
    assert s.to_dict()["target_date"] == "+262142-12-31"
    assert cms.ContactState.from_json(s.to_json()) == s
    with pytest.raises(ValueError, match=r"target_date \+262142-12-31 is past the years"):
        s.target_date
    assert "+262142-12-31" in repr(s)


# ---- transition, allowed, parties ----------------------------------------------------------


def test_transition_taken() -> None:
    c = case("assign_from_open")
    t = cms.transition(c["state"], c["action"], c["actor"], NOW, "picked up")
    assert isinstance(t, cms.Transitioned)
    e = t.event
    assert (e.id, e.seq, e.kind, e.from_status, e.to_status, e.note) == (
        "C00000000195-3", 3, "assign", "open", "with_xoserve", "picked up")
    assert e.at == datetime.datetime(2026, 12, 3, 10, 0)
    assert e.actor == {"user": "u-xo", "organisation": {"id": 9999, "org_type": "cdsp"}, "roles": ["supervisor"]}
    assert e.action == {"action": "assign", "assignee": "u-xo-2", "assignee_organisation": 9999}
    assert t.state.assignee == "u-xo-2"
    assert t.to_dict() == {"state": t.state.to_dict(), "event": e.to_dict()}
    assert cms.Event.from_dict(e.to_dict()) == e and cms.Event.from_json(e.to_json()) == e
    assert repr(t) == "Transitioned(from_status='open', to_status='with_xoserve', event='C00000000195-3')"


def test_a_bare_kind_is_an_action() -> None:
    c = case("cancel_while_awaiting")
    assert cms.transition(c["state"], "cancel", c["actor"], NOW) == cms.transition(
        c["state"], {"action": "cancel"}, c["actor"], NOW)
    assert cms.transition(c["state"], "cancel", c["actor"], NOW).event.action == {"action": "cancel"}


def test_refusal_is_a_value() -> None:
    c = case("guard_theft_only")
    r = cms.transition(c["state"], c["action"], c["actor"], NOW)
    assert isinstance(r, cms.Refusal)
    assert (r.ok, r.reason, r.guard) == (False, "guard", "theft_only")
    assert r.to_dict() == {"reason": "guard", "guard": "theft_only", "message": r.message}
    assert repr(r).startswith("Refusal(reason='guard', guard='theft_only', message=")
    t = cms.transition(state_of("close_from_open"), "close", actor_of("close_from_open"), NOW)
    assert isinstance(t, cms.Refusal) and t.guard is None and "`close`" in t.message


def test_naive_and_aware_now_agree() -> None:
    c = case("guard_deadline_not_passed")  # 23:30 UTC on the deadline day
    naive = cms.transition(c["state"], "auto_close", "system", datetime.datetime(2026, 12, 3, 23, 30))
    aware = cms.transition(c["state"], "auto_close", "system",
                           datetime.datetime(2026, 12, 4, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1))))
    assert isinstance(naive, cms.Refusal) and naive == aware
    # Half an hour later in UTC it is the next London day: the deadline has passed.
    assert isinstance(cms.transition(c["state"], "auto_close", "system", "2026-12-04T00:00:00"), cms.Transitioned)


def test_allowed() -> None:
    xoserve = actor_of("assign_from_open")
    t = cms.allowed(state_of("close_from_open"), "assign", xoserve)
    assert isinstance(t, cms.TransitionDef) and t.ok is True
    assert (t.action, t.to_status, t.by) == ("assign", "with_xoserve", ["handler"])
    assert "open" in t.from_statuses
    assert t.to_dict() == {"action": "assign", "from": t.from_statuses, "to": "with_xoserve", "by": ["handler"]}
    # An action dict names its kind; guards are not checked here.
    assert cms.allowed(state_of("close_from_open"), {"action": "reject", "code": "NOPE"}, xoserve).ok
    r = cms.allowed(state_of("close_from_open"), "close", xoserve)
    assert isinstance(r, cms.Refusal) and r.reason == "not_from_status"
    r = cms.allowed(state_of("raiser_may_not_resolve"), "resolve", actor_of("raiser_may_not_resolve"))
    assert isinstance(r, cms.Refusal) and r.reason == "not_for_actor"
    with pytest.raises(cms.ArgumentError, match="unknown action `fly`"):
        cms.allowed(state_of("close_from_open"), "fly", xoserve)


def test_parties() -> None:
    routed = state_of("resolve_by_the_routed_party")
    assert cms.parties(routed, actor_of("resolve_by_the_routed_party")) == ["routed_party"]
    assert cms.parties(routed, actor_of("assign_from_open")) == ["handler"]
    assert cms.parties(routed, actor_of("close_after_resolution")) == ["raiser"]
    assert cms.parties(routed, "system") == ["system"]
    mra = case("decide_not_visible")["actor"]
    assert cms.parties(routed, mra) == []


# ---- replay --------------------------------------------------------------------------------


def history() -> Tuple[cms.ContactState, List[cms.Event], cms.ContactState]:
    """A CDQ raised, assigned, asked for clarification, answered, resolved and closed."""
    shipper = cms.OrganisationRecord(1001, "shipper", True)
    raised = cms.ContactState.raised("C00000000195", "CDQ", shipper, "u-shp", "2026-12-01T10:00:00")
    assert raised is not None
    xo, raiser = actor_of("assign_from_open"), actor_of("close_after_resolution")
    steps: List[Tuple[Any, Any, str]] = [
        ({"action": "assign", "assignee": "u-xo", "assignee_organisation": 9999}, xo, "2026-12-01T11:00:00"),
        ({"action": "request_information", "kind": "data_clarification"}, xo, "2026-12-02T09:00:00"),
        ("respond", raiser, "2026-12-04T09:00:00"),
        ({"action": "resolve", "text": "reads corrected"}, xo, "2026-12-07T09:00:00"),
        ("close", raiser, "2026-12-08T09:00:00"),
    ]
    state, events = raised, []
    for action, who, at in steps:
        t = cms.transition(state, action, who, at)
        assert isinstance(t, cms.Transitioned), t
        state = t.state
        events.append(t.event)
    return raised, events, state


def test_replay() -> None:
    raised, events, final = history()
    assert final.status == "closed" and final.events == 5 and final.paused_working_days == 2
    assert cms.replay(raised, events) == final
    assert cms.replay(raised, [e.to_dict() for e in events]) == final  # stored as dicts
    assert cms.replay(raised.to_dict(), iter(events)) == final
    assert cms.replay(raised, []) == raised
    assert cms.replay(raised, events[:2]).status == "awaiting_customer"


@pytest.mark.parametrize(
    "change, index, problem",
    [
        (lambda ev: [ev[1], ev[0]] + ev[2:], 0, "sequence 2 where 1 comes next"),
        (lambda ev: ev[:2] + ev[3:], 2, "sequence 4 where 3 comes next"),
        (lambda ev: ev[:1] + [cms.Event.from_dict(dict(ev[1].to_dict(), at="2026-12-01T08:00:00"))] + ev[2:], 1, "before the event before it"),
        (lambda ev: ev[:4] + [cms.Event.from_dict(dict(ev[4].to_dict(), to="cancelled"))], 4, "not to `cancelled` as recorded"),
    ],
    ids=["reordered", "missing", "earlier", "wrong_status"],
)
def test_an_invalid_history(change: Callable[[List[cms.Event]], List[cms.Event]], index: int, problem: str) -> None:
    raised, events, _ = history()
    with pytest.raises(cms.ReplayError) as info:
        cms.replay(raised, change(events))
    e = info.value
    assert isinstance(e, cms.CmsError) and isinstance(e, ValueError)
    assert e.index == index and problem in e.problem
    assert str(e) == f"event {index}: {e.problem}"
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is cms.ReplayError and (back.index, back.problem, str(back)) == (e.index, e.problem, str(e))


# ---- the target clock -----------------------------------------------------------------------


def test_target_clock() -> None:
    open_ = state_of("close_from_open")  # target Tuesday 15 December 2026
    assert cms.effective_target(open_, NOW) == datetime.date(2026, 12, 15)
    assert cms.working_days_remaining(open_, NOW) == 8
    assert cms.working_days_remaining(open_, "2026-12-15T17:00:00") == 0
    assert not cms.is_breached(open_, "2026-12-15T23:59:59")
    assert cms.is_breached(open_, "2026-12-16T00:00:00")
    assert cms.working_days_remaining(open_, "2026-12-16T09:00:00") < 0
    # Paused since 26 November: at 3 December the target has moved on 5 working days, as
    # answering then moves it (the corpus's respond_moves_the_target).
    awaiting = state_of("respond_moves_the_target")
    assert cms.effective_target(awaiting, NOW) == datetime.date(2026, 12, 22)
    assert not cms.is_breached(awaiting, "2026-12-18T10:00:00")
    # A stopped clock is never breached.
    resolved = state_of("close_after_resolution")
    assert cms.working_days_remaining(resolved, "2027-06-01T10:00:00") == 0
    assert not cms.is_breached(resolved, "2027-06-01T10:00:00")
    # London date, not UTC date: 00:30 BST on 16 June is still 15 June in UTC.
    june = dict(open_, raised_at="2026-06-01T10:00:00", target_date="2026-06-15")
    assert not cms.is_breached(june, "2026-06-15T22:59:00")
    assert cms.is_breached(june, "2026-06-15T23:00:00")
    big = state_of("guard_date_out_of_range")
    with pytest.raises(ValueError, match="past the years"):
        cms.effective_target(big, NOW)


# ---- bad inputs ------------------------------------------------------------------------------

S = state_of("close_from_open")
A = actor_of("assign_from_open")

BAD: List[Tuple[str, Callable[[], Any], Type[BaseException], str]] = [
    ("state_type", lambda: cms.transition(42, "close", A, NOW), TypeError, "state must be a cms.ContactState or a dict"),
    ("state_list", lambda: cms.transition([S], "close", A, NOW), TypeError, "state must be"),
    ("state_unknown_field", lambda: cms.transition(dict(S, statuss="open"), "close", A, NOW), cms.ArgumentError, "unknown field `statuss`"),
    ("state_nested_unknown_field", lambda: cms.transition(dict(S, raised_by={"id": 1, "org_type": "gt", "x": 1}), "close", A, NOW), cms.ArgumentError, "unknown field `raised_by.x`"),
    ("state_missing_field", lambda: cms.transition({k: v for k, v in S.items() if k != "status"}, "close", A, NOW), cms.ArgumentError, "missing field `status`"),
    ("state_bad_date", lambda: cms.transition(dict(S, target_date="2026-13-01"), "close", A, NOW), cms.ArgumentError, r"state.target_date: `2026-13-01` is not a date"),
    ("state_bad_time", lambda: cms.transition(dict(S, raised_at="yesterday"), "close", A, NOW), cms.ArgumentError, r"state.raised_at: `yesterday` is not a date"),
    ("state_bad_org_type", lambda: cms.transition(dict(S, raised_by={"id": 1, "org_type": "supplier"}), "close", A, NOW), cms.ArgumentError, "unknown variant `supplier`"),
    ("state_negative", lambda: cms.transition(dict(S, events=-1), "close", A, NOW), cms.ArgumentError, "expected u64"),
    ("state_huge_int", lambda: cms.transition(dict(S, events=2**70), "close", A, NOW), cms.ArgumentError, "too large"),
    ("state_nan", lambda: cms.transition(dict(S, paused_working_days=float("nan")), "close", A, NOW), cms.ArgumentError, "not a finite number"),
    ("state_object_value", lambda: cms.transition(dict(S, assignee=object()), "close", A, NOW), TypeError, "state.assignee: a object is not data"),
    ("state_int_key", lambda: cms.transition({**S, 1: 2}, "close", A, NOW), TypeError, "keys must be str"),
    ("action_unknown", lambda: cms.transition(S, "fly", A, NOW), cms.ArgumentError, "unknown variant `fly`"),
    ("action_missing_text", lambda: cms.transition(S, "resolve", A, NOW), cms.ArgumentError, "missing field `text`"),
    ("action_extra_field", lambda: cms.transition(S, {"action": "cancel", "why": "x"}, A, NOW), cms.ArgumentError, "unknown field `why`"),
    ("action_type", lambda: cms.transition(S, 7, A, NOW), TypeError, "action must be"),
    ("actor_unknown_word", lambda: cms.transition(S, "close", "nobody", NOW), cms.ArgumentError, "an actor is \"system\""),
    ("actor_missing_organisation", lambda: cms.transition(S, "close", {"user": A["user"]}, NOW), cms.ArgumentError, "missing field `organisation`"),
    ("actor_extra_field", lambda: cms.transition(S, "close", dict(A, role="x"), NOW), cms.ArgumentError, "unknown field `role`"),
    ("actor_triple", lambda: cms.transition(S, "close", (A["user"], A["organisation"], 1), NOW), cms.ArgumentError, "a pair"),
    ("actor_type", lambda: cms.transition(S, "close", 3, NOW), TypeError, "actor must be"),
    ("actor_bad_role", lambda: cms.transition(S, "close", {"user": dict(A["user"], roles=["boss"]), "organisation": A["organisation"]}, NOW), cms.ArgumentError, "unknown variant `boss`"),
    ("now_type", lambda: cms.transition(S, "close", A, 5), TypeError, "now must be a datetime.datetime"),
    ("now_date", lambda: cms.transition(S, "close", A, datetime.date(2026, 12, 3)), TypeError, "now must be a datetime.datetime"),
    ("now_text", lambda: cms.transition(S, "close", A, "2026-12-03"), cms.ArgumentError, "YYYY-MM-DDTHH:MM:SS"),
    ("note_type", lambda: cms.transition(S, "close", A, NOW, 5), TypeError, ""),
    ("rules_type", lambda: cms.transition(S, "close", A, NOW, rules=42), TypeError, "rules must be"),
    ("rules_missing_file", lambda: cms.transition(S, "close", A, NOW, rules="no/such/rules.json"), FileNotFoundError, ""),
    ("replay_events_str", lambda: cms.replay(S, "events"), TypeError, "events must be an iterable"),
    ("replay_events_dict", lambda: cms.replay(S, {"seq": 1}), TypeError, "events must be an iterable"),
    ("replay_event_bad", lambda: cms.replay(S, [{"seq": 1}]), cms.ArgumentError, r"events\[0\]: missing field"),
    ("replay_event_type", lambda: cms.replay(S, [1]), TypeError, r"events\[0\] must be a cms.Event or a dict"),
    ("from_json_garbage", lambda: cms.ContactState.from_json("{"), cms.ArgumentError, "not JSON"),
    ("from_dict_type", lambda: cms.ContactState.from_dict("open"), TypeError, "state must be"),
    ("raised_by_bad", lambda: cms.ContactState.raised("C1", "CDQ", {"id": 1}, "u", NOW), cms.ArgumentError, "missing field `org_type`"),
    ("raised_at_bad", lambda: cms.ContactState.raised("C1", "CDQ", {"id": 1, "org_type": "shipper"}, "u", "soon"), cms.ArgumentError, "raised_at"),
    ("clock_state_bad", lambda: cms.is_breached({"crn": "x"}, NOW), cms.ArgumentError, "missing field"),
    ("clock_now_bad", lambda: cms.working_days_remaining(S, None), TypeError, "now must be"),
    ("parties_actor_bad", lambda: cms.parties(S, None), TypeError, "actor must be"),
]


@pytest.mark.parametrize("call, error, match", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(call: Callable[[], Any], error: Type[BaseException], match: str) -> None:
    with pytest.raises(error, match=match or None):
        call()


def test_bad_input_is_a_cms_error_or_a_builtin() -> None:
    for _, call, error, _ in BAD:
        try:
            call()
        except cms.ArgumentError as e:
            assert isinstance(e, cms.CmsError) and isinstance(e, ValueError)
        except (TypeError, OSError):
            pass


# ---- pickling --------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle(protocol: int) -> None:
    raised, events, final = history()
    refusal = cms.transition(final, "close", actor_of("close_after_resolution"), NOW)
    done = cms.transition(raised, "cancel", actor_of("close_after_resolution"), NOW)
    table = cms.allowed(raised, "assign", actor_of("assign_from_open"))
    big = cms.ContactState.from_dict(state_of("guard_date_out_of_range"))
    for x in [raised, final, big, *events, refusal, done, table]:
        back = pickle.loads(pickle.dumps(x, protocol=protocol))
        assert type(back) is type(x) and back == x
        assert back.to_dict() == x.to_dict()
