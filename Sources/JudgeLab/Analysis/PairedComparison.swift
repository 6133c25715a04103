// METRICS.md section 5: is variant A really better than B on the same items?
import Foundation

/// A paired A/B comparison of two variants over the items both judged.
public struct PairedComparison: Sendable {
    public var a: String
    public var b: String
    public var nItems: Int
    public var agreementA: Double?
    public var agreementB: Double?
    /// agreement(A) − agreement(B).
    public var delta: Double?
    public var deltaCI: (lo: Double, hi: Double)?
    /// Items A got right and B wrong, and the reverse.
    public var aOnly: Int
    public var bOnly: Int
    /// McNemar's exact two-sided p.
    public var p: Double
    public var alpha: Double

    /// Compares outcomes paired by item id; items only one variant judged are left out.
    public init(a: String, outcomesA: [ItemOutcome], b: String, outcomesB: [ItemOutcome], alpha: Double = 0.05,
                bootstrapResamples: Int = Bootstrap.defaultResamples, seed: UInt64 = Bootstrap.defaultSeed) {
        self.a = a
        self.b = b
        self.alpha = alpha
        let byID = Dictionary(outcomesB.map { ($0.pair.id, $0) }, uniquingKeysWith: { first, _ in first })
        let paired = outcomesA.compactMap { o in byID[o.pair.id].map { (o.agrees, $0.agrees) } }
        nItems = paired.count
        let rateA = VariantMetrics.rate(paired.count { $0.0 }, paired.count)
        let rateB = VariantMetrics.rate(paired.count { $0.1 }, paired.count)
        agreementA = rateA
        agreementB = rateB
        if let rateA, let rateB { delta = rateA - rateB }
        deltaCI = Bootstrap.interval(paired.map { Double($0.0 ? 1 : 0) - Double($0.1 ? 1 : 0) },
                                     resamples: bootstrapResamples, seed: seed)
        aOnly = paired.count { $0.0 && !$0.1 }
        bOnly = paired.count { !$0.0 && $0.1 }
        p = Self.mcNemarExact(aOnly, bOnly)
    }

    /// p = min(1, 2 · Σ_{k=0..min(b,c)} C(b+c, k) / 2^(b+c)); 1 when b + c = 0. Summed in log
    /// space so that large counts neither overflow nor underflow.
    public static func mcNemarExact(_ b: Int, _ c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        let logAll: Double = lgamma(Double(n + 1)) - Double(n) * log(2.0)
        let logTerms: [Double] = (0...min(b, c)).map { (k: Int) -> Double in
            let logChoose: Double = lgamma(Double(k + 1)) + lgamma(Double(n - k + 1))
            return logAll - logChoose
        }
        let top = logTerms.max()!
        let tail = exp(top) * logTerms.reduce(0) { $0 + exp($1 - top) }
        return min(1, 2 * tail)
    }

    /// "A beats B" only with p below alpha and a positive delta.
    public var aBeatsB: Bool { p < alpha && (delta ?? 0) > 0 }
    public var bBeatsA: Bool { p < alpha && (delta ?? 0) < 0 }

    /// Roughly how many paired items would show the observed difference at `alpha` with 80%
    /// power (Connor 1987, for McNemar's test), or nil when no difference was observed.
    public var itemsNeeded: Int? {
        guard nItems > 0 else { return nil }
        let pd = Double(aOnly + bOnly) / Double(nItems)
        let d = Double(aOnly - bOnly) / Double(nItems)
        guard d != 0, pd > 0 else { return nil }
        let zAlpha = Self.normalQuantile(1 - alpha / 2), zBeta = Self.normalQuantile(0.8)
        let root = zAlpha * pd.squareRoot() + zBeta * max(pd - d * d, 0).squareRoot()
        return Int((root * root / (d * d)).rounded(.up))
    }

    /// A plain sentence for people.
    public var sentence: String {
        guard let delta, let deltaCI else { return "\(a) and \(b) judged no items in common." }
        let points = String(format: "%+.1f points, %.0f%% CI [%+.1f, %+.1f], p = %@, on the same %d pairs",
                            delta * 100, (1 - alpha) * 100, deltaCI.lo * 100, deltaCI.hi * 100, Self.format(p: p), nItems)
        if aBeatsB { return "\(a) agrees with humans more often than \(b): \(points)." }
        if bBeatsA { return "\(b) agrees with humans more often than \(a): \(points)." }
        var text = "No significant difference between \(a) and \(b): \(points)."
        if let needed = itemsNeeded {
            if needed > nItems {
                text += " A difference this size would need about \(needed) pairs to tell (\(needed - nItems) more)."
            }
        } else {
            text += " They disagree with humans on exactly as many pairs each."
        }
        return text
    }

    static func format(p: Double) -> String {
        if p < 0.001 { return "< 0.001" }
        return String(format: p < 0.01 ? "%.3f" : "%.2f", p)
    }

    /// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
    public static func normalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - low { return -normalQuantile(1 - p) }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
