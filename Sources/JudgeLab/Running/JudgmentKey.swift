// Identifies one judgment of a run: its variant, its item and the order its answers were shown in.

/// Identifies one judgment of a run.
public struct JudgmentKey: Hashable, Sendable {
    public var variant: String
    public var item: String
    public var order: PresentedOrder

    public init(variant: String, item: String, order: PresentedOrder) {
        self.variant = variant
        self.item = item
        self.order = order
    }
}
