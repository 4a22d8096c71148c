import Foundation

/// Sounds that play at the same time, mixed into one output.
///
/// Two shapes are planned: background audio under a whole document (Azure `mstts:backgroundaudio`: the `lead` is the
/// document, one layer loops under it and fades out after it), and Google's timed containers (`par`, `seq`, `media`:
/// no lead, every layer placed by its `begin`, possibly overlapping).
///
/// ```json
/// {"kind": "parallel", "lead": [], "layers": [{"begin": {"offset": 0.5}, "id": "question", "content": [...]}]}
/// ```
public struct Mix: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Azure background audio: the layers play under the lead and go on for their fade-out after it.
        case background
        /// Google `<par>`: every layer starts at its `begin` from the start of the container (or from another layer).
        case parallel
        /// Google `<seq>`: each layer starts at its `begin` from the end of the one before it.
        case sequence
    }

    public var kind: Kind
    /// Played in order as usual; its length is the mix's (background audio). Empty for Google's containers.
    public var lead: [Segment]
    public var layers: [MixLayer]
    /// Seconds the mix goes on after the lead ends (Azure's background `fadeout`).
    public var tail: Double
    public var location: SourceLocation

    public init(kind: Kind, lead: [Segment] = [], layers: [MixLayer], tail: Double = 0, location: SourceLocation) {
        self.kind = kind
        self.lead = lead
        self.layers = layers
        self.tail = tail
        self.location = location
    }
}

/// One layer of a ``Mix``: content played in order, placed in time, repeated, cut, faded and levelled.
public struct MixLayer: Sendable, Equatable, Codable {
    /// `xml:id`, for other layers' `begin`/`end` (`question.end+2s`).
    public var id: String?
    public var content: [Segment]
    public var begin: MixTime
    /// Where the layer's active time ends: its content is cut there, or followed by silence up to it.
    public var end: MixTime?
    /// Times the content plays back to back (Google rounds `repeatCount` to a whole number).
    public var repeatCount: Int
    /// A limit on the repeated content's length (`repeatDur`).
    public var repeatSeconds: Double?
    /// Plays again and again until the mix ends (background audio shorter than the document).
    public var loops: Bool
    public var gainDB: Double
    /// Seconds over which the layer rises from silence at its start and falls to silence at its end; a layer shorter
    /// than its fade-out starts below its level, so that it still ends in silence (Google's rule).
    public var fadeIn: Double
    public var fadeOut: Double
    public var location: SourceLocation

    public init(
        id: String? = nil, content: [Segment], begin: MixTime = MixTime(), end: MixTime? = nil, repeatCount: Int = 1, repeatSeconds: Double? = nil,
        loops: Bool = false, gainDB: Double = 0, fadeIn: Double = 0, fadeOut: Double = 0, location: SourceLocation
    ) {
        self.id = id
        self.content = content
        self.begin = begin
        self.end = end
        self.repeatCount = repeatCount
        self.repeatSeconds = repeatSeconds
        self.loops = loops
        self.gainDB = gainDB
        self.fadeIn = fadeIn
        self.fadeOut = fadeOut
        self.location = location
    }
}

/// A point in a mix's time: an offset from the container's base (its start in a `par`, the end of the layer before in
/// a `seq`), or from the begin or end of the layer named `id` (a SMIL syncbase, `intro.end+0.5s`).
public struct MixTime: Sendable, Equatable, Codable {
    public enum Edge: String, Sendable, Codable { case begin, end }
    /// The layer the time is taken from; nil for the container's base.
    public var id: String?
    public var edge: Edge?
    public var offset: Double

    public init(id: String? = nil, edge: Edge? = nil, offset: Double = 0) {
        self.id = id
        self.edge = edge
        self.offset = offset
    }

    /// Reads a SMIL time as Google documents it: an offset `+2.5s`, `-1.5s`, `250ms`, `1min`, `1h` (seconds by default),
    /// or a syncbase `id.begin+1s`, `id.end-250ms`. Nil when `text` is neither.
    public static func parse(_ text: String) -> MixTime? {
        let value = text.trimmingWhitespace()
        if let dot = value.range(of: #"\.(begin|end)"#, options: .regularExpression), value.startIndex < dot.lowerBound {
            let id = String(value[..<dot.lowerBound])
            guard id.allSatisfy({ $0.isLetter || $0.isNumber || "-_#".contains($0) }) else { return nil }
            let edge: Edge = value[dot].hasSuffix("begin") ? .begin : .end
            let rest = value[dot.upperBound...].trimmingWhitespace()
            if rest.isEmpty { return MixTime(id: id, edge: edge) }
            guard rest.hasPrefix("+") || rest.hasPrefix("-"), let offset = offsetSeconds(rest) else { return nil }
            return MixTime(id: id, edge: edge, offset: offset)
        }
        return offsetSeconds(value).map { MixTime(offset: $0) }
    }

    /// A SMIL timecount: `(+|-)? digits (.digits)? (h|min|s|ms)?`, seconds when the unit is missing.
    public static func offsetSeconds(_ text: String) -> Double? {
        var rest = Substring(text.trimmingWhitespace())
        var sign = 1.0
        if let first = rest.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst().drop { $0 == " " }
        }
        let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !digits.isEmpty, digits.first != ".", digits.last != ".", digits.filter({ $0 == "." }).count <= 1, let number = Double(digits) else { return nil }
        let factor: Double
        switch rest.dropFirst(digits.count).trimmingWhitespace().lowercased() {
        case "", "s": factor = 1
        case "ms": factor = 0.001
        case "min": factor = 60
        case "h": factor = 3600
        default: return nil
        }
        return sign * number * factor
    }
}

/// Content fitted to a length by its speaking rate: measured at its own rate first, then spoken at the rate that fits.
public struct DurationFit: Sendable, Equatable, Codable {
    public enum Rule: String, Sendable, Codable {
        /// Exactly `seconds` (W3C `prosody duration`, Azure `mstts:audioduration`): faster or slower, and silence
        /// after the speech for what the rate leaves over.
        case exact
        /// At most `seconds` (Polly `amazon:max-duration`): sped up only, never slowed, no silence added.
        case atMost
    }

    public var content: [Segment]
    public var seconds: Double
    public var rule: Rule
    /// The rate factors allowed against the content's own (Azure: 0.5...2; Polly: 1...5).
    public var factors: ClosedRange<Double>
    public var location: SourceLocation

    public init(content: [Segment], seconds: Double, rule: Rule, factors: ClosedRange<Double>, location: SourceLocation) {
        self.content = content
        self.seconds = seconds
        self.rule = rule
        self.factors = factors
        self.location = location
    }
}
