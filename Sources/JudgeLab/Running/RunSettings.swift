// What a run is given: its judges, its budget and prices; and what it reports back.
import Foundation

/// How a run talks to its judges.
public struct RunSettings: Sendable {
    /// Every judge the study's variants use, in the study's order, then the baselines' own.
    public var judges: [JudgeSettings]
    public var maxCostUSD: Double?
    public var prices: PriceTable
    /// The response cache's path (`ResponseCache`): the user's, `ResponseCache.none` for none
    /// (`--no-cache`, or no judge over HTTP); nil when the environment names no place for it
    /// (opening the run's store then says so).
    public var cachePath: String? = ResponseCache.none
    /// The models each judge over HTTP is asked for (what a budget needs prices of), and the
    /// study they come from, for errors.
    var modelsInUse: [(judge: String, model: String)] = []
    var file = "study"

    public init(judges: [JudgeSettings], prices: PriceTable) {
        self.judges = judges
        self.prices = prices
    }

    public func judge(named name: String) -> JudgeSettings? {
        judges.first { $0.name == name }
    }

    /// The judges that go over the network.
    public var httpJudges: [JudgeSettings] { judges.filter { !$0.provider.isLocal } }

    /// The judges that go through a batch API.
    public var batchJudges: [JudgeSettings] { judges.filter { $0.mode == .batch } }

    /// Every judge with a batch API put in batch mode (`--batch`); an error naming the first
    /// judge over HTTP without one.
    public mutating func setBatchMode(file: String) throws {
        for index in judges.indices where !judges[index].provider.isLocal {
            guard judges[index].provider.hasBatchAPI else {
                throw InputError(file: file, field: "judges.\(judges[index].name)",
                                 "--batch: judge '\(judges[index].name.excerpt())' (\(judges[index].provider.rawValue)) has no batch API; only openai and anthropic judges do")
            }
            judges[index].mode = .batch
        }
        try checkBudget()
    }

    /// The command line's overrides (`--max-cost`, `--concurrency`, `--no-cache`), checked as a
    /// study's keys are: a cap that is a number of dollars, 0 or more; a concurrency of 1 or more.
    public mutating func override(maxCost: Double?, concurrency: Int?, noCache: Bool = false) throws {
        if noCache { cachePath = ResponseCache.none }
        if let maxCost {
            guard maxCost.isFinite, maxCost >= 0 else {
                throw InputError(file: "--max-cost", "must be a number of dollars, 0 or more (not \(maxCost))")
            }
            maxCostUSD = maxCost
        }
        if let concurrency {
            guard concurrency > 0 else { throw InputError(file: "--concurrency", "must be at least 1 (not \(concurrency))") }
            setConcurrency(concurrency)
        }
        try checkBudget()
    }

    /// A budget can only be kept by a run that knows what each request may cost: with a cap,
    /// every model a judge over HTTP is asked for needs a price. Checked when the settings are
    /// made and after the command line's overrides, so `estimate` and `optimize --estimate`
    /// refuse what the run would, before any file is written.
    func checkBudget() throws {
        guard maxCostUSD != nil else { return }
        for (name, model) in modelsInUse {
            let judge = self.judge(named: name)
            guard judge?.price(of: model, in: prices) == nil else { continue }
            throw InputError(file: file, line: judge?.line, field: (judge?.field ?? "judge") + ".model",
                             "a budget is set but model '\(model.excerpt())' has no \(judge?.mode == .batch ? "batch " : "")price, so no request's cost can be bounded: add it under `prices:` (dollars per million input and output tokens\(judge?.mode == .batch ? ", with batch_input and batch_output" : "")), or run without a budget")
        }
    }

    /// Every judge's concurrency set to `value` (`--concurrency`), shared out over a judge's endpoints.
    public mutating func setConcurrency(_ value: Int) {
        for index in judges.indices {
            judges[index].limits.concurrency = value
            let count = judges[index].endpoints.count
            for e in judges[index].endpoints.indices { judges[index].endpoints[e].concurrency = max(1, value / count + (e < value % count ? 1 : 0)) }
        }
    }

    /// The judges, endpoints, keys, limits and prices a study asks for.
    /// - Parameter environment: where API keys are read from (their values are never stored).
    /// - Parameter proposer: a search's proposer judge and model, which no variant may use.
    public static func from(plan: StudyPlan, environment: [String: String], proposer: (judge: String, model: String)? = nil) throws -> RunSettings {
        let study = plan.study
        var judges: [JudgeSettings] = []
        var used = plan.judgesUsed
        if let proposer, !used.contains(where: { $0.name == proposer.judge }), let judge = study.judges.first(where: { $0.name == proposer.judge }) {
            used.append(judge)
        }
        for var judge in used {
            if !judge.provider.isLocal {
                judge.apiKey = judge.apiKeyVariable.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
                // A hosted API refuses every request without its key: say so before anything is
                // sent. A server on this machine (llama.cpp, vLLM, Ollama) usually needs none.
                let urls = judge.endpoints.isEmpty ? [judge.endpointURL] : judge.endpoints.map(\.baseURL)
                for url in urls where judge.apiKey == nil && !Self.isLoopback(url) {
                    throw InputError(file: study.file, line: judge.line, field: judge.field + ".api_key_env",
                                     "judge '\(judge.name.excerpt())': $\(judge.apiKeyVariable ?? "?") is not set (the key for \(url.excerpt()))")
                }
            }
            judges.append(judge)
        }
        var settings = RunSettings(judges: judges, prices: try PriceTable.shipped().merging(study.prices))
        settings.maxCostUSD = study.maxCostUSD
        settings.file = study.file
        let overHTTP = Set(settings.httpJudges.map(\.name))
        var seen = Set<String>()
        settings.modelsInUse = plan.variants.filter { overHTTP.contains($0.judge) && seen.insert($0.judge + "\u{0}" + $0.model).inserted }
            .map { ($0.judge, $0.model) }
        if let proposer, seen.insert(proposer.judge + "\u{0}" + proposer.model).inserted { settings.modelsInUse.append(proposer) }
        try settings.checkBudget()
        // Only answers from over HTTP are cached: a run of judges in the process needs none.
        settings.cachePath = settings.httpJudges.isEmpty ? ResponseCache.none : ResponseCache.path(study: study, environment: environment)
        return settings
    }

    /// Whether a base URL names this machine: 127.0.0.0/8, localhost or [::1].
    static func isLoopback(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }
}
