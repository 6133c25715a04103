// A plain XML element tree: the report's facts, ready for an XML writer at the edge.

/// An XML element with attributes, children and optional text. Text and attribute values are
/// cleaned of characters XML 1.0 cannot hold.
public struct XMLTree: Sendable, Equatable {
    public var name: String
    public var attributes: [Attribute]
    public var children: [XMLTree]
    public var text: String?

    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public init(_ name: String, _ attributes: [(String, String?)] = [], children: [XMLTree] = [], text: String? = nil) {
        self.name = name
        self.attributes = attributes.compactMap { key, value in value.map { Attribute(name: key, value: XMLTree.clean($0)) } }
        self.children = children
        self.text = text.map(XMLTree.clean)
    }

    /// Drops characters XML 1.0 does not allow (most control characters, U+FFFE, U+FFFF).
    public static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !allowed($0) }) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter(allowed))
        return String(scalars)
    }

    static func allowed(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || (s.value >= 0x20 && s.value != 0xFFFE && s.value != 0xFFFF)
    }
}

/// Takes a document element by element, so that a large one is never in memory whole (the
/// report of a million judgments is over 100 MB of XML).
public protocol XMLEventSink: AnyObject {
    func start(_ name: String, attributes: [XMLTree.Attribute]) throws
    func text(_ text: String) throws
    func end() throws
}

extension XMLEventSink {
    /// Sends a whole (small) tree.
    public func emit(_ tree: XMLTree) throws {
        try start(tree.name, attributes: tree.attributes)
        if let content = tree.text { try text(content) }
        for child in tree.children { try emit(child) }
        try end()
    }
}
