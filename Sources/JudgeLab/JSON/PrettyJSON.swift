// The one way JudgeLab writes its own JSON records (study.json, optimize.json, datasheet.json,
// audit.json): pretty, keys sorted, slashes as they are; the same record, the same bytes.
import Foundation

extension Encodable {
    public func prettyJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
