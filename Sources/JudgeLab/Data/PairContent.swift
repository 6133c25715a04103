// A pair's content, whatever its id: what keeps an item and its copy under another id on the
// same side of every split.

/// The question and the two answers, the answers in either order, each without the white space
/// around it. Two items with the same content are the same judgment to make: a data set with
/// one item per vote (MT-Bench's, say) holds the same pair under several ids.
public struct PairContent: Hashable, Sendable {
    public var question: String
    /// The two answers, the smaller first (by their UTF-8 bytes).
    public var answers: (String, String)

    public init(_ pair: Pair) {
        question = pair.question.trimmed
        let a = pair.answer1.trimmed, b = pair.answer2.trimmed
        answers = a.utf8.lexicographicallyPrecedes(b.utf8) ? (a, b) : (b, a)
    }

    public static func == (l: PairContent, r: PairContent) -> Bool {
        l.question == r.question && l.answers.0 == r.answers.0 && l.answers.1 == r.answers.1
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(question)
        hasher.combine(answers.0)
        hasher.combine(answers.1)
    }

    /// For each pair, the index of the first pair with the same content (its own index when it
    /// is the first).
    public static func firstOccurrences(_ pairs: [Pair]) -> [Int] {
        var first: [PairContent: Int] = [:]
        first.reserveCapacity(pairs.count)
        return pairs.indices.map { index in
            let content = PairContent(pairs[index])
            if let earlier = first[content] { return earlier }
            first[content] = index
            return index
        }
    }

    /// How many pairs repeat an earlier pair's content under another id.
    public static func duplicates(_ pairs: [Pair]) -> Int {
        firstOccurrences(pairs).enumerated().count { $0.offset != $0.element }
    }
}

extension PairContent {
    /// One answer to one question, as written: what a pointwise variant judges once, however
    /// many pairs share it (METRICS.md §7).
    public struct Answer: Hashable, Sendable {
        public var question: String
        public var answer: String

        public init(question: String, answer: String) {
            self.question = question
            self.answer = answer
        }
    }
}

extension PairContent {
    /// For each pair, the index of the first pair of its group: pairs with the same content, and
    /// pairs that share an answer (the same question and answer, without the white space around
    /// it), are one group, transitively. A split keeps a group on one side: an example never
    /// shows an answer that is judged in an evaluated pair (a pointwise judge scores that very
    /// answer), and a test pair never shares an answer with a dev pair.
    public static func groups(_ pairs: [Pair]) -> [Int] {
        var parent = Array(pairs.indices)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        var owner: [Answer: Int] = [:]
        owner.reserveCapacity(2 * pairs.count)
        for (index, pair) in pairs.enumerated() {
            let question = pair.question.trimmed
            for text in [pair.answer1, pair.answer2] {
                let answer = Answer(question: question, answer: text.trimmed)
                if let other = owner[answer] {
                    let (a, b) = (root(index), root(other))
                    if a != b { parent[max(a, b)] = min(a, b) }
                } else {
                    owner[answer] = index
                }
            }
        }
        return pairs.indices.map(root)
    }
}
