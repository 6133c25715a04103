// `judgelab diff`: two runs of a study compared, end to end.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabXML
import JudgeLabTestSupport

@Suite struct DiffTests {
    /// Two runs of the same recorded study, the second with one variant's recordings changed.
    static func runs(in folder: TemporaryFolder) throws -> (String, String) {
        let data = try String(contentsOfFile: Paths.samples + "/llmbar-natural.jsonl", encoding: .utf8)
        try folder.write("data.jsonl", data)
        let recorded = try String(contentsOfFile: Paths.samples + "/llmbar-natural-recorded.jsonl", encoding: .utf8)
        try folder.write("before.jsonl", recorded)
        // After: GPT-4/CoT's original-order verdicts on the first 20 items turned around.
        let lines = recorded.split(separator: "\n").map { line -> String in
            guard line.contains("\"variant\":\"GPT-4/CoT\""), line.contains("\"order\":\"original\""),
                  let n = line.firstMatch(of: /"item":"llmbar-natural-(\d+)"/).flatMap({ Int($0.output.1) }), n < 20 else { return String(line) }
            return line.contains("\"choice\":\"first\"") ? line.replacingOccurrences(of: "\"choice\":\"first\"", with: "\"choice\":\"second\"").replacingOccurrences(of: "\"output\":", with: "\"was\":")
                : line.replacingOccurrences(of: "\"choice\":\"second\"", with: "\"choice\":\"first\"").replacingOccurrences(of: "\"output\":", with: "\"was\":")
        }
        try folder.write("after.jsonl", lines.joined(separator: "\n") + "\n")
        var outs: [String] = []
        for name in ["before", "after"] {
            let study = try folder.write("\(name).yaml", """
            name: natural-\(name)
            dataset: data.jsonl
            templates: \(Paths.root)/PromptTemplates
            judge: {provider: replay, recordings: \(name).jsonl}
            variants:
              list:
                - {name: GPT-4/CoT, template: choice-ab, order: both}
                - {name: ChatGPT/CoT, template: choice-ab, order: both}
            """)
            let out = folder.path + "/Results/\(name)"
            let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            outs.append(out)
        }
        return (outs[0], outs[1])
    }

