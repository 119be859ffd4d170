package cms

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.time.LocalDate
import java.time.LocalDateTime

/**
 * Runs the shared conformance corpus (`conformance/cases/<name>/case.json`) through the Kotlin
 * bindings, one JUnit test per case, with the same checks as the Rust runner
 * (`cms-core/tests/conformance.rs`); `conformance/README.md` describes the form.
 */
class ConformanceTest {
    private class Case(val name: String, val dir: File, val spec: JSONObject)

    private fun cases(): List<Case> =
        (File(Paths.conformance, "cases").listFiles() ?: emptyArray())
            .filter { File(it, "case.json").isFile }
            .sortedBy { it.name }
            .map { Case(it.name, it, JSONObject(File(it, "case.json").readText())) }

    @Test
    fun `the corpus is there`() {
        val n = cases().size
        assertTrue(n > 50, "corpus not found or too small: $n cases under ${Paths.conformance}")
    }

    @TestFactory
    fun corpus(): List<DynamicTest> = cases().map { case ->
        DynamicTest.dynamicTest(case.name) {
            when (val kind = case.spec.getString("kind")) {
                "validate" -> runValidate(case)
                "process" -> runProcess(case)
                else -> throw AssertionError("${case.name}: unknown kind $kind")
            }
        }
    }

    private val embedded: RuleSet by lazy { RuleSet.embedded() }

    private fun rulesFor(spec: JSONObject): RuleSet =
        when (val rel = spec.optStringOrNull("rules")) {
            null -> embedded
            else -> RuleSet.load(File(Paths.conformance, rel).path)
        }

    private fun validateOptions(o: JSONObject): ValidateOptions {
        val orgId = o.optULongOrNull("org_id")
        val orgType = o.optStringOrNull("org_type")
        return ValidateOptions(
            format = o.optStringOrNull("format"),
            strict = o.optBoolean("strict", false),
            uploader = if (orgId != null && orgType != null) Organisation(orgId, parseOrgType(orgType)) else null,
            lastGeneration = o.optULongOrNull("last_generation"),
            maxFindings = o.optULongOrNull("max_findings")?.toUInt(),
            maxLineBytes = o.optULongOrNull("max_line_bytes")?.toUInt(),
            user = if (o.has("user") && !o.isNull("user")) user(o.getJSONObject("user")) else null,
            at = o.optStringOrNull("at")?.let { LocalDateTime.parse(it) },
        )
    }

    /** A user as the corpus writes it (the rule file's spelling: `snake_case`). */
    private fun user(u: JSONObject): User {
        val p = u.optJSONObject("permissions") ?: JSONObject()
        return User(
            id = u.getString("id"),
            organisationId = u.getLong("organisation_id").toULong(),
            roles = u.getJSONArray("roles").strings().map { Role.valueOf(it.uppercase()) },
            status = UserStatus.valueOf(u.getString("status").uppercase()),
            permissions = Permissions(
                raise = p.optJSONArray("raise")?.strings() ?: emptyList(),
                uploadBatches = p.optBoolean("upload_batches", false),
                viewOnly = p.optBoolean("view_only", false),
            ),
        )
    }

    private fun matches(expected: JSONObject, actual: Finding): Boolean =
        expected.getString("code") == actual.code &&
            expected.optULongOrNull("line") == actual.line &&
            expected.optStringOrNull("field") == actual.field &&
            (!expected.has("scope") || expected.getString("scope") == actual.scope.name.lowercase())

    private fun runValidate(case: Case) {
        val spec = case.spec
        val rules = rulesFor(spec)
        val input = spec.getString("input")
        val bytes = File(case.dir, input).readBytes()
        val report = rules.validateBytes(bytes, input, validateOptions(spec.getJSONObject("options")))
        val expect = spec.getJSONObject("expect")
        val actual = report.findings.toMutableList()
        for (e in expect.getJSONArray("findings").objects()) {
            val i = actual.indexOfFirst { matches(e, it) }
            assertTrue(i >= 0, "${case.name}: expected finding $e not found; got ${report.findings}")
            actual.removeAt(i)
        }
        assertTrue(actual.isEmpty(), "${case.name}: unexpected findings $actual")
        assertEquals(expect.getBoolean("accepted"), report.accepted, "${case.name}: accepted")
        expect.optULongOrNull("errors")?.let { assertEquals(it, report.errors, "${case.name}: errors") }
    }

    private fun runProcess(case: Case) {
        val spec = case.spec
        val rules = rulesFor(spec)
        val o = spec.getJSONObject("options")
        val input = spec.getString("input")
        val bytes = File(case.dir, input).readBytes()
        val options = BatchOptions(
            uploader = Organisation(o.getLong("org_id").toULong(), parseOrgType(o.getString("org_type"))),
            today = LocalDate.parse(o.getString("today")),
            lastGeneration = o.optULongOrNull("last_generation"),
            validate = validateOptions(o),
        )
        val crn = CrnGenerator.local(rules.crnScheme(), o.optULongOrNull("first_sequence") ?: 1uL)
        val out = rules.processBytes(bytes, input, options, crn)
        val expect = spec.getJSONObject("expect")
        assertEquals(expect.getBoolean("file_accepted"), out.summary.fileAccepted, "${case.name}: file_accepted, got ${out.summary}")
        expect.optStringOrNull("response_file")?.let {
            assertEquals(it, out.summary.responseFile, "${case.name}: response file")
        }
        if (expect.has("file_rejections")) {
            val want = expect.getJSONArray("file_rejections").strings()
            assertEquals(want, out.summary.fileRejections.map { it.code }, "${case.name}: file rejections")
        }
        val want = expect.getJSONArray("contacts").objects()
        assertEquals(want.size, out.contacts.size, "${case.name}: contacts, got ${out.contacts}")
        for ((w, c) in want.zip(out.contacts)) {
            val got = mapOf(
                "line" to c.line.toString(),
                "outcome" to outcomeCode(c.outcome),
                "crn" to c.crn,
                "target_date" to c.targetDate?.toString(),
                "codes" to c.findings.map { it.code }.toSortedSet().toString(),
            )
            val expected = mapOf(
                "line" to w.getLong("line").toString(),
                "outcome" to w.getString("outcome"),
                "crn" to w.optStringOrNull("crn"),
                "target_date" to w.optStringOrNull("target_date"),
                "codes" to w.getJSONArray("codes").strings().toSortedSet().toString(),
            )
            assertEquals(expected, got, "${case.name}: contact")
        }
        // The response must itself pass the validator as a response file, one R01 per contact.
        val report = rules.validateBytes(out.response, out.summary.responseFile, ValidateOptions())
        assertEquals(0uL, report.errors, "${case.name}: response did not validate: ${report.findings}\n${String(out.response)}")
        assertEquals("CMR", report.format, "${case.name}: response format")
        val r01 = String(out.response, Charsets.US_ASCII).lines().count { it.startsWith("\"R01\"") }
        assertEquals(out.contacts.size, r01, "${case.name}: R01 records")
    }
}

internal fun JSONObject.optStringOrNull(key: String): String? =
    if (!has(key) || isNull(key)) null else getString(key)

internal fun JSONObject.optULongOrNull(key: String): ULong? =
    if (!has(key) || isNull(key)) null else getLong(key).toULong()

internal fun JSONArray.objects(): List<JSONObject> = (0 until length()).map { getJSONObject(it) }

internal fun JSONArray.strings(): List<String> = (0 until length()).map { getString(it) }
