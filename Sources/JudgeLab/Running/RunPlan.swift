// Plan compilation: a study plan's judgments as tasks, and what of them is left to send. `run`
// and `estimate` share this grouping, so that an estimate is what a run will do.

extension Runner {
    /// Every judgment of a plan, item by item (so that a stopped run has every variant's share).
    public static func tasks(for plan: StudyPlan, settings: RunSettings) throws -> [RunTask] {
        try tasks(variants: plan.variants, items: plan.items, library: plan.library, settings: settings, file: plan.study.file)
    }

    /// Every judgment of `variants` on `items`, item by item.
    public static func tasks(variants: [Variant], items: [Pair], library: TemplateLibrary, settings: RunSettings, file: String) throws -> [RunTask] {
        let source = try TaskSource(variants: variants, items: items, library: library, settings: settings, file: file)
        var tasks: [RunTask] = []
        tasks.reserveCapacity(source.count)
        for index in 0..<source.count { tasks.append(try source.task(at: index)) }
        return tasks
    }

    /// What a run of `tasks` would do now, counted as the run counts them: the judgments
    /// answered before and from the cache, the distinct requests to send, and how many more
    /// judgments share one of those requests (answered by it, not by the cache), and how many
    /// are left out for being over their judge's input limit (`oversized: skip`).
    public static func estimate(_ tasks: [RunTask], store: (any RunStore)?) throws -> (answered: Int, cached: Int, toSend: [RunTask], shared: Int, skipped: Int) {
        let work = try RunWork(tasks, store: store)
        let shared = work.groups.reduce(0) { $0 + $1.count - 1 }
        return (work.answeredBefore, work.cached.count, work.groups.map { $0[0] }, shared, work.skipped)
    }
}

extension ProviderKind {
    /// The provider's part of a request's cache identity.
    func identity(baseline: Baseline?) -> String {
        self == .baseline ? (baseline ?? .longer).judgeName : rawValue
    }
}

/// What is left of a run's tasks: those answered before (a resumed run), those the cache
/// answers, and the distinct requests to send, each with every task that shares it.
struct RunWork {
    var answeredBefore: Int
    /// Indexes into the tasks, with the cached reply of each.
    var cached: [(task: Int, reply: CachedReply)]
    /// The distinct requests to send, in task order: an identical request is sent once and
    /// answers each of its tasks.
    var groups: [[RunTask]]
    /// Over their judge's input limit, with `oversized: skip`: left out.
    var skipped = 0

    init(_ tasks: [RunTask], store: (any RunStore)?) throws {
        let answered = try store?.answeredKeys() ?? []
        var open: [Int] = []
        open.reserveCapacity(tasks.count)
        for index in tasks.indices where !answered.contains(tasks[index].key) { open.append(index) }
        answeredBefore = tasks.count - open.count
        let replies = try store?.cachedReplies(forHashes: open.filter { tasks[$0].cacheable && !tasks[$0].oversized }.map { tasks[$0].hash }) ?? [:]
        cached = []
        groups = []
        var groupIndex: [String: Int] = [:]
        for index in open {
            let task = tasks[index]
            if task.oversized {
                skipped += 1
            } else if task.cacheable, let reply = replies[task.hash] {
                cached.append((index, reply))
            } else if let group = groupIndex[task.hash] {
                groups[group].append(task)
            } else {
                groupIndex[task.hash] = groups.count
                groups.append([task])
            }
        }
    }

    /// The groups each judge sends, in `judges`' order.
    func queues(for judges: [String]) -> [[[RunTask]]] {
        let index = Dictionary(judges.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var queues = [[[RunTask]]](repeating: [], count: judges.count)
        for group in groups {
            if let judge = index[group[0].judge] { queues[judge].append(group) }
        }
        return queues
    }
}

/// Every judgment of a plan, made when asked for: task `i` is the `i`th of `Runner.tasks`, item
/// by item, without holding every prompt at once (a batch run of a million judgments keeps only
/// the ones it is writing or reading).
public struct TaskSource: Sendable {
    private let builders: [PromptBuilder]
    private let judges: [JudgeSettings]
    private let items: [Pair]
    private let prices: PriceTable
    /// The study, for errors.
    private let file: String
    /// Each judgment of an item, in order: the variant, the order it is shown in, and the sample
    /// number of a sampled variant.
    private let slots: [(variant: Int, order: PresentedOrder, sample: Int?)]

    public var count: Int { items.count * slots.count }

    public init(plan: StudyPlan, settings: RunSettings) throws {
        try self.init(variants: plan.variants, items: plan.items, library: plan.library, settings: settings, file: plan.study.file)
    }

    public init(variants: [Variant], items: [Pair], library: TemplateLibrary, settings: RunSettings, file: String) throws {
        builders = try variants.map { try PromptBuilder(variant: $0, library: library) }
        judges = try builders.map { builder -> JudgeSettings in
            guard let judge = settings.judge(named: builder.variant.judge) else {
                throw InputError(file: file, field: "judge", "variant '\(builder.variant.name.excerpt())' names judge '\(builder.variant.judge.excerpt())', which the run does not have")
            }
            return judge
        }
        self.items = items
        self.file = file
        prices = settings.prices
        slots = variants.indices.flatMap { index in
            variants[index].order.orders.flatMap { order in
                variants[index].samples > 1 ? (0..<variants[index].samples).map { (index, order, Optional($0)) } : [(index, order, nil)]
            }
        }
    }

