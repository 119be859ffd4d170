package cms

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.nio.file.Files
import java.time.LocalDate
import java.time.LocalTime
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicLong

/** The rest of the API, with values from DOMAIN.md. */
class ApiTest {
    private val rules = RuleSet.embedded()
    private val shipper = Organisation(1234uL, OrgType.SHIPPER)
    private val upload = File(Paths.root, "examples/data/SHP00042.CMQ")

    @Test
    fun `the embedded rule set`() {
        assertEquals("cms-default", rules.name())
        assertEquals("<embedded>", rules.origin())
        assertEquals(listOf("CMQ", "CMR"), rules.formats().map { it.code })
        assertTrue(rules.formats().first { it.code == "CMQ" }.upload)
        assertTrue(rules.formats().first { it.code == "CMR" }.response)
        val rfa = rules.contactType("RFA")!!
        assertEquals(listOf(OrgType.SHIPPER, OrgType.DMSP), rfa.raisedBy)
        assertEquals(listOf<Byte>(2, 3, 4), rfa.classes!!.toList())
        assertEquals(LocalDate.of(2017, 6, 1), rfa.earliestEffectiveDate)
        assertEquals(10u, rfa.targetWorkingDays)
        assertEquals(Provenance.CONFIRMED, rfa.provenance)
        assertNull(rules.contactType("XYZ"))
        assertTrue(rules.contactTypes().any { it.code == "USR" && it.retired })
        val mprn = rules.catalogue().first { it.code == "CON00008" }
        assertEquals("mprn_check_digits", mprn.check)
        assertEquals(Severity.ERROR, mprn.severity)
        assertTrue(rules.mayUseCms(OrgType.SHIPPER))
        assertEquals(CrnScheme("C", 9u), rules.crnScheme())
        assertEquals(MprnRules(6u, 10u), rules.mprnRules())
        // The exported rule set loads back as the same rule set.
        val again = RuleSet.fromJson(rules.toJson(), "copy.json")
        assertEquals(rules.version(), again.version())
        assertEquals("copy.json", again.origin())
    }

    @Test
    fun `validate a file with the uploader's rules`() {
        val report = rules.validatePath(File(Paths.root, "examples/data/SHP00043.CMQ").path, ValidateOptions(uploader = shipper))
        assertFalse(report.accepted)
        assertEquals("CMQ", report.format)
        assertEquals("cms-default", report.rulesName)
        val first = report.findings.first()
        assertEquals("CON00008", first.code)
        assertEquals(4uL, first.line)
        assertEquals("SUPPLY_METER_POINT_REFERENCE", first.field)
        assertEquals(Scope.FIELD, first.scope)
        assertEquals("MPRN `1234567890` fails its check digits (they would be `10`)", first.message)
        // Redaction leaves the customer's data out of messages.
        val redacted = rules.validatePath(File(Paths.root, "examples/data/SHP00043.CMQ").path, ValidateOptions(uploader = shipper, redact = true))
        assertEquals("MPRN `<redacted>` fails its check digits (they would be `10`)", redacted.findings.first().message)
        // A cap on listed findings; counting goes on.
        val capped = rules.validatePath(File(Paths.root, "examples/data/SHP00043.CMQ").path, ValidateOptions(uploader = shipper, maxFindings = 2u))
        assertEquals(report.errors, capped.errors)
        assertTrue(capped.suppressed > 0uL)
    }

    @Test
    fun `process an upload in memory`() {
        val options = BatchOptions(shipper, LocalDate.of(2026, 12, 3), time = LocalTime.of(9, 30, 15))
        val out = rules.processBytes(upload.readBytes(), upload.name, options, rules.crnGenerator(1uL))
        assertTrue(out.summary.fileAccepted)
        assertEquals("SHP00042.CMR", out.summary.responseFile)
        assertEquals(out.contacts.size.toULong(), out.summary.contactsTotal)
        val accepted = out.contacts.filter { it.outcome == Outcome.ACCEPTED }
        assertEquals("C00000000195", accepted.first().crn)
        assertEquals("open", accepted.first().status)
        assertEquals(out.summary.firstCrn, accepted.first().crn)
        val header = String(out.response, Charsets.US_ASCII).lines().first()
        assertTrue(header.startsWith("\"A00\","), header)
        assertTrue(header.contains(",\"CMR\",20261203,093015,42"), header)
        assertEquals(listOf("AC", "RJ", "WN"), listOf(Outcome.ACCEPTED, Outcome.REJECTED, Outcome.WARNED).map { outcomeCode(it) })
    }

    @Test
    fun `process a file on disk writes the response`() {
        val dir = Files.createTempDirectory("cms-out").toFile()
        val out = rules.processPath(upload.path, dir.path, BatchOptions(shipper, LocalDate.of(2026, 12, 3)), rules.crnGenerator(100uL))
        assertEquals(File(dir, "SHP00042.CMR").path, out.responsePath)
        val response = File(out.responsePath).readBytes()
        val check = rules.validateBytes(response, "SHP00042.CMR", ValidateOptions(strict = true))
        assertTrue(check.accepted, check.findings.toString())
        assertEquals(listOf("SHP00042.CMR"), dir.list()!!.toList())
    }

