import Foundation
import SSMLCore

/// Converts IPA (or X-SAMPA) to the phoneme mnemonics espeak-ng reads between `[[` and `]]`.
///
/// At each position the longest IPA sequence with a rule in the language's ``PhonemeTable`` wins (`tʃ` before `t`,
/// `eɪ` before `e`); tie bars are dropped first (`t͡ʃ` is `tʃ`), and input and rules are compared in Unicode
/// canonical decomposition, so precomposed and combining spellings agree. Stress marks (`ˈ ˌ`) become espeak-ng's
/// `'` and `,` (espeak-ng puts the stress on the next vowel, so IPA's onset placement works as written); syllable
/// dots become `|`, espeak-ng's phoneme separator; spaces separate words. Aspiration, dental, voicing, unreleased
/// and non-syllabic marks with no rule of their own are dropped: espeak-ng adds them by context.
public struct PhonemeTranscriber: Sendable {
    public let table: PhonemeTable
    private let rules: [[Unicode.Scalar]: [PhonemeTable.Rule]]
    private let longest: Int
    /// Characters in the longest mnemonic of the inventory: how far ahead a merge can reach.
    private let longestMnemonic: Int

    /// Marks dropped when no rule uses them.
    static let ignorable: Set<Unicode.Scalar> = [
        "\u{02B0}", "\u{032A}", "\u{0325}", "\u{030A}", "\u{032C}", "\u{031A}", "\u{032F}", "\u{0329}", "\u{0324}", "-",
    ]
    /// Tie bars (above and below): an affricate is matched as its two letters.
    static let ties: Set<Unicode.Scalar> = ["\u{0361}", "\u{035C}"]
    /// IPA vowel letters, for rules that depend on whether a vowel follows.
    static let vowels: Set<Unicode.Scalar> = Set("aeiouyæɑɒɐəɘɛɜɞɪɨʉʊʌɔœøɵɤɯʏɶᵻᵿɚɝ".unicodeScalars)
    /// Marks skipped when looking at the next phone.
    static let transparent: Set<Unicode.Scalar> = Set("ˈˌ'ːˑ.‿".unicodeScalars)

    public init(table: PhonemeTable) {
        self.table = table
        var rules: [[Unicode.Scalar]: [PhonemeTable.Rule]] = [:]
        // A later rule for the same IPA and context replaces an earlier one: language rules override shared ones.
        for rule in table.rules {
            let key = Self.scalars(rule.ipa)
            rules[key] = (rules[key] ?? []).filter { $0.context != rule.context } + [rule]
        }
        self.rules = rules
        self.longest = rules.keys.map(\.count).max() ?? 1
        self.longestMnemonic = table.inventory.map(\.count).max() ?? 1
    }

    /// The transcriber for an espeak-ng language (`en-us`, `de`).
    public init(language: String) {
        self.init(table: .forLanguage(language))
    }

    static func scalars(_ text: String) -> [Unicode.Scalar] {
        Array(text.decomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// The mnemonics for `ipa`, words separated by single spaces (`t@m'eItoU`).
    public func transcribe(ipa: String) throws(PhonemeError) -> String {
        let input = Self.scalars(ipa).filter { !Self.ties.contains($0) }
        var words: [[String]] = [[]]
        var index = 0
        while index < input.count {
            let scalar = input[index]
            if scalar.properties.isWhitespace {
                if !(words.last?.isEmpty ?? true) { words.append([]) }
                index += 1
                continue
            }
            if let (rule, length) = match(input, at: index) {
                if !rule.espeak.isEmpty { words[words.count - 1].append(rule.espeak) }
                index += length
                continue
            }
            if Self.ignorable.contains(scalar) {
                index += 1
                continue
            }
            throw PhonemeError(phone: Self.phone(in: input, at: index), reason: .notInLanguage)
        }
        let text = words.map(separated).filter { !$0.isEmpty }.joined(separator: " ")
        guard text.contains(where: { $0.isLetter || $0.isNumber || $0 == "@" }) else {
            throw PhonemeError(phone: ipa, reason: .empty)
        }
        return text
    }

    /// The mnemonics for an X-SAMPA string; an unknown phone is named in X-SAMPA.
    public func transcribe(xsampa: String) throws(PhonemeError) -> String {
        let symbols = try XSAMPA.symbols(xsampa)
        do {
            return try transcribe(ipa: symbols.map(\.ipa).joined())
        } catch  where error.reason == .notInLanguage {
            // Name the X-SAMPA symbol the IPA phone came from.
            let phone = Self.scalars(error.phone)
            if let symbol = symbols.first(where: { Self.scalars($0.ipa).starts(with: phone.prefix(1)) }) {
                throw PhonemeError(phone: symbol.source, reason: .notInLanguage)
            }
            throw error
        }
    }

    /// Converts `ph` written in `alphabet`.
    public func transcribe(_ ph: String, alphabet: PhoneticAlphabet) throws(PhonemeError) -> String {
        switch alphabet {
        case .ipa: try transcribe(ipa: ph)
        case .xsampa: try transcribe(xsampa: ph)
        }
    }

    /// The longest rule matching at `index` whose context holds.
    private func match(_ input: [Unicode.Scalar], at index: Int) -> (PhonemeTable.Rule, Int)? {
        for length in stride(from: min(longest, input.count - index), through: 1, by: -1) {
            guard let candidates = rules[Array(input[index..<(index + length)])] else { continue }
            for rule in candidates {
                switch rule.context {
                case .always: return (rule, length)
                case .notBeforeVowel where !vowelFollows(input, after: index + length): return (rule, length)
                case .notBeforeVowel: continue
                }
            }
        }
        return nil
    }

    private func vowelFollows(_ input: [Unicode.Scalar], after index: Int) -> Bool {
        var next = index
        while next < input.count, Self.transparent.contains(input[next]) { next += 1 }
        return next < input.count && Self.vowels.contains(input[next])
    }

    /// The phone at `index` as the user wrote it: the letter with the combining marks after it, recomposed.
    private static func phone(in input: [Unicode.Scalar], at index: Int) -> String {
        var start = index
        while start > 0, isMark(input[start]) { start -= 1 }
        var end = index + 1
        while end < input.count, isMark(input[end]) { end += 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: input[start..<end])
        return String(view).precomposedStringWithCanonicalMapping
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .nonspacingMark
    }

    /// Joins a word's mnemonics, with `|` wherever espeak-ng's longest-match reading would otherwise merge a
    /// mnemonic with what follows into a longer one (`t` `S` → `t|S`, not `tS`). Tables that do not know the
    /// language's full inventory separate every pair.
    private func separated(_ tokens: [String]) -> String {
        var out = ""
        for (index, token) in tokens.enumerated() {
            if token == "|" {
                if !out.isEmpty && !out.hasSuffix("|") && index + 1 < tokens.count { out += "|" }
                continue
            }
            out += token
            guard index + 1 < tokens.count, tokens[index + 1] != "|" else { continue }
            // Only the next few characters can merge with `token`: joining the whole rest made long `ph` quadratic.
            var rest = ""
            for next in tokens[(index + 1)...] {
                if rest.count >= longestMnemonic { break }
                rest += next
            }
            if needsSeparator(after: token, before: rest) { out += "|" }
        }
        return out
    }

    private func needsSeparator(after token: String, before rest: String) -> Bool {
        let isMark = ["'", ",", ":"].contains(token)
        if !table.isExact { return !isMark && !["'", ",", ":"].contains(String(rest.prefix(1))) }
        let following = token + rest
        return table.inventory.contains { name in name.count > token.count && following.hasPrefix(name) }
    }
}
