// The metric table is the one list of metrics: the schema, metrics.json and the leaderboards agree with it.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct MetricTableTests {
    /// The `MetricName` enumeration of report-1.xsd, in order.
    static func schemaMetricNames() throws -> [String] {
        let xsd = try String(contentsOfFile: Paths.root + "/Sources/JudgeLabXML/Resources/report-1.xsd", encoding: .utf8)
        guard let start = xsd.range(of: "<xs:simpleType name=\"MetricName\">"),
              let end = xsd.range(of: "</xs:simpleType>", range: start.upperBound..<xsd.endIndex) else { return [] }
        return xsd[start.upperBound..<end.lowerBound].matches(of: /<xs:enumeration value="([^"]+)"\/>/).map { String($0.output.1) }
    }

    @Test func theSchemaNamesExactlyTheTablesMetrics() throws {
        let schema = try Self.schemaMetricNames()
        #expect(!schema.isEmpty)
        #expect(schema == MetricTable.scalarKeys, "report-1.xsd's MetricName and MetricTable differ: add or remove the metric in both")
    }

    @Test func metricsJSONHoldsEveryMetricOfTheTableInItsOrder() {
        let m = VariantMetrics(variant: "v", outcomes: [])
        let keys = MetricsJSON.metrics(m).map(\.0)
        let tableKeys = MetricTable.all.map(\.key)
        #expect(Array(keys.dropFirst(2).prefix(tableKeys.count)) == tableKeys)
        #expect(Set(tableKeys).count == tableKeys.count)
    }

    @Test func everyMetricSaysWhatItMeansAndTheLeaderboardsNameOnlyTableMetrics() {
        for spec in MetricTable.all { #expect(!spec.meaning.isEmpty, "\(spec.key)") }
        for key in MetricTable.leaderboardOrder {
            let spec = MetricTable.spec(key)
            #expect(spec != nil, "\(key) is not in the table")
            #expect(spec?.heading != nil || spec?.text != nil, "\(key) is shown in neither leaderboard")
        }
    }
}
