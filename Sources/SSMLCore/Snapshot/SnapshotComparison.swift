import Foundation

/// How far a render may move from its snapshot and still pass. The defaults are well above the noise
/// between repeated renders (0 on one machine) and well below what a listener notices.
public struct Tolerances: Sendable, Equatable, Codable {
    /// Seconds: segment lengths, word starts within a segment, event times, the total length.
    public var time: Double = 0.05
    /// dB: the level of a segment or of the whole render.
    public var level: Double = 1.5
    /// dB: the largest difference in any band of a segment's spectral profile.
    public var spectrum: Double = 6

    public init(time: Double = 0.05, level: Double = 1.5, spectrum: Double = 6) {
        self.time = time
        self.level = level
        self.spectrum = spectrum
    }
}

/// The outcome of comparing a render with its snapshot, in words a prompt author understands.
public struct SnapshotComparison: Sendable, Equatable {
    public enum Verdict: String, Sendable { case same, changed, engineChanged = "engine-changed" }
    public var verdict: Verdict
    /// What changed, one line each (`segment 3 (speech, menu.ssml:4:5): text 'Press 1' became 'Press one'; +0.42 s`).
    public var changes: [String]
    /// Context that is not a failure (another engine version, audio not compared).
    public var notes: [String]

    public init(old: Snapshot, new: Snapshot, tolerances: Tolerances = Tolerances()) {
        var changes: [String] = []
        var notes: [String] = []
        let sameEngine = old.engine == new.engine
        if !sameEngine {
            notes.append("snapshot recorded with \(old.engine); this render uses \(new.engine): timing, level and sound are not compared (re-record with --update)")
        }
        for key in Set(old.settings.keys).union(new.settings.keys).sorted() where old.settings[key] != new.settings[key] {
            notes.append("render setting \(key) was \(old.settings[key] ?? "unset"), now \(new.settings[key] ?? "unset")")
        }
        let compareAudio = sameEngine

        // Segments, aligned on (kind, text) so an inserted segment is one change, not a cascade.
        let oldSegments = old.timeline.segments, newSegments = new.timeline.segments
        let pairs = Self.align(oldSegments.map(Self.key), newSegments.map(Self.key))
        for pair in pairs {
            switch pair {
            case (let o?, let n?):
                let parts = Self.differences(old: oldSegments[o], oldFeatures: old.segments[safe: o], new: newSegments[n], newFeatures: new.segments[safe: n], tolerances: tolerances, compareAudio: compareAudio)
                if !parts.isEmpty { changes.append("\(Self.name(newSegments[n])): " + parts.joined(separator: "; ")) }
                else if compareAudio, Self.key(oldSegments[o]) == Self.key(newSegments[n]) {
                    if let message = Self.wordChanges(old: old.timeline, oldSegment: o, new: new.timeline, newSegment: n, tolerance: tolerances.time) {
                        changes.append("\(Self.name(newSegments[n])): \(message)")
                    }
                }
            case (let o?, nil):
                changes.append("segment \(o + 1) removed: \(Self.describe(oldSegments[o]))")
            case (nil, let n?):
                changes.append("\(Self.name(newSegments[n])) added: \(Self.describe(newSegments[n]))")
            case (nil, nil):
                break
            }
        }

        // Events: marks, loop passes, call control.
        let oldEvents = old.timeline.events, newEvents = new.timeline.events
        for pair in Self.align(oldEvents.map { "\($0.kind)|\($0.name)" }, newEvents.map { "\($0.kind)|\($0.name)" }) {
            switch pair {
            case (let o?, let n?):
                // Measured from the start of the segment it falls in: an event that moved only because
                // something before it changed length is not a change of its own.
                let (oldSegment, oldOffset) = Self.place(oldEvents[o].time, in: oldSegments)
                let (newSegment, newOffset) = Self.place(newEvents[n].time, in: newSegments)
                let sameSegment = oldSegment.map(Self.key) == newSegment.map(Self.key)
                let shift = newEvents[n].time - oldEvents[o].time
                if compareAudio, !sameSegment || abs(newOffset - oldOffset) > tolerances.time, abs(shift) > tolerances.time {
                    changes.append("\(Self.describe(newEvents[n])) moved \(Self.signed(shift)) s (now at \(Self.seconds(newEvents[n].time)))")
                }
            case (let o?, nil): changes.append("\(Self.describe(oldEvents[o])) at \(Self.seconds(oldEvents[o].time)) removed")
            case (nil, let n?): changes.append("\(Self.describe(newEvents[n])) added at \(Self.seconds(newEvents[n].time))")
            case (nil, nil): break
            }
        }

        if compareAudio {
            let delta = new.audio.duration - old.audio.duration
            if abs(delta) > tolerances.time {
                changes.append("total length \(Self.seconds(old.audio.duration)) became \(Self.seconds(new.audio.duration)) (\(Self.signed(delta)) s)")
            }
            if let a = old.audio.levelDB, let b = new.audio.levelDB, abs(b - a) > tolerances.level {
                changes.append("overall level \(Self.decibels(a)) became \(Self.decibels(b)) (\(Self.signed(b - a)) dB)")
            }
        }
        self.changes = changes
        self.notes = notes
        verdict = !changes.isEmpty ? .changed : sameEngine ? .same : .engineChanged
    }

