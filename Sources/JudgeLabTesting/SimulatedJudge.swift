// A simulated judge with a hidden quality per prompt: what `judgelab simulate` races the
// optimizer against, in the process (this type) and over HTTP (the test server's `--simulate`,
// which implements the same model).
import JudgeLab
import Crypto
import Foundation

/// The judge's model, the same here and in `Tests/Support/fake_judge_server.py --simulate`:
///
/// - The prompt's static part, the system message (template instructions, rubric, examples),
///   with the model and the temperature, fixes the candidate's hidden quality:
///   h = SHA-256("SALT|MODEL|TEMPERATURE(%.3f)|SYSTEM"); u1, u2 = its first two 8-byte words
///   (big-endian) / 2^64; content accuracy p = 0.50 + 0.30 · u1, parse failure rate f = 0.04 · u2.
/// - Items share what the model makes of them, whatever the prompt: a difficulty
///   z = Φ⁻¹(uz) and a position-bias draw ub, from SHA-256("SALT|item|ID") (its first two words).
///   Each judgment draws three uniforms from SHA-256("SALT|hex(h)|ID|ORDER"): e (noise), uf, uw.
/// - The reply: uf < f → an unparseable sentence; else ub < 0.10 → "A" (position bias); else
///   right when √0.9 · z + √0.1 · Φ⁻¹(e) < Φ⁻¹(p) (the human verdict as presented), otherwise the
///   first (uw < 0.5) or second of the two other verdicts in the order A, B, tie.
///
/// The item correlation 0.9 is what real prompt variants of one model show: on LLMBar Natural's
/// recordings (shipped), ChatGPT's and GPT-4's three prompts disagree about being right on 3–17%
/// of items, against 10–38% were their errors independent; here two prompts of equal accuracy
/// 0.75 disagree on about 14%.
///
/// In the original order, a candidate's expected agreement is (1 − f) · (0.10 · π₁ + 0.90 · p),
/// π₁ the population's share of items whose humans prefer answer 1: `trueAgreement`.
public struct SimulatedJudge: Judge {
    public let name: String
    public var limits: JudgeLimits
    let salt: UInt64
    let pairs: [String: Pair]
    public static let positionBias = 0.10
    static let itemCorrelation = 0.9

    let priced: Bool
    /// Whether what a rubric states matters (`CriteriaWorld`); such a judge also answers the
    /// search's proposer requests as `SimulatedProposer`.
    let criteria: CriteriaWorld?

    /// - Parameter priced: bill it at the price table's rate for the request's model, as an
    ///   endpoint is (budget tests); otherwise it costs nothing, as in-process judges do.
    public init(name: String, salt: UInt64, pairs: [Pair], limits: JudgeLimits = JudgeLimits(), priced: Bool = false, criteria: CriteriaWorld? = nil) {
        self.priced = priced
        self.criteria = criteria
        self.name = name
        self.salt = salt
        self.pairs = Dictionary(pairs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.limits = limits
    }

    public var isLocal: Bool { !priced }

    static func words(_ digest: some Sequence<UInt8>) -> [Double] {
        let bytes = Array(digest)
        return stride(from: 0, to: 32, by: 8).map { start in
            Double(bytes[start..<start + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) / 18_446_744_073_709_551_616.0
        }
    }

    static func hash(_ text: String) -> (hex: String, words: [Double]) {
        let digest = SHA256.hash(data: Data(text.utf8))
        return (Hex.string(digest), words(digest))
    }

    static func quantile(_ u: Double) -> Double { PairedComparison.normalQuantile(min(max(u, 1e-12), 1 - 1e-12)) }

    /// A prompt's hidden content accuracy and parse failure rate.
    public static func quality(system: String, model: String, temperature: Double, salt: UInt64) -> (p: Double, parseFailure: Double, key: String) {
        let h = hash("\(salt)|\(model)|\(String(format: "%.3f", temperature))|\(system)")
        return (0.50 + 0.30 * h.words[0], 0.04 * h.words[1], h.hex)
    }

    /// The expected agreement of a prompt judged in the original order.
    public static func trueAgreement(system: String, model: String, temperature: Double, salt: UInt64, shareOfAnswer1: Double) -> Double {
        let q = quality(system: system, model: model, temperature: temperature, salt: salt)
        return (1 - q.parseFailure) * (positionBias * shareOfAnswer1 + (1 - positionBias) * q.p)
    }

    /// The expected agreement of a prompt judged in the original order, in a world where its
    /// criteria matter: the mean over the aspects (equally many items each).
    public static func trueAgreement(system: String, model: String, temperature: Double, salt: UInt64, shareOfAnswer1: Double, world: CriteriaWorld) -> Double {
        let q = quality(system: CriteriaWorld.stripped(system), model: model, temperature: temperature, salt: salt)
        let stated = CriteriaWorld.stated(in: system)
        let p = (0..<CriteriaWorld.aspects).reduce(0.0) { $0 + world.accuracy(base: q.p, stated: stated, aspect: $1) } / Double(CriteriaWorld.aspects)
        return (1 - q.parseFailure) * (positionBias * shareOfAnswer1 + (1 - positionBias) * p)
    }

    public func answer(_ request: JudgeRequest) async -> JudgeAttempt {
        if let criteria, let text = SimulatedProposer.reply(to: request, world: criteria, salt: salt) {
            return JudgeAttempt(reply: .answer(text: text, usage: Usage(inputTokens: request.estimatedInputTokens, outputTokens: text.utf8.count / 4)))
        }
        guard let key = request.subject, let pair = pairs[key.item] else {
            return JudgeAttempt(reply: .permanent(reason: "the simulated judge knows no such item"))
        }
        let system = request.messages.first { $0.role == "system" }?.content ?? ""
        let text = Self.reply(system: system, model: request.model, temperature: request.temperature, salt: salt, pair: pair, order: key.order, seed: request.seed,
                              world: criteria)
        return JudgeAttempt(reply: .answer(text: text, usage: Usage(inputTokens: request.estimatedInputTokens, outputTokens: 1)))
    }

    /// - Parameter seed: a request's seed (a repeated sample's) draws its own noise; the item's
    ///   difficulty and the prompt's accuracy stay.
    static func reply(system: String, model: String, temperature: Double, salt: UInt64, pair: Pair, order: PresentedOrder, seed: Int? = nil,
                      world: CriteriaWorld? = nil) -> String {
        var q = quality(system: world == nil ? system : CriteriaWorld.stripped(system), model: model, temperature: temperature, salt: salt)
        if let world { q.p = world.accuracy(base: q.p, stated: CriteriaWorld.stated(in: system), aspect: CriteriaWorld.aspect(of: pair)) }
        let item = hash("\(salt)|item|\(pair.id)").words
        let z = quantile(item[0])
        let u = hash("\(salt)|\(q.key)|\(pair.id)|\(order.rawValue)" + (seed.map { "|\($0)" } ?? "")).words
        if u[1] < q.parseFailure { return "I cannot tell which is better." }
        if item[1] < positionBias { return "A" }
        let human = pair.humanVerdict()
        let shown = order == .original ? human : human.flipped
        let names: [Verdict: String] = [.answer1: "A", .answer2: "B", .tie: "tie"]
        let right = itemCorrelation.squareRoot() * z + (1 - itemCorrelation).squareRoot() * quantile(u[0]) < quantile(q.p)
        if right { return names[shown]! }
        let others = [Verdict.answer1, .answer2, .tie].filter { $0 != shown }
        return names[others[u[2] < 0.5 ? 0 : 1]]!
    }
}
