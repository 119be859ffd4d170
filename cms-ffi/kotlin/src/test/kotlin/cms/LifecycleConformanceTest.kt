package cms

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.time.LocalDateTime

/**
 * Runs `conformance/lifecycle_cases.json` (transitions and access decisions) through the Kotlin
 * bindings, one JUnit test per case, with the checks of `cms-core/tests/lifecycle_conformance.rs`.
 * States, actions and users are read with the door's JSON helpers (the core's serde form).
 */
class LifecycleConformanceTest {
    private val rules = RuleSet.embedded()

    private fun cases(): List<JSONObject> {
        val list = JSONArray(File(Paths.conformance, "lifecycle_cases.json").readText())
        return (0 until list.length()).map { list.getJSONObject(it) }
    }

    @Test
    fun `the lifecycle corpus is there`() {
        assertTrue(cases().size > 50, "lifecycle corpus not found or too small")
    }

    @TestFactory
    fun lifecycle(): List<DynamicTest> = cases().map { case ->
        DynamicTest.dynamicTest(case.getString("name")) { run(case) }
    }

    private fun actor(case: JSONObject): Actor = when (val a = case.get("actor")) {
        "system" -> Actor.System
        is JSONObject -> Actor.User(
            userFromJson(a.getJSONObject("user").toString()),
            organisationRecordFromJson(a.getJSONObject("organisation").toString()),
        )
        else -> throw AssertionError("bad actor $a")
    }

    private fun state(case: JSONObject): ContactState = contactStateFromJson(case.getJSONObject("state").toString())

    /** Every key of `want` has the same value in `got`. */
    private fun partial(got: JSONObject, want: JSONObject, what: String) {
        for (k in want.keySet()) {
            val g = got.opt(k) ?: JSONObject.NULL
            val w = want.get(k)
            val same = when {
                w is JSONObject && g is JSONObject -> w.similar(g)
                w is JSONArray && g is JSONArray -> w.similar(g)
                w is Number && g is Number -> w.toLong() == g.toLong()
                else -> w == g
            }
            assertTrue(same, "$what.$k: expected $w, got $g")
        }
    }

    private fun run(case: JSONObject) {
        val name = case.getString("name")
        val now = LocalDateTime.parse(case.getString("now"))
        val expect = case.getJSONObject("expect")
        when (case.getString("kind")) {
            "transition" -> {
                val before = state(case)
                val action = actionFromJson(case.getJSONObject("action").toString())
                val note = if (case.has("note")) case.getString("note") else null
                val got = rules.transition(before, action, actor(case), now, note)
                assertEquals(state(case), before, "$name: the state passed in changed")
                if (expect.getBoolean("ok")) {
                    assertTrue(got is TransitionResult.Done, "$name: refused: $got")
                    val done = got as TransitionResult.Done
                    val to = expect.getString("to")
                    assertEquals(to, done.state.status, name)
                    assertEquals(to, done.event.to, name)
                    assertEquals(before.status, done.event.from, name)
                    expect.optJSONObject("state")?.let { partial(JSONObject(contactStateToJson(done.state)), it, "$name: state") }
                    expect.optJSONObject("event")?.let { partial(JSONObject(eventToJson(done.event)), it, "$name: event") }
                } else {
                    assertTrue(got is TransitionResult.Refused, "$name: expected a refusal, got $got")
                    val r = (got as TransitionResult.Refused).refusal
                    assertEquals(expect.getString("reason"), r.reason.name.lowercase(), "$name: reason (${r.message})")
                    val wantGuard = if (expect.has("guard") && !expect.isNull("guard")) expect.getString("guard") else null
                    assertEquals(wantGuard, r.guard?.name?.lowercase(), "$name: guard (${r.message})")
                    assertTrue(r.message.isNotEmpty(), "$name: a refusal without a message")
                }
            }
            "decide" -> {
                val a = actor(case) as Actor.User
                val outages = case.optJSONArray("outages")?.objects()?.map {
                    Outage(LocalDateTime.parse(it.getString("from")), LocalDateTime.parse(it.getString("to")))
                } ?: emptyList()
                val r = case.getJSONObject("request")
                val request = when (val kind = r.getString("kind")) {
                    "raise" -> AccessRequest.Raise(r.getString("contact_type"))
                    "upload_batch" -> AccessRequest.UploadBatch
                    "view" -> AccessRequest.View(state(case))
                    "search" -> AccessRequest.Search
                    "lifecycle" -> AccessRequest.Lifecycle(actionFromJson(r.getJSONObject("action").toString()), state(case))
                    "account" -> AccessRequest.Account(
                        AccountAction.valueOf(r.getString("action").uppercase()),
                        userFromJson(r.getJSONObject("target").toString()),
                        r.getJSONArray("organisation_users").objects().map { userFromJson(it.toString()) },
                    )
                    "change_own_password" -> AccessRequest.ChangeOwnPassword
                    "change_own_profile" -> AccessRequest.ChangeOwnProfile
                    else -> throw AssertionError("$name: unknown request kind $kind")
                }
                val d = rules.decide(a.user, a.organisation, request, now, outages)
                assertEquals(expect.getString("rule"), d.rule.name.lowercase(), "$name: rule (${d.reason})")
                assertEquals(expect.getBoolean("allowed"), d.allowed, "$name: allowed (${d.reason})")
                if (expect.has("may_be_unavailable")) {
                    assertEquals(expect.getBoolean("may_be_unavailable"), d.mayBeUnavailable, "$name: may_be_unavailable")
                }
                assertTrue(d.reason.isNotEmpty(), "$name: a decision without a reason")
            }
            else -> throw AssertionError("$name: unknown kind")
        }
    }
}
