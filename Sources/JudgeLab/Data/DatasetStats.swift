// What `judgelab data stats` reports about a data set.

/// Counts and length percentiles of a data set: what a user checks before spending money on it.
public struct DatasetStats: Sendable {
    public var source: String
    public var pairs: Int
    /// The shared label form's name, or `mixed`.
    public var labelForm: String
    public var verdicts: [Verdict: Int]
    public var categories: [(name: String, count: Int)]
    /// Items with a simulated human score (scores or human_score labels).
    public var withSimulatedScore: Int
    /// Items that repeat an earlier item's question and answers (in either order) under another
    /// id (`PairContent`).
    public var duplicates: Int
    /// Nearest-rank percentiles of answer lengths in Unicode scalars, both answers pooled.
    public var answerLength: [(percentile: Int, length: Int)]

    public init(_ dataset: Dataset, tieBand: TieBand = .standard) {
        source = dataset.source
        pairs = dataset.pairs.count
        labelForm = dataset.labelForm?.rawValue ?? "mixed"
        var verdicts: [Verdict: Int] = [.answer1: 0, .tie: 0, .answer2: 0]
        var categoryCounts: [String: Int] = [:]
        var lengths: [Int] = []
        lengths.reserveCapacity(2 * dataset.pairs.count)
        withSimulatedScore = 0
        for pair in dataset.pairs {
            verdicts[pair.humanVerdict(tieBand: tieBand), default: 0] += 1
            if let category = pair.category { categoryCounts[category, default: 0] += 1 }
            if pair.simulatedScore != nil { withSimulatedScore += 1 }
            lengths.append(pair.answer1.unicodeScalars.count)
            lengths.append(pair.answer2.unicodeScalars.count)
        }
        self.verdicts = verdicts
        duplicates = PairContent.duplicates(dataset.pairs)
        categories = categoryCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { ($0.key, $0.value) }
        lengths.sort()
        answerLength = [50, 90, 99, 100].map { p in
            let rank = max(1, Int((Double(p) / 100 * Double(lengths.count)).rounded(.up)))
            return (p, lengths[rank - 1])
        }
    }

    public var json: JSONValue {
        .object([
            ("source", .string(source)),
            ("pairs", .number(Double(pairs))),
            ("label_form", .string(labelForm)),
            ("verdicts", .object(Verdict.allCases.map { ($0.rawValue, .number(Double(verdicts[$0] ?? 0))) })),
            ("with_simulated_score", .number(Double(withSimulatedScore))),
            ("duplicate_pairs", .number(Double(duplicates))),
            ("categories", .object(categories.map { ($0.name, .number(Double($0.count))) })),
            ("answer_length", .object(answerLength.map { ($0.percentile == 100 ? "max" : "p\($0.percentile)", .number(Double($0.length))) })),
        ])
    }

    public var table: String {
        var rows: [[String]] = [
            ["source", source],
            ["pairs", "\(pairs)"],
            ["label form", labelForm],
        ]
        for verdict in Verdict.allCases {
            let count = verdicts[verdict] ?? 0
            rows.append(["human \(verdict == .tie ? "tie" : "prefers \(verdict.rawValue)")",
                         "\(count) (\(Percent.text(Double(count), of: Double(pairs))))"])
        }
        rows.append(["with simulated score", "\(withSimulatedScore)"])
        rows.append(["duplicate pairs", duplicates == 0 ? "0" : "\(duplicates) (an earlier item's question and answers under another id: kept on its side of every split)"])
        rows.append(["answer length (chars)",
                     answerLength.map { ($0.percentile == 100 ? "max " : "p\($0.percentile) ") + "\($0.length)" }.joined(separator: ", ")])
        if !categories.isEmpty {
            let shown = categories.prefix(12).map { "\($0.name) \($0.count)" }.joined(separator: ", ")
            rows.append(["categories (\(categories.count))", shown + (categories.count > 12 ? ", …" : "")])
        }
        return TextTable.render(rows)
    }
}
