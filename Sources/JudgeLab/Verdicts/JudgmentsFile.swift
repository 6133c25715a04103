// Reading and writing judgments in METRICS.md section 1's JSONL form.
import Foundation

/// Judgments as JSONL: one object per answered request. Made by JudgeLab or by anything else.
public enum JudgmentsFile {
    /// Loads a judgments file, all or nothing.
    /// - Parameters:
    ///   - parser: reads `output` when a line has neither `score` nor `choice`.
    ///   - items: when given, every judgment's item must be one of these ids.
    public static func load(path: String, parser: OutputParser? = nil, items known: Set<String>? = nil) throws -> [Judgment] {
        var judgments: [Judgment] = []
        // A judgment's (variant, item, order) packed into one integer, with the line it is on:
        // a million judgments' keys as strings would take more memory than the judgments.
        var seen: [UInt64: Int32] = [:]
        // Each name is kept once and shared by its judgments (an id of over 15 bytes would
        // otherwise be a separate allocation in every judgment).
        var variants = Interner(), items = Interner()
        var formulation: [Int: Bool] = [:]
        // Sampled judgments (METRICS.md §8) are few: their keys with the sample number apart.
        var seenSamples: [[UInt64]: Int32] = [:]
        var sampled: [Int: Bool] = [:]
        try DatasetLoader.forEachJSONRecord(path: path) { record in
            var judgment = try decode(record, parser: parser)
            if let known, !known.contains(judgment.item) {
                throw record.error("item", "'\(judgment.item.excerpt())' is not an item of the data set")
            }
            let variant = variants.intern(&judgment.variant), item = items.intern(&judgment.item)
            let key = UInt64(variant) << 40 | UInt64(item) << 1 | UInt64(judgment.order.slot)
            if let sample = judgment.sample {
                if let first = seenSamples.updateValue(Int32(clamping: record.line), forKey: [key, UInt64(sample)]) {
                    throw record.error("sample", "a second sample \(sample) of item '\(judgment.item.excerpt())' in the \(judgment.order.rawValue) order for variant '\(judgment.variant.excerpt())' (first on line \(first))")
                }
            } else if let first = seen.updateValue(Int32(clamping: record.line), forKey: key) {
                throw record.error("item", "a second judgment of item '\(judgment.item.excerpt())' \(judgment.order.answer.map { "of answer \($0)" } ?? "in the \(judgment.order.rawValue) order") for variant '\(judgment.variant.excerpt())' (first on line \(first))")
            }
            if let pointwise = formulation.updateValue(judgment.order.isPointwise, forKey: variant), pointwise != judgment.order.isPointwise {
                throw record.error(judgment.order.isPointwise ? "answer" : "order", "variant '\(judgment.variant.excerpt())' has pointwise judgments (with 'answer') and pairwise ones (with 'order'): one variant judges one way")
            }
            if let before = sampled.updateValue(judgment.sample != nil, forKey: variant), before != (judgment.sample != nil) {
                throw record.error("sample", "variant '\(judgment.variant.excerpt())' has judgments with a sample number and without: a sampled variant numbers every judgment")
            }
            judgments.append(judgment)
        }
        guard !judgments.isEmpty else { throw InputError(file: path, line: 1, "the file holds no judgments") }
        return judgments
    }

    /// Numbers strings in the order first seen and hands back one shared copy of each.
    struct Interner {
        private var ids: [String: Int] = [:]
        private var names: [String] = []

        /// The string's number; `name` becomes the shared copy.
        mutating func intern(_ name: inout String) -> Int {
            if let id = ids[name] {
                name = names[id]
                return id
            }
            ids[name] = names.count
            names.append(name)
            return names.count - 1
        }
    }

