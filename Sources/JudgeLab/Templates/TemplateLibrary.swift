// Loads judge templates and rubrics from a PromptTemplates folder, checking them fully first.
import Foundation
import Mustache

/// The templates and rubrics of one `PromptTemplates` folder.
public struct TemplateLibrary: Sendable {
    public let directory: String
    public let templates: [String: PromptTemplate]
    /// Rubric name → its Mustache text, parsed.
    let rubrics: [String: MustacheTemplate]
    public let rubricSources: [String: String]

    public var templateNames: [String] { templates.keys.sorted() }
    public var rubricNames: [String] { rubrics.keys.sorted() }

    /// Variables a template may use, by where it is rendered.
    static let itemVariables: Set<String> = ["question", "first_answer", "second_answer", "category", "explanation"]
    /// A pointwise template's item variables: one answer, and the scale it is scored on.
    static let pointwiseItemVariables: Set<String> = ["question", "answer", "category", "explanation", "scale_min", "scale_max"]
    static let variantVariables: Set<String> = ["has_rubric", "rubric_name", "has_examples", "examples", "allows_tie", "reason_first", "reason_last", "reason_none"]
    static let exampleVariables: Set<String> = ["number", "gold"]
    static let goldVariables: Set<String> = ["score", "choice", "reason", "reason_json"]
    static let partials: Set<String> = ["rubric", "examples"]

    /// Finds the shipped templates: `$JUDGELAB_TEMPLATES`, then `PromptTemplates` in the working
    /// folder or a parent of it, then in a parent of the running executable's folder.
    public static func locateShipped() throws -> String {
        let manager = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["JUDGELAB_TEMPLATES"], !explicit.isEmpty { return explicit }
        var starts = [manager.currentDirectoryPath]
        if let executable = try? manager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(FilePath.parent(executable))
        } else if let executable = Bundle.main.executablePath {
            starts.append(FilePath.parent(executable))
        }
        for start in starts {
            var folder = URL(fileURLWithPath: start)
            while true {
                let candidate = folder.appendingPathComponent("PromptTemplates")
                if manager.fileExists(atPath: candidate.appendingPathComponent("rubrics").path) { return candidate.path }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        throw InputError(file: "PromptTemplates", "cannot find JudgeLab's PromptTemplates folder; set JUDGELAB_TEMPLATES to its path")
    }

    /// Loads every template folder (one holding `template.yaml`) and `rubrics/*.mustache`.
    public init(directory: String) throws {
        self.directory = directory
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: directory) else {
            throw InputError(file: directory, "cannot read the templates folder")
        }
        var rubrics: [String: MustacheTemplate] = [:], rubricSources: [String: String] = [:]
        let rubricFolder = directory + "/rubrics"
        for file in ((try? manager.contentsOfDirectory(atPath: rubricFolder)) ?? []).sorted() where file.hasSuffix(".mustache") {
            let name = String(file.dropLast(".mustache".count))
            let path = rubricFolder + "/" + file
            let text = try Self.read(path)
            try Self.checkTags(text, file: path, allowed: Self.variantVariables, partials: [])
            rubrics[name] = try Self.compile(text, file: path)
            rubricSources[name] = text
        }
        var templates: [String: PromptTemplate] = [:]
        for entry in entries.sorted() where manager.fileExists(atPath: "\(directory)/\(entry)/template.yaml") {
            templates[entry] = try Self.loadTemplate(name: entry, folder: "\(directory)/\(entry)")
        }
        guard !templates.isEmpty else { throw InputError(file: directory, "no templates here (folders holding template.yaml)") }
        self.templates = templates
        self.rubrics = rubrics
        self.rubricSources = rubricSources
    }

    public func template(named name: String, file: String, line: Int?, field: String) throws -> PromptTemplate {
        guard let template = templates[name] else {
            throw InputError(file: file, line: line, field: field,
                             "unknown template '\(name.excerpt())' (available: \(templateNames.joined(separator: ", ")))")
        }
        return template
    }

