// The self-contained HTML report: one file, no external request, readable printed or on a phone.
// Rendered from the Mustache templates in Resources/ReportTemplates, in XHTML mode: every value
// is escaped unless a template says otherwise, and only for the page's own style, script and charts.
import Crypto
import Foundation
import Mustache

/// Renders a run's report as one HTML file (XHTML-style, so that it is also well-formed XML).
/// Inline CSS and SVG; a little inline script sorts the leaderboard, and the page reads fine
/// without it. A Content-Security-Policy allows only that style and that script, by hash.
public enum HTMLReport {
    /// The most bytes the disagreement browser may take; later variants get fewer items.
    public static let disagreementBudget = 2_000_000
    static let answerLimit = 1_500

    public static func render(_ report: RunReport) -> String {
        let analysis = report.analysis
        let search: Any = if let optimize = report.optimize { searchView(optimize) } else { false }
        let view: [String: Any] = [
            "styleHash": hash(Templates.shared.style), "scriptHash": hash(Templates.shared.script),
            "style": Templates.shared.style, "script": Templates.shared.script,
            "title": report.title, "runID": report.runID, "version": JudgeLabVersion.text,
            "resamples": "\(analysis.options.bootstrapResamples)", "seed": "\(analysis.options.seed)",
            "best": headline(report), "paretoHint": paretoHint(analysis), "humanHint": humanHint(analysis),
            "columns": leaderboardColumns(report), "rows": leaderboardRows(report),
            "mainCaption": mainCaption(analysis), "mainChart": mainChart(analysis), "figureVariants": figureVariants(report),
            "hasComparisons": !report.comparisons.isEmpty, "comparisons": report.comparisons.map(\.sentence),
            "promptVariants": promptVariants(report), "search": search,
        ].merging(disagreements(report)) { a, _ in a }.merging(cascades(report)) { a, _ in a }
        return Templates.shared.render(view, "report")
    }

    /// The cascades (METRICS.md §10): each beside its stages alone on the same evaluated items,
    /// then each stage's threshold and what it kept.
    static func cascades(_ report: RunReport) -> [String: Any] {
        guard let first = report.cascades.first else { return ["hasCascades": false] }
        func dollars(_ value: Double) -> String { String(format: "$%.4f", value) }
        let rows: [[String: Any]] = CascadeReport.rows(report.cascades).map { row in
            ["name": row.name + (row.isCascade ? "" : " alone"), "front": row.onFront, "coverage": HTML.pct(row.coverage),
             "selective": HTML.pct(row.selectiveAgreement), "agreement": HTML.pct(row.agreement), "cost": row.costUSD.map(dollars) ?? "—",
             "share": row.isCascade ? HTML.pct(row.costShare) : "—"]
        }
        let intro = "Each cascade asks its stages in turn, cheapest first: a stage keeps an item when its confidence reaches the stage's threshold, and an item no stage keeps abstains (it goes to human review). "
            + "Figures on the \(first.evaluatedItems) evaluated items; fitted thresholds come from the \(first.calibrationItems) calibration items, judged by every stage. ◆ marks the rows no other row beats on both agreement and cost."
        let views: [[String: Any]] = report.cascades.map { cascade in
            let o = cascade.outcome
            let summary = cascade.spec.isFitted
                ? "Thresholds fitted so that, with probability at least \(HTML.pct(1 - cascade.spec.delta)), its agreement on what it keeps is at least \(HTML.pct(1 - cascade.spec.alpha)) (α = \(JSONValue.format(number: cascade.spec.alpha)), δ = \(JSONValue.format(number: cascade.spec.delta))). It kept \(o.keptBy.count { $0 != nil }) of \(cascade.evaluatedItems) items and abstained on \(o.keptBy.count { $0 == nil })."
                : "Thresholds given by hand: no guarantee. It kept \(o.keptBy.count { $0 != nil }) of \(cascade.evaluatedItems) items and abstained on \(o.keptBy.count { $0 == nil })."
            return ["name": cascade.spec.name, "summary": summary, "stages": cascade.stages.enumerated().map { k, stage -> [String: Any] in
                ["variant": stage.variant, "threshold": stage.threshold.map { JSONValue.format(number: $0) } ?? "keeps nothing",
                 "reach": HTML.pct(o.reach[k]), "kept": "\(stage.kept)", "keptAgreement": HTML.pct(stage.keptAgreement),
                 "alone": stage.judgedReached ? "judged only where reached" : HTML.pct(stage.aloneAgreement), "aloneCost": stage.aloneCostUSD.map(dollars) ?? "—"]
            }]
        }
        return ["hasCascades": true, "cascadeIntro": intro, "cascadeRows": rows, "cascades": views]
    }

