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

/// Model → price, from the shipped `prices.yaml` with a study's `prices:` on top.
public struct PriceTable: Sendable {
    public var prices: [String: Price]

    public init(prices: [String: Price]) {
        self.prices = prices
    }

    /// The shipped table.
    public static func shipped() throws -> PriceTable {
        guard let url = Bundle.module.url(forResource: "prices", withExtension: "yaml") else {
            throw InputError(file: "prices.yaml", "the shipped price table is missing from JudgeLab's resources")
        }
        return try load(path: url.path)
    }

    public static func load(path: String) throws -> PriceTable {
        try PriceTable(prices: parse(try YAMLNode.load(path: path)))
    }

    /// Reads `MODEL: {input, cached_input, cache_write, output}` entries.
    static func parse(_ node: YAMLNode) throws -> [String: Price] {
        var prices: [String: Price] = [:]
        for (model, entry) in try node.members() {
            try entry.requireKeys(in: ["input", "cached_input", "cache_write", "output"])
            guard let input = entry["input"], let output = entry["output"] else { throw entry.error("needs input and output prices") }
            let values = try [input, output, entry["cached_input"], entry["cache_write"]].map { try $0.map { n -> Double in
                let value = try n.double()
                guard value >= 0 else { throw n.error("a price may not be negative") }
                return value
            } }
            prices[model] = Price(input: values[0]!, cachedInput: values[2], cacheWrite: values[3], output: values[1]!)
        }
        return prices
    }

    public func price(of model: String) -> Price? { prices[model] }

    public func merging(_ overrides: [String: Price]) -> PriceTable {
        PriceTable(prices: prices.merging(overrides) { $1 })
    }
}