    @Test func aDiffShowsWhatChangedThePairedTestAndTheFlippedItems() throws {
        let folder = try TemporaryFolder()
        let (a, b) = try Self.runs(in: folder)
        let json = try JudgeLabBinary.run(["diff", a, b, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let diff = try JSONValue.parse(Data(json.stdout.utf8))
        guard case let .array(variants)? = diff["variants"] else { Issue.record("no variants"); return }
        #expect(variants.count == 2)
        let cot = try #require(variants.first { $0["a"] == "GPT-4/CoT" })
        let unchanged = try #require(variants.first { $0["a"] == "ChatGPT/CoT" })
        // ChatGPT's recordings are the same: no flips, no change.
        #expect(unchanged["flipped"] == .array([]))
        #expect(unchanged["metrics"]?["agreement"]?["change"] == 0)
        // GPT-4/CoT's: its flips are the items whose combined verdict moved, all among the 20.
        guard case let .array(flips)? = cot["flipped"] else { Issue.record("no flips"); return }
        #expect(!flips.isEmpty && flips.count <= 20)
        #expect(flips.allSatisfy { ($0["item"]?.stringValue).flatMap { Int($0.split(separator: "-").last ?? "") }.map { $0 < 20 } ?? false })
        let before = cot["metrics"]?["agreement"]?["a"]?.numberValue, after = cot["metrics"]?["agreement"]?["b"]?.numberValue
        #expect(before != nil && after != nil && before != after)
        #expect(cot["comparison"]?["n_items"] == 100)
        // The same facts for people, and as a page.
        let text = try JudgeLabBinary.run(["diff", a, b])
        #expect(text.stdout.contains("== GPT-4/CoT") && text.stdout.contains("0 items changed verdict"))
        // Only what changed is listed: the unchanged variant shows no agreement row (its latency, measured, may move).
        let chatGPT = text.stdout.components(separatedBy: "== ChatGPT/CoT").last ?? ""
        #expect(!chatGPT.contains("agreement ") && chatGPT.contains("No significant difference"))
        let html = try JudgeLabBinary.run(["diff", a, b, "--format", "html", "--out", folder.path + "/diff.html"])
        #expect(html.status == 0)
        let page = try String(contentsOfFile: folder.path + "/diff.html", encoding: .utf8)
        #expect(page.contains("Content-Security-Policy") && page.contains("GPT-4/CoT") && page.contains("changed verdict"))
        #expect(try LibXML2.rootElementName(of: Data(page.utf8)) == "html")  // well-formed, strictly parsed
        // In a browser: no console message, no request beyond the page (when chromium is here).
        if Browser.isInstalled { #expect(try Browser.pageIsQuiet(folder.path + "/diff.html", shots: folder.path + "/shots")) }
    }

    @Test func anIncompleteFolderOrNoSharedVariantIsOneError() throws {
        let folder = try TemporaryFolder()
        let (a, b) = try Self.runs(in: folder)
        try FileManager.default.createDirectory(atPath: folder.path + "/empty", withIntermediateDirectories: true)
        let incomplete = try JudgeLabBinary.run(["diff", a, folder.path + "/empty"])
        #expect(incomplete.status == 2)
        #expect(incomplete.stderr.contains("not a complete run folder: it has no dataset.jsonl"), "\(incomplete.stderr)")
        #expect(incomplete.stderr.split(separator: "\n").count == 1)
        let unknown = try JudgeLabBinary.run(["diff", a, b, "--map", "GPT-4/CoT=nobody"])
        #expect(unknown.status == 2 && unknown.stderr.contains("has no variant 'nobody'"), "\(unknown.stderr)")
        // A run with none of the same variants.
        let other = try folder.write("other.yaml", """
        name: other
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        judge: {provider: baseline, baseline: tie}
        variants:
          list:
            - {name: only-here, baseline: tie}
        """)
        #expect(try JudgeLabBinary.run(["run", other, "--out", folder.path + "/Results/other", "--quiet"]).status == 0)
        let disjoint = try JudgeLabBinary.run(["diff", a, folder.path + "/Results/other"])
        #expect(disjoint.status == 2 && disjoint.stderr.contains("share no variant: name pairs with --map A=B"), "\(disjoint.stderr)")
        // Mapped pairs need not share names.
        let mapped = try JudgeLabBinary.run(["diff", a, b, "--map", "GPT-4/CoT=ChatGPT/CoT", "--format", "json"])
        #expect(mapped.status == 0)
        #expect(try JSONValue.parse(Data(mapped.stdout.utf8))["variants"].map { if case let .array(v) = $0 { v.count } else { 0 } } == 1)
    }

    @Test func aPublishedSiteIndexesTheRunsAndDiffsConsecutiveOnesWithNoRequestOutside() throws {
        let folder = try TemporaryFolder()
        _ = try Self.runs(in: folder)  // the data and both recordings
        // Two runs of one study: its recordings edited between them.
        let study = try folder.write("study.yaml", """
        name: natural
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        judge: {provider: replay, recordings: now.jsonl}
        variants:
          list:
            - {name: GPT-4/CoT, template: choice-ab, order: both}
        """)
        let results = folder.path + "/Site-results"
        for (index, recording) in ["before", "after"].enumerated() {
            try? FileManager.default.removeItem(atPath: folder.path + "/now.jsonl")
            try FileManager.default.copyItem(atPath: folder.path + "/\(recording).jsonl", toPath: folder.path + "/now.jsonl")
            #expect(try JudgeLabBinary.run(["run", study, "--out", results + "/run\(index + 1)", "--quiet"]).status == 0)
            Thread.sleep(forTimeInterval: 1.1)  // the runs' dates order them
        }
        // A third run of the study with none of its variants: listed, with no diff to link.
        let renamed = try folder.write("renamed.yaml", """
        name: natural
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        judge: {provider: baseline, baseline: longer}
        variants:
          list:
            - {name: only-here, baseline: longer}
        """)
        #expect(try JudgeLabBinary.run(["run", renamed, "--out", results + "/run3", "--quiet"]).status == 0)
        let site = folder.path + "/site"
        let result = try JudgeLabBinary.run(["publish", results, "--out", site])
        #expect(result.status == 0, "\(result.stderr)")
        let index = try String(contentsOfFile: site + "/index.html", encoding: .utf8)
        #expect(index.contains("<h2>natural</h2>") && index.contains("first run") && index.contains("1 shared variant") && index.contains("no shared variant"))
        let pages = try FileManager.default.subpathsOfDirectory(atPath: site).filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages.count == 5, "\(pages)")  // the index, three reports, one diff
        #expect(pages.contains { $0.hasPrefix("diffs/") })
        for page in pages {
            let text = try String(contentsOfFile: site + "/" + page, encoding: .utf8)
            #expect(try LibXML2.rootElementName(of: Data(text.utf8)) == "html", "\(page)")
            // Links stay inside the site.
            #expect(!text.contains("href=\"http") && !text.contains("src=\"http"), "\(page)")
            if Browser.isInstalled {
                #expect(try Browser.pageIsQuiet(site + "/" + page, shots: folder.path + "/shots/" + page.replacingOccurrences(of: "/", with: "_")), "\(page) in chromium")
            }
        }
        // A run folder left incomplete is one error, and no site.
        try FileManager.default.createDirectory(atPath: results + "/broken", withIntermediateDirectories: true)
        try folder.write("Site-results/broken/study.json", "{}")
        let broken = try JudgeLabBinary.run(["publish", results, "--out", folder.path + "/site2"])
        #expect(broken.status == 2 && broken.stderr.contains("broken: not a complete run folder: it has no dataset.jsonl"), "\(broken.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/site2/index.html"))
    }
}
