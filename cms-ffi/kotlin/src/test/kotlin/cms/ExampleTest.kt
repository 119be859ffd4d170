package cms

import cms.examples.run
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.ByteArrayOutputStream
import java.io.File
import java.io.PrintStream

/** examples/kotlin runs and prints what the README says. */
class ExampleTest {
    private fun example(vararg args: String): Pair<Int, List<String>> {
        val bytes = ByteArrayOutputStream()
        val status = PrintStream(bytes, true, "UTF-8").use { run(args.toList(), it) }
        return status to bytes.toString("UTF-8").lines()
    }

    @Test
    fun `a clean upload is accepted and processed`() {
        val path = File(Paths.root, "examples/data/SHP00042.CMQ").path
        val (status, lines) = example(path)
        assertEquals(0, status, lines.joinToString("\n"))
        assertTrue(lines.any { it.startsWith("$path: accepted: ") }, lines.joinToString("\n"))
        assertTrue(lines.any { it.contains(" AC C00000000195 ") }, lines.joinToString("\n"))
        assertTrue(lines.contains("SHP00042.CMR: ${lines.last { it.startsWith("SHP00042.CMR: ") }.removePrefix("SHP00042.CMR: ")}"))
    }

    @Test
    fun `a bad upload is rejected with located findings`() {
        val path = File(Paths.root, "examples/data/SHP00043.CMQ").path
        val (status, lines) = example(path)
        assertEquals(1, status)
        assertEquals(
            "$path:4: SUPPLY_METER_POINT_REFERENCE: error[CON00008]: MPRN `1234567890` fails its check digits (they would be `10`)",
            lines.first(),
        )
    }

    @Test
    fun `a missing file is reported, status 2`() {
        val (status, lines) = example("no/such/SHP00001.CMQ")
        assertEquals(2, status)
        assertTrue(lines.first().startsWith("cannot read `no/such/SHP00001.CMQ`: No such file"), lines.first())
    }
}
