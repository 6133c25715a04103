// `search.propose` (issue 29): which proposals the search writes during the race, from what,
// how many, and what the proposer model may see.
import Foundation

/// `search.propose`: which proposals, from what, how many.
public struct ProposeSpec: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        /// Criteria from an instruction library the user supplies, added or dropped: no model.
        case library
        /// The leader's rubric rewritten (or written) by the proposer from its disagreements.
        case rubric
        /// A few short rules distilled from the disagreements, appended to the leader's rubric.
        case rules

        var needsModel: Bool { self != .library }
    }

    public var kinds: [Kind] = [.library]
    /// The instruction library's criteria, in the file's order.
    public var library: [String] = []
    public var libraryPath: String?
    /// Proposals after each round, and in all.
    public var perRound = 1
    public var total = 4
    /// The judge that writes `rubric` and `rules` proposals (a judge of the study; the study's
    /// one judge when it has one), and its model.
    public var proposer: String?
    public var model: String?
    public var temperature = 0.0
    public var maxTokens = 1000
    /// The part of dev the proposer may see: a share of it, or a number of items; drawn with the
    /// search's seed. It never sees the test split or the pool.
    public var feedbackShare = 0.5
    public var feedbackItems: Int?
    /// Disagreements shown per proposal; each answer cut to about this many tokens (4 bytes each).
    public var shown = 8
    public var answerTokens = 300
    /// At most this many rules in a `rules` proposal.
    public var maxRules = 5
    /// Where it is written, for errors found once the study and the data are known.
    public var line: Int?
    public var proposerLine: Int?
    public var feedbackLine: Int?

    public var needsModel: Bool { kinds.contains { $0.needsModel } }
    /// The kinds a model writes, in the order given.
    public var modelKinds: [Kind] { kinds.filter(\.needsModel) }

    public init() {}

    static func parse(_ node: YAMLNode) throws -> ProposeSpec {
        try node.requireKeys(in: ["kinds", "library", "per_round", "total", "proposer", "model", "temperature", "max_tokens",
                                  "feedback", "shown", "answer_tokens", "max_rules"])
        var spec = ProposeSpec()
        spec.line = node.line
        if let v = node["kinds"] {
            spec.kinds = try v.list().map { k in
                let text = try k.string()
                guard let kind = Kind(rawValue: text) else { throw k.error("unknown kind '\(text.excerpt())' (expected library, rubric or rules)") }
                return kind
            }.uniqued()
            guard !spec.kinds.isEmpty else { throw v.error("list at least one kind: library, rubric or rules") }
        }
        if let v = node["proposer"] {
            spec.proposer = try v.string()
            spec.proposerLine = v.line
        }
        if let v = node["model"] { spec.model = try v.string() }
        if let v = node["temperature"] {
            spec.temperature = try v.double()
            guard (0...2).contains(spec.temperature) else { throw v.error("must be between 0 and 2") }
        }
        if let v = node["max_tokens"] { spec.maxTokens = try Study.positive(v) }
        if let v = node["feedback"] {
            spec.feedbackLine = v.line
            try v.requireKeys(in: ["share", "items"])
            if let share = v["share"] {
                spec.feedbackShare = try share.double()
                guard spec.feedbackShare > 0, spec.feedbackShare <= 1 else { throw share.error("a share of dev: more than 0, at most 1") }
            }
            if let items = v["items"] {
                guard v["share"] == nil else { throw items.error("give the feedback subset as 'share' or as 'items', not both") }
                spec.feedbackItems = try Study.positive(items)
            }
        }
        if let v = node["shown"] { spec.shown = try Study.positive(v) }
        if let v = node["answer_tokens"] { spec.answerTokens = try Study.positive(v) }
        if let v = node["max_rules"] { spec.maxRules = try Study.positive(v) }
        if spec.kinds.contains(.library) {
            guard let path = node["library"] else { throw node.error("library proposals need 'library': a YAML file listing criteria, one a line") }
            try spec.readLibrary(path)
        } else if let v = node["library"] {
            throw v.error("an instruction library is for library proposals: add library to 'kinds'")
        }
        if let v = node["per_round"] { spec.perRound = try Study.positive(v) }
        if let v = node["total"] { spec.total = try Study.positive(v) }
        return spec
    }

    private mutating func readLibrary(_ path: YAMLNode) throws {
        let file = try path.string()
        let resolved = file.hasPrefix("/") ? file : FilePath.join(FilePath.parent(path.file), file)
        guard FileManager.default.fileExists(atPath: resolved) else { throw path.error("cannot read the instruction library '\(file.excerpt())' (does it exist?)") }
        let list = try YAMLNode.load(path: resolved)
        guard case .sequence = list.node else { throw list.error("an instruction library is a YAML list of criteria, one a line ('- The answer follows every instruction.')") }
        library = try list.list().map { entry in
            let text = try entry.string().trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isBlank, !text.contains("\n") else { throw entry.error("a criterion is one line of text") }
            do { _ = try TemplateLibrary.compile(text, file: resolved) } catch { throw entry.error("a criterion may not hold Mustache tags ({{ }})") }
            return text
        }
        guard !library.isEmpty else { throw list.error("an empty instruction library: list at least one criterion") }
        libraryPath = resolved
    }

    /// How many dev items the proposer may see, of `dev`.
    func feedbackCount(dev: Int) -> Int {
        feedbackItems ?? max(1, Int((Double(dev) * feedbackShare).rounded()))
    }
}
