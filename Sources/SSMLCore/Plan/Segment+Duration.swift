extension Segment {
    /// Whether the segment takes time in the output (speech, audio, a pause); marks and call control do not.
    /// A plan with no such segment renders to an empty file: "nothing to say".
    public var takesTime: Bool {
        switch self {
        case .speech, .bleep, .audio: true
        case .pause(let seconds, _, _): seconds > 0
        case .mark, .callControl, .loop: false
        }
    }
}
