import Foundation

/// The prosody in force at a point of the document; nested `<prosody>` composes onto it.
///
/// Frame zero (``Prosody/neutral``) is the voice's own default, as in espeak-ng's prosody stack.
public struct Prosody: Sendable, Equatable, Hashable, Codable {
    /// Speaking-rate multiplier (1 = the voice's default rate).
    public var rate: Double = 1
    /// F0 multiplier relative to the voice's own pitch (1 = unchanged).
    public var pitch: Double = 1
    /// Pitch-range multiplier (1 = the voice's own range; 0 = monotone).
    public var range: Double = 1
    /// Gain in decibels applied to the rendered speech.
    public var volumeDB: Double = 0
    /// `volume="silent"`: time passes, nothing is heard.
    public var silent = false

    public static let neutral = Prosody()
    public init() {}

    /// Linear amplitude factor for ``volumeDB`` (0 when silent).
    public var gain: Double { silent ? 0 : pow(10, volumeDB / 20) }
}

/// Parses the attribute values of `<prosody>` in every W3C SSML 1.1 form, plus the forms the cloud
/// services accept (`+6dB`, `-10%`, `+2st`, `x-slow`).
public enum ProsodyValue {
    /// Rate keywords as multipliers of the default rate.
    public static let rateKeywords: [String: Double] = [
        "x-slow": 0.5, "slow": 0.7, "medium": 1.0, "default": 1.0, "fast": 1.4, "x-fast": 1.8,
    ]
    /// The rates a render honours, as multipliers of normal: beyond them speech is unintelligible, and a
    /// tiny rate would stretch a sentence over hours. Outside values are clamped with a warning.
    public static let rateRange = 0.25...4.0

    /// Pitch keywords as F0 multipliers (x-low is about 6 semitones down, x-high about 6 up).
    public static let pitchKeywords: [String: Double] = [
        "x-low": 0.7, "low": 0.85, "medium": 1.0, "default": 1.0, "high": 1.2, "x-high": 1.42,
    ]
    /// Volume keywords as gains in dB relative to the voice's default level.
    public static let volumeKeywords: [String: Double] = [
        "x-soft": -12, "soft": -6, "medium": 0, "default": 0, "loud": 4, "x-loud": 8,
    ]
    /// Range keywords as range multipliers.
    public static let rangeKeywords: [String: Double] = [
        "x-low": 0.2, "low": 0.6, "medium": 1.0, "default": 1.0, "high": 1.5, "x-high": 2.0,
    ]

    /// A parse failure's explanation; the caller adds the location.
    public struct Failure: Error, Equatable {
        public var message: String
    }

    /// `rate`: keyword, `N%` (of default), `+N%`/`-N%` (relative), or a bare multiplier `1.5`.
    /// Returns the multiplier to apply to the enclosing rate.
    public static func rate(_ raw: String) throws(Failure) -> Double {
        let value = raw.trimmingWhitespace().lowercased()
        let hint = "use x-slow, slow, medium, fast, x-fast, N%, +N%, -N% or a multiplier like 1.2"
        if let keyword = rateKeywords[value] { return keyword }
        guard let number = leadingNumber(value) else { throw Failure(message: "prosody rate \"\(raw)\" is not a rate (\(hint))") }
        let factor: Double
        switch number.unit {
        case "%" where number.signed: factor = 1 + number.value / 100
        case "%": factor = number.value / 100
        case "" where !number.signed: factor = number.value
        default: throw Failure(message: "prosody rate \"\(raw)\" is not a rate (\(hint))")
        }
        guard factor > 0, factor.isFinite else {
            throw Failure(message: "prosody rate \"\(raw)\" must be greater than zero")
        }
        return factor
    }

