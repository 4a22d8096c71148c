/// Pause lengths: `<break>` times and strengths, and the pauses that end sentences and paragraphs.
public enum BreakValue {
    /// Break strengths in seconds (W3C leaves them to the processor; these are ours, documented in the README).
    public static let strengths: [(name: String, seconds: Double)] = [
        ("none", 0), ("x-weak", 0.1), ("weak", 0.25), ("medium", 0.5), ("strong", 0.8), ("x-strong", 1.2),
    ]

    /// The pause added after `</s>` (the sentence's own final clause pause is not added by espeak).
    public static let sentencePause = 0.3
    /// The pause added after `</p>`.
    public static let paragraphPause = 0.6
    /// A `<break/>` without attributes is a medium break (W3C).
    public static let defaultBreak = 0.5

    public struct Failure: Error, Equatable {
        public var message: String
    }

    /// Seconds for a strength keyword.
    public static func strength(_ raw: String) throws(Failure) -> Double {
        let value = raw.trimmingWhitespace().lowercased()
        guard let match = strengths.first(where: { $0.name == value }) else {
            let names = strengths.map(\.name).joined(separator: ", ")
            throw Failure(message: "break strength \"\(raw)\" is not a strength (use \(names))")
        }
        return match.seconds
    }

    /// Seconds for a time value: `500ms`, `1.5s`, `2s`. W3C requires the unit, so a bare number is
    /// an error that says so rather than a guess.
    public static func time(_ raw: String) throws(Failure) -> Double {
        let value = raw.trimmingWhitespace().lowercased()
        let hint = "use a time like 500ms, 1.5s or 2s"
        let unitStart = value.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? value.endIndex
        let digits = value[..<unitStart]
        let unit = value[unitStart...].trimmingWhitespace()
        guard !digits.isEmpty, digits != ".", digits.filter({ $0 == "." }).count <= 1,
            let number = Double(digits), number.isFinite
        else {
            if value.hasPrefix("-") { throw Failure(message: "break time \"\(raw)\" is negative (\(hint))") }
            throw Failure(message: "break time \"\(raw)\" is not a time (\(hint))")
        }
        switch unit {
        case "ms": return number / 1000
        case "s": return number
        case "": throw Failure(message: "break time \"\(raw)\" has no unit (\(hint))")
        default: throw Failure(message: "break time \"\(raw)\" has an unknown unit \"\(unit)\" (\(hint))")
        }
    }

    /// The seconds a time written without unit means (`3` -> 3), or nil when it is not a bare number. W3C requires
    /// the unit; Google's own sample writes `<break time="3"/>` for a 3 second pause, and that is what we read.
    public static func unitlessSeconds(_ raw: String) -> Double? {
        let value = raw.trimmingWhitespace()
        guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), value.filter({ $0 == "." }).count <= 1,
            let number = Double(value), number.isFinite
        else { return nil }
        return number
    }

    /// `3s`, `1.5s` or `250ms`: the shortest SSML spelling of a time.
    public static func format(_ seconds: Double) -> String {
        if seconds == seconds.rounded() { return "\(Int(seconds))s" }
        let ms = seconds * 1000
        if ms == ms.rounded() { return "\(Int(ms))ms" }
        return "\(seconds)s"
    }
}
