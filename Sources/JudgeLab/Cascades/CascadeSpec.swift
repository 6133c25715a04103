// A study's cascades (METRICS.md §10) and the calibration split their thresholds are fitted on.
import Foundation

/// `cascades:` in a study: stages (variants of the study, cheapest first), each keeping the
/// items it is confident about; the target agreement 1 − α with risk δ; or fixed thresholds
/// (a naive cascade, with no guarantee).
public struct CascadeSpec: Codable, Sendable, Equatable {
    public var name: String
    /// Variant names, cheapest first.
    public var stages: [String]
    public var alpha: Double
    public var delta: Double
    /// Thresholds given by hand instead of fitted (no guarantee); one a stage.
    public var thresholds: [Double]?
    /// Which evaluated items a later stage judges: only those that reach it (`reached`, what a
    /// cascade costs in practice), or every one (`all`, so that each stage can be read alone too).
    /// The calibration items are judged by every stage either way.
    public var judging: Judging = .reached

    public enum Judging: String, Codable, Sendable, CaseIterable {
        case reached, all
    }
    /// Where the study writes it, for errors.
    public var line: Int?
    public var field: String

    enum CodingKeys: String, CodingKey { case name, stages, alpha, delta, thresholds, judging }

    public init(name: String, stages: [String], alpha: Double = 0.1, delta: Double = 0.1, thresholds: [Double]? = nil, line: Int? = nil, field: String = "cascades") {
        self.name = name
        self.stages = stages
        self.alpha = alpha
        self.delta = delta
        self.thresholds = thresholds
        self.line = line
        self.field = field
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), stages: try c.decode([String].self, forKey: .stages),
                  alpha: try c.decode(Double.self, forKey: .alpha), delta: try c.decode(Double.self, forKey: .delta),
                  thresholds: try c.decodeIfPresent([Double].self, forKey: .thresholds))
        judging = try c.decodeIfPresent(Judging.self, forKey: .judging) ?? .reached
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(stages, forKey: .stages)
        try c.encode(alpha, forKey: .alpha)
        try c.encode(delta, forKey: .delta)
        try c.encodeIfPresent(thresholds, forKey: .thresholds)
        try c.encode(judging, forKey: .judging)
    }

    /// The variants judged only on the evaluated items that reach them: later stages of cascades
    /// judged `reached`, unless a first stage or a stage of a cascade judged `all` needs them on
    /// every item. Juries and their members are judged on every item.
    public static func partialStages(_ cascades: [CascadeSpec], juries: [JurySpec]) -> Set<String> {
        var later = Set<String>(), everywhere = Set<String>()
        for cascade in cascades {
            for (k, stage) in cascade.stages.enumerated() {
                if cascade.judging == .reached && k > 0 { later.insert(stage) } else { everywhere.insert(stage) }
            }
        }
        return later.subtracting(everywhere).subtracting(juries.flatMap { [$0.name] + $0.members })
    }

    public var isFitted: Bool { thresholds == nil }

    /// The fewest calibration items that can fit any threshold: 30 kept (§10's minimum), and
    /// enough that no error in n items bounds the error rate by α at level 1 − δ/m
    /// (1 − (δ/m)^(1/n) ≤ α).
    public var calibrationNeeded: Int {
        let m = Double(stages.count)
        let n = (log(delta / m) / log(1 - alpha)).rounded(.up)
        return max(Cascade.minimumKept, Int(n))
    }

    /// Reads `cascades:` (a list of mappings).
    static func parse(_ node: YAMLNode) throws -> [CascadeSpec] {
        var specs: [CascadeSpec] = []
        for (index, entry) in node.list().enumerated() {
            try entry.requireKeys(in: ["name", "stages", "alpha", "delta", "thresholds", "judging"])
            guard let name = try entry["name"]?.string(), !name.isBlank else { throw entry.error("a cascade needs a 'name'") }
            guard !specs.contains(where: { $0.name == name }) else { throw entry.error("two cascades are named '\(name.excerpt())'") }
            guard let stagesNode = entry["stages"] else { throw entry.error("a cascade needs 'stages' (variant names, cheapest first)") }
            let stages = try stagesNode.list().map { try $0.string() }
            guard !stages.isEmpty else { throw stagesNode.error("a cascade needs at least one stage") }
            if let twice = stages.first(where: { s in stages.count { $0 == s } > 1 }) { throw stagesNode.error("stage '\(twice.excerpt())' appears twice") }
            func probability(_ key: String) throws -> Double {
                guard let v = entry[key] else { return 0.1 }
                let value = try v.double()
                guard value > 0, value < 1 else { throw v.error("\(key) must be between 0 and 1, both excluded (not \(value))") }
                return value
            }
            var spec = CascadeSpec(name: name, stages: stages, alpha: try probability("alpha"), delta: try probability("delta"),
                                   line: entry.line, field: "cascades[\(index)]")
            if let t = entry["thresholds"] {
                let values = try t.list().map { try $0.double() }
                guard values.count == stages.count else { throw t.error("\(values.count) thresholds for \(stages.count) stages: give one a stage") }
                guard values.allSatisfy(\.isFinite) else { throw t.error("a threshold must be a number") }
                guard entry["alpha"] == nil, entry["delta"] == nil else { throw t.error("give either fixed 'thresholds' or 'alpha' and 'delta' to fit them, not both") }
                spec.thresholds = values
            }
            if let j = entry["judging"] {
                let text = try j.string()
                guard let judging = Judging(rawValue: text) else { throw j.error("expected reached (a later stage judges only the items that reach it) or all (every stage judges every item)") }
                spec.judging = judging
            }
            specs.append(spec)
        }
        guard !specs.isEmpty else { throw node.error("an empty list of cascades") }
        return specs
    }
}

/// `calibration:` in a study: the share of the sampled items a cascade's thresholds are fitted
/// on (judged by every stage); the rest are the items its figures are read on.
public struct CalibrationSpec: Codable, Sendable, Equatable {
    public var share: Double = 0.5
    public var by: Stratification = .verdict
    public var seed: UInt64 = 1

    public init(share: Double = 0.5, by: Stratification = .verdict, seed: UInt64 = 1) {
        self.share = share
        self.by = by
        self.seed = seed
    }

    static func parse(_ node: YAMLNode) throws -> CalibrationSpec {
        try node.requireKeys(in: ["share", "by", "seed"])
        var spec = CalibrationSpec()
        if let v = node["share"] {
            spec.share = try v.double()
            guard spec.share > 0, spec.share < 1 else { throw v.error("share must be between 0 and 1, both excluded (not \(spec.share))") }
        }
        if let v = node["by"] {
            let text = try v.string()
            guard let value = Stratification(rawValue: text) else {
                throw v.error("expected one of: \(Stratification.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            spec.by = value
        }
        if let v = node["seed"] { spec.seed = try Study.seed64(v) }
        return spec
    }

    /// The sampled items cut, stratified and seeded, into calibration and evaluated items (the
    /// same draw as a search's dev and test splits: items that share an answer stay together).
    func split(_ items: [Pair], file: String) throws -> (calibration: [Pair], evaluated: [Pair]) {
        let cut: SearchSplit
        do {
            cut = try SearchSplit(pool: [], evaluation: items, test: 1 - share, by: by, seed: seed, file: file)
        } catch var error as InputError {
            error.field = "calibration"
            error.message = error.message.replacingOccurrences(of: "test split", with: "evaluated split").replacingOccurrences(of: "no dev items", with: "no calibration items")
            throw error
        }
        let calibration = Set(cut.dev.map(\.id))
        return (items.filter { calibration.contains($0.id) }, cut.test)
    }
}