    /// `pitch`: keyword, `+N%`, `-N%`, `N%`, `+NHz`/`-NHz` (relative), `NHz` (absolute),
    /// `+Nst`/`-Nst` semitones. Returns the new F0 multiplier given the enclosing one and the voice's base F0.
    public static func pitch(_ raw: String, current: Double, baseHz: Double) throws(Failure) -> Double {
        let value = raw.trimmingWhitespace().lowercased()
        let hint = "use x-low..x-high, +N%, -N%, +NHz, NHz or +Nst"
        if let keyword = pitchKeywords[value] { return current * keyword }
        guard let number = leadingNumber(value) else { throw Failure(message: "prosody pitch \"\(raw)\" is not a pitch (\(hint))") }
        let result: Double
        switch number.unit {
        case "%" where number.signed: result = current * (1 + number.value / 100)
        case "%": result = current * number.value / 100
        case "hz" where number.signed: result = (current * baseHz + number.value) / baseHz
        case "hz": result = number.value / baseHz
        case "st": result = current * pow(2, number.value / 12)
        default: throw Failure(message: "prosody pitch \"\(raw)\" is not a pitch (\(hint))")
        }
        guard result > 0, result.isFinite else {
            throw Failure(message: "prosody pitch \"\(raw)\" leaves no pitch (the result must be above 0 Hz)")
        }
        return result
    }

    /// `range`: keyword, `N%`, `+N%`/`-N%`, or semitone / Hz offsets (read as relative widening).
    public static func range(_ raw: String, current: Double) throws(Failure) -> Double {
        let value = raw.trimmingWhitespace().lowercased()
        if let keyword = rangeKeywords[value] { return current * keyword }
        guard let number = leadingNumber(value) else {
            throw Failure(message: "prosody range \"\(raw)\" is not a range (use x-low..x-high, N% or +N%)")
        }
        switch number.unit {
        case "%" where number.signed: return max(0, current * (1 + number.value / 100))
        case "%": return max(0, current * number.value / 100)
        case "st": return max(0, current * pow(2, number.value / 12))
        default: throw Failure(message: "prosody range \"\(raw)\" is not a range (use x-low..x-high, N% or +N%)")
        }
    }

    /// `volume`: `silent`, keyword, `+NdB`/`-NdB`, `+N%`/`-N%` (relative amplitude),
    /// or a bare number 0...100 (SSML 1.0 absolute; 100 is the default level).
    /// Returns the new (dB, silent) given the enclosing dB.
    public static func volume(_ raw: String, currentDB: Double) throws(Failure) -> (db: Double, silent: Bool) {
        let value = raw.trimmingWhitespace().lowercased()
        let hint = "use silent, x-soft..x-loud, +NdB, -NdB, +N% or 0-100"
        if value == "silent" { return (currentDB, true) }
        if let keyword = volumeKeywords[value] { return (currentDB + keyword, false) }
        guard let number = leadingNumber(value) else { throw Failure(message: "prosody volume \"\(raw)\" is not a volume (\(hint))") }
        switch number.unit {
        case "db": return (currentDB + number.value, false)
        case "%" where number.signed:
            let factor = 1 + number.value / 100
            if factor <= 0 { return (currentDB, true) }
            return (currentDB + 20 * log10(factor), false)
        case "" where !number.signed, "%" where !number.signed:
            guard number.value <= 100 else {
                throw Failure(message: "prosody volume \"\(raw)\" is above 100 (use +NdB to go louder)")
            }
            if number.value == 0 { return (currentDB, true) }
            return (currentDB + 20 * log10(number.value / 100), false)
        case "" where number.signed:
            // SSML 1.1: a signed number is a change on the 0-100 scale where 100 is our default level.
            let level = 100 + number.value
            if level <= 0 { return (currentDB, true) }
            return (currentDB + 20 * log10(level / 100), false)
        default: throw Failure(message: "prosody volume \"\(raw)\" is not a volume (\(hint))")
        }
    }

    /// A number with an optional sign and unit suffix (`+12.5%`, `-3dB`, `200Hz`).
    struct Number {
        var value: Double
        var signed: Bool
        var unit: String
    }

    static func leadingNumber(_ text: String) -> Number? {
        var rest = Substring(text)
        var sign = 1.0
        var signed = false
        if let first = rest.first, first == "+" || first == "-" {
            signed = true
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !digits.isEmpty, digits.filter({ $0 == "." }).count <= 1, digits != ".",
            let magnitude = Double(digits)
        else { return nil }
        let unit = rest.dropFirst(digits.count).trimmingWhitespace()
        guard ["", "%", "hz", "st", "db"].contains(unit) else { return nil }
        return Number(value: sign * magnitude, signed: signed, unit: unit)
    }
}
