import SSMLCore

/// How IPA phones map onto one espeak-ng phoneme table: the data behind ``PhonemeTranscriber``.
///
/// espeak-ng reads phonemes written between `[[` and `]]` as the mnemonics of the current language's phoneme table
/// (`t@m'eIt#oU`), matching the longest mnemonic at each position. Mnemonic names, and the sound each stands for, are
/// per table: `oU` is [oʊ] in `en-us` and [əʊ] in `en` (British), German has `Y:` for [øː] and no `eI`. So each
/// supported language has its own table here, written from espeak-ng 1.51's `phsource/ph_english*` and
/// `phsource/ph_german`, and checked by converting espeak-ng's own `--ipa` output for common words back to mnemonics
/// (see `PhonemeTranscriberTests`).
public struct PhonemeTable: Sendable {
    /// When a rule applies, judged by the next phone (stress, length and syllable marks skipped).
    public enum Context: Sendable {
        case always
        /// Only at the end of a word or before a consonant: r-coloured vowels (`ɛɹ` → `e@`) whose `ɹ` must stay a
        /// consonant before a vowel (`ˈvɛɹi` is `v'Eri`).
        case notBeforeVowel
    }

    /// One IPA sequence and the mnemonic espeak-ng reads for it.
    public struct Rule: Sendable {
        public var ipa: String
        public var espeak: String
        public var context: Context
    }

    /// The language as users see it in messages: `en-us`, `en-gb`, `de`.
    public var name: String
    /// Rules; the transcriber takes the longest IPA match at each position.
    public var rules: [Rule]
    /// Every mnemonic espeak-ng's table defines (including inherited ones), used to separate mnemonics that would
    /// otherwise run together into a longer one (`t` + `S` would read as `tS`).
    public var inventory: Set<String>
    /// A table written for this language (an unknown phone is an error); otherwise the names are only those every
    /// espeak-ng table shares (an unknown phone is a warning and the word is read as written).
    public var isExact: Bool

    init(name: String, rules: [(String, String)], finalRules: [(String, String)] = [], inventory: Set<String>, isExact: Bool) {
        self.name = name
        self.rules =
            rules.map { Rule(ipa: $0.0, espeak: $0.1, context: .always) }
            + finalRules.map { Rule(ipa: $0.0, espeak: $0.1, context: .notBeforeVowel) }
        self.inventory = inventory
        self.isExact = isExact
    }

    /// The table for an espeak-ng language code (`en-us`, `en-gb-scotland`, `de`, `fr`).
    public static func forLanguage(_ espeak: String) -> PhonemeTable {
        let language = espeak.lowercased()
        if language == "en-us" { return .englishUS }
        if language == "en" || language.hasPrefix("en-") { return .englishGB }
        if language == "de" || language.hasPrefix("de-") { return .german }
        var table = PhonemeTable.generic
        table.name = language
        return table
    }

    // MARK: - Shared by every espeak-ng table

    /// Mnemonics of espeak-ng's `base1` table, which every language table includes (checked in 1.51's phontab).
    static let base1: Set<String> = [
        "#@", "#X1", "#a", "#e", "#i", "#o", "#u", "%", "%%", "'", "'!", "''", "*", "**", ",", ",,", "-", "1", ":", ";",
        "=", "?", "@", "@-", "B", "C", "D", "J", "J^", "L", "L/", "N", "N-", "Q", "Q\"", "Q^", "R", "R2", "R3", "S", "S;",
        "T", "X", "Z", "Z;", "_", "_!", "_:", "_::", "_;_", "_X1", "_^_", "_|", "a", "b", "c", "d", "dZ", "dZ;", "d[", "e",
        "f", "g", "h", "i", "j", "k", "l", "l#", "l-", "l.", "l/", "l/2", "l/3", "l^", "m", "m-", "n", "n-", "n.", "n^", "o",
        "p", "q", "r", "r\"", "r-", "r.", "r/", "s", "s.", "s;", "t", "t#", "tS", "tS;", "t[", "u", "v", "v#", "w", "x", "z",
        "z.", "z;", "||",
    ]

