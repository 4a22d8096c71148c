import Foundation
import SSMLCore
import Testing

/// How snapshot comparisons align segments and word their changes (no audio: silent samples).
@Suite struct SnapshotComparisonTests {
    typealias Entry = RenderReport.Entry
    static let rate = 1000.0

    /// A snapshot of `parts`: each a speech text or a pause (`"|0.5"`), one second of speech per text.
    func snapshot(_ parts: [String], voice: String = "en-us-female", rate: String = "1", engine: String = "espeak-ng 1.51") -> Snapshot {
        var entries: [Entry] = []
        var cursor = 0
        for (index, part) in parts.enumerated() {
            let location = SourceLocation(file: "p.ssml", line: index + 1, column: 3)
            if part.hasPrefix("|"), let seconds = Double(part.dropFirst()) {
                let length = Int(seconds * Self.rate)
                entries.append(Entry(kind: .pause, start: cursor, end: cursor + length, detail: "break", location: location, attributes: ["seconds": String(part.dropFirst())]))
                cursor += length
            } else {
                entries.append(Entry(kind: .speech, start: cursor, end: cursor + 1000, detail: part, voice: voice, location: location, attributes: ["rate": rate, "pitch": "1", "range": "1", "volumeDB": "0"]))
                cursor += 1000
            }
        }
        let report = RenderReport(sampleRate: Self.rate, sampleCount: cursor, entries: entries)
        return Snapshot(timeline: Timeline(report: report, engine: engine), samples: [Float](repeating: 0, count: cursor), input: "p.ssml", settings: [:])
    }

    @Test func identicalSnapshotsAreTheSame() {
        let comparison = SnapshotComparison(old: snapshot(["Hello.", "|0.5", "Bye."]), new: snapshot(["Hello.", "|0.5", "Bye."]))
        #expect(comparison.verdict == .same)
        #expect(comparison.changes.isEmpty)
    }

    @Test func aSegmentInsertedInTheMiddleIsOneChange() {
        let old = snapshot(["One.", "|0.3", "Two.", "|0.3", "Three.", "|0.3", "Four."])
        let new = snapshot(["One.", "|0.3", "Two.", "|0.3", "Inserted.", "|0.3", "Three.", "|0.3", "Four."])
        let comparison = SnapshotComparison(old: old, new: new)
        #expect(comparison.verdict == .changed)
        #expect(comparison.changes.count == 1, "\(comparison.changes)")
        #expect(comparison.changes.first?.hasPrefix("segments 5–6") == true, "\(comparison.changes)")
        #expect(comparison.changes.first?.contains("'Inserted.'") == true)
        // The longer total is context, not a second failure.
        #expect(comparison.notes.contains { $0.hasPrefix("total length 4.90 s became 6.20 s") }, "\(comparison.notes)")
    }

    @Test func aRemovedSegmentIsOneChange() {
        let comparison = SnapshotComparison(old: snapshot(["One.", "Two.", "Three."]), new: snapshot(["One.", "Three."]))
        #expect(comparison.changes == ["segment 2 (speech, p.ssml:2:3) removed: 'Two.' in en-us-female, 1.00 s"])
    }

    @Test func aChangedWordIsNamedWithItsSegment() {
        let comparison = SnapshotComparison(old: snapshot(["Welcome.", "Press 1 for sales."]), new: snapshot(["Welcome.", "Press one for sales."]))
        #expect(comparison.changes == ["segment 2 (speech, p.ssml:2:3): text 'Press 1 for sales.' became 'Press one for sales.'"])
    }

    @Test func settingsCompareWithinTheTolerances() {
        let base = snapshot(["Hi.", "|0.5"])
        #expect(SnapshotComparison(old: base, new: snapshot(["Hi.", "|0.51"])).verdict == .same)
        #expect(SnapshotComparison(old: base, new: snapshot(["Hi.", "|0.51"]), tolerances: Tolerances(time: 0.005)).changes.first?.contains("length 0.5 s became 0.51 s") == true)
        #expect(SnapshotComparison(old: base, new: snapshot(["Hi.", "|0.9"])).changes.first?.contains("length 0.5 s became 0.9 s") == true)
        #expect(SnapshotComparison(old: base, new: snapshot(["Hi.", "|0.5"], voice: "en-gb-male")).changes.first?.contains("voice en-us-female became en-gb-male") == true)
        #expect(SnapshotComparison(old: base, new: snapshot(["Hi.", "|0.5"], rate: "1.4")).changes.first?.contains("rate 100 % became 140 %") == true)
    }

    @Test func segmentsJoinedByARemovedMarkAreOneChange() {
        let comparison = SnapshotComparison(old: snapshot(["First part.", "Second part."]), new: snapshot(["First part. Second part."]))
        #expect(comparison.changes.count == 1, "\(comparison.changes)")
        #expect(comparison.changes.first?.contains("are now spoken as one") == true)
    }

    @Test func anotherEngineComparesTextsOnly() {
        let old = snapshot(["Hello.", "|0.5"], engine: "espeak-ng 1.50")
        let same = SnapshotComparison(old: old, new: snapshot(["Hello.", "|0.5"]))
        #expect(same.verdict == .engineChanged, "\(same.changes)")
        #expect(same.notes.first?.contains("snapshot recorded with espeak-ng 1.50") == true)
        let changed = SnapshotComparison(old: old, new: snapshot(["Goodbye.", "|0.5"]))
        #expect(changed.verdict == .changed)
    }
}
