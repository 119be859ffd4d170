package cms

import java.io.File

/** Where things are: the repository root and the generated Swift sources (set by the pom). */
object Paths {
    val root: File = File(System.getProperty("cms.root") ?: "../..").canonicalFile
    val conformance: File = File(root, "conformance")
    val swift: File = File(System.getProperty("cms.swift.generated") ?: "target/generated-swift")
}
