/// How a long plan is split for rendering in parallel processes.
///
/// espeak-ng is not thread-safe, so parallelism comes from processes, each a fresh engine. The split
/// depends on the plan alone (never on the number of cores), so the same input always gives the same
/// parts and the same bytes. Short plans are not split: starting a process costs more than it saves.
public enum RenderPartition {
    /// Parts a long plan is cut into (the machines this runs on have two cores).
    public static let parts = 2
    /// Characters of speech below which a plan renders in one process (about four minutes of audio).
    public static let minimumCharacters = 4000

    /// Index ranges of `plan`, in order, covering it; each part holds about the same amount of speech.
    public static func split(_ plan: [Segment]) -> [Range<Int>] {
        // A mix or a fitted duration is one segment: it is never cut (its layers, or its measuring, span all of it).
        func weight(_ segment: Segment) -> Int {
            switch segment {
            case .speech(let speech), .bleep(let speech): return speech.displayText.count
            case .pause, .audio, .mark, .callControl, .loop, .noise: return 0
            case .mix, .fit: return segment.nested.map(weight).reduce(0, +)
            }
        }
        let weights = plan.map(weight)
        let total = weights.reduce(0, +)
        guard total >= minimumCharacters, plan.count >= parts else { return [0..<plan.count] }
        var ranges: [Range<Int>] = []
        var start = 0
        var cumulative = 0
        var boundary = 1
        for (index, weight) in weights.enumerated() {
            cumulative += weight
            if boundary < parts, cumulative * parts >= total * boundary, index + 1 < plan.count {
                ranges.append(start..<(index + 1))
                start = index + 1
                boundary += 1
            }
        }
        ranges.append(start..<plan.count)
        return ranges
    }
}
