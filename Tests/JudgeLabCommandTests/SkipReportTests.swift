// What `make test` says it skipped, and how CI treats a skip (Tests/Support/skipped_tests.py).
import Foundation
import Testing
import JudgeLabTestSupport

@Suite struct SkipReportTests {
    static let script = Paths.root + "/Tests/Support/skipped_tests.py"

    /// The script on `log` with `allowList`, with CI set or not: its status and output.
    static func report(log: String, allowList: String, ci: Bool) throws -> (status: Int32, output: String) {
        let folder = try TemporaryFolder()
        let logFile = try folder.write("test.log", log), allowFile = try folder.write("allow.txt", allowList)
        return try Program.run("/usr/bin/env", (ci ? ["CI=true"] : ["-u", "CI"]) + ["python3", script, logFile, allowFile])
    }

    static let log = """
    ◇ Test run started.
    ◇ Test skippedPromptsAreLeftOutAndCounted() started.
    ✔ Test skippedPromptsAreLeftOutAndCounted() passed after 1.0 seconds.
    ➜ Suite LiveJudgeTests skipped: "the live judge's virtual environment is missing"
    ➜ Test theExportLoadsAsTRLPreferenceData() skipped: "the datasets library is missing"
    ✔ Test run with 3 tests in 2 suites passed after 2.0 seconds.

    """

    @Test func everySkipIsListedWithItsReason() throws {
        let local = try Self.report(log: Self.log, allowList: "# none\n", ci: false)
        #expect(local.status == 0)
        #expect(local.output == """
        skipped: 2
          suite LiveJudgeTests: the live judge's virtual environment is missing
          test theExportLoadsAsTRLPreferenceData(): the datasets library is missing

        """)
        #expect(try Self.report(log: "✔ Test run with 3 tests passed\n", allowList: "", ci: true) == (0, "skipped: none\n"))
    }

    /// On CI every dependency is installed: a skip fails the run unless the allow-list names it.
    @Test func onCIASkipOffTheAllowListFails() throws {
        let refused = try Self.report(log: Self.log, allowList: "LiveJudgeTests\tno model server on this runner\n", ci: true)
        #expect(refused.status == 1)
        #expect(refused.output.contains("suite LiveJudgeTests: the live judge's virtual environment is missing [allowed]"))
        #expect(refused.output.contains("test theExportLoadsAsTRLPreferenceData(): the datasets library is missing [NOT ALLOWED]"))
        #expect(refused.output.hasSuffix("allows: theExportLoadsAsTRLPreferenceData()\n"))
        let allowed = try Self.report(log: Self.log, allowList: "LiveJudgeTests\tno model server\ntheExportLoadsAsTRLPreferenceData()\tno datasets\n", ci: true)
        #expect(allowed.status == 0)
        // An entry without its reason is refused.
        #expect(try Self.report(log: Self.log, allowList: "LiveJudgeTests\n", ci: true).status != 0)
        // The repository's own list is empty: CI installs everything the tests need.
        let shipped = try String(contentsOfFile: Paths.root + "/Tests/skip-allowlist.txt", encoding: .utf8)
        #expect(shipped.split(separator: "\n").allSatisfy { $0.hasPrefix("#") })
    }
}
