import Foundation

/// What a document or NCCO will do, in order: the output of planning, before any sound is made.
///
/// A plan is data: `ssml text --json` prints it, and render workers receive it (resolved: every clip names its
/// file). It holds no engine detail: voices are catalog voices, prosody is factors, pronunciations are IPA.
public struct RenderPlan: Sendable, Equatable, Codable {
    /// Identifies the JSON form; `version` changes when fields change meaning.
    public var format = "swift-ssml-plan"
    public var version = 1
    public var segments: [Segment]

    public init(segments: [Segment]) { self.segments = segments }

    /// Whether every clip names its file (audio references are resolved).
    public var isResolved: Bool {
        segments.allSatisfy { if case .audio(let clip) = $0 { clip.file != nil } else { true } }
    }

    /// Pretty JSON with sorted keys, so two plans diff line by line.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
