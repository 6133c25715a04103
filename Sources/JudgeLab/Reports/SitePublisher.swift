// `judgelab publish`: a static site of every run under a results folder.
import Foundation

/// A static site, ready for any static host: an index of the runs by study, each run's report,
/// the diffs between consecutive runs of a study, and a trend of each study's best agreement.
public enum SitePublisher {
    public struct Run: Sendable {
        public var folder: String
        public var report: RunReport
        public var date: Date
    }

    /// The run folders under `results` (its folders, and theirs: `Results/RUN` and
    /// `Results/demo-…/NAME`): each a folder with `study.json`. One that has it but lacks its
    /// data or judgments is an error, not a gap in the site.
    public static func runs(under results: String) throws -> [Run] {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: results, isDirectory: &isFolder), isFolder.boolValue else {
            throw InputError(file: results, "not a folder of runs (give the Results folder)")
        }
        var folders: [String] = []
        func visit(_ folder: String, depth: Int) {
            guard let names = try? manager.contentsOfDirectory(atPath: folder) else { return }
            for name in names.sorted() {
                let path = FilePath.join(folder, name)
                guard manager.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { continue }
                if manager.fileExists(atPath: RunLayout(directory: path).studyRecord) { folders.append(path) } else if depth < 2 { visit(path, depth: depth + 1) }
            }
        }
        visit(results, depth: 1)
        guard !folders.isEmpty else { throw InputError(file: results, "holds no run folders (folders with study.json)") }
        return try folders.map { folder in
            let layout = RunLayout(directory: folder)
            for file in [layout.dataset, layout.judgments] where !manager.fileExists(atPath: file) {
                throw InputError(file: folder, "not a complete run folder: it has no \(FilePath.name(file)) (finish it with `judgelab run`, or move it out of \(results))")
            }
            let date = (try? manager.attributesOfItem(atPath: layout.judgments)[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
            return Run(folder: folder, report: try RunReport.load(runDirectory: folder, created: date), date: date)
        }
    }

    /// Writes the site into `site`; returns the pages written.
    @discardableResult
    public static func publish(results: String, to site: String, xml: any XMLDocumentWriter) throws -> [String] {
        let all = try runs(under: results)
        var pages: [String] = []
        try FileManager.default.createDirectory(atPath: FilePath.join(site, "runs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: FilePath.join(site, "diffs"), withIntermediateDirectories: true)
        let formatter = ISO8601DateFormatter()
        var studies: [[String: Any]] = []
        let byStudy = Dictionary(grouping: all, by: \.report.title)
        for name in byStudy.keys.sorted() {
            let runs = byStudy[name]!.sorted { ($0.date, $0.folder) < ($1.date, $1.folder) }
            var rows: [[String: Any]] = []
            var previous: Run?
            for (index, run) in runs.enumerated() {
                let slug = Self.slug("\(name)-\(index + 1)-\(run.report.runID)")
                let folder = FilePath.join(site, "runs/" + slug)
                try ReportPublisher.publish(run.report, to: folder, xml: xml)
                pages.append(RunLayout(directory: folder).htmlReport)
                var diffLink: String?
                var diffLabel = index == 0 ? "first run" : "no shared variant"
                if let before = previous, let diff = try? RunDiff(before.report, run.report) {
                    let file = "diffs/\(slug).html"
                    try AtomicFile.write(HTMLReport.render(diff), to: FilePath.join(site, file))
                    pages.append(FilePath.join(site, file))
                    diffLink = file
                    diffLabel = diff.variants.count == 1 ? "1 shared variant" : "\(diff.variants.count) shared variants"
                }
                let best = run.report.analysis.variants.first
                rows.append([
                    "date": formatter.string(from: run.date), "id": run.report.runID, "report": "runs/\(slug)/report.html",
                    "best": best?.variant ?? "—", "agreement": HTML.pct(best?.agreement), "agreementValue": best?.agreement.map { JSONValue.format(number: $0) } ?? "",
                    "ci": best?.agreementCI.map { "\(HTML.pct($0.lo)) – \(HTML.pct($0.hi))" } ?? "—", "ciValue": best?.agreementCI.map { JSONValue.format(number: $0.lo) } ?? "",
                    "cost": run.report.totalCost.map { String(format: "$%.4f", $0) } ?? "—", "costValue": run.report.totalCost.map { JSONValue.format(number: $0) } ?? "",
                    "diff": diffLink.map { [$0] } ?? [], "diffLabel": diffLabel,
                ])
                previous = run
            }
            let trend = SVGChart.dots(runs.enumerated().map { index, run in
                let best = run.report.analysis.variants.first
                return (label: "\(index + 1). \(formatter.string(from: run.date).prefix(10))", value: best?.agreement ?? 0,
                        lo: best?.agreementCI?.lo, hi: best?.agreementCI?.hi, highlight: index == runs.count - 1)
            }, caption: "Best agreement per run of \(name)")
            studies.append(["name": name, "runs": rows, "trend": trend])
        }
        let index = HTMLReport.renderSite(studies: studies, runCount: all.count)
        try AtomicFile.write(index, to: FilePath.join(site, "index.html"))
        pages.insert(FilePath.join(site, "index.html"), at: 0)
        return pages
    }

    static func slug(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
    }
}
