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

        // Events: marks, loop passes, call control. A voice loop that now plays a different number of
        // times is one change, not a pass added or removed plus every pass renamed.
        let oldLoops = Self.loopCounts(old.timeline.events), newLoops = Self.loopCounts(new.timeline.events)
        var recounted: Set<String> = []
        for (place, count) in oldLoops.sorted(by: { $0.key < $1.key }) {
            guard let now = newLoops[place], now != count else { continue }
            recounted.insert(place)
            changes.append("loop at \(place) plays \(now) times (was \(count))")
        }
        // Segments, aligned on (kind, text) so an inserted segment is one change, not a cascade.
        let oldSegments = old.timeline.segments, newSegments = new.timeline.segments
        for block in Self.blocks(oldSegments.map(Self.key), newSegments.map(Self.key)) {
            if block.old.count == 1, block.new.count == 1, let o = block.old.first, let n = block.new.first {
                changes += Self.pairChanges(old: old, o, new: new, n, tolerances: tolerances, compareAudio: compareAudio)
            } else if let message = Self.regrouped(old: block.old.map { oldSegments[$0] }, new: block.new.map { newSegments[$0] }, tolerance: compareAudio ? tolerances.time : nil) {
                changes.append(message)
            } else {
                // Pair what is still the same kind of segment; report the rest as runs added or removed.
                let kinds = SequenceAlignment.lcs(block.old.map { oldSegments[$0].kind }, block.new.map { newSegments[$0].kind })
                var removed: [Int] = [], added: [Int] = []
                func flush() {
                    if !removed.isEmpty { changes.append(Self.describeRun(removed.map { oldSegments[$0] }, verb: "removed", tolerance: compareAudio)) }
                    if !added.isEmpty { changes.append(Self.describeRun(added.map { newSegments[$0] }, verb: "added", tolerance: compareAudio)) }
                    removed = []
                    added = []
                }
                for pair in kinds {
                    switch pair {
                    case (let o?, let n?):
                        flush()
                        changes += Self.pairChanges(old: old, block.old[o], new: new, block.new[n], tolerances: tolerances, compareAudio: compareAudio)
                    case (let o?, nil): removed.append(block.old[o])
                    case (nil, let n?): added.append(block.new[n])
                    case (nil, nil): break
                    }
                }
                flush()
            }
        }

        let oldEvents = old.timeline.events.filter { !($0.kind == "loop" && recounted.contains($0.location ?? "")) }
        let newEvents = new.timeline.events.filter { !($0.kind == "loop" && recounted.contains($0.location ?? "")) }
        for pair in Self.align(oldEvents.map { "\($0.kind)|\($0.name)" }, newEvents.map { "\($0.kind)|\($0.name)" }) {
            switch pair {
            case (let o?, let n?):
                let before = oldEvents[o], after = newEvents[n]
                if before.kind != after.kind || before.name != after.name {
                    changes.append("\(Self.describe(before)) at \(Self.seconds(before.time))\(after.step.map { " (call step \($0))" } ?? "") became \(Self.describe(after))")
                    continue
                }
                let settings = Self.settingChanges(before.settings, after.settings, tolerances: tolerances)
                if !settings.isEmpty { changes.append("\(Self.describe(after))\(after.step.map { " (call step \($0))" } ?? "")\(after.location.map { " (\($0))" } ?? ""): " + settings.joined(separator: "; ")) }
                // Measured from the start of the segment it falls in: an event that moved only because
                // something before it changed length is not a change of its own.
                let (oldSegment, oldOffset) = Self.place(before.time, in: oldSegments)
                let (newSegment, newOffset) = Self.place(after.time, in: newSegments)
                let sameSegment = oldSegment.map(Self.key) == newSegment.map(Self.key)
                let shift = after.time - before.time
                if compareAudio, !sameSegment || abs(newOffset - oldOffset) > tolerances.time, abs(shift) > tolerances.time {
                    changes.append("\(Self.describe(after)) moved \(Self.signed(shift)) s (now at \(Self.seconds(after.time)))")
                }
            case (let o?, nil): changes.append("\(Self.describe(oldEvents[o])) at \(Self.seconds(oldEvents[o].time))\(oldEvents[o].step.map { " (call step \($0))" } ?? "") removed")
            case (nil, let n?): changes.append("\(Self.describe(newEvents[n])) added at \(Self.seconds(newEvents[n].time))\(newEvents[n].step.map { " (call step \($0))" } ?? "")")
            case (nil, nil): break
            }
        }

        // A simulated call's outcome (`ssml call` scenarios).
        if let before = old.timeline.call, let after = new.timeline.call {
            if before.status != after.status { changes.append("call status \(before.status) became \(after.status)") }
            if before.keys != after.keys { changes.append("keys pressed '\(before.keys)' became '\(after.keys)'") }
            if before.endedBy != after.endedBy { changes.append("the call was ended by the \(before.endedBy), now by the \(after.endedBy)") }
        }

        if compareAudio {
            // The whole render's length and level follow from the changes above; named on their own
            // (as a change) only when nothing else explains them, e.g. many small shifts that add up.
            var totals: [String] = []
            let delta = new.audio.duration - old.audio.duration
            if abs(delta) > tolerances.time {
                totals.append("total length \(Self.seconds(old.audio.duration)) became \(Self.seconds(new.audio.duration)) (\(Self.signed(delta)) s)")
            }
            if let a = old.audio.levelDB, let b = new.audio.levelDB, abs(b - a) > tolerances.level {
                totals.append("overall level \(Self.decibels(a)) became \(Self.decibels(b)) (\(Self.signed(b - a, digits: 1)) dB)")
            }
            if changes.isEmpty { changes = totals } else { notes += totals }
        }
        self.changes = changes
        self.notes = notes
        verdict = !changes.isEmpty ? .changed : sameEngine ? .same : .engineChanged
    }

    /// The changes between two segments paired by the alignment: their own differences, or else their words'.
    static func pairChanges(old: Snapshot, _ o: Int, new: Snapshot, _ n: Int, tolerances: Tolerances, compareAudio: Bool) -> [String] {
        let oldSegment = old.timeline.segments[o], newSegment = new.timeline.segments[n]
        let parts = differences(old: oldSegment, oldFeatures: old.segments[safe: o], new: newSegment, newFeatures: new.segments[safe: n], tolerances: tolerances, compareAudio: compareAudio)
        if !parts.isEmpty { return ["\(name(newSegment)): " + parts.joined(separator: "; ")] }
        if compareAudio, key(oldSegment) == key(newSegment), let message = wordChanges(old: old.timeline, oldSegment: o, new: new.timeline, newSegment: n, tolerance: tolerances.time) {
            return ["\(name(newSegment)): \(message)"]
        }
        return []
    }

    /// Speech segments split or joined (a mark or a break added or removed inside a sentence) while the
    /// words stayed the same: one line saying so.
    static func regrouped(old: [Timeline.Segment], new: [Timeline.Segment], tolerance: Double?) -> String? {
        guard !old.isEmpty, !new.isEmpty, old.count != new.count,
            (old + new).allSatisfy({ $0.kind == "speech" }),
            words(old.map(\.text).joined(separator: " ")) == words(new.map(\.text).joined(separator: " "))
        else { return nil }
        let quoted = { (run: [Timeline.Segment]) in run.map { "'\($0.text)'" }.joined(separator: " + ") }
        var message =
            old.count < new.count
            ? "\(span(old)) \(quoted(old)) is now split in \(new.count): \(quoted(new))"
            : "\(span(old)) \(quoted(old)) are now spoken as one: \(quoted(new))"
        let delta = new.reduce(0) { $0 + $1.end - $1.start } - old.reduce(0) { $0 + $1.end - $1.start }
        if let tolerance, abs(delta) > tolerance { message += "; \(signed(delta)) s" }
        return message
    }

    /// One line for a run of consecutive segments added or removed.
    static func describeRun(_ run: [Timeline.Segment], verb: String, tolerance compareAudio: Bool) -> String {
        guard run.count > 1, let first = run.first else { return run.first.map { "\(name($0)) \(verb): \(describe($0))" } ?? "" }
        let shown = run.prefix(4).map(describe).joined(separator: "; ") + (run.count > 4 ? "; and \(run.count - 4) more" : "")
        let total = run.reduce(0) { $0 + $1.end - $1.start }
        return "\(span(run))\(first.location.map { " (from \($0))" } ?? "") \(verb): \(shown)"
            + (compareAudio ? " (\(verb == "added" ? "+" : "-")\(String(format: "%.2f", total)) s in all)" : "")
    }

    /// `segment 3` or `segments 3–5`.
    static func span(_ run: [Timeline.Segment]) -> String {
        guard let first = run.first, let last = run.last else { return "no segment" }
        return first.index == last.index ? "segment \(first.index + 1)" : "segments \(first.index + 1)–\(last.index + 1)"
    }

    static func words(_ text: String) -> [Substring] { text.split(whereSeparator: \.isWhitespace) }

    /// How many passes each voice or NCCO loop plays, by the location of its markup.
    static func loopCounts(_ events: [Timeline.Event]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for event in events where event.kind == "loop" {
            guard let place = event.location, let passes = event.settings["passes"].flatMap({ Int($0) }) else { continue }
            counts[place] = passes
        }
        return counts
    }

    // MARK: - Settings and text

    /// Setting changes beyond the tolerances, in words: times within `time`, dB within `level`, prosody
    /// factors within 1 %; anything else must match exactly.
    static func settingChanges(_ old: [String: String], _ new: [String: String], tolerances: Tolerances) -> [String] {
        var parts: [String] = []
        for key in Set(old.keys).union(new.keys).sorted() where old[key] != new[key] {
            let a = old[key], b = new[key]
            if let a, let b, let x = Double(a), let y = Double(b) {
                let gap = abs(x - y)
                let moved: Bool =
                    switch key {
                    case "seconds", "clipBegin", "clipEnd": gap > tolerances.time
                    case _ where key.hasSuffix("DB"): gap > tolerances.level
                    case "rate", "pitch", "range": gap > 0.01 * max(abs(x), abs(y))
                    default: true
                    }
                if !moved { continue }
            }
            parts.append("\(settingLabel(key)) \(a.map { settingValue(key, $0) } ?? "unset") became \(b.map { settingValue(key, $0) } ?? "unset")")
        }
        return parts
    }

    static func settingLabel(_ key: String) -> String {
        switch key {
        case "seconds": "length"
        case "gainDB": "gain"
        case "volumeDB": "volume"
        case "clipBegin": "clip start"
        case "clipEnd": "clip end"
        default: key
        }
    }

    static func settingValue(_ key: String, _ value: String) -> String {
        guard let number = Double(value) else { return value }
        switch key {
        case "seconds", "clipBegin", "clipEnd": return "\(value) s"
        case _ where key.hasSuffix("DB"): return number.isFinite ? String(format: "%+.1f dB", number) : "silent"
        case "rate", "pitch", "range": return String(format: "%g %%", (number * 1000).rounded() / 10)
        default: return value
        }
    }

    /// `text 'Press 1' became 'Press one'`; in a long text only the words that changed, with two words
    /// of context on each side.
    static func textChange(_ old: String, _ new: String) -> String {
        guard old.count + new.count > 100 else { return "text '\(old)' became '\(new)'" }
        let a = words(old), b = words(new)
        var prefix = 0
        while prefix < min(a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < min(a.count, b.count) - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        guard prefix + suffix > 0 else { return "text '\(old)' became '\(new)'" }
        let from = max(0, prefix - 2), tail = max(0, suffix - 2)
        func excerpt(_ words: [Substring]) -> String {
            (from > 0 ? "…" : "") + words[from..<(words.count - tail)].joined(separator: " ") + (tail > 0 ? "…" : "")
        }
        return "text '\(excerpt(a))' became '\(excerpt(b))'"
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
        "segment \(segment.index + 1) (\(segment.kind)\(segment.step.map { ", call step \($0)" } ?? "")\(segment.location.map { ", \($0)" } ?? ""))"
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
        if old.kind == "audio", new.kind == "speech" {
            return ["audio \(URL(fileURLWithPath: old.text).lastPathComponent) is no longer played (is the file missing?); fallback text \(describe(new)) instead"]
        }
        if old.kind != new.kind {
            return ["\(describe(old)) became \(describe(new))"]
        }
        if old.text != new.text {
            switch new.kind {
            case "speech": parts.append(textChange(old.text, new.text))
            case "pause": parts.append("\(old.text) pause became a \(new.text) pause")
            default: parts.append("\(new.kind) \(old.text) became \(new.text)")
            }
        }
        if old.voice != new.voice { parts.append("voice \(old.voice ?? "none") became \(new.voice ?? "none")") }
        let settings = settingChanges(old.settings, new.settings, tolerances: tolerances)
        parts += settings
        guard compareAudio else { return parts }
        let delta = (new.end - new.start) - (old.end - old.start)
        // A pause's length is already named by its setting.
        if abs(delta) > tolerances.time, !(new.kind == "pause" && settings.contains { $0.hasPrefix("length ") }) {
            parts.append("\(signed(delta)) s (\(seconds(old.end - old.start)) → \(seconds(new.end - new.start)))")
        }
        if let a = oldFeatures?.levelDB, let b = newFeatures?.levelDB, abs(b - a) > tolerances.level {
            parts.append("level \(decibels(a)) became \(decibels(b)) (\(signed(b - a, digits: 1)) dB)")
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

    /// Runs of an alignment: a single matched pair (equal keys), or the unmatched stretch between two matches.
    static func blocks(_ a: [String], _ b: [String]) -> [(old: [Int], new: [Int])] {
        // Too long to align (past 4,000 x 4,000 cells): compare in order.
        guard a.count * b.count <= 16_000_000 else {
            return (0..<max(a.count, b.count)).map { (a.indices.contains($0) ? [$0] : [], b.indices.contains($0) ? [$0] : []) }
        }
        var result: [(old: [Int], new: [Int])] = []
        var pendingA: [Int] = [], pendingB: [Int] = []
        for pair in SequenceAlignment.lcs(a, b) {
            switch pair {
            case (let i?, let j?):
                if !pendingA.isEmpty || !pendingB.isEmpty { result.append((pendingA, pendingB)) }
                pendingA = []
                pendingB = []
                result.append(([i], [j]))
            case (let i?, nil): pendingA.append(i)
            case (nil, let j?): pendingB.append(j)
            case (nil, nil): break
            }
        }
        if !pendingA.isEmpty || !pendingB.isEmpty { result.append((pendingA, pendingB)) }
        return result
    }


    /// Longest-common-subsequence alignment; unmatched runs between matches are paired in order.
    static func align(_ a: [String], _ b: [String]) -> [(Int?, Int?)] {
        blocks(a, b).flatMap { block in
            (0..<max(block.old.count, block.new.count)).map { (block.old[safe: $0], block.new[safe: $0]) }
        }
    }

    // MARK: - Formatting

    static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
    static func signed(_ value: Double, digits: Int = 2) -> String { String(format: "%+.\(digits)f", value) }
    static func decibels(_ value: Double) -> String { String(format: "%.1f dB", value) }
    static func hertz(_ value: Double) -> String { value >= 1000 ? String(format: "%g k", value / 1000) : String(format: "%g", value) }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
