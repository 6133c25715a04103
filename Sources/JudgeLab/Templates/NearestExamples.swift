// `nearest` few-shot examples: for each judged item, the pool items most like it by BM25.
import Foundation

/// BM25 over the few-shot pool (question and both answers of each pool item, k1 = 1.2,
/// b = 0.75), queried with the judged item's question and answers. Deterministic: equal scores
/// keep the pool's order. An item's examples are computed once and kept.
public final class NearestExamples: @unchecked Sendable {
    public let k: Int
    public let pool: [Pair]
    private let documents: [[String: Int]]
    private let lengths: [Double]
    private let averageLength: Double
    private let idf: [String: Double]
    private let lock = NSLock()
    private var memo: [String: [Pair]] = [:]

    /// - Parameter pool: the eligible pool items (without ties when the template allows none).
    public init(k: Int, pool: [Pair]) {
        self.k = k
        self.pool = pool
        documents = pool.map { Self.termCounts(Self.text(of: $0)) }
        lengths = documents.map { Double($0.values.reduce(0, +)) }
        averageLength = lengths.isEmpty ? 1 : max(1, lengths.reduce(0, +) / Double(lengths.count))
        var frequency: [String: Int] = [:]
        for document in documents { for term in document.keys { frequency[term, default: 0] += 1 } }
        let n = Double(pool.count)
        idf = frequency.mapValues { log(1 + (n - Double($0) + 0.5) / (Double($0) + 0.5)) }
    }

    static func text(of pair: Pair) -> String { pair.question + " " + pair.answer1 + " " + pair.answer2 }

    /// Lower-cased runs of letters and digits.
    static func terms(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    static func termCounts(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for term in terms(text) { counts[term, default: 0] += 1 }
        return counts
    }

    /// BM25 score of each pool item for `query`.
    func scores(_ query: String) -> [Double] {
        let queryTerms = Set(Self.terms(query))
        let k1 = 1.2, b = 0.75
        return documents.indices.map { i in
            queryTerms.reduce(0.0) { sum, term in
                guard let tf = documents[i][term], let weight = idf[term] else { return sum }
                let f = Double(tf)
                return sum + weight * f * (k1 + 1) / (f + k1 * (1 - b + b * lengths[i] / averageLength))
            }
        }
    }

    /// The k pool items nearest to `pair` (never the pair itself), best first.
    public func examples(for pair: Pair) -> [Pair] {
        if let known = lock.withLock({ memo[pair.id] }) { return known }
        let score = scores(Self.text(of: pair))
        let ranked = pool.indices.filter { pool[$0].id != pair.id }
            .sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
        let chosen = ranked.prefix(k).map { pool[$0] }
        lock.withLock { memo[pair.id] = chosen }
        return chosen
    }
}
