/// Why a pronunciation could not be converted.
public struct PhonemeError: Error, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// A phone the language's table does not have.
        case notInLanguage
        /// A character that is no X-SAMPA symbol.
        case notXSAMPA
        /// Nothing to say: only marks or spaces.
        case empty
    }

    /// The offending phone as written (an IPA character with its diacritics, or an X-SAMPA symbol).
    public var phone: String
    public var reason: Reason

    public init(phone: String, reason: Reason) {
        self.phone = phone
        self.reason = reason
    }
}

/// The alphabets `<phoneme alphabet="…">` accepts.
public enum PhoneticAlphabet: String, Sendable, CaseIterable {
    case ipa = "IPA"
    case xsampa = "X-SAMPA"

    /// The alphabet an attribute names: `ipa`, `x-sampa` (any case; Polly, Azure and Google write `x-sampa` and
    /// `x-SAMPA`); nil for anything else.
    public init?(attribute: String) {
        switch attribute.trimmingWhitespace().lowercased() {
        case "ipa": self = .ipa
        case "x-sampa", "xsampa": self = .xsampa
        default: return nil
        }
    }
}

/// X-SAMPA, the ASCII spelling of IPA, converted to IPA.
///
/// Symbols are matched longest first (`r\`` before `r\` before `r`); the table covers X-SAMPA's pulmonic consonants,
/// vowels, suprasegmentals and the diacritics `_h _j _w _0 _d _^ _~ =` and `~`.
public enum XSAMPA {
    static let symbols: [String: String] = [
        // Vowels.
        "a": "a", "e": "e", "i": "i", "o": "o", "u": "u", "y": "y", "A": "ɑ", "E": "ɛ", "I": "ɪ", "O": "ɔ", "U": "ʊ",
        "V": "ʌ", "Y": "ʏ", "Q": "ɒ", "M": "ɯ", "{": "æ", "}": "ʉ", "1": "ɨ", "2": "ø", "3": "ɜ", "3\\": "ɞ", "6": "ɐ",
        "7": "ɤ", "8": "ɵ", "9": "œ", "&": "ɶ", "@": "ə", "@\\": "ɘ", "@`": "ɚ", "3`": "ɝ", "I\\": "ᵻ", "U\\": "ᵿ",
        // Consonants.
        "p": "p", "b": "b", "t": "t", "d": "d", "k": "k", "g": "ɡ", "c": "c", "q": "q", "f": "f", "v": "v", "s": "s",
        "z": "z", "h": "h", "x": "x", "m": "m", "n": "n", "l": "l", "r": "r", "j": "j", "w": "w", "B": "β", "C": "ç",
        "D": "ð", "F": "ɱ", "G": "ɣ", "H": "ɥ", "J": "ɲ", "K": "ɬ", "L": "ʎ", "N": "ŋ", "P": "ʋ", "R": "ʁ", "S": "ʃ",
        "T": "θ", "W": "ʍ", "X": "χ", "Z": "ʒ", "4": "ɾ", "5": "ɫ", "?": "ʔ", "?\\": "ʕ", "r\\": "ɹ", "r\\`": "ɻ",
        "R\\": "ʀ", "h\\": "ɦ", "j\\": "ʝ", "l\\": "ɺ", "l`": "ɭ", "n`": "ɳ", "s`": "ʂ", "z`": "ʐ", "t`": "ʈ",
        "d`": "ɖ", "r`": "ɽ", "M\\": "ɰ", "N\\": "ɴ", "B\\": "ʙ", "G\\": "ɢ", "H\\": "ʜ", "J\\": "ɟ", "K\\": "ɮ",
        "L\\": "ʟ", "x\\": "ɧ", "X\\": "ħ", "s\\": "ɕ", "z\\": "ʑ", "v\\": "ʋ", "O\\": "ʘ", "|\\": "ǀ", "!\\": "ǃ",
        "=\\": "ǂ", "|\\|\\": "ǁ", "ts": "ts", "dz": "dz", "tS": "tʃ", "dZ": "dʒ", "ts\\": "tɕ", "dz\\": "dʑ",
        // Suprasegmentals and boundaries.
        "\"": "ˈ", "'": "ˈ", "%": "ˌ", ":": "ː", ":\\": "ˑ", ".": ".", "-": "", "_": "", " ": " ", "|": "|", "||": "‖",
        // Diacritics.
        "=": "\u{0329}", "~": "\u{0303}", "_h": "ʰ", "_j": "ʲ", "_w": "ʷ", "_0": "\u{0325}", "_d": "\u{032A}",
        "_^": "\u{032F}", "_~": "\u{0303}", "_=": "\u{0329}", "_t": "\u{0324}", "_v": "\u{032C}", "_\"": "\u{0308}",
        "_G": "ˠ", "_?\\": "ˤ", "_}": "\u{031A}", "_X": "\u{0306}", "_:": "ː",
    ]

    static let longest = symbols.keys.map(\.count).max() ?? 1

    /// One converted symbol: the IPA and the X-SAMPA it came from (for messages).
    public struct Symbol: Sendable, Equatable {
        public var ipa: String
        public var source: String
    }