    static func hash(_ text: String) -> String {
        Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString()
    }

    // MARK: The view model, section by section

    static func headline(_ report: RunReport) -> [[String: Any]] {
        let analysis = report.analysis
        guard let best = analysis.variants.first else { return [] }
        let facts: [(String, String)] = [
            ("Data set", report.datasetSource),
            ("Sample", report.sampleDesign),
            ("Judge models", report.judgeModels.joined(separator: ", ")),
            ("Variants", "\(analysis.variants.count)"),
            ("Judgments", "\(analysis.variants.reduce(0) { $0 + $1.nJudgments })"
                + (report.optimize.map { s in " on the test split shown here; \(s.probeJudgments + s.raceJudgments + s.confirmationJudgments) in the whole search" } ?? "")),
            // One cost per page: a search's is what the whole search paid, as its section says.
            ("Total cost", report.optimize.map { String(format: "$%.4f paid for the whole search (probe, race and confirmation)", $0.paidUSD) }
                ?? report.totalCost.map { String(format: "$%.4f", $0) } ?? "not recorded"),
            ("Date", ISO8601DateFormatter().string(from: report.created)),
            ("Tool", "JudgeLab \(JudgeLabVersion.text)"),
        ]
        return [[
            // A search's test split: its best there is not its winner, which was chosen on dev.
            "label": report.optimize == nil ? "Best variant" : "Best on the test split",
            "winner": report.optimize.map { [$0.winner] } ?? [],
            "name": best.variant, "agreement": HTML.pct(best.agreement), "items": "\(best.nItems)",
            "ci": best.agreementCI.map { [["lo": HTML.pct($0.lo), "hi": HTML.pct($0.hi)]] } ?? [],
            "versus": report.headToHead.map { [$0.sentence] } ?? [],
            "facts": facts.map { ["name": $0.0, "value": $0.1] },
            "hasNotes": !report.notes.isEmpty, "notes": report.notes,
        ]]
    }

    /// The humans' own figures, the same for every variant of a run, said once above the table.
    static func humanHint(_ analysis: Analysis) -> String {
        guard let m = analysis.variants.first else { return "" }
        var parts: [String] = []
        if let ties = m.humanTieRate { parts.append("call \(HTML.pct(ties)) of the pairs a tie") }
        if let longer = m.humanLongerPreferenceRate { parts.append("prefer the longer answer \(HTML.pct(longer)) of the time") }
        if let ceiling = m.humanCeiling { parts.append("agree with each other's majority \(HTML.pct(ceiling)) of the time (the ceiling for leave-one-out agreement)") }
        if let rho = analysis.variants.lazy.compactMap({ $0.pointwise?.humanCeilingSpearman }).first {
            parts.append("rank the answers with a Spearman of \(HTML.number(rho)) against each other's mean (the ceiling a pointwise judge's Spearman is read against)")
        }
        return parts.isEmpty ? "" : "The humans " + parts.joined(separator: ", ") + ". "
    }

    static func paretoHint(_ analysis: Analysis) -> String {
        analysis.costsDiffer ? "◆ marks the Pareto front of agreement against cost. " : "Every variant costs the same, so there is no cost trade-off to mark. "
    }

    /// The leaderboard's metrics: the table's, in its leaderboard order, those with a heading,
    /// less any that no variant of this run has a value for (exact scores of choice judges, say):
    /// a column of dashes only widens the table.
    static func leaderboardMetrics(_ analysis: Analysis) -> [MetricSpec] {
        MetricTable.leaderboard(for: analysis.variants).filter { $0.heading != nil }
    }

    static func leaderboardColumns(_ report: RunReport) -> [[String: Any]] {
        let fixed: [[String: Any]] = (["#", "Variant"] + (report.judgesShown.isEmpty ? [] : ["Judge"])).map { ["name": $0, "meaning": [String]()] }
        // Each metric's heading says what it means when hovered.
        return fixed + leaderboardMetrics(report.analysis).map { ["name": $0.heading ?? $0.key, "meaning": [$0.meaning]] }
    }

