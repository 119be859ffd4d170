package cms

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.LocalDate
import java.time.LocalDateTime

/** Lifecycle transitions and access decisions through the bindings (DOMAIN.md §2, §10). */
class LifecycleTest {
    private val rules = RuleSet.embedded()
    private val shipper = OrganisationRecord(1234uL, "SHP", OrgType.SHIPPER, true)
    private val xoserve = OrganisationRecord(9999uL, "XOS", OrgType.CDSP, true)
    private val network = OrganisationRecord(4321uL, "NGN", OrgType.GT, true)
    private val other = OrganisationRecord(5555uL, "OTH", OrgType.SHIPPER, true)

    private fun user(id: String, org: OrganisationRecord, vararg roles: Role, status: UserStatus = UserStatus.ACTIVE) =
        User(id, org.id, roles.toList(), status, Permissions())

    private val alice = user("alice", shipper, Role.USER)
    private val sam = user("sam", xoserve, Role.SUPERVISOR, Role.USER)
    private val gita = user("gita", network, Role.USER)

    private fun at(s: String) = LocalDateTime.parse(s)

    private fun raised(): ContactState =
        rules.raiseContact("C00000000195", "CDQ", Organisation(shipper.id, shipper.orgType), "alice", at("2026-12-03T10:00:00"))!!

    private fun step(state: ContactState, who: User, org: OrganisationRecord, action: Action, now: String): TransitionResult.Done {
        val decision = rules.decide(who, org, AccessRequest.Lifecycle(action, state), at(now), emptyList())
        assertTrue(decision.allowed, "${who.id}: $decision")
        assertEquals(AccessRule.ALLOWED, decision.rule)
        val result = rules.transition(state, action, Actor.User(who, org), at(now), null)
        assertTrue(result is TransitionResult.Done, "$result")
        return result as TransitionResult.Done
    }

    @Test
    fun `a contact's life, its history and its replay`() {
        val start = raised()
        assertEquals("open", start.status)
        assertEquals(LocalDate.of(2026, 12, 17), start.targetDate) // CDQ: 10 working days
        var state = start
        val history = mutableListOf<Event>()
        val steps = listOf(
            Triple(sam to xoserve, Action.Assign("sam", 9999uL), "2026-12-03T11:00:00") to "with_xoserve",
            Triple(sam to xoserve, Action.Route(Organisation(4321uL, OrgType.GT)), "2026-12-03T12:00:00") to "with_third_party",
            Triple(gita to network, Action.ReturnToXoserve, "2026-12-04T09:00:00") to "with_xoserve",
            Triple(sam to xoserve, Action.RequestInformation("data_clarification"), "2026-12-04T10:00:00") to "awaiting_customer",
            Triple(alice to shipper, Action.Respond, "2026-12-08T10:00:00") to "with_xoserve",
            Triple(sam to xoserve, Action.Resolve("read replaced, consumption recalculated"), "2026-12-09T15:00:00") to "resolved",
        )
        for ((s, expected) in steps) {
            val (who, action, now) = s
            val done = step(state, who.first, who.second, action, now)
            assertEquals(state.status, done.event.from)
            assertEquals(expected, done.event.to)
            assertEquals(expected, done.state.status)
            assertEquals(history.size.toULong() + 1uL, done.event.seq)
            assertEquals("C00000000195-${done.event.seq}", done.event.id)
            assertEquals(who.first.id, done.event.actor.user)
            history.add(done.event)
            state = done.state
        }
        // Paused from Friday 4 to Tuesday 8 December: 2 working days; the target moves on.
        assertEquals(2u, state.pausedWorkingDays)
        assertEquals(LocalDate.of(2026, 12, 21), state.targetDate)
        assertEquals(listOf(9999uL.let { 4321uL }), state.routedTo)
        // The host keeps the history; replaying it rebuilds the state.
        assertEquals(ReplayResult.Done(state), rules.replay(start, history))
        val reordered = listOf(history[1], history[0]) + history.drop(2)
        val invalid = rules.replay(start, reordered)
        assertTrue(invalid is ReplayResult.Invalid && invalid.index == 0uL, "$invalid")
        // The network it was routed to keeps sight of it; another shipper does not.
        assertTrue(rules.isVisible(network, state))
        assertFalse(rules.isVisible(other, state))
        assertEquals(0L, rules.workingDaysRemaining(state, at("2026-12-30T10:00:00"))) // resolved: clock stopped
    }

