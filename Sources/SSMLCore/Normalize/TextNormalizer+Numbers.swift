import Foundation

extension TextNormalizer {
    /// Whether the language writes a decimal comma ("13,50"), which decides how a lone separator is read.
    var usesDecimalComma: Bool { language.map { $0.code != .en } ?? false }

    /// Parses a number as people write it in the language, accepting the other convention where it is
    /// unambiguous: "1,000.50" and "1.000,50" both work; a single separator followed by exactly three digits
    /// groups thousands unless it is the language's decimal separator ("1.000" is a thousand in German,
    /// "1,000" in English); otherwise it is the decimal point ("13,50" and "13.50" everywhere).
    func number(_ raw: String) throws(NormalizationError) -> DecimalNumber {
        guard let value = Self.parseNumber(raw, decimalComma: usesDecimalComma) else {
            throw NormalizationError("\"\(raw)\" is not a number")
        }
        guard value.integer <= NumberWords.maximum else {
            throw NormalizationError("\"\(raw)\" is too large to read as a number (the limit is 10^18; use interpret-as=\"digits\")")
        }
        return value
    }

    static func parseNumber(_ raw: String, decimalComma: Bool) -> DecimalNumber? {
        var text = Substring(raw.trimmingWhitespace())
        var negative = false
        if let first = text.first, "-−–+".contains(first) {
            negative = first != "+"
            text = text.dropFirst().drop(while: { $0 == " " })
        }
        let spaces: Set<Character> = [" ", "\u{00A0}", "\u{202F}", "\u{2009}", "'", "’"]
        guard let first = text.first, first.isASCIIDigit || first == "." || first == "," else { return nil }
        guard text.allSatisfy({ $0.isASCIIDigit || $0 == "." || $0 == "," || spaces.contains($0) }) else { return nil }
        let marks = text.filter { $0 == "." || $0 == "," }
        var decimal: Character?
        if Set(marks).count == 2 {
            decimal = marks.last
        } else if let mark = marks.first, marks.count == 1 {
            let after = text.split(separator: mark, omittingEmptySubsequences: false).last ?? ""
            let isLocalDecimal = (mark == ",") == decimalComma
            decimal = after.count == 3 && !isLocalDecimal && !text.hasPrefix(String(mark)) ? nil : mark
        }
        var integerPart = Substring(text), fraction = ""
        if let decimal, let index = text.lastIndex(of: decimal) {
            integerPart = text[..<index]
            fraction = String(text[text.index(after: index)...])
            guard fraction.allSatisfy(\.isASCIIDigit), !fraction.isEmpty else { return nil }
        }
        // Grouping: every group after the first has three digits.
        let groups = integerPart.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "," || spaces.contains($0) })
        if groups.count > 1 {
            guard let head = groups.first, (1...3).contains(head.count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
        }
        let digits = groups.joined()
        guard digits.allSatisfy({ $0.isASCIIDigit }) else { return nil }
        let trimmed = digits.drop { $0 == "0" }
        guard trimmed.count <= 19 else { return DecimalNumber(negative: negative, integer: Int.max, fraction: fraction) }
        let integer = trimmed.isEmpty ? 0 : Int(trimmed) ?? Int.max
        return DecimalNumber(negative: negative, integer: integer, fraction: fraction)
    }

    func cardinal(_ text: String) throws(NormalizationError) -> String {
        let value = try number(text)
        return words!.decimal(value, style: .spoken)
    }

    /// The number in "3", "3rd", "3.", "3e", "3º", "3ª", "21st".
    func ordinalValue(_ raw: String) throws(NormalizationError) -> Int {
        let text = raw.trimmingWhitespace()
        let digits = text.prefix { $0.isASCIIDigit }
        var suffix = text.dropFirst(digits.count).lowercased()
        if suffix.hasPrefix(".") { suffix.removeFirst() }
        let suffixes: Set<String> = ["", "st", "nd", "rd", "th", "e", "er", "re", "ère", "ème", "eme", "ieme", "ième", "de", "ste", "o", "a", "º", "ª", "°", "os", "as", "ºs", "ªs", "te", "ten", "ter"]
        guard !digits.isEmpty, suffixes.contains(suffix),
            digits.count <= 18, let value = Int(digits)
        else { throw NormalizationError("\"\(raw)\" is not an ordinal number (write it as digits, e.g. 3 or 3rd)") }
        return value
    }

    /// An ordinal as the words around it need it: feminine in Spanish, Italian and Portuguese for "2ª", "2a"
    /// or after "la"/"a"/"una"; in German with "-n" after a preposition or article that takes the dative or
    /// accusative ("am dritten", "zum zweiten", "den ersten").
    func ordinal(_ value: Int, _ words: NumberWords, text: String, after previous: String?) -> String {
        let masculine = words.ordinal(value, style: .spoken)
        switch words.language.code {
        case .es, .it, .pt:
            let suffix = text.trimmingWhitespace().drop { $0.isASCIIDigit }.lowercased()
            let feminine =
                ["ª", "a", ".ª", ".a", "ªs", "as"].contains(suffix)
                || (suffix.isEmpty && ["la", "una", "a", "las", "as", "le"].contains(previous ?? ""))
            guard feminine else { return masculine }
            return masculine.split(separator: " ").map { $0.hasSuffix("o") ? $0.dropLast() + "a" : String($0) }.joined(separator: " ")
        case .de:
            return German.takesDativeOrAccusative(previous) ? masculine + "n" : masculine
        default:
            return masculine
        }
    }

    func digits(_ text: String) throws(NormalizationError) -> [SpeechPiece] {
        let digits = text.filter { !$0.isWhitespace }
        guard !digits.isEmpty else { return [] }
        guard let words, digits.allSatisfy(\.isASCIIDigit) else {
            // Codes with letters or signs are spelled by the engine.
            return [.characters(digits)]
        }
        return [.text(words.digits(digits))]
    }

    func fraction(_ value: FractionValue, _ words: NumberWords) -> String {
        var text = words.rules.fraction(whole: value.whole, numerator: value.numerator, denominator: value.denominator)
        if value.negative { text = words.rules.lexicon.minus + " " + text }
        return text
    }
}

