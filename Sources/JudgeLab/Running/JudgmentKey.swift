//

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