    static func decode(_ record: Record, parser: OutputParser?) throws -> Judgment {
        guard case .object = record.fields else {
            throw record.error(nil, "expected a JSON object, found \(record.fields.kindName)")
        }
        let item = try record.string("item")
        let variant = try record.string("variant")
        let order: PresentedOrder
        if record.has("answer") {
            // METRICS.md §7: a pointwise judgment names the answer it judged alone, and no order.
            let answer = try record.string("answer")
            guard let judged = PresentedOrder.allCases.first(where: { $0.answer == answer }) else {
                throw record.error("answer", "'\(answer.excerpt())' is not an answer: expected \"1\" or \"2\"")
            }
            if record.has("order") { throw record.error("order", "a pointwise judgment (with 'answer') has no order") }
            order = judged
        } else {
            let orderText = try record.string("order")
            guard let presented = PresentedOrder(rawValue: orderText), !presented.isPointwise else {
                throw record.error("order", "'\(orderText.excerpt())' is not an order: expected \"original\" or \"swapped\" (or 'answer' for a pointwise judgment)")
            }
            order = presented
        }
        let output = try record.optionalString("output") ?? (record.has("output") ? "" : nil)
        let failure = try record.optionalString("parse_error")
        var reason = try record.optionalString("reason")
        let hasScore = record.fields["score"] != nil, hasChoice = record.fields["choice"] != nil
        if hasScore, hasChoice { throw record.error("choice", "a judgment carries a score or a choice, not both") }
        let reading: JudgeReading
        if hasScore {
            if let value = record.value("score") {
                let score = try record.number(value, "score")
                // A pointwise score is on its template's scale, which the file does not say.
                guard order.isPointwise || ScoreOutput.scale.contains(score) else { throw record.error("score", "\(score.shortText) is outside 1..9") }
                reading = .score(score)
            } else {
                reading = .unparsed(.score, reason: failure ?? "did not parse")
            }
        } else if hasChoice {
            if let value = record.value("choice") {
                guard case let .string(text) = value, let choice = Choice(rawValue: text) else {
                    throw record.error("choice", "expected \"first\", \"second\" or \"tie\" (or null), found \(value.stringValue.map { "'\($0.excerpt())'" } ?? value.kindName)")
                }
                reading = .choice(choice)
            } else {
                reading = .unparsed(.choice, reason: failure ?? "did not parse")
            }
        } else {
            guard let output else {
                throw record.error(nil, "a judgment needs a score or a choice, or an output to parse")
            }
            guard let parser else {
                throw record.error("output", "this judgment has only an output: name a parser (--parser json-score or choice) to read it")
            }
            let parsed = parser.parse(output)
            reading = parsed.reading
            reason = reason ?? parsed.reason
        }
        func count(_ key: String) throws -> Int? {
            guard record.has(key) else { return nil }
            let value = try record.number(key)
            guard value >= 0, value == value.rounded() else { throw record.error(key, "expected a whole number of 0 or more, found \(value.shortText)") }
            return Int(value)
        }
        func amount(_ key: String) throws -> Double? {
            guard record.has(key) else { return nil }
            let value = try record.number(key)
            guard value >= 0 else { throw record.error(key, "may not be negative, found \(value.shortText)") }
            return value
        }
        var judgment = Judgment(item: item, variant: variant, order: order, output: output, reading: reading, reason: reason,
                                inputTokens: try count("input_tokens"), outputTokens: try count("output_tokens"),
                                costUSD: try amount("cost_usd"), latencyMS: try amount("latency_ms"))
        if order.isPointwise, record.has("sample") { throw record.error("sample", "a pointwise judgment has no sample number (repeated samples are of pairs)") }
        judgment.sample = try count("sample")
        if record.has("probabilities") {
            guard let distribution = VerdictDistribution(json: record.fields),
                  distribution.probabilities.allSatisfy({ (0...1).contains($0.probability) }) else {
                throw record.error("probabilities", "expected an object of verdicts and their probabilities, each 0..1")
            }
            judgment.distribution = distribution
        }
        return judgment
    }

    /// One judgment as a JSONL object, keys in a fixed order.
    public static func object(_ judgment: Judgment) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("item", .string(judgment.item)),
            ("variant", .string(judgment.variant)),
        ]
        members.append(judgment.order.answer.map { ("answer", .string($0)) } ?? ("order", .string(judgment.order.rawValue)))
        if let sample = judgment.sample { members.append(("sample", .number(Double(sample)))) }
        if let output = judgment.output { members.append(("output", .string(output))) }
        switch judgment.reading {
        case let .score(score): members.append(("score", .number(score)))
        case let .choice(choice): members.append(("choice", .string(choice.rawValue)))
        case let .unparsed(kind, reason):
            members.append((kind.rawValue, .null))
            members.append(("parse_error", .string(reason)))
        }
        if let reason = judgment.reason { members.append(("reason", .string(reason))) }
        if let tokens = judgment.inputTokens { members.append(("input_tokens", .number(Double(tokens)))) }
        if let tokens = judgment.outputTokens { members.append(("output_tokens", .number(Double(tokens)))) }
        if let cost = judgment.costUSD { members.append(("cost_usd", .number(cost))) }
        if let latency = judgment.latencyMS { members.append(("latency_ms", .number(latency))) }
        if case let .object(verdict)? = judgment.distribution?.json { members += verdict }
        return .object(members)
    }

    /// Writes `judgments` as JSONL to `path` (atomically), a buffer at a time: a million
    /// judgments never become one string in memory.
    public static func write(_ judgments: [Judgment], to path: String) throws {
        let temporary = try AtomicFile.temporaryPath(for: path)
        guard let file = fopen(temporary, "wb") else {
            throw InputError(file: path, "cannot write here (is the folder writable, is the disk full?)")
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var failed = false
        func flush() {
            if !buffer.isEmpty, buffer.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, file) }) != buffer.count { failed = true }
            buffer.removeAll(keepingCapacity: true)
        }
        for judgment in judgments {
            buffer += object(judgment).compactBytes
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 { flush() }
        }
        flush()
        if fclose(file) != 0 || failed {
            unlink(temporary)
            throw InputError(file: path, "cannot write here (is the folder writable, is the disk full?)")
        }
        try AtomicFile.commit(temporary, to: path)
    }

    public static func text(_ judgments: [Judgment]) -> String {
        var out = ""
        for judgment in judgments {
            out += object(judgment).compactText
            out += "\n"
        }
        return out
    }
}