    // MARK: - Segments

    static func describe(_ event: Timeline.Event) -> String {
        event.kind == event.name ? event.kind : "\(event.kind) '\(event.name)'"
    }

    /// The segment a time falls in (the last one starting at or before it) and the offset into it.
    static func place(_ time: Double, in segments: [Timeline.Segment]) -> (Timeline.Segment?, Double) {
        guard let segment = segments.last(where: { $0.start <= time + 1e-9 }) else { return (nil, time) }
        return (segment, time - segment.start)
    }

    static func key(_ segment: Timeline.Segment) -> String { "\(segment.kind)|\(segment.text)" }

    static func name(_ segment: Timeline.Segment) -> String {
        "segment \(segment.index + 1) (\(segment.kind)\(segment.location.map { ", \($0)" } ?? ""))"
    }

    static func describe(_ segment: Timeline.Segment) -> String {
        switch segment.kind {
        case "speech": "'\(segment.text)'\(segment.voice.map { " in \($0)" } ?? ""), \(seconds(segment.end - segment.start))"
        case "pause": "\(segment.text) pause of \(seconds(segment.end - segment.start))"
        default: "\(segment.kind) \(URL(fileURLWithPath: segment.text).lastPathComponent), \(seconds(segment.end - segment.start))"
        }
    }