    /// Task `index`'s key, without making its prompt.
    public func key(at index: Int) -> JudgmentKey {
        let (variantIndex, order, sample) = slots[index % slots.count]
        return JudgmentKey(variant: builders[variantIndex].variant.name, item: items[index / slots.count].id, order: order, sample: sample)
    }

    /// The name of the judge that answers task `index`, without making its prompt.
    public func judge(at index: Int) -> String { judges[slots[index % slots.count].variant].name }

    /// Task `index`, its prompt made now.
    public func task(at index: Int) throws -> RunTask {
        let pair = items[index / slots.count]
        let (variantIndex, order, sample) = slots[index % slots.count]
        let builder = builders[variantIndex], judge = judges[variantIndex]
        let variant = builder.variant
        let key = JudgmentKey(variant: variant.name, item: pair.id, order: order, sample: sample)
        // A sample's seed is the judge's plus its number: each sample its own draw, the same
        // draw again on a resumed run (where the provider honours a seed).
        var request = JudgeRequest(provider: judge.provider.identity(baseline: judge.baseline), baseURL: judge.provider.isLocal ? "" : judge.endpointURL,
                                   model: variant.model, temperature: variant.temperature, maxTokens: variant.maxTokens,
                                   seed: sample.map { (judge.seed ?? 0) + $0 } ?? judge.seed,
                                   jsonResponseFormat: judge.jsonResponseFormat && variant.template.parser.kind == .score,
                                   messages: try builder.messages(for: pair, order: order),
                                   // A recording answers one judgment: keep replayed variants apart in the cache.
                                   subject: key, subjectIsIdentity: judge.provider == .replay)
        if variant.output == .jsonSchema { request.responseSchema = variant.replySchema }
        if variant.verdict == .logprobs { request.topLogprobs = 20 }
        request.scoreScale = variant.template.scale
        let price = judge.provider.isLocal && !judge.pricedReplay ? Price(input: 0, output: 0) : judge.price(of: variant.model, in: prices)
        let parser = variant.output == .jsonSchema ? variant.template.parser.structuredReplies() : variant.template.parser
        var task = RunTask(key: key, judge: judge.name, request: request, hash: request.hash, parser: parser,
                           maximumCost: price?.maximumCost(inputTokens: request.estimatedInputTokens, maxOutputTokens: variant.maxTokens),
                           verdictFromLogprobs: variant.verdict == .logprobs, allowsTie: variant.template.allowsTie,
                           cacheable: !judge.provider.isLocal)
        task.oversized = try isOversized(inputTokens: request.estimatedInputTokens, item: pair, variant: variantIndex)
        task.pointwiseScale = variant.template.scale
        return task
    }

    /// Checks task `index`'s prompt against its judge's input limit without making the rest of
    /// the task (no hash): what a batch run does for all its tasks before anything is sent.
    /// - Returns: whether it is over the limit (and to be skipped).
    public func checkInputLimit(at index: Int) throws -> Bool {
        let pair = items[index / slots.count]
        let (variantIndex, order, _) = slots[index % slots.count]
        let variant = builders[variantIndex].variant
        guard judges[variantIndex].inputLimit(model: variant.model, maxTokens: variant.maxTokens, in: prices) != nil else { return false }
        let tokens = JudgeRequest.estimatedInputTokens(try builders[variantIndex].messages(for: pair, order: order))
        return try isOversized(inputTokens: tokens, item: pair, variant: variantIndex)
    }

    /// Whether a prompt of about `inputTokens` is over its judge's input limit: an error naming
    /// the item, unless the judge says `oversized: skip`.
    private func isOversized(inputTokens: Int, item pair: Pair, variant variantIndex: Int) throws -> Bool {
        let judge = judges[variantIndex], variant = builders[variantIndex].variant
        guard let limit = judge.inputLimit(model: variant.model, maxTokens: variant.maxTokens, in: prices),
              inputTokens > limit else { return false }
        guard judge.oversized == .skip else {
            let why = judge.maxInputTokens != nil ? "its max_input_tokens"
                : "model '\(variant.model.excerpt())''s context of \(prices.context(of: variant.model) ?? 0) tokens less max_tokens \(variant.maxTokens)"
            throw InputError(file: file, line: judge.line, field: judge.field + ".max_input_tokens",
                             "item '\(pair.id.excerpt())' (variant '\(variant.name.excerpt())'): its prompt is about \(inputTokens) input tokens (UTF-8 bytes / 4), over judge '\(judge.name.excerpt())''s limit of \(limit) (\(why)); nothing was sent: shorten the item, give max_input_tokens if the model takes more, or set oversized: skip to leave such judgments out, counted")
        }
        return true
    }
}

/// A set of task indexes as one bit each: a million tasks in 125 KB.
struct TaskBits {
    private var words: [UInt64]

    init(count: Int) {
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    func contains(_ index: Int) -> Bool { words[index >> 6] & (1 << UInt64(index & 63)) != 0 }
    mutating func insert(_ index: Int) { words[index >> 6] |= 1 << UInt64(index & 63) }
    mutating func remove(_ index: Int) { words[index >> 6] &= ~(1 << UInt64(index & 63)) }
}
