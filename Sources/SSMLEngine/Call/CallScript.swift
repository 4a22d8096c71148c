import Foundation
import SSMLCore

/// What the simulated caller does, in order: keys, speech, silence, a hang-up.
///
/// Each step happens at the next point where the call listens (an NCCO `input`, a seven.io `<dtmf>`), or, with
/// `after`, that many seconds after the current prompt started (the first talk, stream or announcement since the
/// call last listened). A key that lands in a talk with `bargeIn` cuts it there.
public struct CallScript: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Keys, typed ``keyGap`` seconds apart.
        case press(String)
        /// Speech given to a speech input, as its recognised text.
        case say(String)
        /// Nothing at the next input: it times out.
        case silent
        /// The caller's side of the next `record`: an audio file (decoded and resampled).
        case audio(String)
        /// The caller hangs up.
        case hangup
    }

    public struct Step: Sendable, Equatable {
        public var action: Action
        /// Seconds after the prompt started; nil for "when the call next listens".
        public var after: Double?
        /// Where the step was written (`--press 1`, `script[2]`), for messages.
        public var origin: String

        public init(_ action: Action, after: Double? = nil, origin: String) {
            self.action = action
            self.after = after
            self.origin = origin
        }

        /// How the transcript names it.
        public var summary: String {
            switch action {
            case .press(let keys): "press \(keys)"
            case .say(let text): "say \"\(text)\""
            case .silent: "stay silent"
            case .audio(let file): "play \(file)"
            case .hangup: "hang up"
            }
        }
    }

    /// Whether the callee picks up.
    public enum Pickup: String, Sendable, Equatable, CaseIterable {
        case answer
        /// The phone rings until the ringing timer gives up.
        case noAnswer = "no-answer"
        case busy
    }

    public var steps: [Step]
    /// Seconds after the answer at which the caller hangs up, whatever is happening.
    public var hangupAfter: Double?
    public var pickup: Pickup

    public init(steps: [Step] = [], hangupAfter: Double? = nil, pickup: Pickup = .answer) {
        self.steps = steps
        self.hangupAfter = hangupAfter
        self.pickup = pickup
    }

    /// Seconds between the keys of one `press` (a quick but human typist).
    public static let keyGap = 0.3
    /// Seconds a word of `say` takes (about 150 words a minute).
    public static let secondsPerWord = 0.4
    /// Seconds a caller with nothing left in the script stays on an open-ended wait (a conference alone, a
    /// recording with no end) before hanging up.
    public static let patience = 5.0

    /// Keys a phone has.
    public static let keys = Set("0123456789*#")

    /// A duration as users write it: `2.5s`, `500ms`, `1.5min`, `2` (seconds).
    public static func seconds(_ text: String, origin: String) throws -> Double {
        let trimmed = text.trimmingWhitespace().lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("min", 60), ("m", 60), ("s", 1), ("h", 3600)]
        var number = trimmed
        var factor = 1.0
        for (unit, scale) in units where trimmed.hasSuffix(unit) {
            number = String(trimmed.dropLast(unit.count)).trimmingWhitespace()
            factor = scale
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else {
            throw SSMLError(.usage, "\(origin): \"\(text)\" is not a duration (write 2.5s, 500ms, 1min or a number of seconds)")
        }
        return value * factor
    }

    /// Checks keys as a phone has them.
    public static func checkKeys(_ keys: String, origin: String) throws {
        guard !keys.isEmpty else { throw SSMLError(.usage, "\(origin): no keys to press (use 0-9, * and #)") }
        if let bad = keys.first(where: { !Self.keys.contains($0) }) {
            throw SSMLError(.usage, "\(origin): \"\(bad)\" is not a phone key (use 0-9, * and #)")
        }
    }
}
