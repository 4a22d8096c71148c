/// Caps that keep any input's render bounded in time, memory and disk. Documented in the README.
public struct Limits: Sendable, Equatable, Codable {
    /// Longest single `<break>`: longer ones are clamped, with a warning.
    public var maxBreakSeconds: Double = 60
    /// Largest `loop` count on a `<voice>`; larger is an error.
    public var maxLoop = 50
    /// Longest rendered output; a render that passes it stops with an error and leaves no file.
    public var maxOutputSeconds: Double = 4 * 3600
    /// Largest input document in bytes.
    public var maxInputBytes = 8 * 1024 * 1024
    /// Deepest element nesting.
    public var maxDepth = 128
    /// Most segments a plan may hold after loops are unrolled.
    public var maxSegments = 200_000

    public init() {}
    public static let standard = Limits()
}
