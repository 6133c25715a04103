// Identifies one judgment of a run: its variant, its item and the order its answers were shown in.

/// Identifies one judgment of a run.
public struct JudgmentKey: Hashable, Sendable {
    public var variant: String
    public var item: String
    public var order: PresentedOrder
    /// A sampled variant's sample number, 0..k−1 (METRICS.md §8); nil for one judgment an order.
    public var sample: Int?

    public init(variant: String, item: String, order: PresentedOrder, sample: Int? = nil) {
        self.variant = variant
        self.item = item
        self.order = order
        self.sample = sample
    }
}
