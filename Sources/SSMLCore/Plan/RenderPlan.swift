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
    public var isResolved: Bool { Self.isResolved(segments) }

    static func isResolved(_ segments: [Segment]) -> Bool {
        segments.allSatisfy { segment in
            if case .audio(let clip) = segment { return clip.file != nil }
            return isResolved(segment.nested)
        }
    }

    /// Pretty JSON with sorted keys, so two plans diff line by line.
    public func json() throws -> Data {
        let encoder = Self.encoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The encoder for plans and what carries them: silence is a gain of `-inf` dB, which JSON has no number for.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The decoder that reads what ``encoder()`` writes.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

/// A stretch of a plan up to a call-control point: what is heard, then what the call does there (seven.io
/// `<dtmf>` collects keys, `<bridge>` transfers; an NCCO action that acts on the call). A call simulator walks a
/// plan step by step; a file render plays the steps one after another.
public struct PlanStep: Sendable, Equatable {
    public var segments: [Segment]
    /// The call control the step ends at; nil for the last step when the plan ends without one.
    public var control: CallControl?
}

extension Array where Element == Segment {
    /// The plan cut after each call-control segment.
    public var steps: [PlanStep] {
        var steps: [PlanStep] = []
        var current: [Segment] = []
        for segment in self {
            if case .callControl(let control) = segment {
                steps.append(PlanStep(segments: current, control: control))
                current = []
            } else {
                current.append(segment)
            }
        }
        if !current.isEmpty || steps.isEmpty { steps.append(PlanStep(segments: current, control: nil)) }
        return steps
    }
}
