/// Bounds that keep hostile input from exhausting memory or stack.
public struct LoadLimits: Sendable {
    /// Containers nested deeper than this are an error.
    public var maxDepth: Int
    /// With aliases expanded, a document may hold this many nodes outright...
    public var maxExpandedNodes: Int
    /// ...and beyond it no more than this many times the nodes it really stores.
    public var maxExpansionRatio: Int

    /// Not a bound but a loading choice every loader call carries: whether a spare core may skim a big JSON
    /// `kind: List` (to learn that it is one) while the calling thread starts parsing its items.
    public var skimsListsOnSpareCore = false

    /// Where the loaders count the bytes they have parsed, for a progress line; `nil` counts nothing.
    public var progress: LoadProgress?

    public init(maxDepth: Int = 256, maxExpandedNodes: Int = 100_000, maxExpansionRatio: Int = 8) {
        self.maxDepth = maxDepth
        self.maxExpandedNodes = maxExpandedNodes
        self.maxExpansionRatio = maxExpansionRatio
    }

    public static let `default` = LoadLimits()
}

/// Why a document could not be read, and where.
public struct LoadProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String

    public init(position: SourcePosition, message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "\(position): \(message)" }
}
