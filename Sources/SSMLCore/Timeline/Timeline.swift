import Foundation

/// What a render did, in output time: every segment, every word, marks, loop passes and call-control
/// events, with sample-accurate start and end times. Written by `ssml render --timeline FILE.json`.
public struct Timeline: Sendable, Equatable, Codable {
    /// Identifies the file format; `version` changes when fields change meaning.
    public var format = "swift-ssml-timeline"
    public var version = 1
    /// The tool and the speech engine that made the audio (`espeak-ng 1.51`).
    public var tool: String
    public var engine: String
    public var sampleRate: Int
    public var samples: Int
    public var duration: Double
    public var segments: [Segment]
    public var words: [Word]
    /// Zero-length events: marks, loop passes, call control.
    public var events: [Event]
    /// What mix layers played over the main sequence (background audio, Google `media`), each with its `layer`;
    /// absent when nothing was mixed. Unlike ``segments`` these overlap.
    public var overlays: [Segment]?
    /// What a simulated call did (`ssml call`): its service, final status and length; absent for renders.
    public var call: CallSummary?

    public struct Segment: Sendable, Equatable, Codable {
        public var index: Int
        /// speech, pause, audio (and bleep).
        public var kind: String
        public var start: Double
        public var end: Double
        public var startSample: Int
        public var endSample: Int
        /// Speech: the text as spoken; pause: its reason (break, sentence, paragraph, wait); audio: its source.
        public var text: String
        public var voice: String?
        /// Speech: rate, pitch, range (factors of the voice's own), volumeDB; pause: seconds; audio: gainDB, clip points.
        public var settings: [String: String]
        /// `file:line:column` of the markup that made it.
        public var location: String?
        /// The mix layer it played in (overlays only).
        public var layer: Int?
        /// The step of a simulated call that played it (`4: talk $[0] of the NCCO from POST /input`).
        public var step: String?
    }

    public struct Word: Sendable, Equatable, Codable {
        public var text: String
        public var start: Double
        public var end: Double
        public var startSample: Int
        public var endSample: Int
        /// Index of the speech segment in ``Timeline/segments`` (in ``Timeline/overlays`` when `layer` is set).
        public var segment: Int
        /// The mix layer the word was spoken in.
        public var layer: Int?
    }

    public struct Event: Sendable, Equatable, Codable {
        /// mark, loop, or a call-control kind (dtmf, bridge, input, record, connect, …).
        public var kind: String
        public var time: Double
        public var sample: Int
        /// The mark's name, `pass N of M`, or the call-control kind.
        public var name: String
        public var settings: [String: String]
        public var location: String?
        /// The step of a simulated call it happened in.
        public var step: String?
    }

    /// Builds the timeline of `report`.
    public init(report: RenderReport, tool: String = SSMLVersion.tool, engine: String) {
        let rate = report.sampleRate
        func seconds(_ sample: Int) -> Double { (Double(sample) / rate * 1_000_000).rounded() / 1_000_000 }
        self.tool = tool
        self.engine = engine
        sampleRate = Int(rate)
        samples = report.sampleCount
        duration = seconds(report.sampleCount)
        var segments: [Segment] = []
        var overlays: [Segment] = []
        var words: [Word] = []
        var events: [Event] = []
        // Words follow the speech segment they belong to in the report.
        var currentSpeech = 0
        for entry in report.entries {
            switch entry.kind {
            case .speech, .bleep, .pause, .audio, .noise, .mix:
                if entry.kind == .speech { currentSpeech = entry.layer == nil ? segments.count : overlays.count }
                let segment = Segment(
                    index: entry.layer == nil ? segments.count : overlays.count, kind: entry.kind.rawValue, start: seconds(entry.start), end: seconds(entry.end),
                    startSample: entry.start, endSample: entry.end, text: entry.detail, voice: entry.voice,
                    settings: entry.attributes, location: entry.location?.description, layer: entry.layer)
                if entry.layer == nil { segments.append(segment) } else { overlays.append(segment) }
            case .word:
                words.append(Word(text: entry.detail, start: seconds(entry.start), end: seconds(entry.end), startSample: entry.start, endSample: entry.end, segment: currentSpeech, layer: entry.layer))
            case .mark, .loop, .callControl:
                let kind = entry.kind == .callControl ? entry.detail : entry.kind.rawValue
                events.append(Event(kind: kind, time: seconds(entry.start), sample: entry.start, name: entry.detail, settings: entry.attributes, location: entry.location?.description))
            }
        }
        self.segments = segments
        self.overlays = overlays.isEmpty ? nil : overlays
        self.words = words
        self.events = events
    }

    /// Pretty JSON with sorted keys, so two timelines diff line by line.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// The tool's version, written into timelines and snapshots.
public enum SSMLVersion {
    public static let number = "0.5.0"
    public static let tool = "swift-ssml \(number)"
}
