package cms

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.nio.file.Files
import java.time.LocalDate

/** Bad input gives the documented exception class, with its fields and message. */
class ErrorsTest {
    private val rules = RuleSet.embedded()
    private val shipper = Organisation(1234uL, OrgType.SHIPPER)

    @Test
    fun `a missing file is CmsException Io with its path and kind`() {
        val e = assertThrows<CmsException.Io> { rules.validatePath("no/such/SHP00001.CMQ", ValidateOptions()) }
        assertEquals("no/such/SHP00001.CMQ", e.path)
        assertEquals(IoErrorKind.NOT_FOUND, e.kind)
        assertTrue(e.reason.startsWith("No such file or directory"), e.reason)
        assertEquals("path=no/such/SHP00001.CMQ, kind=NOT_FOUND, reason=${e.reason}", e.message)
    }

    @Test
    fun `a missing rule file is CmsException Io`() {
        val e = assertThrows<CmsException.Io> { RuleSet.load("no/such/rules.json") }
        assertEquals("no/such/rules.json", e.path)
        assertEquals(IoErrorKind.NOT_FOUND, e.kind)
    }

    @Test
    fun `a directory given as an upload is CmsException Io`() {
        val dir = Files.createTempDirectory("cms").toFile()
        val e = assertThrows<CmsException.Io> { rules.validatePath(dir.path, ValidateOptions()) }
        assertEquals(dir.path, e.path)
        assertEquals(IoErrorKind.OTHER, e.kind)
    }

    @Test
    fun `rule file syntax errors name the origin, the place and the problem`() {
        val e = assertThrows<CmsException.Rules> { RuleSet.fromJson("{\n  \"name\": ", "mine.json") }
        assertEquals("mine.json", e.origin)
        assertTrue(e.place.startsWith("line 2, column "), e.place)
        assertTrue(e.problem.isNotEmpty())
        assertEquals("origin=mine.json, place=${e.place}, problem=${e.problem}", e.message)
    }

    @Test
    fun `rule file consistency errors name the place in the rule set`() {
        val json = JSONish.replaceFirst(rules.toJson(), "\"record\": \"C02\"", "\"record\": \"C09\"")
        val e = assertThrows<CmsException.Rules> { RuleSet.fromJson(json, "mine.json") }
        assertEquals("mine.json", e.origin)
        assertTrue(e.place.startsWith("formats[CMQ]"), e.place)
        assertTrue(e.problem.contains("`C09`"), e.problem)
    }

    @Test
    fun `an unknown format is CmsException Argument`() {
        val e = assertThrows<CmsException.Argument> {
            rules.validateBytes(ByteArray(0), null, ValidateOptions(format = "XYZ"))
        }
        assertEquals("unknown format `XYZ` (rule set has CMQ, CMR)", e.reason)
        assertEquals("reason=unknown format `XYZ` (rule set has CMQ, CMR)", e.message)
    }

    @Test
    fun `an unknown organisation type is CmsException Argument`() {
        val e = assertThrows<CmsException.Argument> { parseOrgType("supplier") }
        assertEquals("unknown organisation type `supplier` (one of shipper, gt, igt, mra, dmsp, uip, cdsp)", e.reason)
        assertEquals(OrgType.IGT, parseOrgType("IGT"))
    }

    @Test
    fun `a CRN sequence out of range is CmsException Crn`() {
        val e = assertThrows<CmsException.Crn> { formatCrn(defaultCrnScheme(), 0uL) }
        assertEquals(CrnErrorKind.INVALID, e.kind)
        assertEquals("expected a CRN sequence of at least 1, found `0`", e.reason)
        val bad = assertThrows<CmsException.Crn> { CrnGenerator.local(CrnScheme("C", 19u), 1uL) }
        assertEquals(CrnErrorKind.INVALID, bad.kind)
        assertEquals("expected a CRN width of 1 to 18 digits, found `19`", bad.reason)
    }

    @Test
    fun `an exhausted generator is CmsException Crn EXHAUSTED`() {
        val crn = CrnGenerator.local(CrnScheme("T", 1u), 8uL)
        assertEquals("T874", crn.next())
        assertEquals("T971", crn.next())
        val e = assertThrows<CmsException.Crn> { crn.next() }
        assertEquals(CrnErrorKind.EXHAUSTED, e.kind)
        assertEquals("no CRN sequences are left to issue", e.reason)
    }