    static func loadTemplate(name: String, folder: String) throws -> PromptTemplate {
        let configPath = folder + "/template.yaml"
        let config = try YAMLNode.load(path: configPath)
        try config.requireKeys(in: ["description", "kind", "scale", "output", "temperature", "max_tokens", "schema_max_tokens", "allows_tie", "gold"])
        // `kind: pointwise` scores one answer on `scale: [MIN, MAX]` (METRICS.md §7).
        var scale: ClosedRange<Double>?
        let kind = try config["kind"]?.string() ?? "pairwise"
        switch kind {
        case "pairwise":
            if let node = config["scale"] { throw node.error("'scale' is for pointwise templates (kind: pointwise)") }
        case "pointwise":
            guard let node = config["scale"] else { throw config["kind"]!.error("a pointwise template needs 'scale: [MIN, MAX]', the judge's score range") }
            let bounds = try node.list().map { try $0.double() }
            guard bounds.count == 2, bounds[0] < bounds[1], bounds.allSatisfy({ $0 == $0.rounded() }) else {
                throw node.error("expected [MIN, MAX], two whole numbers with MIN < MAX, e.g. [1, 10]")
            }
            scale = bounds[0]...bounds[1]
        default:
            throw config["kind"]!.error("expected pairwise or pointwise")
        }
        guard let outputNode = config["output"] else { throw config.error("missing 'output' (json-score, choice, regex-score:…, regex-choice:…)") }
        let parser: OutputParser
        do {
            parser = try OutputParser(name: try outputNode.string()).scored(on: scale ?? ScoreOutput.scale)
        } catch let error as InputError {
            throw outputNode.error(error.message)
        }
        if scale != nil, parser.kind != .score {
            throw outputNode.error("a pointwise template reads a score: use json-score or regex-score:PATTERN")
        }
        guard let goldNode = config["gold"] else { throw config.error("missing 'gold' (how an example's correct answer is written)") }
        let goldText = try goldNode.string()
        try checkTags(goldText, file: configPath, line: goldNode.line, allowed: goldVariables, partials: [])
        let temperature = try config["temperature"]?.double()
        if let temperature, !(0...2).contains(temperature) { throw config["temperature"]!.error("must be between 0 and 2") }
        let maxTokens = try config["max_tokens"]?.int()
        if let maxTokens, maxTokens < 1 { throw config["max_tokens"]!.error("must be at least 1") }

        let schemaMaxTokens = try config["schema_max_tokens"]?.int()
        if let schemaMaxTokens, schemaMaxTokens < 1 { throw config["schema_max_tokens"]!.error("must be at least 1") }

        var sources = ["template.yaml": try read(configPath)]
        // The reply's JSON schema, for variants with `output: json_schema`.
        var replySchema: JSONValue?
        let schemaPath = folder + "/schema.json"
        if FileManager.default.fileExists(atPath: schemaPath) {
            let text = try read(schemaPath)
            do {
                replySchema = try JSONValue.parse(Data(text.utf8))
            } catch let error as JSONSyntaxError {
                let line = 1 + text.utf8.prefix(error.offset).count { $0 == UInt8(ascii: "\n") }
                throw InputError(file: schemaPath, line: line, "not valid JSON: \(error.message)")
            }
            guard case .object = replySchema, replySchema?["type"]?.stringValue == "object" else {
                throw InputError(file: schemaPath, field: "type", "a reply schema is a JSON object schema (\"type\": \"object\")")
            }
            sources["schema.json"] = text
        }
        var compiled: [String: MustacheTemplate] = [:]
        var used = Set<String>()
        for part in ["system", "user", "examples"] {
            let path = "\(folder)/\(part).mustache"
            guard FileManager.default.fileExists(atPath: path) else {
                if part == "user" { throw InputError(file: path, "missing: a template needs user.mustache") }
                continue
            }
            let text = try read(path)
            let allowed = (scale == nil ? itemVariables : pointwiseItemVariables).union(variantVariables).union(exampleVariables)
            let names = try checkTags(text, file: path, allowed: allowed, partials: part == "examples" ? [] : partials)
            // Item fields in the examples block are the examples' own, not the judged item's.
            if part != "examples" { used.formUnion(names) }
            compiled[part] = try compile(text, file: path)
            sources["\(part).mustache"] = text
        }
        if compiled["examples"] == nil, sources["system.mustache"]?.contains("{{> examples}}") == true || sources["user.mustache"]?.contains("{{> examples}}") == true {
            throw InputError(file: folder + "/examples.mustache", "missing: the template includes {{> examples}}")
        }
        return PromptTemplate(name: name, description: try config["description"]?.string() ?? "", parser: parser,
                              temperature: temperature, maxTokens: maxTokens, allowsTie: try config["allows_tie"]?.bool() ?? true,
                              sources: sources, replySchema: replySchema, schemaMaxTokens: schemaMaxTokens, scale: scale, system: compiled["system"], user: compiled["user"]!, examples: compiled["examples"],
                              gold: try compile(goldText, file: configPath), itemFieldsUsed: used.intersection(["category", "explanation"]))
    }

    static func read(_ path: String) throws -> String {
        let source = try SourceText(path: path, allowEmpty: true)
        return String(decoding: source.bytes, as: UTF8.self)
    }

    /// Parses Mustache as plain text: nothing in a prompt is HTML-escaped.
    static func compile(_ text: String, file: String) throws -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT }}" + text)
        } catch let error as MustacheTemplate.ParserError {
            throw InputError(file: file, line: error.context.lineNumber, "malformed Mustache: \(error.error) near '\(error.context.line.excerpt())'")
        }
    }

    private static let tag = CompiledRegex(#"\{\{\s*([#^/&>!{$<%=]?)\s*([^}]*?)\s*\}?\}\}"#, options: [])

    /// Checks every tag's name against the variables and partials allowed here; returns the names used.
    @discardableResult
    static func checkTags(_ text: String, file: String, line: Int? = nil, allowed: Set<String>, partials: Set<String>) throws -> Set<String> {
        var used = Set<String>()
        let nsText = text as NSString
        for match in tag.regex.matches(in: text, range: NSRange(location: 0, length: nsText.length)) {
            let sigil = nsText.substring(with: match.range(at: 1))
            let name = nsText.substring(with: match.range(at: 2))
            let where_ = line ?? (nsText.substring(to: match.range.location).components(separatedBy: "\n").count)
            switch sigil {
            case "!", "%", "=": continue
            case ">":
                guard partials.contains(name) else {
                    throw InputError(file: file, line: where_, "unknown partial '\(name.excerpt())' (available here: \(partials.isEmpty ? "none" : partials.sorted().joined(separator: ", ")))")
                }
            default:
                let root = name.split(separator: ".").first.map(String.init) ?? name
                guard name == "." || allowed.contains(root) else {
                    throw InputError(file: file, line: where_, "unknown variable '\(name.excerpt())' (available here: \(allowed.sorted().joined(separator: ", ")))")
                }
                used.insert(root)
            }
        }
        return used
    }
}
