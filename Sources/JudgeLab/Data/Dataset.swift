// A loaded set of pairs and where it came from.

/// Pairs loaded from one file, in file order, with unique ids.
public struct Dataset: Sendable {
    /// The path the pairs were read from, for messages and reports.
    public var source: String
    public var pairs: [Pair]

    public init(source: String, pairs: [Pair]) {
        self.source = source
        self.pairs = pairs
    }

    /// The pairs by id.
    public func index() -> [String: Pair] {
        Dictionary(pairs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The label form all pairs share, or nil when they mix forms (or there are none).
    public var labelForm: LabelForm? {
        guard let form = pairs.first?.label.form else { return nil }
        return pairs.allSatisfy { $0.label.form == form } ? form : nil
    }
}
