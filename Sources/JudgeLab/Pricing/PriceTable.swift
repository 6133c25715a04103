// Dollars per million tokens, per model, and the cost of a reply.
import Foundation

/// A model's prices in US dollars per million tokens.
public struct Price: Equatable, Sendable {
    public var input: Double
    public var cachedInput: Double
    public var cacheWrite: Double
    public var output: Double

    public init(input: Double, cachedInput: Double? = nil, cacheWrite: Double? = nil, output: Double) {
        self.input = input
        self.cachedInput = cachedInput ?? input
        self.cacheWrite = cacheWrite ?? input
        self.output = output
    }

    /// The cost of a reply's reported usage.
    public func cost(of usage: Usage) -> Double {
        let plain = max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens)
        return (Double(plain) * input + Double(usage.cachedInputTokens) * cachedInput
            + Double(usage.cacheWriteTokens) * cacheWrite + Double(usage.outputTokens) * output) / 1_000_000
    }

    /// The most a request can cost: every prompt token uncached, every allowed output token used.
    public func maximumCost(inputTokens: Int, maxOutputTokens: Int) -> Double {
        (Double(inputTokens) * max(input, cacheWrite) + Double(maxOutputTokens) * output) / 1_000_000
    }
}

/// Model → price, from the shipped `prices.yaml` with a study's `prices:` on top; and the price
/// through the provider's batch API, for the models that list one.
public struct PriceTable: Sendable {
    public var prices: [String: Price]
    /// Prices through the batch API (`batch_input`, `batch_output`): usually half.
    public var batchPrices: [String: Price]
    /// Each model's context window in tokens (`context`), prompt and reply together: what
    /// bounds a request's input (`JudgeSettings.inputLimit`).
    public var contexts: [String: Int]

    public init(prices: [String: Price], batchPrices: [String: Price] = [:], contexts: [String: Int] = [:]) {
        self.prices = prices
        self.batchPrices = batchPrices
        self.contexts = contexts
    }

    /// The shipped table.
    public static func shipped() throws -> PriceTable {
        guard let url = Bundle.module.url(forResource: "prices", withExtension: "yaml") else {
            throw InputError(file: "prices.yaml", "the shipped price table is missing from JudgeLab's resources")
        }
        return try load(path: url.path)
    }

    public static func load(path: String) throws -> PriceTable {
        try parse(try YAMLNode.load(path: path))
    }

    /// Reads `MODEL: {input, cached_input, cache_write, output, batch_input, batch_output, context}`
    /// entries. Through the batch API, cached input and cache writes are billed at the same
    /// ratio to their synchronous prices as input is.
    static func parse(_ node: YAMLNode) throws -> PriceTable {
        var table = PriceTable(prices: [:])
        for (model, entry) in try node.members() {
            try entry.requireKeys(in: ["input", "cached_input", "cache_write", "output", "batch_input", "batch_output", "context"])
            if let context = entry["context"] {
                let tokens = try context.int()
                guard tokens > 0 else { throw context.error("a context window is at least 1 token") }
                table.contexts[model] = tokens
            }
            guard let input = entry["input"], let output = entry["output"] else { throw entry.error("needs input and output prices") }
            let values = try [input, output, entry["cached_input"], entry["cache_write"], entry["batch_input"], entry["batch_output"]].map { try $0.map { n -> Double in
                let value = try n.double()
                guard value >= 0 else { throw n.error("a price may not be negative") }
                return value
            } }
            let price = Price(input: values[0]!, cachedInput: values[2], cacheWrite: values[3], output: values[1]!)
            table.prices[model] = price
            switch (values[4], values[5]) {
            case let (batchInput?, batchOutput?):
                let ratio = price.input > 0 ? batchInput / price.input : 1
                table.batchPrices[model] = Price(input: batchInput, cachedInput: price.cachedInput * ratio, cacheWrite: price.cacheWrite * ratio, output: batchOutput)
            case (nil, nil): break
            default: throw entry.error("give both batch_input and batch_output, or neither")
            }
        }
        return table
    }

    public func price(of model: String) -> Price? { prices[model] }

    /// The model's context window in tokens, if the table has it.
    public func context(of model: String) -> Int? { contexts[model] }

    /// The model's price through the provider's batch API, if the table has one.
    public func batchPrice(of model: String) -> Price? { batchPrices[model] }

    /// The table with `overrides` on top. A model whose price is overridden without batch
    /// prices has none: its shipped batch price belonged to the prices the study replaced, and
    /// an estimate or a budget must not mix the two (a batch run with a budget then asks for
    /// them). Contexts are the model's, not its price's: kept unless overridden.
    public func merging(_ overrides: PriceTable) -> PriceTable {
        var batch = batchPrices
        for model in overrides.prices.keys { batch[model] = nil }
        return PriceTable(prices: prices.merging(overrides.prices) { $1 }, batchPrices: batch.merging(overrides.batchPrices) { $1 },
                          contexts: contexts.merging(overrides.contexts) { $1 })
    }
}
