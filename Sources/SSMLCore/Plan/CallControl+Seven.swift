import Foundation

/// seven.io's `<dtmf>`, read as the call uses it: after its prompt, keys are collected until `max` digits or
/// `wait` passes; input of `min`...`max` digits matching `digits` is valid and POSTed to `callback`; `invalid`
/// is spoken on wrong input and the prompt (or `short`) again, up to `tries`; `exit` is spoken at hang-up.
public struct SevenDTMF: Sendable, Equatable {
    public var callback: String?
    public var min: Int
    public var max: Int
    /// Milliseconds to wait for input.
    public var waitMilliseconds: Int
    /// A regular expression of the input allowed.
    public var digits: String?
    public var invalid: String?
    public var short: String?
    public var exit: String?
    public var tries: Int

    /// The settings of a `dtmf` call-control segment; nil for another kind.
    public init?(_ control: CallControl) {
        guard control.kind == .dtmf else { return nil }
        let a = control.attributes
        callback = a["callback"]
        min = a["min"].flatMap { Int($0) } ?? 1
        max = a["max"].flatMap { Int($0) } ?? Swift.max(min, 1)
        // seven.io documents `wait` in milliseconds; a value under 100 can only mean seconds.
        let wait = a["wait"].flatMap { Int($0) } ?? 5000
        waitMilliseconds = wait < 100 ? wait * 1000 : wait
        digits = a["digits"]
        invalid = a["invalid"]
        short = a["short"]
        exit = a["exit"]
        tries = a["tries"].flatMap { Int($0) } ?? 1
    }

    /// Whether `input` is what the element accepts: `min`...`max` keys that `digits` allows. seven.io shows
    /// `digits` both anchored (`^[3-5#*]+`, matched against the input as written) and as a class of keys
    /// (`[12]`): an unanchored pattern accepts the input when it matches the whole input or every key.
    public func accepts(_ input: String) -> Bool {
        guard (min...Swift.max(min, max)).contains(input.count) else { return false }
        guard let digits, !digits.isEmpty else { return input.allSatisfy { "0123456789*#".contains($0) } }
        func matches(_ pattern: String, _ text: String) -> Bool {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        if digits.hasPrefix("^") || digits.hasSuffix("$") { return matches(digits, input) }
        return matches("^(?:\(digits))$", input) || input.allSatisfy { matches("^(?:\(digits))$", String($0)) }
    }
}

/// seven.io's `<bridge>`: a transfer to `number`, at once or when the caller presses `digit` (after `~`, a
/// regular expression of keys, as in `*~9{3}`).
public struct SevenBridge: Sendable, Equatable {
    public var number: String
    public var digit: String?

    public init?(_ control: CallControl) {
        guard control.kind == .bridge, let number = control.attributes["number"] else { return nil }
        self.number = number
        digit = control.attributes["digit"]
    }

    /// Whether the keys pressed so far trigger the transfer; a bridge without `digit` triggers at once.
    public func triggered(by keys: String) -> Bool {
        guard let digit, !digit.isEmpty else { return true }
        let pattern: String
        if let tilde = digit.firstIndex(of: "~") {
            pattern = NSRegularExpression.escapedPattern(for: String(digit[..<tilde])) + String(digit[digit.index(after: tilde)...])
        } else {
            pattern = NSRegularExpression.escapedPattern(for: digit)
        }
        guard let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
        return regex.firstMatch(in: keys, range: NSRange(keys.startIndex..., in: keys)) != nil
    }
}
