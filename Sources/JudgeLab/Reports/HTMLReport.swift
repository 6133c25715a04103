// The self-contained HTML report: one file, no external request, readable printed or on a phone.
import Crypto
import Foundation

/// Renders a run's report as one HTML file (XHTML-style, so that it is also well-formed XML).
/// Inline CSS and SVG; a little inline script sorts the leaderboard, and the page reads fine
/// without it. A Content-Security-Policy allows only that style and that script, by hash.
public enum HTMLReport {
    /// The most bytes the disagreement browser may take; later variants get fewer items.
    public static let disagreementBudget = 2_000_000
    static let answerLimit = 1_500

    public static func render(_ report: RunReport) -> String {
        let analysis = report.analysis
        let styleHash = hash(style), scriptHash = hash(script)
        var page = """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-\(styleHash)'; script-src 'sha256-\(scriptHash)'; img-src data:; base-uri 'none'; form-action 'none'"/>
        <title>JudgeLab report: \(HTML.escape(report.title))</title>
        <style>\(style)</style>
        </head>
        <body>
        <header><h1>JudgeLab report: \(HTML.escape(report.title))</h1><p class="sub">Run \(HTML.escape(report.runID))</p></header>
        <main>

        """
        page += headline(report)
        page += leaderboard(analysis, judges: report.judgesShown)
        page += figures(report)
        if !report.comparisons.isEmpty { page += comparisons(report) }
        page += prompts(report)
        page += disagreements(report)
        page += """
        </main>
        <footer><p>Made by JudgeLab \(HTML.escape(JudgeLabVersion.text)). Metrics as defined in METRICS.md; \
        confidence intervals are 95% percentile bootstraps over items (\(analysis.options.bootstrapResamples) resamples, seed \(analysis.options.seed)).</p></footer>
        <script>\(script)</script>
        </body>
        </html>

        """
        return page
    }

    static func hash(_ text: String) -> String {
        Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString()
    }

    // MARK: Sections

    static func headline(_ report: RunReport) -> String {
        let analysis = report.analysis
        guard let best = analysis.variants.first else { return "<section id=\"headline\"><p>No judgments.</p></section>\n" }
        var html = "<section id=\"headline\"><h2>Headline</h2>"
        html += "<p class=\"lead\">Best variant: <strong>\(HTML.escape(best.variant))</strong>, agreeing with humans on "
            + "<strong>\(HTML.pct(best.agreement))</strong> of \(best.nItems) pairs"
            + (best.agreementCI.map { " (95% CI \(HTML.pct($0.lo)) to \(HTML.pct($0.hi)))" } ?? "") + ".</p>"
        if let versus = report.headToHead {
            html += "<p>Against the runner-up: \(HTML.escape(versus.sentence))</p>"
        }
        let facts: [(String, String)] = [
            ("Data set", report.datasetSource),
            ("Sample", report.sampleDesign),
            ("Judge models", report.judgeModels.joined(separator: ", ")),
            ("Variants", "\(analysis.variants.count)"),
            ("Judgments", "\(analysis.variants.reduce(0) { $0 + $1.nJudgments })"),
            ("Total cost", report.totalCost.map { String(format: "$%.4f", $0) } ?? "not recorded"),
            ("Date", ISO8601DateFormatter().string(from: report.created)),
            ("Tool", "JudgeLab \(JudgeLabVersion.text)"),
        ]
        html += "<table class=\"facts\"><tbody>" + facts.map { "<tr><th>\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>" }.joined() + "</tbody></table>"
        if !report.notes.isEmpty {
            html += "<ul class=\"notes\">" + report.notes.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        }
        return html + "</section>\n"
    }