    static func leaderboardRows(_ report: RunReport) -> [[String: Any]] {
        let analysis = report.analysis
        let pareto = analysis.costsDiffer ? Set(analysis.pareto) : []
        let judges = report.judgesShown
        let metrics = leaderboardMetrics(analysis)
        return analysis.variants.enumerated().map { rank, m in
            let cells: [[String: Any]] = metrics.map { spec in
                switch spec.value {
                case let .scalar(read):
                    let value = read(m)
                    return ["key": spec.key, "value": value.map { JSONValue.format(number: $0) } ?? "", "hi": [String](), "shown": spec.format.html(value)]
                case let .interval(read):
                    let ci = read(m)
                    return ["key": spec.key, "value": ci.map { JSONValue.format(number: $0.lo) } ?? "", "hi": [ci.map { JSONValue.format(number: $0.hi) } ?? ""],
                            "shown": ci.map { "\(spec.format.html($0.lo)) – \(spec.format.html($0.hi))" } ?? "—"]
                }
            }
            return ["rank": "\(rank + 1)", "variant": m.variant, "pareto": pareto.contains(m.variant),
                    "judge": judges.isEmpty ? [] : [judges[m.variant] ?? "—"], "cells": cells]
        }
    }

    /// What the run's chart shows, in one line with what to look for.
    static func mainCaption(_ analysis: Analysis) -> String {
        analysis.costsDiffer
            ? "Agreement against cost per 1000 judgments, with 95% CI whiskers; numbers are ranks. Look top left: the larger dots are the Pareto front, variants no other beats on both."
            : "Agreement with humans per variant, best first, with its 95% CI. Every variant costs the same here; variants whose intervals overlap are not told apart by this sample."
    }

    /// Agreement against cost when costs separate the variants; otherwise agreement alone, ranked.
    static func mainChart(_ analysis: Analysis) -> String {
        guard analysis.costsDiffer else {
            let pareto = Set(analysis.pareto)
            return SVGChart.dots(analysis.variants.map { m in
                (label: m.variant, value: m.agreement ?? 0, lo: m.agreementCI?.lo, hi: m.agreementCI?.hi, highlight: pareto.contains(m.variant))
            }, caption: "Agreement per variant")
        }
        let points = analysis.variants.enumerated().map { i, m in
            (label: "\(i + 1). \(m.variant)", x: m.costPer1k ?? 0, y: m.agreement ?? 0,
             lo: m.agreementCI?.lo, hi: m.agreementCI?.hi, highlight: analysis.pareto.contains(m.variant))
        }
        return SVGChart.scatter(points: points, xLabel: "$ per 1000 judgments", yLabel: "agreement",
                                xFormat: { String(format: "$%.3f", $0) }, caption: "Agreement against cost")
    }

    static func figureVariants(_ report: RunReport) -> [[String: Any]] {
        report.analysis.variants.enumerated().map { index, m in
            ["open": index == 0, "rank": "\(index + 1)", "name": m.variant,
             "charts": variantCharts(m, report: report).map { ["caption": $0.caption, "svg": $0.svg] }]
        }
    }