    /// The IPA for an X-SAMPA string, symbol by symbol; throws the first character that starts no symbol.
    public static func symbols(_ text: String) throws(PhonemeError) -> [Symbol] {
        let characters = Array(text)
        var result: [Symbol] = []
        var index = 0
        while index < characters.count {
            var matched = false
            for length in stride(from: min(longest, characters.count - index), through: 1, by: -1) {
                let candidate = String(characters[index..<(index + length)])
                if let ipa = symbols[candidate] {
                    result.append(Symbol(ipa: ipa, source: candidate))
                    index += length
                    matched = true
                    break
                }
            }
            if !matched {
                if characters[index].isWhitespace {
                    result.append(Symbol(ipa: " ", source: " "))
                    index += 1
                    continue
                }
                throw PhonemeError(phone: String(characters[index]), reason: .notXSAMPA)
            }
        }
        return result
    }

    /// The IPA for an X-SAMPA string.
    public static func ipa(_ text: String) throws(PhonemeError) -> String {
        try symbols(text).map(\.ipa).joined()
    }
}

/// Microsoft's phone sets for American English, converted to IPA: the SAPI set (`alphabet="sapi"`, lowercase phones
/// separated by spaces, stress `1`/`2` after the vowel: `h eh 1 l ow`) and the Universal Phone Set (`alphabet="ups"`, the
/// same phones in capitals, stress as `S1`/`S2` before the syllable or `1`/`2` after the vowel, `.` between syllables).
///
/// The table is Microsoft's "American English phonetic alphabet" (SAPI phone set, en-US): each phone with the IPA of
/// its example word (aa father, ae cat, ah cut, ao dog, aw foul, ax ago, ay bite, eh pet, er fur, ey ate, ih fill, iy
/// feel, ow go, oy toy, uh book, uw too, and the consonants).
public enum MicrosoftPhones {
    public static let ipa: [String: String] = [
        "aa": "ɑ", "ae": "æ", "ah": "ʌ", "ao": "ɔ", "aw": "aʊ", "ax": "ə", "ay": "aɪ", "eh": "ɛ", "er": "ɝ", "ey": "eɪ",
        "ih": "ɪ", "iy": "i", "ow": "oʊ", "oy": "ɔɪ", "uh": "ʊ", "uw": "u",
        "b": "b", "ch": "tʃ", "d": "d", "dh": "ð", "f": "f", "g": "ɡ", "h": "h", "hh": "h", "jh": "dʒ", "k": "k", "l": "l", "m": "m",
        "n": "n", "ng": "ŋ", "p": "p", "r": "ɹ", "s": "s", "sh": "ʃ", "t": "t", "th": "θ", "v": "v", "w": "w", "y": "j", "z": "z", "zh": "ʒ",
        // UPS spellings that differ from SAPI's (its diphthongs are written by their parts: `JH AU` is "Zhou").
        "axr": "ɚ", "au": "aʊ", "ai": "aɪ", "ei": "eɪ", "ou": "oʊ", "oi": "ɔɪ",
    ]
    static let vowels: Set<String> = ["aa", "ae", "ah", "ao", "aw", "ax", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw", "axr", "au", "ai", "ei", "ou", "oi"]

    /// The IPA for a SAPI or UPS transcription, or the first phone that is not in the set.
    public static func toIPA(_ text: String) -> Result<String, PhonemeError> {
        var out = ""
        var stressNext: String?
        var lastVowelIndex: String.Index?
        let tokens = text.replacingOccurrences(of: ".", with: " . ").replacingOccurrences(of: "-", with: " - ")
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map { $0.lowercased() }
        for token in tokens {
            switch token {
            case "1", "2":
                // SAPI: the stress digit follows its vowel; espeak-ng stresses the next vowel, so the mark goes before it.
                if let index = lastVowelIndex { out.insert(contentsOf: token == "1" ? "ˈ" : "ˌ", at: index) }
                lastVowelIndex = nil
                continue
            case "0", "3": continue
            case "s1", "s2":
                stressNext = token == "s1" ? "ˈ" : "ˌ"
                continue
            case ".", "-", "!", "&", "_", ",", "?":
                if token == "&" || token == "_" { out += " " }
                continue
            default: break
            }
            var phone = token
            var digit: Character?
            if let last = phone.last, "0123".contains(last), phone.count > 1, ipa[phone] == nil {
                digit = last
                phone.removeLast()
            }
            guard let symbol = ipa[phone] else { return .failure(PhonemeError(phone: token, reason: .notInLanguage)) }
            if vowels.contains(phone) {
                if let mark = stressNext {
                    out += mark
                    stressNext = nil
                }
                lastVowelIndex = out.endIndex
                if digit == "1" || digit == "2" { out += digit == "1" ? "ˈ" : "ˌ"; lastVowelIndex = nil }
            }
            out += symbol
        }
        let sayable = out.filter { !"ˈˌ ".contains($0) }
        return sayable.isEmpty ? .failure(PhonemeError(phone: text, reason: .empty)) : .success(out)
    }
}