    @Test
    fun `refusals name the reason and the guard`() {
        val start = raised()
        val resolve = rules.transition(start, Action.Resolve("done"), Actor.User(alice, shipper), at("2026-12-03T11:00:00"), null)
        assertTrue(resolve is TransitionResult.Refused, "$resolve")
        val refusal = (resolve as TransitionResult.Refused).refusal
        assertTrue(refusal.reason == RefusalReason.NOT_FROM_STATUS || refusal.reason == RefusalReason.NOT_FOR_ACTOR, "$refusal")
        assertTrue(refusal.message.isNotEmpty())

        val withXoserve = step(start, sam, xoserve, Action.Assign("sam", 9999uL), "2026-12-03T11:00:00").state
        val empty = rules.transition(withXoserve, Action.Resolve(""), Actor.User(sam, xoserve), at("2026-12-03T12:00:00"), null)
        assertEquals(Guard.RESOLUTION_TEXT_REQUIRED, ((empty as TransitionResult.Refused).refusal).guard)
        assertEquals(RefusalReason.GUARD, empty.refusal.reason)

        val rfi = rules.transition(withXoserve, Action.RequestInformation("request_for_information"), Actor.User(sam, xoserve), at("2026-12-03T12:00:00"), null)
        assertEquals(Guard.THEFT_ONLY, (rfi as TransitionResult.Refused).refusal.guard)

        assertNull(rules.checkAllowed(withXoserve, ActionKind.RESOLVE, Actor.User(sam, xoserve)))
        assertEquals(RefusalReason.NOT_FOR_ACTOR, rules.checkAllowed(withXoserve, ActionKind.RESOLVE, Actor.User(alice, shipper))?.reason)
        assertEquals(listOf(Party.RAISER), rules.parties(withXoserve, Actor.User(alice, shipper)))
        assertEquals(listOf(Party.SYSTEM), rules.parties(withXoserve, Actor.System))
    }

    @Test
    fun `access decisions name the rule that decided`() {
        val raise = AccessRequest.Raise("CDQ")
        val noon = at("2026-12-03T12:00:00")
        assertEquals(AccessRule.USER_NOT_ACTIVE, rules.decide(user("sue", shipper, Role.USER, status = UserStatus.SUSPENDED), shipper, raise, noon, emptyList()).rule)
        assertEquals(AccessRule.WRONG_ORGANISATION, rules.decide(alice, network, raise, noon, emptyList()).rule)
        assertEquals(AccessRule.OUTSIDE_SERVICE_HOURS, rules.decide(alice, shipper, raise, at("2026-12-03T19:00:00"), emptyList()).rule)
        val outage = Outage(at("2026-12-03T11:00:00"), at("2026-12-03T13:00:00"))
        assertEquals(AccessRule.OUTAGE, rules.decide(alice, shipper, raise, noon, listOf(outage)).rule)
        assertEquals(AccessRule.ORGANISATION_MAY_NOT_RAISE, rules.decide(user("nora", network, Role.USER), network, AccessRequest.Raise("RFA"), noon, emptyList()).rule)
        val lifecycleWithoutTime = rules.decideWithoutTime(sam, xoserve, AccessRequest.Lifecycle(Action.Assign("sam", 9999uL), raised()))
        assertFalse(lifecycleWithoutTime.allowed)

        val open = rules.serviceStatus(noon, emptyList())
        assertTrue(open.available)
        assertNull(open.rule)
        val weekend = rules.serviceStatus(at("2026-12-05T13:00:00"), emptyList()) // Saturday 13:00 GMT: maintenance window
        assertTrue(weekend.mayBeUnavailable)
        val evening = rules.serviceStatus(at("2026-12-03T19:00:00"), emptyList())
        assertFalse(evening.available)
        assertEquals(AccessRule.OUTSIDE_SERVICE_HOURS, evening.rule)

        val contact = raised()
        val found = rules.search(alice, shipper, listOf(contact), Query(crns = listOf("C00000000195")), noon, emptyList())
        assertTrue(found.decision.allowed)
        assertEquals(listOf(contact), found.contacts)
        val notMine = rules.search(user("olga", other, Role.USER), other, listOf(contact), Query(), noon, emptyList())
        assertEquals(emptyList<ContactState>(), notMine.contacts)
    }

    @Test
    fun `workflows and clocks`() {
        assertTrue("default" in rules.workflowCodes())
        val diagram = rules.mermaid("default")!!
        assertTrue(diagram.startsWith("stateDiagram-v2\n    [*] --> open\n"), diagram)
        assertNull(rules.mermaid("nope"))
        val start = raised()
        assertEquals(start.targetDate, rules.effectiveTarget(start, at("2026-12-04T10:00:00")))
        assertFalse(rules.isBreached(start, at("2026-12-17T10:00:00")))
        assertTrue(rules.isBreached(start, at("2026-12-18T10:00:00")))
        assertNull(rules.raiseContact("C00000000292", "XYZ", Organisation(1234uL, OrgType.SHIPPER), "alice", at("2026-12-03T10:00:00")))
    }

    @Test
    fun `the batch job checks the uploading user`() {
        val upload = java.io.File(Paths.root, "examples/data/SHP00042.CMQ")
        val noBatches = user("ulla", shipper, Role.USER)
        val options = ValidateOptions(uploader = Organisation(1234uL, OrgType.SHIPPER), user = noBatches)
        val report = rules.validatePath(upload.path, options)
        assertFalse(report.accepted)
        assertTrue(report.findings.any { it.scope == Scope.FILE }, "${report.findings}")
        val allowed = rules.validatePath(upload.path, options.copy(user = User("ulla", 1234uL, listOf(Role.USER), UserStatus.ACTIVE,
            Permissions(raise = rules.contactTypes().map { it.code }, uploadBatches = true))))
        assertTrue(allowed.accepted, "${allowed.findings}")
        assertThrows<CmsException.Argument> { parseOrgType("") }
    }
}
