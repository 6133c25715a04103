// Reading a study file: the YAML parsed into a Study, every key checked, every error located
// (file, line, field).
import Foundation

extension Study {
    public static func load(path: String) throws -> Study {
        let root = try YAMLNode.load(path: path)
        try root.requireKeys(in: ["name", "dataset", "templates", "split", "sample", "judge", "judges", "budget", "cache", "prices", "max_variants", "variants", "search", "cascades", "calibration", "juries"])
        guard let datasetNode = root["dataset"] else { throw root.error("missing 'dataset' (the data set's path and format)") }
        var dataset = (path: "", format: DatasetFormat?.none, mapping: FieldMapping())
        if case .scalar = datasetNode.node {
            dataset.path = try datasetNode.string()
        } else {
            try datasetNode.requireKeys(in: ["path", "format", "mapping", "criterion", "answers", "questions"])
            guard let p = datasetNode["path"] else { throw datasetNode.error("missing 'path'") }
            dataset.path = try p.string()
            if let f = datasetNode["format"] {
                let text = try f.string()
                guard let format = DatasetFormat(rawValue: text) else {
                    throw f.error("unknown format '\(text.excerpt())' (expected one of: \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                dataset.format = format
            }
            if let m = datasetNode["mapping"] { dataset.mapping = try mapping(m) }
            // Response items rated on several criteria: the one judged (METRICS.md §7).
            dataset.mapping.criterion = try datasetNode["criterion"]?.string()
            // Arena / MT-Bench judgments without conversations: answers and questions beside them.
            let folder = FilePath.parent(path)
            func resolve(_ text: String) -> String { text.hasPrefix("/") ? text : FilePath.join(folder, text) }
            dataset.mapping.answersPath = try datasetNode["answers"].map { resolve(try $0.string()) }
            dataset.mapping.questionsPath = try datasetNode["questions"].map { resolve(try $0.string()) }
        }
        let variantsNode = root["variants"]
        guard variantsNode != nil || root["search"] != nil else { throw root.error("missing 'variants' (a grid and/or a list) or 'search' (for `judgelab optimize`)") }
        var study = Study(file: path, name: try root["name"]?.string() ?? FilePath.name(FilePath.parent(path).isEmpty ? "." : FilePath.parent(path)),
                          datasetPath: dataset.path, datasetFormat: dataset.format, mapping: dataset.mapping,
                          templatesPath: try root["templates"]?.string(), variants: [])
        if let split = root["split"] {
            try split.requireKeys(in: ["fewshot_fraction", "fewshot_ids", "seed"])
            study.fewShotFraction = try split["fewshot_fraction"]?.double() ?? 0
            study.fewShotIDs = try split["fewshot_ids"].map { try $0.list().map { try $0.string() } }
            if let seed = split["seed"] { study.splitSeed = try seed64(seed) }
        }
        if let sample = root["sample"] {
            try sample.requireKeys(in: ["first", "per_stratum", "total", "by", "seed"])
            let given = ["first", "per_stratum", "total"].filter { sample[$0] != nil }
            guard given.count == 1 else { throw sample.error("give exactly one of first, per_stratum and total") }
            if let n = sample["first"] { study.sampleFirst = try positive(n) }
            if let n = sample["per_stratum"] { study.sampleAllocation = .equal(perStratum: try positive(n)) }
            if let n = sample["total"] { study.sampleAllocation = .proportional(total: try positive(n)) }
            if let by = sample["by"] {
                let text = try by.string()
                guard let value = Stratification(rawValue: text) else {
                    throw by.error("expected one of: \(Stratification.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                study.sampleBy = value
            }
            if let seed = sample["seed"] { study.sampleSeed = try seed64(seed) }
        }
        if root["judge"] != nil, let both = root["judges"] {
            throw both.error("give either 'judge' (one judge) or 'judges' (named judges), not both")
        }
        if let judge = root["judge"] {
            var one = try Self.judge(judge, name: nil, file: path)
            one.name = one.provider == .baseline ? (one.baseline ?? .longer).judgeName : one.provider.rawValue
            study.judges = [one]
            study.judgesLine = judge.line
        }
        if let judges = root["judges"] {
            study.judges = try judges.members().map { name, node in
                guard !name.isBlank, !name.contains(where: { $0 == "\t" || $0 == "\n" }) else { throw node.error("a judge's name may not be blank or hold tabs or line breaks") }
                return try Self.judge(node, name: name, file: path)
            }
            guard !study.judges.isEmpty else { throw judges.error("no judges: name at least one") }
            study.judgesLine = judges.line
        }
        if let budget = root["budget"] {
            try budget.requireKeys(in: ["max_cost_usd"])
            if let cost = budget["max_cost_usd"] {
                let value = try cost.double()
                guard value.isFinite, value >= 0 else { throw cost.error("must be a number of dollars, 0 or more (not \(value))") }
                study.maxCostUSD = value
            }
        }
        if let cache = root["cache"] {
            let path = try cache.string()
            guard !path.isBlank else { throw cache.error("the response cache's path may not be blank (leave `cache:` out for the user's cache)") }
            study.cachePath = path
        }
        if let prices = root["prices"] { study.prices = try PriceTable.parse(prices) }
        if let max = root["max_variants"] { study.maxVariants = try positive(max) }
        study.datasetLine = datasetNode.line
        if let variantsNode { study.variants = try Self.variants(variantsNode, maxVariants: study.maxVariants) }
        if let search = root["search"] { study.search = try SearchSpec.parse(search) }
        if let juries = root["juries"] { study.juries = try JurySpec.parse(juries) }
        if let cascades = root["cascades"] { study.cascades = try CascadeSpec.parse(cascades) }
        if let calibration = root["calibration"] {
            study.calibration = try CalibrationSpec.parse(calibration)
            study.calibrationLine = calibration.line
        }
        return study
    }

    static func positive(_ node: YAMLNode) throws -> Int {
        let value = try node.int()
        guard value > 0 else { throw node.error("must be at least 1") }
        return value
    }

    /// The most output tokens a reply may be given: above any model's limit, below a typo.
    public static let maxTokensLimit = 1_000_000

    /// A reply's token limit: at least 1, at most `maxTokensLimit`.
    static func maxTokens(_ node: YAMLNode) throws -> Int {
        let value = try positive(node)
        guard value <= maxTokensLimit else {
            throw node.error("\(value) is more output tokens than any model writes (at most \(maxTokensLimit)): give the reply's real limit")
        }
        return value
    }

    static func seed64(_ node: YAMLNode) throws -> UInt64 {
        let value = try node.int()
        guard value >= 0 else { throw node.error("a seed may not be negative") }
        return UInt64(value)
    }

    static func mapping(_ node: YAMLNode) throws -> FieldMapping {
        try node.requireKeys(in: ["id", "question", "answer_1", "answer_2", "label_form", "label_field", "category", "explanation", "scale_min", "scale_max", "verdict_values"])
        var mapping = FieldMapping()
        if let id = node["id"] { let text = try id.string(); mapping.id = text == "-" ? nil : text }
        if let v = node["question"] { mapping.question = try v.string() }
        if let v = node["answer_1"] { mapping.answer1 = try v.string() }
        if let v = node["answer_2"] { mapping.answer2 = try v.string() }
        if let v = node["category"] { mapping.category = try v.string() }
        if let v = node["explanation"] { mapping.explanation = try v.string() }
        if let v = node["label_form"] {
            let text = try v.string()
            guard let form = LabelForm(rawValue: text) else { throw v.error("expected scores, votes, winner or human_score") }
            mapping.labelForm = form
        }
        if let v = node["label_field"] { mapping.labelFields = try v.list().map { try $0.string() } }
        if let v = node["scale_max"] { mapping.scaleMax = try v.double() }
        if let v = node["scale_min"] { mapping.scaleMin = try v.double() }
        if let v = node["verdict_values"] {
            guard let aliases = FieldMapping.parseAliases(try v.string()) else { throw v.error("expected NAME=VERDICT pairs, e.g. 'A=1,B=2,same=tie'") }
            mapping.verdictAliases = aliases
        }
        return mapping
    }

    /// - Parameter file: the study file, which paths in the judge (`recordings`) are relative to.
    static func judge(_ node: YAMLNode, name: String?, file: String) throws -> JudgeSettings {
        // A key never sits in a study file: say where it goes (and never echo it).
        if let key = node["api_key"] {
            throw key.error("a study holds no key: put it in an environment variable and name that variable with api_key_env (e.g. api_key_env: OPENAI_API_KEY)")
        }
        try node.requireKeys(in: ["provider", "base_url", "model", "models", "api_key_env", "concurrency", "requests_per_minute",
                                  "tokens_per_minute", "timeout_seconds", "max_attempts", "retry_base_seconds", "seed", "json_response_format",
                                  "max_input_tokens", "oversized", "recordings", "recorded_variant", "baseline", "mode", "batch_max_requests", "batch_max_bytes", "batch_poll_seconds", "endpoints"])
        var judge = JudgeSettings(name: name ?? "")
        judge.line = node.line
        judge.field = name.map { "judges.\($0)" } ?? "judge"
        if let v = node["provider"] {
            let text = try v.string()
            guard let kind = ProviderKind(rawValue: text) else {
                throw v.error("unknown provider '\(text.excerpt())' (expected one of: \(ProviderKind.names))")
            }
            judge.provider = kind
        }
        if let v = node["base_url"] {
            let url = try v.string()
            if let problem = BaseURL.problem(url) { throw v.error(problem) }
            judge.baseURL = url
        }
        if let list = node["endpoints"] {
            guard judge.baseURL == nil else { throw list.error("give either 'base_url' or 'endpoints'") }
            judge.endpoints = try list.list().map { entry in
                try entry.requireKeys(in: ["base_url", "concurrency"])
                guard let url = entry["base_url"] else { throw entry.error("an endpoint needs a base_url") }
                if let problem = BaseURL.problem(try url.string()) { throw url.error(problem) }
                return Endpoint(baseURL: try url.string(), concurrency: try entry["concurrency"].map(positive) ?? 16)
            }
            guard !judge.endpoints.isEmpty else { throw list.error("an empty list of endpoints") }
            judge.baseURL = judge.endpoints[0].baseURL
        }
        judge.model = try node["model"]?.string()
        if let list = node["models"] {
            guard judge.model == nil else { throw list.error("give either 'model' or 'models'") }
            judge.models = try list.list().map { try $0.string() }
            guard !judge.models.isEmpty else { throw list.error("an empty list of models") }
        }
        if let v = node["api_key_env"] {
            let name = try v.string()
            // A variable's name, not a key pasted in its place (which is not repeated here).
            guard name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil, name.count <= 64 else {
                throw v.error("not an environment variable's name (letters, digits and _, not starting with a digit); if this is a key, take it out of the file and put it in the environment")
            }
            judge.apiKeyEnv = name
        }
        if let v = node["concurrency"] { judge.limits.concurrency = try positive(v) }
        // As many workers as the endpoints take together; each request goes to one of them.
        if !judge.endpoints.isEmpty { judge.limits.concurrency = judge.endpoints.reduce(0) { $0 + $1.concurrency } }
        judge.limits.requestsPerMinute = try node["requests_per_minute"].map(positive)
        judge.limits.tokensPerMinute = try node["tokens_per_minute"].map(positive)
        if let v = node["timeout_seconds"] { judge.limits.timeout = try v.double() }
        if let v = node["max_attempts"] { judge.limits.retry.maxAttempts = try positive(v) }
        if let v = node["retry_base_seconds"] { judge.limits.retry.baseDelay = try v.double() }
        judge.seed = try node["seed"]?.int()
        judge.jsonResponseFormat = try node["json_response_format"]?.bool() ?? false
        judge.maxInputTokens = try node["max_input_tokens"].map(positive)
        if let v = node["oversized"] {
            let text = try v.string()
            guard let policy = OversizedPolicy(rawValue: text) else { throw v.error("expected error or skip (what becomes of a prompt over the input limit)") }
            judge.oversized = policy
        }
        if let v = node["recordings"] {
            let recordings = try v.string()
            judge.recordings = recordings.hasPrefix("/") ? recordings : FilePath.join(FilePath.parent(file), recordings)
        }
        if let v = node["recorded_variant"] {
            guard judge.provider == .replay else { throw v.error("only a replay judge has a recorded variant") }
            judge.recordedVariant = try v.string()
        }
        if let v = node["mode"] {
            let text = try v.string()
            guard let mode = JudgeMode(rawValue: text) else { throw v.error("unknown mode '\(text.excerpt())' (expected sync or batch)") }
            judge.mode = mode
        }
        judge.batch.maxRequests = try node["batch_max_requests"].map(positive)
        judge.batch.maxBytes = try node["batch_max_bytes"].map(positive)
        if let v = node["batch_poll_seconds"] {
            let seconds = try v.double()
            guard seconds >= 0 else { throw v.error("batch_poll_seconds may not be negative") }
            judge.batch.pollSeconds = seconds
        }
        if judge.mode == .batch, !judge.provider.hasBatchAPI, let v = node["mode"] {
            throw v.error("mode: batch needs a provider with a batch API (openai or anthropic), not \(judge.provider.rawValue)")
        }
        if let v = node["baseline"] {
            let text = try v.string()
            guard let baseline = Baseline(rawValue: text) else {
                throw v.error("unknown baseline '\(text.excerpt())' (expected one of: \(Baseline.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            judge.baseline = baseline
        }
        if judge.provider == .replay, judge.recordings == nil { throw node.error("a replay judge needs 'recordings' (judgments with outputs)") }
        if judge.provider == .baseline, judge.baseline == nil { throw node.error("a baseline judge needs 'baseline' (one of: \(Baseline.allCases.map(\.rawValue).joined(separator: ", ")))") }
        return judge
    }

    static let variantKeys = ["name", "template", "shots", "selection", "rubric", "order", "model", "temperature", "max_tokens", "judge", "output", "reason", "verdict", "tie_band", "samples", "rubric_text", "baseline"]
    /// The grid's axes, in odometer order (the last turns fastest).
    static let gridAxes = ["template", "shots", "selection", "rubric", "order", "judge", "model", "temperature", "max_tokens", "output", "verdict", "tie_band", "reason", "samples"]

    /// Expands `grid` (every combination, in the order written) and appends `list`.
    static func variants(_ node: YAMLNode, maxVariants: Int) throws -> [VariantSpec] {
        try node.requireKeys(in: ["grid", "list"])
        var specs: [VariantSpec] = []
        if let grid = node["grid"] {
            try grid.requireKeys(in: variantKeys.filter { $0 != "name" && $0 != "baseline" && $0 != "rubric_text" })
            func values(_ key: String) -> [YAMLNode?] {
                guard let value = grid[key] else { return [nil] }
                return value.list()
            }
            guard grid["template"] != nil else { throw grid.error("missing 'template'") }
            let axes = gridAxes.map { values($0) }
            let total = axes.reduce(1) { $0 * $1.count }
            guard total > 0 else { throw grid.error("the grid expands to no variants (a key has an empty list)") }
            guard total <= maxVariants else {
                throw grid.error("the grid expands to \(total) variants, more than max_variants (\(maxVariants)); raise max_variants or trim the grid")
            }
            var combination = [Int](repeating: 0, count: axes.count)
            for _ in 0..<total {
                let picked = zip(axes, combination).map { $0[$1] }
                specs.append(try spec(picked, names: gridAxes,
                                      name: nil, line: grid.line, field: "variants.grid"))
                // Odometer order: the last axis turns fastest.
                var i = axes.count - 1
                while i >= 0 {
                    combination[i] += 1
                    if combination[i] < axes[i].count { break }
                    combination[i] = 0
                    i -= 1
                }
            }
        }
        if let list = node["list"] {
            for item in list.list() {
                try item.requireKeys(in: variantKeys)
                var entry: VariantSpec
                if let baselineNode = item["baseline"] {
                    let text = try baselineNode.string()
                    guard let baseline = Baseline(rawValue: text) else {
                        throw baselineNode.error("unknown baseline '\(text.excerpt())' (expected one of: \(Baseline.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    // Baselines answer in the choice-ab form, in both orders unless told otherwise.
                    // A baseline answers a pointwise template too (a score on its scale), when named.
                    let template = try item["template"]?.string()
                    entry = try spec(["order"].map { item[$0] }, names: ["order"],
                                     name: try item["name"]?.string() ?? "baseline-\(baseline.rawValue)" + (template.map { ".\($0)" } ?? ""),
                                     line: item.line, field: item.path, template: template ?? "choice-ab")
                    if item["order"] == nil { entry.order = .both }
                    entry.baseline = baseline
                } else {
                    guard item["template"] != nil else { throw item.error("missing 'template' (or 'baseline')") }
                    entry = try spec(Array(variantKeys.dropFirst().dropLast()).map { item[$0] }, names: Array(variantKeys.dropFirst().dropLast()),
                                     name: try item["name"]?.string(), line: item.line, field: item.path)
                }
                specs.append(entry)
            }
        }
        guard !specs.isEmpty else { throw node.error("no variants: give a grid or a list") }
        guard specs.count <= maxVariants else { throw node.error("\(specs.count) variants, more than max_variants (\(maxVariants))") }
        return specs
    }

    static func spec(_ values: [YAMLNode?], names: [String], name: String?, line: Int?, field: String, template: String? = nil) throws -> VariantSpec {
        let v = Dictionary(uniqueKeysWithValues: zip(names, values))
        var spec = VariantSpec(name: name, baseline: nil, template: try template ?? v["template"]!!.string(), shots: 0, selection: .balanced, rubric: nil,
                               order: .original, model: nil, temperature: nil, maxTokens: nil, line: line, field: field)
        if let node = v["shots"] ?? nil {
            spec.shots = try node.int()
            guard spec.shots >= 0 else { throw node.error("may not be negative") }
        }
        if let node = v["selection"] ?? nil {
            let text = try node.string()
            guard let selection = ExampleSelection(rawValue: text) else { throw node.error("expected one of: \(ExampleSelection.names)") }
            spec.selection = selection
        }
        if let node = v["rubric"] ?? nil {
            let text = try node.string()
            spec.rubric = text == "none" ? nil : text
        }
        if let node = v["rubric_text"] ?? nil {
            // A rubric written out (a search's proposal in winner.yaml): its name is `rubric`, or its digest.
            let text = try node.string()
            guard !text.isBlank else { throw node.error("an empty rubric text (leave it out for no rubric)") }
            do { _ = try TemplateLibrary.compile(text, file: "rubric_text") } catch { throw node.error("the rubric text is not a valid Mustache template: \(InputError.reason(of: error) ?? "\(error)")") }
            spec.rubricText = text
            if spec.rubric == nil { spec.rubric = LibraryProposals.name(of: text) }
        }
        if let node = v["order"] ?? nil {
            let text = try node.string()
            guard let order = OrderPolicy(rawValue: text), OrderPolicy.pairwise.contains(order) else {
                throw node.error("expected original, swapped or both (a pointwise template judges each answer alone whatever the order)")
            }
            spec.order = order
        }
        spec.model = try (v["model"] ?? nil)?.string()
        spec.judge = try (v["judge"] ?? nil)?.string()
        if let node = v["output"] ?? nil {
            let text = try node.string()
            guard let mode = OutputMode(rawValue: text) else { throw node.error("expected free or json_schema") }
            spec.output = mode
        }
        if let node = v["verdict"] ?? nil {
            let text = try node.string()
            guard let source = VerdictSource(rawValue: text) else { throw node.error("expected parsed or logprobs") }
            spec.verdict = source
        }
        if let node = v["reason"] ?? nil {
            let text = try node.string()
            guard let placement = ReasonPlacement(rawValue: text) else { throw node.error("expected one of: \(ReasonPlacement.names)") }
            guard spec.output == .jsonSchema else { throw node.error("'reason' places a constrained reply's reason: it needs output: json_schema") }
            spec.reason = placement
            spec.reasonLine = node.line
        }
        if let node = v["temperature"] ?? nil {
            spec.temperature = try node.double()
            guard (0...2).contains(spec.temperature!) else { throw node.error("must be between 0 and 2") }
        }
        if let node = v["max_tokens"] ?? nil { spec.maxTokens = try maxTokens(node) }
        if let node = v["tie_band"] ?? nil {
            guard let band = TieBand(parsing: try node.string()) else { throw node.error("expected LO,HI with LO ≤ HI, e.g. '4.5,5.5'") }
            spec.tieBand = band
        }
        if let node = v["samples"] ?? nil {
            let k = try node.int()
            guard (1...100).contains(k) else { throw node.error("samples is a number of judgments per item and order, 1 to 100 (not \(k))") }
            spec.samples = k
            spec.samplesLine = node.line
        }
        return spec
    }
}
