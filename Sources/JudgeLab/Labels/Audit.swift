// `judgelab audit`: what a human review says of the AI labels of a whole label run.
import Foundation

/// The accuracy of a label run's exported labels, estimated from a review.
///
/// The exported labels split into the reviewed targeted items (a census: every one was looked
/// at) and the rest, of which the review's random share is a sample stratified by the AI's
/// verdict. Accuracy over all N exported labels:
///   a = (C + Σ_v N_v · p_v) / N,
/// C the targeted items whose AI label equals the reviewer's, N_v the unreviewed-by-target
/// labels of verdict v, p_v the share right among the random checks of verdict v. Its variance
///   Var(a) = Σ_v (N_v / N)² · p̃_v (1 − p̃_v) / n_v · (1 − n_v / N_v),
/// with p̃_v = (x_v + 2) / (n_v + 4) (Agresti–Coull, so that a stratum all right or all wrong
/// still has a width); the 95% interval is a ± 1.96 √Var(a), clipped to [0, 1]. A stratum with
/// no random check leaves the estimate undefined. A reviewer's tie makes a decisive AI label wrong.
///
/// The preference share (labels preferring answer 1) corrected for that accuracy, errors taken
/// as symmetric (Rogan–Gladen): π = (s − (1 − a)) / (2a − 1), clipped to [0, 1]; nil when a ≤ 0.5.
public struct AuditEstimate: Codable, Sendable, Equatable {
    public var exported: Int
    public var targetedReviewed: Int
    public var targetedRight: Int
    public var randomReviewed: Int
    public var randomRight: Int
    public var accuracy: Double?
    public var interval: [Double]?
    /// Labels preferring answer 1, as exported, and corrected.
    public var shareAnswer1: Double?
    public var correctedShareAnswer1: Double?

    enum CodingKeys: String, CodingKey {
        case exported, targetedReviewed = "targeted_reviewed", targetedRight = "targeted_right", randomReviewed = "random_reviewed",
             randomRight = "random_right", accuracy, interval, shareAnswer1 = "share_answer_1", correctedShareAnswer1 = "corrected_share_answer_1"
    }

    /// - Parameters:
    ///   - exported: the run's exported labels (item id → the AI's verdict, 1 or 2).
    ///   - reviewed: the reviewer's verdicts, and whether each item was a random check.
    public init(exported: [(id: String, verdict: Verdict)], reviewed: [(id: String, verdict: Verdict, random: Bool)]) {
        self.exported = exported.count
        let ai = Dictionary(exported.map { ($0.id, $0.verdict) }, uniquingKeysWith: { a, _ in a })
        let onExported = reviewed.filter { ai[$0.id] != nil }
        let targeted = onExported.filter { !$0.random }
        let random = onExported.filter(\.random)
        targetedReviewed = targeted.count
        targetedRight = targeted.count { ai[$0.id] == $0.verdict }
        randomReviewed = random.count
        randomRight = random.count { ai[$0.id] == $0.verdict }
        let n = Double(exported.count)
        shareAnswer1 = exported.isEmpty ? nil : Double(exported.count { $0.verdict == .answer1 }) / n
        let targetedIDs = Set(targeted.map(\.id))
        var point = Double(targetedRight)
        var variance = 0.0
        var defined = !exported.isEmpty
        for verdict in [Verdict.answer1, .answer2] {
            let population = exported.filter { $0.verdict == verdict && !targetedIDs.contains($0.id) }.count
            guard population > 0 else { continue }
            let checks = random.filter { ai[$0.id] == verdict }
            guard !checks.isEmpty else { defined = false; continue }
            let right = Double(checks.count { $0.verdict == verdict })
            let k = Double(checks.count), big = Double(population)
            point += big * right / k
            let adjusted = (right + 2) / (k + 4)
            variance += (big / n) * (big / n) * adjusted * (1 - adjusted) / k * max(0, 1 - k / big)
        }
        guard defined else {
            accuracy = nil
            interval = nil
            correctedShareAnswer1 = nil
            return
        }
        let a = point / n
        accuracy = a
        let half = 1.96 * variance.squareRoot()
        interval = [max(0, a - half), min(1, a + half)]
        if let s = shareAnswer1, a > 0.5 {
            correctedShareAnswer1 = min(1, max(0, (s - (1 - a)) / (2 * a - 1)))
        } else {
            correctedShareAnswer1 = nil
        }
    }
}
