// Validate a contact upload and run the batch job on it, from Kotlin.
//
//   mvn -q -f cms-ffi/kotlin/pom.xml test-compile exec:java \
//       -Dexec.mainClass=cms.examples.ValidateUploadKt -Dexec.args="examples/data/SHP00043.CMQ"
//
// Exit status: 0 when the upload is accepted, 1 when it is not, 2 when the work could not run.
package cms.examples

import cms.BatchOptions
import cms.CmsException
import cms.OrgType
import cms.Organisation
import cms.RuleSet
import cms.ValidateOptions
import cms.outcomeCode
import java.io.File
import java.io.PrintStream
import java.time.LocalDate
import kotlin.system.exitProcess

fun run(args: List<String>, out: PrintStream): Int {
    val path = args.firstOrNull() ?: "examples/data/SHP00042.CMQ"
    val uploader = Organisation(id = 1234uL, orgType = OrgType.SHIPPER)
    try {
        // The embedded default rule set; RuleSet.load("my_rules.json") loads one's own.
        RuleSet.embedded().use { rules ->
            // One call validates the whole file: findings are data, not exceptions.
            val report = rules.validatePath(path, ValidateOptions(uploader = uploader))
            for (f in report.findings) {
                val field = f.field?.let { "$it: " } ?: ""
                out.println("$path:${f.line ?: "-"}: $field${f.severity.name.lowercase()}[${f.code}]: ${f.message}")
            }
            val verdict = if (report.accepted) "accepted" else "rejected"
            out.println("$path: $verdict: ${report.records} records, ${report.errors} errors, ${report.warnings} warnings " +
                "(format ${report.format}, rules ${report.rulesName} ${report.rulesVersion})")

            // The batch job: CRNs and target dates for accepted contacts, and the response file.
            val file = File(path)
            rules.crnGenerator(firstSequence = 1uL).use { crn ->
                val result = rules.processBytes(file.readBytes(), file.name, BatchOptions(uploader, today = LocalDate.of(2026, 12, 3)), crn)
                for (c in result.contacts) {
                    out.println("  line ${c.line}: ${c.customerReference} ${outcomeCode(c.outcome)} ${c.crn ?: "-"} ${c.targetDate ?: "-"} ${c.findings.map { it.code }}")
                }
                out.println("${result.summary.responseFile}: ${result.response.size} bytes")
            }
            return if (report.accepted) 0 else 1
        }
    } catch (e: CmsException.Io) {
        out.println("cannot read `${e.path}`: ${e.reason}")
    } catch (e: CmsException.Rules) {
        out.println("bad rule file `${e.origin}`: ${e.place}: ${e.problem}")
    } catch (e: CmsException) {
        out.println("could not run: ${e.message}")
    }
    return 2
}

fun main(args: Array<String>) {
    exitProcess(run(args.toList(), System.out))
}