    /// Each chart of a variant: a caption and the SVG that `SVGChart` draws (escaping its labels).
    static func variantCharts(_ m: VariantMetrics, report: RunReport) -> [(caption: String, svg: String)] {
        var charts: [(caption: String, svg: String)] = []
        let scale = (1...9).map(String.init)
        func shares(_ counts: [Int]) -> [Double] {
            let total = Double(counts.reduce(0, +))
            return counts.map { total > 0 ? Double($0) / total : 0 }
        }
        if let judge = m.judgeScoreHistogram {
            var series = [(name: "judge", values: shares(judge))]
            if let human = m.humanScoreHistogram { series.append((name: "simulated human", values: shares(human))) }
            charts.append(("Score distributions, judge against simulated humans (share of scores, 1 = strongly prefers answer 1): a judge that called ties would have a bar at 5.",
                           SVGChart.bars(categories: scale, series: series, valueLabel: HTML.pct, caption: "Judge and simulated human score distributions")))
        }
        if let ties = m.judgeScoresOnHumanTies, ties.reduce(0, +) > 0 {
            charts.append(("Judge scores as presented on pairs humans called a tie: a fair judge says 5; bars below 5 favour the answer shown first.",
                           SVGChart.bars(categories: scale, series: [(name: "judge on human ties", values: ties.map(Double.init))],
                                         valueLabel: { String(format: "%.0f", $0) }, caption: "Judge scores on human ties")))
        }
        if let grid = m.pointwiseGrid {
            charts.append(("Each answer judged alone: its raters' mean rating, rounded (rows), against the judge's score (columns); a judge that ranks answers as the raters do fills a band from top left to bottom right.",
                           SVGChart.matrix(rows: grid.rows.map { "rated \($0)" }, columns: grid.columns.map(String.init), counts: grid.counts,
                                           caption: "Pointwise scores against the raters' mean")))
        }
        let verdicts: [Verdict?] = [.answer1, .tie, .answer2, nil]
        let names = ["prefers 1", "tie", "prefers 2", "no verdict"]
        let humanCounts = verdicts.map { v in v.map { h in m.confusion[h]?.values.reduce(0, +) ?? 0 } ?? 0 }
        let judgeCounts = verdicts.map { v in Verdict.allCases.reduce(0) { $0 + (m.confusion[$1]?[v] ?? 0) } }
        charts.append(("Verdicts in three buckets, humans against the judge (share of items): a judge that never calls a tie has no bar at tie.",
                       SVGChart.bars(categories: names, series: [(name: "human", values: shares(humanCounts)), (name: "judge", values: shares(judgeCounts))],
                                     valueLabel: HTML.pct, caption: "Three-bucket verdicts")))
        charts.append(("Confusion matrix, human verdict (rows) × judge verdict (columns): the diagonal is agreement, the rest are its mistakes.",
                       SVGChart.matrix(rows: ["prefers 1", "tie", "prefers 2"], columns: names,
                                       counts: Verdict.allCases.map { h in verdicts.map { m.confusion[h]?[$0] ?? 0 } }, caption: "Confusion matrix")))
        if !m.reliability.isEmpty {
            // METRICS.md §9's bins: accuracy against mean confidence, bin by bin.
            let bins = Calibration.bins(m.reliability)
            func band(_ bin: Int) -> String { "\(bin * 10)–\(bin * 10 + 10)%" }
            charts.append(("Reliability: in each band of the judge's confidence (\(bins.map { "\(band($0.bin)): \($0.count) items" }.joined(separator: "; "))), how often it was right against how confident it was; a calibrated judge's two bars are equal (ECE \(HTML.number(m.ece))).",
                           SVGChart.bars(categories: bins.map { band($0.bin) },
                                         series: [(name: "right", values: bins.map(\.accuracy)), (name: "mean confidence", values: bins.map(\.meanConfidence))],
                                         valueLabel: HTML.pct, caption: "Reliability diagram")))
        }
        if m.flipRate != nil, let items = report.analysis.outcomes[m.variant] {
            // Repeated samples: the items whose samples agree least with their verdict.
            let unstable = items.filter { $0.voteConfidence != nil }.sorted { ($0.voteConfidence!, $0.pair.id) < ($1.voteConfidence!, $1.pair.id) }.prefix(20)
            if !unstable.isEmpty {
                charts.append(("Stability: the \(unstable.count) items whose samples agree least with the item's verdict (the share of its samples, both orders, that give it); the flip rate over all items is \(HTML.pct(m.flipRate)).",
                               SVGChart.rows(unstable.map { (label: $0.pair.id, value: $0.voteConfidence!, note: "(verdict \($0.verdict?.rawValue ?? "none"), human \($0.humanVerdict.rawValue))") },
                                             caption: "Least stable items")))
            }
        }
        if let categories = report.analysis.categories[m.variant], !categories.isEmpty {
            let rows = categories.sorted { $0.metrics.nItems > $1.metrics.nItems }.prefix(20).map {
                (label: $0.category, value: $0.metrics.agreement ?? 0, note: "(n = \($0.metrics.nItems))")
            }
            charts.append(("Agreement per category\(categories.count > 20 ? " (the 20 largest)" : ""): where the judge is weakest.", SVGChart.rows(Array(rows), caption: "Agreement per category")))
        }
        return charts
    }

    static func promptVariants(_ report: RunReport) -> [[String: Any]] {
        report.analysis.variants.map { m in
            guard let info = report.variants[m.variant] else { return ["name": m.variant, "recorded": false] }
            return ["name": m.variant, "recorded": true,
                    "settings": info.settings.map { ["name": $0.name, "value": $0.value] },
                    "examples": info.examples.isEmpty ? "none" : info.examples.joined(separator: ", "),
                    "hasPrompt": !info.prompt.isEmpty, "promptItem": info.promptItem ?? "",
                    "prompt": info.prompt.map { ["role": $0.role, "content": $0.content] }]
        }
    }

