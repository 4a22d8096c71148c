import Foundation

/// What a prompt sounds like, recorded for regression tests (`name.snap.json`): its timeline (segments,
/// texts, voices, prosody, words, events) and audio features per segment, plus the tool and engine that
/// made it. No byte hashes: comparisons use ``Tolerances``.
public struct Snapshot: Sendable, Equatable, Codable {
    public var format = "swift-ssml-snapshot"
    public var version = 1
    public var tool: String
    public var engine: String
    /// The input's file name, and the render settings (rate, voice).
    public var input: String
    public var settings: [String: String]
    /// The whole render's features.
    public var audio: AudioFeatures
    public var timeline: Timeline
    /// One entry per timeline segment, in order.
    public var segments: [AudioFeatures]
    /// The waveform at 50 bins per second: (min, max) pairs as signed bytes, base64.
    public var outline: String

    public static let outlineBinsPerSecond = 50.0

    /// The snapshot of a render: its timeline and its samples.
    public init(timeline: Timeline, samples: [Float], input: String, settings: [String: String]) {
        tool = timeline.tool
        engine = timeline.engine
        self.input = input
        self.settings = settings
        self.timeline = timeline
        let rate = Double(timeline.sampleRate)
        audio = AudioFeatures(samples: samples[...], sampleRate: rate)
        segments = timeline.segments.map { segment in
            let start = min(max(segment.startSample, 0), samples.count), end = min(max(segment.endSample, start), samples.count)
            return AudioFeatures(samples: samples[start..<end], sampleRate: rate)
        }
        outline = Self.encode(WaveformOutline(samples: samples, binSize: max(1, Int(rate / Self.outlineBinsPerSecond))))
    }

    /// The snapshot of an audio file without a timeline: segments are its sounds and silences (quiet
    /// stretches of 150 ms or more below -45 dBFS).
    public init(samples: [Float], sampleRate: Double, input: String, engine: String = "audio file") {
        let analysis = AudioAnalysis(samples: samples, sampleRate: sampleRate)
        var entries: [RenderReport.Entry] = []
        var cursor = 0
        for gap in analysis.silences(thresholdDB: -45, minimum: 0.15) {
            let start = Int(gap.start * sampleRate), end = min(Int(gap.end * sampleRate), samples.count)
            if start > cursor { entries.append(.init(kind: .audio, start: cursor, end: start, detail: "sound")) }
            entries.append(.init(kind: .pause, start: start, end: end, detail: "silence", attributes: ["seconds": String(format: "%.2f", Double(end - start) / sampleRate)]))
            cursor = end
        }
        if cursor < samples.count { entries.append(.init(kind: .audio, start: cursor, end: samples.count, detail: "sound")) }
        let report = RenderReport(sampleRate: sampleRate, sampleCount: samples.count, entries: entries)
        self.init(timeline: Timeline(report: report, tool: SSMLVersion.tool, engine: engine), samples: samples, input: input, settings: ["rate": "\(Int(sampleRate))"])
    }

    public var waveform: WaveformOutline { Self.decode(outline) }

    static func encode(_ outline: WaveformOutline) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(outline.minimums.count * 2)
        for (low, high) in zip(outline.minimums, outline.maximums) {
            bytes.append(UInt8(bitPattern: Int8(max(-127, min(127, (low * 127).rounded())))))
            bytes.append(UInt8(bitPattern: Int8(max(-127, min(127, (high * 127).rounded())))))
        }
        return Data(bytes).base64EncodedString()
    }

    static func decode(_ text: String) -> WaveformOutline {
        let bytes = [UInt8](Data(base64Encoded: text) ?? Data())
        var outline = WaveformOutline(minimums: [], maximums: [])
        var index = 0
        while index + 1 < bytes.count {
            outline.minimums.append(Float(Int8(bitPattern: bytes[index])) / 127)
            outline.maximums.append(Float(Int8(bitPattern: bytes[index + 1])) / 127)
            index += 2
        }
        return outline
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    public static func load(_ data: Data, name: String) throws -> Snapshot {
        do {
            let snapshot = try JSONDecoder().decode(Snapshot.self, from: data)
            guard snapshot.format == "swift-ssml-snapshot" else { throw SSMLError(.invalidValue, "\(name) is not a swift-ssml snapshot") }
            guard snapshot.version == 1 else { throw SSMLError(.invalidValue, "\(name) is snapshot version \(snapshot.version); this tool reads version 1") }
            return snapshot
        } catch let error as SSMLError {
            throw error
        } catch {
            throw SSMLError(.invalidValue, "\(name) is not a readable snapshot (\(explain(error))); fix it, or delete it and record again with --update")
        }
    }

    /// A JSON decoding error in a few words (`not valid JSON`, `"engine" is missing`, `"rate" should be
    /// a number`), without the decoder's debug dump.
    public static func explain(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return "not valid JSON" + (detail.map { ": \($0)" } ?? "")
            }
            return "\"\(path(context.codingPath))\" is not valid: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\"\(path(context.codingPath + [key]))\" is missing"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let expected =
                type == String.self
                ? "a string"
                : type == Bool.self
                    ? "true or false"
                    : [Int.self, Double.self].contains(where: { $0 == type }) ? "a number" : "\(type)"
            return "\"\(path(context.codingPath))\" should be \(expected)"
        @unknown default:
            return "\(error)"
        }
    }
}