    static func differences(old: Timeline.Segment, oldFeatures: AudioFeatures?, new: Timeline.Segment, newFeatures: AudioFeatures?, tolerances: Tolerances, compareAudio: Bool) -> [String] {
        var parts: [String] = []
        if old.kind != new.kind {
            return ["\(describe(old)) became \(describe(new))"]
        }
        if old.text != new.text {
            switch new.kind {
            case "speech": parts.append("text '\(old.text)' became '\(new.text)'")
            case "pause": parts.append("\(old.text) pause became a \(new.text) pause")
            default: parts.append("\(new.kind) \(old.text) became \(new.text)")
            }
        }
        if old.voice != new.voice { parts.append("voice \(old.voice ?? "none") became \(new.voice ?? "none")") }
        for key in Set(old.settings.keys).union(new.settings.keys).sorted() where old.settings[key] != new.settings[key] {
            let label = key == "seconds" ? "length" : key
            let unit = key == "seconds" ? " s" : key.hasSuffix("DB") ? " dB" : ""
            parts.append("\(label) \(old.settings[key].map { $0 + unit } ?? "unset") became \(new.settings[key].map { $0 + unit } ?? "unset")")
        }
        guard compareAudio else { return parts }
        let delta = (new.end - new.start) - (old.end - old.start)
        // A pause's length is already named by its setting.
        if abs(delta) > tolerances.time, old.settings["seconds"] == nil || old.settings["seconds"] == new.settings["seconds"] {
            parts.append("\(signed(delta)) s (\(seconds(old.end - old.start)) → \(seconds(new.end - new.start)))")
        }
        if let a = oldFeatures?.levelDB, let b = newFeatures?.levelDB, abs(b - a) > tolerances.level {
            parts.append("level \(decibels(a)) became \(decibels(b)) (\(signed(b - a)) dB)")
        } else if (oldFeatures?.levelDB == nil) != (newFeatures?.levelDB == nil) {
            parts.append(newFeatures?.levelDB == nil ? "became silent" : "was silent, now sounds")
        }
        if old.text == new.text, let a = oldFeatures?.spectrum, let b = newFeatures?.spectrum, a.count == b.count, !a.isEmpty,
            min(old.end - old.start, new.end - new.start) >= 0.15
        {
            let gaps = zip(a, b).map { abs($0 - $1) }
            if let worst = gaps.indices.max(by: { gaps[$0] < gaps[$1] }), gaps[worst] > tolerances.spectrum {
                let bands = AudioFeatures.bands
                parts.append(String(format: "sounds different (spectrum off by %.1f dB at %@–%@ Hz)", gaps[worst], hertz(bands[worst]), hertz(bands[worst + 1])))
            }
        }
        return parts
    }

    /// The first word of a segment that moved more than `tolerance` within it, and how many did.
    static func wordChanges(old: Timeline, oldSegment: Int, new: Timeline, newSegment: Int, tolerance: Double) -> String? {
        let before = old.words.filter { $0.segment == oldSegment }, after = new.words.filter { $0.segment == newSegment }
        let oldStart = old.segments[oldSegment].start, newStart = new.segments[newSegment].start
        guard before.map(\.text) == after.map(\.text) else {
            return "words \(before.map(\.text)) became \(after.map(\.text))"
        }
        let moved = zip(before, after).filter { abs(($1.start - newStart) - ($0.start - oldStart)) > tolerance }
        guard let first = moved.first else { return nil }
        let shift = (first.1.start - newStart) - (first.0.start - oldStart)
        return "word '\(first.1.text)' starts \(String(format: "%.2f", abs(shift))) s \(shift > 0 ? "later" : "earlier")" + (moved.count > 1 ? " (\(moved.count) words moved)" : "")
    }

    // MARK: - Alignment

    /// Longest-common-subsequence alignment; unmatched runs between matches are paired in order.
    static func align(_ a: [String], _ b: [String]) -> [(Int?, Int?)] {
        let n = a.count, m = b.count
        // Bounded: past 4,000 x 4,000 cells, compare in order instead.
        guard n * m <= 16_000_000 else {
            return (0..<max(n, m)).map { ($0 < n ? $0 : nil, $0 < m ? $0 : nil) }
        }
        var table = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var result: [(Int?, Int?)] = []
        var i = 0, j = 0
        var pendingA: [Int] = [], pendingB: [Int] = []
        func flushPending() {
            for k in 0..<max(pendingA.count, pendingB.count) {
                result.append((k < pendingA.count ? pendingA[k] : nil, k < pendingB.count ? pendingB[k] : nil))
            }
            pendingA = []
            pendingB = []
        }
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                flushPending()
                result.append((i, j))
                i += 1
                j += 1
            } else if j >= m || (i < n && table[i + 1][j] >= table[i][j + 1]) {
                pendingA.append(i)
                i += 1
            } else {
                pendingB.append(j)
                j += 1
            }
        }
        flushPending()
        return result
    }

    // MARK: - Formatting

    static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
    static func signed(_ value: Double) -> String { String(format: "%+.2f", value) }
    static func decibels(_ value: Double) -> String { String(format: "%.1f dB", value) }
    static func hertz(_ value: Double) -> String { value >= 1000 ? String(format: "%g k", value / 1000) : String(format: "%g", value) }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