    /// Consonants whose `base1` names every language shares.
    static let sharedConsonants: [(String, String)] = [
        ("p", "p"), ("b", "b"), ("t", "t"), ("d", "d"), ("k", "k"), ("ɡ", "g"), ("g", "g"), ("c", "c"), ("ɟ", "J"),
        ("q", "q"), ("f", "f"), ("v", "v"), ("θ", "T"), ("ð", "D"), ("s", "s"), ("z", "z"), ("ʃ", "S"), ("ʒ", "Z"),
        ("ç", "C"), ("x", "x"), ("ɣ", "Q"), ("χ", "X"), ("h", "h"), ("β", "B"), ("ʝ", "J^"), ("ɕ", "S;"), ("ʑ", "Z;"),
        ("ʂ", "s."), ("ʐ", "z."), ("tʃ", "tS"), ("ʧ", "tS"), ("dʒ", "dZ"), ("ʤ", "dZ"), ("tɕ", "tS;"), ("dʑ", "dZ;"),
        ("m", "m"), ("n", "n"), ("ŋ", "N"), ("ɲ", "n^"), ("ɳ", "n."), ("l", "l"), ("ɫ", "L"), ("ʎ", "l^"), ("ɭ", "l."),
        ("ɬ", "l#"), ("j", "j"), ("w", "w"), ("ʋ", "v#"), ("ʔ", "?"), ("m̩", "m-"), ("n̩", "n-"), ("ŋ̩", "N-"),
    ]

    /// Marks that are not phones: stress, length, syllable and word boundaries.
    static let marks: [(String, String)] = [
        ("ˈ", "'"), ("'", "'"), ("ˌ", ","), ("ː", ":"), ("ˑ", ""), (".", "|"), ("‿", ""), ("|", ""), ("‖", ""),
    ]

    /// Phones every table shares: `base1`'s consonants, its five vowels and schwa, and the trills and taps it names.
    public static let generic = PhonemeTable(
        name: "generic",
        rules: marks + sharedConsonants + [
            ("a", "a"), ("e", "e"), ("i", "i"), ("o", "o"), ("u", "u"), ("ə", "@"), ("r", "r"), ("ɾ", "*"), ("ʁ", "Q\""),
            ("ʀ", "r\""), ("ɹ", "r-"), ("l̩", "l-"),
        ],
        inventory: base1, isExact: false)

    // MARK: - English

    /// Mnemonics the English tables (`en`, `en-us` and the other `en-*`, which share names) add to `base1`.
    static let englishInventory = base1.union([
        "0", "0#", "02", "3", "3:", "@#", "@2", "@5", "@L", "A#", "A:", "A@", "A~", "E", "E#", "E2", "I", "I#", "I2", "I2#",
        "IR", "O", "O2", "O:", "O@", "OI", "O~", "U", "U@", "V", "VR", "a#", "a#2", "a2", "aI", "aI3", "aI@", "aU", "aU@",
        "aa", "d#", "e#", "e:", "e@", "eI", "i:", "i@", "i@3", "o:", "o@", "oU", "oU#", "t2", "u:", "w#", "z#", "z/2",
    ])

    /// Vowels and consonants both English tables read the same way.
    static let englishCommon: [(String, String)] = [
        ("r", "r"), ("ɹ", "r"), ("ɻ", "r"), ("ʍ", "w#"), ("ɾ", "t#"), ("l̩", "@L"),
        ("iː", "i:"), ("i", "i"), ("ɪ", "I"), ("ᵻ", "I#"), ("ɨ", "I#"), ("e", "E"), ("ɛ", "E"), ("eɪ", "eI"),
        ("æ", "a"), ("a", "a"), ("ɐ", "a#"), ("aɪ", "aI"), ("ai", "aI"), ("aʊ", "aU"), ("au", "aU"),
        ("ɒ", "0"), ("ɔː", "O:"), ("ɔ", "O"), ("ɔɪ", "OI"), ("oɪ", "OI"), ("oː", "o:"),
        ("oʊ", "oU"), ("əʊ", "oU"), ("ʊ", "U"), ("uː", "u:"), ("u", "u:"), ("ʌ", "V"), ("ə", "@"),
        ("ɜː", "3:"), ("ɜ", "3:"), ("ɝ", "3:"), ("ɝː", "3:"), ("ɚ", "3"),
        ("ɪə", "i@"), ("iə", "i@"), ("eə", "e@"), ("ɛə", "e@"), ("ɛː", "e@"), ("ʊə", "U@"),
        ("aɪə", "aI@"), ("aɪɚ", "aI3"), ("aʊə", "aU@"), ("ɑ̃", "A~"), ("ɒ̃", "A~"), ("ɔ̃", "O~"),
        // English has no monophthong [o]: American dictionaries write the GOAT vowel so.
        ("o", "oU"),
    ]