    @Test
    fun `the calendar`() {
        val cal = rules.calendar()
        assertEquals(LocalDate.of(2026, 12, 10), cal.addWorkingDays(LocalDate.of(2026, 12, 3), 5u))
        assertEquals(LocalDate.of(2026, 12, 30), cal.addWorkingDays(LocalDate.of(2026, 12, 21), 5u))
        assertEquals(5L, cal.workingDaysBetween(LocalDate.of(2026, 12, 21), LocalDate.of(2026, 12, 30)))
        assertTrue(cal.isBankHoliday(LocalDate.of(2026, 12, 28)))
        assertFalse(cal.isWorkingDay(LocalDate.of(2026, 12, 26)))
        val y2022 = Calendar.englandAndWales().bankHolidays(2022)
        assertTrue(y2022.any { it.date == LocalDate.of(2022, 9, 19) && it.kind == HolidayKind.ONE_OFF })
        assertEquals(LocalDate.of(2026, 12, 29), cal.nextWorkingDay(LocalDate.of(2026, 12, 24)))
        assertEquals(LocalDate.of(2026, 12, 24), cal.previousWorkingDay(LocalDate.of(2026, 12, 29)))
    }

    @Test
    fun `MPRN helpers`() {
        for (v in listOf("3938424403", "1234567810", "9876543209", "7613419305", "3930574909", "2459924700")) {
            assertTrue(checkMprn(v).valid, v)
        }
        assertEquals(3938424403uL, checkMprn("3938424403").number)
        val bad = checkMprn("1234567890")
        assertFalse(bad.valid)
        assertEquals(MprnProblem.CheckDigits("10", "90"), bad.problem)
        assertEquals("wrong MPRN check digits `90`, expected `10`", bad.message)
        assertEquals(MprnProblem.Length(5uL, 6u, 10u), checkMprn("12345").problem)
        assertEquals(MprnProblem.NotDigits(8uL), checkMprn("39384244O3").problem)
        assertEquals("03", mprnCheckDigits("39384244"))
        assertNull(mprnCheckDigits("3938x244"))
        assertTrue(rules.checkMprn("3938424403").valid)
        assertTrue(isLdz("NW"))
        assertFalse(isLdz("nw"))
        assertEquals(13, ldzCodes().size)
    }

    @Test
    fun `CRN helpers`() {
        val scheme = defaultCrnScheme()
        assertEquals("C00000000195", formatCrn(scheme, 1uL))
        assertEquals("C12345678978", formatCrn(scheme, 123456789uL))
        assertEquals("78", crnCheckDigits(123456789uL))
        assertEquals(123456789uL, checkCrn(scheme, "C12345678978").sequence)
        assertEquals(CrnProblem.CheckDigits("78", "87"), checkCrn(scheme, "C12345678987").problem)
        assertEquals(CrnProblem.WrongPrefix("C"), checkCrn(scheme, "c00000000195").problem)
        assertEquals(CrnProblem.WrongLength(12uL, 4uL), checkCrn(scheme, "C123").problem)
    }

    @Test
    fun `a CRN generator is unique across threads`() {
        val crn = rules.crnGenerator(1uL)
        val seen = ConcurrentHashMap.newKeySet<String>()
        val pool = Executors.newFixedThreadPool(4)
        repeat(4) { pool.submit { repeat(500) { seen.add(crn.next()) } } }
        pool.shutdown()
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS))
        assertEquals(2000, seen.size)
        assertEquals(2001uL, crn.nextSequence())
    }

    @Test
    fun `a CRN generator over the host's sequence source`() {
        val next = AtomicLong(500)
        val asked = mutableListOf<ULong>()
        val database = object : SequenceSource {
            override fun nextBlock(wanted: ULong): SequenceBlock {
                synchronized(asked) { asked.add(wanted) }
                val start = next.getAndAdd(wanted.toLong()).toULong()
                return SequenceBlock(start, start + wanted)
            }
        }
        val crn = CrnGenerator.withSource(defaultCrnScheme(), database, 3uL)
        assertEquals(3uL, crn.blockSize())
        assertEquals(listOf(500uL, 501uL, 502uL, 503uL), List(4) { crn.nextSequence() })
        assertEquals(listOf(3uL, 3uL), asked)
        assertEquals(formatCrn(defaultCrnScheme(), 504uL), crn.next())
    }

    @Test
    fun `small helpers`() {
        assertEquals("shipper", orgTypeCode(OrgType.SHIPPER))
        assertEquals(OrgType.entries.toList(), OrgType.entries.map { parseOrgType(orgTypeCode(it)) })
        assertTrue(libraryVersion().isNotEmpty())
    }
}