    @Test
    fun `a failing host sequence source is CmsException Crn SOURCE_FAILED`() {
        val down = object : SequenceSource {
            override fun nextBlock(wanted: ULong): SequenceBlock =
                throw SequenceSourceException.Failed("database unreachable")
        }
        val e = assertThrows<CmsException.Crn> { CrnGenerator.withSource(defaultCrnScheme(), down, 10uL).next() }
        assertEquals(CrnErrorKind.SOURCE_FAILED, e.kind)
        assertEquals("the sequence source failed: database unreachable", e.reason)

        val buggy = object : SequenceSource {
            override fun nextBlock(wanted: ULong): SequenceBlock = throw IllegalStateException("oops")
        }
        val unexpected = assertThrows<CmsException.Crn> { CrnGenerator.withSource(defaultCrnScheme(), buggy, 10uL).next() }
        assertEquals(CrnErrorKind.SOURCE_FAILED, unexpected.kind)
        assertTrue(unexpected.reason.contains("oops"), unexpected.reason)

        val empty = object : SequenceSource {
            override fun nextBlock(wanted: ULong): SequenceBlock = SequenceBlock(5uL, 5uL)
        }
        val refused = assertThrows<CmsException.Crn> { CrnGenerator.withSource(defaultCrnScheme(), empty, 10uL).next() }
        assertEquals(CrnErrorKind.BAD_BLOCK, refused.kind)

        val none = object : SequenceSource {
            override fun nextBlock(wanted: ULong): SequenceBlock = throw SequenceSourceException.Exhausted()
        }
        val exhausted = assertThrows<CmsException.Crn> { CrnGenerator.withSource(defaultCrnScheme(), none, 10uL).next() }
        assertEquals(CrnErrorKind.EXHAUSTED, exhausted.kind)
    }

    @Test
    fun `a panic inside the library is CmsException Internal and the JVM goes on`() {
        val e = assertThrows<CmsException.Internal> { selfTestPanic("boom") }
        assertEquals("internal error in cms (please report it): boom", e.reason)
        // The library still works after it.
        assertTrue(checkMprn("3938424403").valid)
        assertThrows<CmsException.Internal> { selfTestPanic("again") }
    }

    @Test
    fun `an upload that cannot be processed leaves no response file`() {
        val out = Files.createTempDirectory("cms-out").toFile()
        val e = assertThrows<CmsException.Io> {
            rules.processPath("no/such/SHP00042.CMQ", out.path, BatchOptions(shipper, LocalDate.of(2026, 12, 3)), rules.crnGenerator(1uL))
        }
        assertEquals("no/such/SHP00042.CMQ", e.path)
        assertEquals(emptyList<String>(), out.list()!!.toList())
    }

    @Test
    fun `findings are data, not exceptions`() {
        val report = rules.validateBytes("garbage\n".toByteArray(), "x.CMQ", ValidateOptions())
        assertEquals(false, report.accepted)
        assertTrue(report.errors > 0uL)
        assertTrue(File(Paths.root, "conformance").isDirectory)
    }
}

/** A tiny text helper (kept out of the tests' logic). */
private object JSONish {
    fun replaceFirst(text: String, old: String, new: String): String {
        val i = text.indexOf(old)
        require(i >= 0) { "`$old` not in the text" }
        return text.substring(0, i) + new + text.substring(i + old.length)
    }
}

/** JSON that is not a value of the type is CmsException.Argument. */
class JsonErrorsTest {
    @Test
    fun `bad JSON for a contact state is CmsException Argument`() {
        val e = assertThrows<CmsException.Argument> { contactStateFromJson("{\"crn\": 1}") }
        assertTrue(e.reason.startsWith("not a contact state in JSON: "), e.reason)
        val a = assertThrows<CmsException.Argument> { actionFromJson("{\"action\": \"fly\"}") }
        assertTrue(a.reason.startsWith("not an action in JSON: "), a.reason)
    }

    @Test
    fun `values go to JSON and back unchanged`() {
        val action = Action.Resolve("read replaced")
        assertEquals("{\"action\":\"resolve\",\"text\":\"read replaced\"}", actionToJson(action))
        assertEquals(action, actionFromJson(actionToJson(action)))
        val u = User("alice", 1234uL, listOf(Role.LSO), UserStatus.SUSPENDED, Permissions(listOf("CDQ"), true, false))
        assertEquals(u, userFromJson(userToJson(u)))
    }
}
