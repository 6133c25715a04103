// Study files and the commands around them: init, variants, preview, and every bad input.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct StudyTests {
    @Test func initThenPreviewShowsTheReferencePromptWithThreeBalancedExamples() throws {
        let folder = try TemporaryFolder()
        let result = try JudgeLabBinary.run(["init", "my-study"], cwd: folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        let preview = try JudgeLabBinary.run(["preview", "my-study/study.yaml", "--format", "json"], cwd: folder.path)
        #expect(preview.status == 0, "\(preview.stderr)")
        let json = try JSONValue.parse(Data(preview.stdout.utf8))
        #expect(json["variant"] == "rating-1to9.k3-balanced.rubric-none.both.gpt-4o-mini.t0.3")
        guard case let .array(messages)? = json["messages"], case let .array(examples)? = json["examples"] else { Issue.record("shape"); return }
        #expect(examples.count == 3)
        let system = messages[0]["content"]!.stringValue!
        #expect(system.hasPrefix("### Rating Task\nRate the performance of two assistants in response to the user question."))
        #expect(system.contains("#### Example 3"))
        #expect(!system.contains("#### Example 4"))
        #expect((json["static_prefix_share"]?.numberValue ?? 0) > 0.5)
        // The three examples cover the three human verdicts.
        let plan = try StudyPlan(study: try Study.load(path: folder.path + "/my-study/study.yaml"))
        #expect(Set(plan.variants[0].examples.map { $0.humanVerdict() }) == Set(Verdict.allCases))
        #expect(plan.items.count == 30)

        let swapped = try JudgeLabBinary.run(["preview", "my-study/study.yaml", "--order", "swapped", "--format", "json"], cwd: folder.path)
        let swappedUser = try JSONValue.parse(Data(swapped.stdout.utf8))["messages"].flatMap { if case let .array(m) = $0 { m.last?["content"]?.stringValue } else { nil } }!
        let item = plan.items[0]
        #expect(swappedUser.range(of: item.answer2)!.lowerBound < swappedUser.range(of: item.answer1)!.lowerBound)

        #expect(try JudgeLabBinary.run(["init", "my-study"], cwd: folder.path).status == 2)  // never overwrites
    }

    @Test func variantsExpandTheGridWithReadableUniqueNames() throws {
        let folder = try TemporaryFolder()
        _ = try JudgeLabBinary.run(["init", "s"], cwd: folder.path)
        let plan = try StudyPlan(study: try Study.load(path: folder.path + "/s/study.yaml"))
        #expect(plan.variants.count == 8)
        #expect(Set(plan.variants.map(\.name)).count == 8)
        #expect(plan.variants.map(\.name).contains("choice-ab.k0.rubric-expanded.both.gpt-4o-mini.t0"))
        let exampleIDs = Set(plan.variants.flatMap(\.examples).map(\.id))
        #expect(exampleIDs.isDisjoint(with: plan.items.map(\.id)))
    }

    // MARK: Bad input

    static let base = """
    dataset: data.jsonl
    templates: TEMPLATES
    judge: {model: m}
    """

    struct BadStudy: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var line: Int?
        var field: String?
        var says: String
        var testDescription: String { name }
    }

    static let badStudies: [BadStudy] = [
        .init(name: "unknown template", yaml: base + "\nvariants:\n  list:\n    - template: nope\n", line: 6, field: "variants.list[0].template", says: "unknown template 'nope'"),
        .init(name: "unknown rubric", yaml: base + "\nvariants:\n  grid:\n    template: choice-ab\n    rubric: [short, fancy]\n", line: 6, field: "variants.grid.rubric", says: "unknown rubric 'fancy'"),
        .init(name: "k larger than the pool", yaml: base + "\nsplit: {fewshot_fraction: 0.1}\nvariants:\n  grid: {template: choice-ab, shots: 50}\n", line: nil, field: "shots", says: "asks for 50 examples but the few-shot pool holds"),
        .init(name: "empty grid", yaml: base + "\nvariants:\n  grid:\n    template: choice-ab\n    shots: []\n", line: 6, field: "variants.grid", says: "expands to no variants"),
        .init(name: "grid past the maximum", yaml: base + "\nmax_variants: 3\nvariants:\n  grid:\n    template: [choice-ab, rating-1to9]\n    shots: [0, 1]\n", line: 7, field: "variants.grid", says: "more than max_variants (3)"),
        .init(name: "duplicate names", yaml: base + "\nvariants:\n  list:\n    - {template: choice-ab, name: x}\n    - {template: rating-1to9, name: x}\n", line: 7, field: "variants.list[1]", says: "duplicate variant name 'x' (first from line 6)"),
        .init(name: "malformed YAML", yaml: base + "\nvariants:\n  grid: {template: [choice-ab\n", line: 6, field: nil, says: "malformed YAML"),
        .init(name: "unknown key", yaml: base + "\nvariants:\n  grid: {template: choice-ab, shot: 3}\n", line: 5, field: "variants.grid.shot", says: "unknown key 'shot'"),
        .init(name: "bad order", yaml: base + "\nvariants:\n  grid: {template: choice-ab, order: sideways}\n", line: 5, field: "variants.grid.order", says: "expected original, swapped or both"),
        .init(name: "no model", yaml: "dataset: data.jsonl\ntemplates: TEMPLATES\nvariants:\n  grid: {template: choice-ab}\n", line: 4, field: "variants.grid.model", says: "no model"),
        .init(name: "overlapping pools", yaml: base + "\nsplit: {fewshot_ids: [h-01, h-02, h-03]}\nsample: {first: 100}\nvariants:\n  list:\n    - {template: choice-ab, shots: 2, selection: fixed}\n", line: nil, field: nil, says: ""),
        .init(name: "missing dataset", yaml: "variants:\n  grid: {template: choice-ab}\n", line: 1, field: nil, says: "missing 'dataset'"),
        .init(name: "duplicate key", yaml: base + "\njudge: {model: n}\nvariants:\n  grid: {template: choice-ab}\n", line: nil, field: nil, says: "appears twice"),
        // Only HTTP(S) reaches the network, and a key never sits in a URL (issue 28).
        .init(name: "a file URL", yaml: "dataset: data.jsonl\ntemplates: TEMPLATES\njudge: {base_url: \"file:///etc/hostname?\", model: m}\nvariants:\n  grid: {template: choice-ab}\n",
              line: 3, field: "judge.base_url", says: "only http and https endpoints are allowed, not file://"),
        .init(name: "an ftp endpoint", yaml: "dataset: data.jsonl\ntemplates: TEMPLATES\njudges:\n  a:\n    endpoints:\n      - {base_url: \"ftp://127.0.0.1/x\"}\n    model: m\nvariants:\n  grid: {template: choice-ab}\n",
              line: 6, field: "judges.a.endpoints[0].base_url", says: "only http and https endpoints are allowed, not ftp://"),
        .init(name: "credentials in a URL", yaml: "dataset: data.jsonl\ntemplates: TEMPLATES\njudge: {base_url: \"http://me:sk-secret@127.0.0.1:9/v1\", model: m}\nvariants:\n  grid: {template: choice-ab}\n",
              line: 3, field: "judge.base_url", says: "a base URL may not hold credentials"),
        .init(name: "max_tokens past any model", yaml: base + "\nvariants:\n  list:\n    - {template: choice-ab, max_tokens: 99999999999}\n",
              line: 6, field: "variants.list[0].max_tokens", says: "99999999999 is more output tokens than any model writes (at most 1000000)"),
        .init(name: "a key in the study", yaml: "dataset: data.jsonl\ntemplates: TEMPLATES\njudge: {model: m, api_key: sk-live-0123456789abcdef}\nvariants:\n  grid: {template: choice-ab}\n",
              line: 3, field: "judge.api_key", says: "a study holds no key: put it in an environment variable and name that variable with api_key_env"),
        .init(name: "a key as the key's variable", yaml: "dataset: data.jsonl\ntemplates: TEMPLATES\njudge: {model: m, api_key_env: sk-live-0123456789abcdef}\nvariants:\n  grid: {template: choice-ab}\n",
              line: 3, field: "judge.api_key_env", says: "not an environment variable's name"),
        .init(name: "not a URL", yaml: "dataset: data.jsonl\ntemplates: TEMPLATES\njudge: {base_url: \"127.0.0.1:8080\", model: m}\nvariants:\n  grid: {template: choice-ab}\n",
              line: 3, field: "judge.base_url", says: "is not a URL: expected http(s)://HOST[:PORT]/PATH"),
    ]

    @Test(arguments: badStudies)
    func badStudiesGiveOneLocatedError(_ bad: BadStudy) throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.samples + "/scored-handmade.jsonl", toPath: folder.path + "/data.jsonl")
        let file = try folder.write("study.yaml", bad.yaml.replacingOccurrences(of: "TEMPLATES", with: Paths.root + "/PromptTemplates"))
        if bad.name == "overlapping pools" {
            // Listed few-shot ids are taken out of the evaluation pool, so they can never be evaluated.
            let plan = try StudyPlan(study: try Study.load(path: file))
            #expect(!plan.items.contains { ["h-01", "h-02", "h-03"].contains($0.id) })
            return
        }
        let error = try #require(throws: InputError.self) { try StudyPlan(study: try Study.load(path: file)) }
        #expect(error.file == file)
        #expect(!"\(error)".contains("sk-live-0123456789abcdef"), "a key is never echoed: \(error)")
        if let line = bad.line { #expect(error.line == line, "\(error)") }
        #expect(error.field == bad.field, "\(error)")
        #expect(error.message.contains(bad.says), "\(error)")
        let cli = try JudgeLabBinary.run(["variants", file])
        #expect(cli.status == 2)
        #expect(cli.stderr.hasPrefix("error: \(file)"))
    }

    @Test func badTemplatesAreCaughtWhenLoaded() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.root + "/PromptTemplates", toPath: folder.path + "/t")
        try "### {{question}}\n{{first_answr}}\n".write(toFile: folder.path + "/t/choice-ab/user.mustache", atomically: true, encoding: .utf8)
        var error = try #require(throws: InputError.self) { try TemplateLibrary(directory: folder.path + "/t") }
        #expect(error.file.hasSuffix("choice-ab/user.mustache"))
        #expect(error.line == 2)
        #expect(error.message.contains("unknown variable 'first_answr'"))

        try "{{question}} {{> footer}}".write(toFile: folder.path + "/t/choice-ab/user.mustache", atomically: true, encoding: .utf8)
        error = try #require(throws: InputError.self) { try TemplateLibrary(directory: folder.path + "/t") }
        #expect(error.message.contains("unknown partial 'footer'"))

        try "{{#examples}}{{question}}".write(toFile: folder.path + "/t/choice-ab/user.mustache", atomically: true, encoding: .utf8)
        error = try #require(throws: InputError.self) { try TemplateLibrary(directory: folder.path + "/t") }
        #expect(error.message.contains("malformed Mustache"))

        try "{{question}} ({{category}})".write(toFile: folder.path + "/t/choice-ab/user.mustache", atomically: true, encoding: .utf8)
        try "output: astrology\ngold: x\n".write(toFile: folder.path + "/t/choice-ab-notie/template.yaml", atomically: true, encoding: .utf8)
        error = try #require(throws: InputError.self) { try TemplateLibrary(directory: folder.path + "/t") }
        #expect(error.file.hasSuffix("choice-ab-notie/template.yaml"))
        #expect(error.line == 1)
        #expect(error.field == "output")
        try FileManager.default.removeItem(atPath: folder.path + "/t/choice-ab-notie")

        // A variable the template needs and the item lacks.
        let library = try TemplateLibrary(directory: folder.path + "/t")
        let variant = Variant(name: "v", template: library.templates["choice-ab"]!, shots: 0, selection: .random, rubric: nil,
                              order: .original, model: "m", temperature: 0, maxTokens: 5, examples: [])
        let builder = try PromptBuilder(variant: variant, library: library)
        let bare = Pair(id: "x", question: "q", answer1: "a", answer2: "b", label: .winner(.tie))
        error = try #require(throws: InputError.self) { try builder.messages(for: bare, order: .original) }
        #expect(error.field == "category")
        #expect(error.message.contains("item 'x' has none"))
        var withCategory = bare
        withCategory.category = "math"
        #expect(try builder.messages(for: withCategory, order: .original).last!.content == "q (math)")
    }
}

@Suite struct FilePathTests {
    @Test func parentsAndNames() {
        #expect(FilePath.parent("s") == "")
        #expect(FilePath.parent("a/b") == "a")
        #expect(FilePath.parent("/a") == "/")
        #expect(FilePath.parent("a/b/") == "a")
        #expect(FilePath.name("a/b.yaml") == "b.yaml")
        #expect(FilePath.join("", "x") == "x")
        #expect(FilePath.join("a/", "x") == "a/x")
    }

    @Test func sampleOfAStudyMatchesItsPlan() throws {
        let folder = try TemporaryFolder()
        _ = try JudgeLabBinary.run(["init", "s"], cwd: folder.path)
        let result = try JudgeLabBinary.run(["sample", "s/study.yaml", "--format", "json"], cwd: folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        let plan = try StudyPlan(study: try Study.load(path: folder.path + "/s/study.yaml"))
        #expect(try JSONValue.parse(Data(result.stdout.utf8))["ids"] == .array(plan.items.map { .string($0.id) }))
    }
}