    /// r-coloured vowels: one mnemonic at the end of a word or before a consonant, vowel + `r` before a vowel.
    static let englishRhotic: [(String, String)] = [
        ("ɑːɹ", "A@"), ("ɑɹ", "A@"), ("ɔːɹ", "O@"), ("ɔɹ", "O@"), ("oːɹ", "o@"), ("oɹ", "o@"), ("ɛɹ", "e@"), ("eɹ", "e@"),
        ("ɪɹ", "i@3"), ("iɹ", "i@3"), ("ʊɹ", "U@"), ("ɜːɹ", "3:"), ("ɜɹ", "3:"), ("əɹ", "3"), ("aɪɹ", "aI3"), ("aʊɹ", "aU@"),
        ("ɑːr", "A@"), ("ɑr", "A@"), ("ɔːr", "O@"), ("ɔr", "O@"), ("ɛr", "e@"), ("ɪr", "i@3"), ("ʊr", "U@"),
        ("ɜːr", "3:"), ("ɜr", "3:"), ("ər", "3"),
        // A syllabic l after schwa, as espeak-ng writes "little" (`l'It@L`).
        ("əl", "@L"),
    ]

    /// American English (espeak-ng `en-us`): LOT is `0` [ɑː], `ɑ` alone is that vowel.
    public static let englishUS = PhonemeTable(
        name: "en-us",
        rules: marks + sharedConsonants + englishCommon + [("ɑː", "A:"), ("ɑ", "0")],
        finalRules: englishRhotic, inventory: englishInventory, isExact: true)

    /// British English (espeak-ng `en`, used by `en-gb` and the other English voices).
    public static let englishGB = PhonemeTable(
        name: "en-gb",
        rules: marks + sharedConsonants + englishCommon + [("ɑː", "A:"), ("ɑ", "A:")],
        finalRules: englishRhotic, inventory: englishInventory, isExact: true)

    // MARK: - German

    static let germanInventory = base1.union([
        "3", "A", "A:", "A~", "E", "E2", "E:", "EI", "I", "I:", "O", "OY", "O~", "U", "UR", "W", "W~", "Y:", "aI", "aU",
        "e:", "g#", "i2", "i:", "iR", "l2", "o:", "oU", "pF", "ts", "u:", "y", "y:",
    ])

    /// German (espeak-ng `de`): every r (ʁ, r, ɾ, ʀ) is `r`, the German r espeak-ng varies by context; `3` the -er vowel [ɐ]
    /// (espeak-ng writes it `ɜ`); `_!` the glottal stop
    /// espeak-ng puts before initial vowels.
    public static let german = PhonemeTable(
        name: "de",
        rules: marks + sharedConsonants + [
            ("ʁ", "r"), ("ɾ", "r"), ("ʀ", "r"), ("ɹ", "r"), ("r", "r"), ("ʔ", "_!"), ("pf", "pF"),
            ("ts", "ts"), ("ʦ", "ts"), ("l̩", "l-"), ("χ", "x"),
            ("a", "a"), ("aː", "A:"), ("ɑː", "A:"), ("ɑ", "A"), ("ɐ", "3"), ("ɐ̯", "3"), ("ɜ", "3"), ("ə", "@"), ("ɛ", "E"), ("ɛː", "E:"),
            ("e", "e"), ("eː", "e:"), ("ɪ", "I"), ("i", "i"), ("iː", "i:"), ("ɔ", "O"), ("o", "o"), ("oː", "o:"),
            ("ʊ", "U"), ("u", "u"), ("uː", "u:"), ("ʏ", "y"), ("y", "y"), ("yː", "y:"), ("œ", "W"), ("ø", "Y:"),
            ("øː", "Y:"), ("aɪ", "aI"), ("ai", "aI"), ("aɪ̯", "aI"), ("aʊ", "aU"), ("au", "aU"), ("aʊ̯", "aU"),
            ("ɔʏ", "OY"), ("ɔʏ̯", "OY"), ("ɔɪ", "OY"), ("ɔø", "OY"), ("oɪ", "OY"), ("eɪ", "EI"), ("ɛɪ", "EI"), ("oʊ", "oU"),
            ("ɑ̃", "A~"), ("ɑ̃ː", "A~"), ("ɔ̃", "O~"), ("ɔ̃ː", "O~"), ("õ", "O~"), ("œ̃", "W~"),
        ],
        inventory: germanInventory, isExact: true)
}
