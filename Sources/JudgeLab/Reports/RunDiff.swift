// Two runs side by side: re-validating a judge prompt when the model or the template changes.
import Foundation

/// What changed between two runs for the variants they share: every metric, a paired test on
/// the items both judged, and the items whose verdict flipped.
public struct RunDiff: Sendable {
    public struct Flip: Sendable {
        public var item: String
        public var human: Verdict
        public var before: Verdict?
        public var after: Verdict?
    }

    public struct VariantDiff: Sendable {
        /// The variant's name in run A and in run B.
        public var a: String
        public var b: String
        /// Every scalar metric of the table: A's, B's, and B − A.
        public var metrics: [(key: String, a: Double?, b: Double?)]
        /// B against A on their common items (B is "a" of the comparison: a positive delta is B better).
        public var comparison: PairedComparison
        public var flips: [Flip]
    }

    public var runA: String
    public var runB: String
    public var variants: [VariantDiff]

    /// - Parameter mapping: variant of A → variant of B; the variants of the same name otherwise.
    public init(_ a: RunReport, _ b: RunReport, mapping: [(String, String)] = [], bootstrapResamples: Int = Bootstrap.defaultResamples,
                seed: UInt64 = Bootstrap.defaultSeed) throws {
        runA = a.runID
        runB = b.runID
        let pairs: [(String, String)]
        if mapping.isEmpty {
            let names = Set(b.analysis.variants.map(\.variant))
            pairs = a.analysis.variants.map(\.variant).filter(names.contains).map { ($0, $0) }
        } else {
            for (x, y) in mapping {
                guard a.analysis.metrics(of: x) != nil else { throw InputError(file: "--map", field: x, "run \(a.runID.excerpt()) has no variant '\(x.excerpt())'") }
                guard b.analysis.metrics(of: y) != nil else { throw InputError(file: "--map", field: y, "run \(b.runID.excerpt()) has no variant '\(y.excerpt())'") }
            }
            pairs = mapping
        }
        guard !pairs.isEmpty else {
            throw InputError(file: b.runID, "the runs \(a.runID.excerpt()) and \(b.runID.excerpt()) share no variant: name pairs with --map A=B")
        }
        variants = pairs.map { x, y in
            let ma = a.analysis.metrics(of: x)!, mb = b.analysis.metrics(of: y)!
            let oa = a.analysis.outcomes[x] ?? [], ob = b.analysis.outcomes[y] ?? []
            let comparison = PairedComparison(a: y, outcomesA: ob, b: x, outcomesB: oa, bootstrapResamples: bootstrapResamples, seed: seed)
            let before = Dictionary(oa.map { ($0.pair.id, $0) }, uniquingKeysWith: { first, _ in first })
            let flips = ob.compactMap { o -> Flip? in
                guard let old = before[o.pair.id], old.verdict != o.verdict else { return nil }
                return Flip(item: o.pair.id, human: o.humanVerdict, before: old.verdict, after: o.verdict)
            }
            let metrics = MetricTable.all.compactMap { spec -> (key: String, a: Double?, b: Double?)? in
                guard case .scalar = spec.value else { return nil }
                return (spec.key, spec.scalar(ma), spec.scalar(mb))
            }
            return VariantDiff(a: x, b: y, metrics: metrics, comparison: comparison, flips: flips)
        }
    }

    public var json: JSONValue {
        .object([
            ("run_a", .string(runA)), ("run_b", .string(runB)),
            ("variants", .array(variants.map { v in
                .object([
                    ("a", .string(v.a)), ("b", .string(v.b)),
                    ("metrics", .object(v.metrics.map { m in
                        (m.key, .object([("a", .optional(m.a)), ("b", .optional(m.b)),
                                         ("change", .optional(m.a.flatMap { a in m.b.map { $0 - a } }))]))
                    })),
                    ("comparison", MetricsJSON.comparison(v.comparison)),
                    ("flipped", .array(v.flips.map { f in
                        .object([("item", .string(f.item)), ("human", .string(f.human.rawValue)),
                                 ("a", f.before.map { .string($0.rawValue) } ?? .null), ("b", f.after.map { .string($0.rawValue) } ?? .null)])
                    })),
                ])
            })),
        ])
    }

    /// For the terminal: per shared variant, the metrics that changed, the test, the flips.
    public var text: String {
        var out: [String] = ["\(runA) → \(runB): \(variants.count) shared variant\(variants.count == 1 ? "" : "s")"]
        for v in variants {
            out.append("")
            out.append(v.a == v.b ? "== \(v.a)" : "== \(v.a) → \(v.b)")
            var rows = [["metric", "run A", "run B", "change"]]
            for m in v.metrics where m.a != m.b {
                let format = MetricTable.spec(m.key)?.format ?? .decimal
                let change = m.a.flatMap { a in m.b.map { $0 - a } }
                rows.append([m.key, format.html(m.a), format.html(m.b),
                             format.change(change)])
            }
            out.append(rows.count > 1 ? TextTable.render(rows, header: true) : "every metric is the same")
            out.append(v.comparison.sentence)
            out.append("\(v.flips.count) item\(v.flips.count == 1 ? "" : "s") changed verdict"
                       + (v.flips.isEmpty ? "" : ": " + v.flips.prefix(10).map { "\($0.item) (\($0.before?.rawValue ?? "none") → \($0.after?.rawValue ?? "none"), human \($0.human.rawValue))" }.joined(separator: ", ")
                          + (v.flips.count > 10 ? ", …" : "")))
        }
        return out.joined(separator: "\n")
    }
}