    /// The disagreement browser: each item rendered on its own (`item.mustache`), so that the page
    /// keeps within its byte budget.
    static func disagreements(_ report: RunReport) -> [String: Any] {
        var budget = disagreementBudget
        var capped = false
        var variants: [[String: Any]] = []
        for (index, m) in report.analysis.variants.enumerated() {
            let outcomes = (report.analysis.outcomes[m.variant] ?? []).filter { !$0.agrees }
            let limit = index == 0 ? 100 : 25
            var items: [String] = []
            for outcome in outcomes {
                guard items.count < limit, budget > 0 else { capped = true; break }
                let entry = disagreement(outcome)
                budget -= entry.utf8.count
                items.append(entry)
            }
            let note = items.count < outcomes.count ? " (showing \(items.count) of \(outcomes.count))" : ""
            variants.append(["open": index == 0, "name": m.variant, "count": "\(outcomes.count)", "note": note, "items": items])
        }
        return ["disagreementVariants": variants, "capped": capped]
    }

    static func disagreement(_ o: ItemOutcome) -> String {
        func clipped(_ text: String) -> String {
            let (head, cut) = HTML.clip(text, answerLimit)
            return head + (cut ? "\n…" : "")
        }
        func verdictName(_ v: Verdict?) -> String { v.map { $0 == .tie ? "tie" : "prefers \($0.rawValue)" } ?? "no verdict" }
        let judgments: [[String: Any]] = o.judgments.map { judgment in
            let reading: String
            switch judgment.reading {
            case let .score(s): reading = "score \(s.shortText)"
            case let .choice(c): reading = "choice \(c.rawValue)"
            case let .unparsed(_, reason): reading = "did not parse: \(reason)"
            }
            let output = judgment.output ?? ""
            let shown = switch judgment.order {
            case .original: "Answer 1 shown first"
            case .swapped: "Answer 2 shown first"
            case .answer1: "Answer 1 alone"
            case .answer2: "Answer 2 alone"
            }
            return ["shownFirst": shown, "reading": reading,
                    "output": output.isEmpty ? [] : [clipped(output)],
                    "reason": judgment.reason.flatMap { judgment.output?.contains($0) == true ? nil : [$0] } ?? []]
        }
        let view: [String: Any] = [
            "id": o.pair.id, "human": verdictName(o.humanVerdict), "judge": verdictName(o.verdict),
            "category": o.pair.category.map { [$0] } ?? [], "question": clipped(o.pair.question),
            "answers": [("Answer 1", o.pair.answer1), ("Answer 2", o.pair.answer2)].map { ["title": $0.0, "length": "\($0.1.count)", "text": clipped($0.1)] },
            "judgments": judgments,
        ]
        var html = Templates.shared.render(view, "item")
        if html.hasSuffix("\n") { html.removeLast() }
        return html
    }

    // MARK: The templates

    /// The shipped templates, style and script, loaded once.
    final class Templates: Sendable {
        static let shared = Templates()
        let library: MustacheLibrary
        let style: String
        let script: String
        /// The review page's own style and script (`judgelab review`).
        let reviewStyle: String
        let reviewScript: String
        static let names = ["report", "headline", "search", "leaderboard", "figures", "cascades", "comparisons", "prompts", "disagreements", "item", "diff", "site", "review", "datasheet"]

        init() {
            // Values are escaped as XHTML: HTML's five characters, and none that XML forbids.
            MustacheContentTypes.register(XHTMLContent(), named: "XHTML")
            guard let folder = Bundle.module.url(forResource: "ReportTemplates", withExtension: nil)?.path else {
                preconditionFailure("JudgeLab's report templates are missing from its resources")
            }
            func read(_ name: String) -> String {
                guard let text = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) else {
                    preconditionFailure("cannot read the report template \(name)")
                }
                return text
            }
            var library = MustacheLibrary()
            for name in Self.names {
                do { try library.register(read(name + ".mustache"), named: name) } catch {
                    preconditionFailure("the report template \(name).mustache does not parse: \(error)")
                }
            }
            self.library = library
            // As written, less the file's final line break: the hashes are of exactly what the page holds.
            func withoutFinalLineBreak(_ text: String) -> String { text.hasSuffix("\n") ? String(text.dropLast()) : text }
            style = withoutFinalLineBreak(read("report.css"))
            script = withoutFinalLineBreak(read("report.js"))
            reviewStyle = withoutFinalLineBreak(read("review.css"))
            reviewScript = withoutFinalLineBreak(read("review.js"))
        }

        func render(_ view: [String: Any], _ template: String) -> String {
            guard let text = library.render(view, withTemplate: template) else { preconditionFailure("no report template \(template)") }
            return text
        }
    }

    struct XHTMLContent: MustacheContentType {
        func escapeText(_ text: String) -> String { HTML.escape(text) }
    }
}