    static func leaderboard(_ analysis: Analysis, judges: [String: String] = [:]) -> String {
        let pareto = analysis.costsDiffer ? Set(analysis.pareto) : []
        let metrics = MetricTable.leaderboard.filter { $0.heading != nil }
        let columns = ["#", "Variant"] + (judges.isEmpty ? [] : ["Judge"]) + metrics.compactMap(\.heading)
        var html = "<section id=\"leaderboard\"><h2>Leaderboard</h2>"
        html += "<p class=\"hint\">Ranked by agreement, then the tie rate closest to the humans', then cost. "
            + (analysis.costsDiffer ? "◆ marks the Pareto front of agreement against cost. " : "Every variant costs the same, so there is no cost trade-off to mark. ")
            + "Click a heading to sort.</p>"
        html += "<div class=\"scroll\"><table class=\"sortable\" id=\"leaderboard-table\"><thead><tr>"
            + zip(columns.indices, columns).map { index, name in
                // Each metric's heading says what it means when hovered.
                let meaning = index >= columns.count - metrics.count ? metrics[index - (columns.count - metrics.count)].meaning : nil
                return "<th\(meaning.map { " title=\"\(HTML.escape($0))\"" } ?? "")>\(HTML.escape(name))</th>"
            }.joined() + "</tr></thead><tbody>"
        for (rank, m) in analysis.variants.enumerated() {
            html += "<tr data-variant=\"\(HTML.escape(m.variant))\">"
            html += HTML.cell("\(rank + 1)", exact: Double(rank + 1))
            html += "<td data-value=\"\(HTML.escape(m.variant))\" class=\"name\">\(HTML.escape(m.variant))\(pareto.contains(m.variant) ? " ◆" : "")</td>"
            if !judges.isEmpty {
                let judge = judges[m.variant] ?? "—"
                html += "<td data-value=\"\(HTML.escape(judge))\" data-metric=\"judge\">\(HTML.escape(judge))</td>"
            }
            for spec in metrics {
                switch spec.value {
                case let .scalar(read):
                    let value = read(m)
                    html += HTML.cell(spec.format.html(value), exact: value).replacingOccurrences(of: "<td ", with: "<td data-metric=\"\(spec.key)\" ")
                case let .interval(read):
                    let ci = read(m)
                    html += "<td data-metric=\"\(spec.key)\" data-value=\"\(ci.map { JSONValue.format(number: $0.lo) } ?? "")\" data-hi=\"\(ci.map { JSONValue.format(number: $0.hi) } ?? "")\">"
                        + (ci.map { "\(spec.format.html($0.lo)) – \(spec.format.html($0.hi))" } ?? "—") + "</td>"
                }
            }
            html += "</tr>"
        }
        return html + "</tbody></table></div></section>\n"
    }

    static func figures(_ report: RunReport) -> String {
        let analysis = report.analysis
        var html = "<section id=\"figures\"><h2>Figures</h2>"
        // Agreement against cost, one point per variant.
        let costs = analysis.variants.map(\.costPer1k)
        let hasCost = costs.contains { $0 != nil }
        let points = analysis.variants.enumerated().map { i, m in
            (label: "\(i + 1). \(m.variant)", x: hasCost ? (m.costPer1k ?? 0) : Double(i + 1), y: m.agreement ?? 0,
             lo: m.agreementCI?.lo, hi: m.agreementCI?.hi, highlight: analysis.pareto.contains(m.variant))
        }
        html += "<figure><figcaption>Agreement against \(hasCost ? "cost per 1000 judgments" : "rank (no costs recorded)"), with 95% CI whiskers; numbers are ranks.</figcaption>"
        html += SVGChart.scatter(points: points, xLabel: hasCost ? "$ per 1000 judgments" : "rank", yLabel: "agreement",
                                 xFormat: { hasCost ? String(format: "$%.3f", $0) : String(format: "%.0f", $0) }, caption: "Agreement against cost")
        html += "</figure>"
        for (index, m) in analysis.variants.enumerated() {
            html += "<details class=\"variant\"\(index == 0 ? " open=\"open\"" : "")><summary>\(index + 1). \(HTML.escape(m.variant))</summary><div class=\"grid\">"
            html += variantFigures(m, report: report)
            html += "</div></details>"
        }
        return html + "</section>\n"
    }

    static func variantFigures(_ m: VariantMetrics, report: RunReport) -> String {
        var html = ""
        let scale = (1...9).map(String.init)
        func shares(_ counts: [Int]) -> [Double] {
            let total = Double(counts.reduce(0, +))
            return counts.map { total > 0 ? Double($0) / total : 0 }
        }
        if let judge = m.judgeScoreHistogram {
            var series = [(name: "judge", values: shares(judge))]
            if let human = m.humanScoreHistogram { series.append((name: "simulated human", values: shares(human))) }
            html += "<figure><figcaption>Score distributions (share of scores, 1 = strongly prefers answer 1)</figcaption>"
                + SVGChart.bars(categories: scale, series: series, valueLabel: HTML.pct, caption: "Judge and simulated human score distributions") + "</figure>"
        }
        if let ties = m.judgeScoresOnHumanTies, ties.reduce(0, +) > 0 {
            html += "<figure><figcaption>Judge scores as presented on pairs humans called a tie (below 5 = prefers the answer shown first)</figcaption>"
                + SVGChart.bars(categories: scale, series: [(name: "judge on human ties", values: ties.map(Double.init))],
                                valueLabel: { String(format: "%.0f", $0) }, caption: "Judge scores on human ties") + "</figure>"
        }
        let verdicts: [Verdict?] = [.answer1, .tie, .answer2, nil]
        let names = ["prefers 1", "tie", "prefers 2", "no verdict"]
        let humanCounts = verdicts.map { v in v.map { h in m.confusion[h]?.values.reduce(0, +) ?? 0 } ?? 0 }
        let judgeCounts = verdicts.map { v in Verdict.allCases.reduce(0) { $0 + (m.confusion[$1]?[v] ?? 0) } }
        html += "<figure><figcaption>Verdicts in three buckets: humans against the judge (share of items)</figcaption>"
            + SVGChart.bars(categories: names, series: [(name: "human", values: shares(humanCounts)), (name: "judge", values: shares(judgeCounts))],
                            valueLabel: HTML.pct, caption: "Three-bucket verdicts") + "</figure>"
        html += "<figure><figcaption>Confusion matrix: human verdict (rows) × judge verdict (columns)</figcaption>"
            + SVGChart.matrix(rows: ["prefers 1", "tie", "prefers 2"], columns: names,
                              counts: Verdict.allCases.map { h in verdicts.map { m.confusion[h]?[$0] ?? 0 } }, caption: "Confusion matrix") + "</figure>"
        if let categories = report.analysis.categories[m.variant], !categories.isEmpty {
            let rows = categories.sorted { $0.metrics.nItems > $1.metrics.nItems }.prefix(20).map {
                (label: $0.category, value: $0.metrics.agreement ?? 0, note: "(n = \($0.metrics.nItems))")
            }
            html += "<figure><figcaption>Agreement per category\(categories.count > 20 ? " (the 20 largest)" : "")</figcaption>"
                + SVGChart.rows(Array(rows), caption: "Agreement per category") + "</figure>"
        }
        return html
    }

    static func comparisons(_ report: RunReport) -> String {
        "<section id=\"comparisons\"><h2>A/B comparisons</h2><ul>"
            + report.comparisons.map { "<li>\(HTML.escape($0.sentence))</li>" }.joined() + "</ul></section>\n"
    }

    static func prompts(_ report: RunReport) -> String {
        var html = "<section id=\"prompts\"><h2>Prompts and settings</h2>"
        for m in report.analysis.variants {
            html += "<details class=\"variant\"><summary>\(HTML.escape(m.variant))</summary>"
            guard let info = report.variants[m.variant] else {
                html += "<p>Recorded outside JudgeLab: its prompt is its source's.</p></details>"
                continue
            }
            html += "<table class=\"facts\"><tbody>" + info.settings.map { "<tr><th>\(HTML.escape($0.name))</th><td>\(HTML.escape($0.value))</td></tr>" }.joined()
            html += "<tr><th>examples</th><td>\(info.examples.isEmpty ? "none" : HTML.escape(info.examples.joined(separator: ", ")))</td></tr></tbody></table>"
            if !info.prompt.isEmpty {
                html += "<p>The exact messages for item \(HTML.escape(info.promptItem ?? "")):</p>"
                for message in info.prompt {
                    html += "<h4>\(HTML.escape(message.role))</h4><pre>\(HTML.escape(message.content))</pre>"
                }
            }
            html += "</details>"
        }
        return html + "</section>\n"
    }

    static func disagreements(_ report: RunReport) -> String {
        var html = "<section id=\"disagreements\"><h2>Where the judge and the humans disagree</h2>"
        var budget = disagreementBudget
        var capped = false
        for (index, m) in report.analysis.variants.enumerated() {
            let outcomes = (report.analysis.outcomes[m.variant] ?? []).filter { !$0.agrees }
            let limit = index == 0 ? 100 : 25
            var shown = 0
            var body = ""
            for outcome in outcomes {
                guard shown < limit, budget > 0 else { capped = true; break }
                let entry = disagreement(outcome)
                budget -= entry.utf8.count
                body += entry
                shown += 1
            }
            let note = shown < outcomes.count ? " (showing \(shown) of \(outcomes.count))" : ""
            html += "<details class=\"variant\"\(index == 0 ? " open=\"open\"" : "")><summary>\(HTML.escape(m.variant)): \(outcomes.count) disagreements\(note)</summary>\(body)</details>"
        }
        if capped {
            html += "<p class=\"hint\">The browser is capped to keep the page small (100 items for the best variant, 25 for the others); every judgment is in judgments.jsonl.</p>"
        }
        return html + "</section>\n"
    }

    static func disagreement(_ o: ItemOutcome) -> String {
        func answer(_ title: String, _ text: String) -> String {
            let (clipped, cut) = HTML.clip(text, answerLimit)
            return "<details><summary>\(title) (\(text.count) characters)</summary><pre>\(HTML.escape(clipped))\(cut ? "\n…" : "")</pre></details>"
        }
        func verdictName(_ v: Verdict?) -> String { v.map { $0 == .tie ? "tie" : "prefers \($0.rawValue)" } ?? "no verdict" }
        var html = "<div class=\"item\"><p><strong>\(HTML.escape(o.pair.id))</strong>: human \(verdictName(o.humanVerdict)), judge \(verdictName(o.verdict))"
            + (o.pair.category.map { " · \(HTML.escape($0))" } ?? "") + "</p>"
        let (question, cut) = HTML.clip(o.pair.question, answerLimit)
        html += "<pre class=\"question\">\(HTML.escape(question))\(cut ? "\n…" : "")</pre>"
        html += answer("Answer 1", o.pair.answer1) + answer("Answer 2", o.pair.answer2)
        for judgment in o.judgments {
            let reading: String
            switch judgment.reading {
            case let .score(s): reading = "score \(s.shortText)"
            case let .choice(c): reading = "choice \(c.rawValue)"
            case let .unparsed(_, reason): reading = "did not parse: \(reason)"
            }
            let (output, cutOutput) = HTML.clip(judgment.output ?? "", answerLimit)
            html += "<p class=\"judge\">\(judgment.order == .original ? "Answer 1 shown first" : "Answer 2 shown first"): \(HTML.escape(reading))</p>"
            if !output.isEmpty { html += "<pre class=\"output\">\(HTML.escape(output))\(cutOutput ? "\n…" : "")</pre>" }
            if let reason = judgment.reason, judgment.output?.contains(reason) != true { html += "<p class=\"reason\">\(HTML.escape(reason))</p>" }
        }
        return html + "</div>"
    }

    // MARK: Style and script

    static let style = """
    :root{color-scheme:light;--ink:#1d2430;--muted:#5b6472;--line:#d9dde3;--accent:#3566a8;--paper:#fff}
    *{box-sizing:border-box}
    body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--paper)}
    header,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}
    header h1{font-size:1.6em;margin:24px 0 0}
    .sub,.hint,footer{color:var(--muted);font-size:.9em}
    h2{border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:36px}
    .lead{font-size:1.15em}
    table{border-collapse:collapse;font-size:.9em}
    th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
    table.sortable th{cursor:pointer;white-space:nowrap;background:#f4f6f9}
    table.sortable td{white-space:nowrap}
    td.name{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
    .facts th{color:var(--muted);font-weight:600;white-space:nowrap}
    .scroll{overflow-x:auto}
    pre{white-space:pre-wrap;word-break:break-word;background:#f6f7f9;border:1px solid var(--line);padding:8px;font-size:.85em;max-height:420px;overflow:auto}
    details.variant{border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:8px 0}
    summary{cursor:pointer;font-weight:600}
    .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px}
    figure{margin:12px 0}
    figcaption{font-size:.85em;color:var(--muted)}
    svg.chart{width:100%;height:auto;max-width:640px}
    .svg-label{font-size:11px;fill:#333}
    .svg-on-dark{font-size:12px;fill:#fff}
    .item{border-top:1px solid var(--line);padding:8px 0}
    .judge{margin:6px 0 2px;font-weight:600}
    .reason{color:var(--muted)}
    @media (max-width:600px){body{font-size:14px}header h1{font-size:1.3em}}
    @media print{details{break-inside:avoid}details.variant{border:none}pre{max-height:none}}
    """

    // Written without the characters that XML treats specially, so the page stays well-formed.
    static let script = """
    document.querySelectorAll('table.sortable').forEach(function (table) {
      table.querySelectorAll('th').forEach(function (th, column) {
        th.addEventListener('click', function () {
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var direction = th.getAttribute('data-direction') === 'descending' ? 1 : -1;
          th.setAttribute('data-direction', direction === 1 ? 'ascending' : 'descending');
          rows.sort(function (a, b) {
            var x = a.cells[column].getAttribute('data-value'), y = b.cells[column].getAttribute('data-value');
            var nx = parseFloat(x), ny = parseFloat(y);
            if (isNaN(nx) || isNaN(ny)) { return direction * String(x).localeCompare(String(y)); }
            return direction * (nx - ny);
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
    """
}