/// A fraction as written: "3/4", "2 1/2", "-1/3", "½", "2½".
struct FractionValue: Equatable {
    var negative = false
    var whole: Int?
    var numerator: Int
    var denominator: Int

    static let vulgar: [Character: (Int, Int)] = [
        "½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5), "⅗": (3, 5), "⅘": (4, 5),
        "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8),
    ]

    static func parse(_ raw: String) throws(NormalizationError) -> FractionValue {
        var text = raw.trimmingWhitespace()
        var value = FractionValue(numerator: 0, denominator: 1)
        if text.hasPrefix("-") || text.hasPrefix("−") { value.negative = true; text.removeFirst() }
        let fail = NormalizationError("\"\(raw)\" is not a fraction (write it like 3/4 or 2 1/2)")
        if let last = text.last, let (n, d) = vulgar[last] {
            let whole = text.dropLast().trimmingWhitespace()
            if !whole.isEmpty { guard let w = Int(whole), w >= 0, w <= NumberWords.maximum else { throw fail }; value.whole = w }
            value.numerator = n
            value.denominator = d
            return value
        }
        // `1+1/2` (Google's and Voicegain's samples) is one and a half.
        if let plus = text.firstIndex(of: "+"), text[..<plus].allSatisfy(\.isASCIIDigit), text[text.index(after: plus)...].contains("/") {
            text.replaceSubrange(plus...plus, with: " ")
        }
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(parts.count), let ratio = parts.last else { throw fail }
        if parts.count == 2 { guard let w = Int(parts[0]), w >= 0, w <= NumberWords.maximum else { throw fail }; value.whole = w }
        let sides = ratio.split(separator: "/", omittingEmptySubsequences: false)
        guard sides.count == 2, let n = Int(sides[0]), let d = Int(sides[1]), n >= 0, d >= 0,
            n <= NumberWords.maximum, d <= NumberWords.maximum
        else { throw fail }
        guard d > 0 else { throw NormalizationError("\"\(raw)\" divides by zero") }
        value.numerator = n
        value.denominator = d
        return value
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
