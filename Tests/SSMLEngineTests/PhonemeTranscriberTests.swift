import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

/// The IPA and X-SAMPA converter, against espeak-ng 1.51's own transcriptions: each IPA below is what
/// `espeak-ng -v <language> --ipa <word>` prints, and each expected string what `espeak-ng -x <word>` prints, so a
/// pass means the pronunciation is read with exactly the phonemes espeak-ng uses for the word.
/// `scripts/phoneme-roundtrip.py` checks ~45 words per language the same way against the engine.
@Suite(.ownThread) struct PhonemeTranscriberTests {
    static let englishUS: [(String, String)] = [
        ("təmˈeɪɾoʊ", "t@m'eIt#oU"), ("skˈɛdʒuːl", "sk'EdZu:l"), ("wˈɔːɾɚ", "w'O:t#3"), ("nˈɜːs", "n'3:s"),
        ("kjˈʊɹ", "kj'U@"), ("nˈɪɹ", "n'i@3"), ("lˈɪɾəl", "l'It#@L"), ("bˈʌʔn̩", "b'V?n-"), ("ɡˈɑːɹdən", "g'A@d@n"),
        ("ɐbˈaʊt", "a#b'aUt"), ("dʒˈʌdʒ", "dZ'VdZ"), ("θˈɪn", "T'In"), ("ðˈɪs", "D'Is"), ("bˈɔɪ", "b'OI"),
        ("tˈɛlᵻfˌoʊn", "t'ElI#f,oUn"), ("kəmpjˈuːɾɚ", "k@mpj'u:t#3"), ("ɹˈɪŋ", "r'IN"), ("vˈɪʒən", "v'IZ@n"),
    ]
    static let englishGB: [(String, String)] = [
        ("təmˈɑːtəʊ", "t@m'A:toU"), ("ʃˈɛdjuːl", "S'Edju:l"), ("hˈeə", "h'e@"), ("ɡˈəʊ", "g'oU"), ("kˈɒt", "k'0t"),
        ("kˈat", "k'at"), ("kjˈʊə", "kj'U@"), ("lˈɪtəl", "l'It@L"), ("θˈɔːt", "T'O:t"), ("tʃˈɜːtʃ", "tS'3:tS"),
    ]
    static let german: [(String, String)] = [
        ("bˈyːçɜ", "b'y:C3"), ("tsˈaɪt", "ts'aIt"), ("ʃˈøːn", "S'Y:n"), ("lˈœfəl", "l'Wf@l"), ("hˈɔøzɜ", "h'OYz3"),
        ("pfˈeːɾt", "pF'e:rt"), ("nˈaxt", "n'axt"), ("ʃpɾˈɑːxə", "Spr'A:x@"), ("mˈɛːdçən", "m'E:dC@n"),
        ("tʃˈys", "tS'ys"), ("fˈynf", "f'ynf"), ("ʃtɾˈɑːsə", "Str'A:s@"), ("jˈʊŋə", "j'UN@"), ("ɡlˈyk", "gl'yk"),
    ]

    @Test func americanEnglishMatchesEspeak() throws {
        let transcriber = PhonemeTranscriber(language: "en-us")
        for (ipa, espeak) in Self.englishUS { #expect(try transcriber.transcribe(ipa: ipa) == espeak, "\(ipa)") }
    }

    @Test func britishEnglishMatchesEspeak() throws {
        let transcriber = PhonemeTranscriber(language: "en-gb")
        for (ipa, espeak) in Self.englishGB { #expect(try transcriber.transcribe(ipa: ipa) == espeak, "\(ipa)") }
    }

    @Test func germanMatchesEspeak() throws {
        let transcriber = PhonemeTranscriber(language: "de")
        for (ipa, espeak) in Self.german { #expect(try transcriber.transcribe(ipa: ipa) == espeak, "\(ipa)") }
    }

    @Test func dictionaryStyleIPA() throws {
        let us = PhonemeTranscriber(language: "en-us"), gb = PhonemeTranscriber(language: "en-gb"), de = PhonemeTranscriber(language: "de")
        // Stress before the onset, as dictionaries write it; espeak-ng moves it onto the vowel itself.
        #expect(try us.transcribe(ipa: "təˈmeɪtoʊ") == "t@'meItoU")
        #expect(try gb.transcribe(ipa: "təˈmɑːtəʊ") == "t@'mA:toU")
        // Tie bars, secondary stress, syllable dots, and spaces between words.
        #expect(try us.transcribe(ipa: "ˌʌn.dɚˈstænd t͡ʃiːz") == ",Vn|d3'stand tSi:z")
        // r-coloured vowels before a consonant or at the end; vowel + r before a vowel.
        #expect(try us.transcribe(ipa: "ˈvɛɹi") == "'vEri")
        #expect(try us.transcribe(ipa: "ˈkɛɹ") == "'ke@")
        // German: ʁ, the vocalic r, precomposed and combining spellings, affricates.
        #expect(try de.transcribe(ipa: "ˈt͡sʏʁɪç") == "'tsyrIC")
        #expect(try de.transcribe(ipa: "ˈbyːçɐ") == "'by:C3")
        #expect(try de.transcribe(ipa: "\u{00E7}") == "C")
        #expect(try de.transcribe(ipa: "c\u{0327}") == "C")
        #expect(try de.transcribe(ipa: "ˈʔapfl̩") == "'_!apFl-")
        // Aspiration is dropped: espeak-ng aspirates by context.
        #expect(try us.transcribe(ipa: "ˈpʰɪn") == "'pIn")
    }

    @Test func mnemonicsThatWouldRunTogetherAreSeparated() throws {
        let us = PhonemeTranscriber(language: "en-us")
        // [æ] then [ɪ] in hiatus: `a` `I` would read as the diphthong `aI`.
        #expect(try us.transcribe(ipa: "ˈæɪ") == "'a|I")
        // A languages without its own table separates every phone.
        #expect(try PhonemeTranscriber(language: "fr").transcribe(ipa: "ˈpapa") == "'p|a|p|a")
    }

    /// Separators look only a mnemonic's length ahead (joining the whole rest of the word made a long `ph`
    /// quadratic: 32,000 phones took 50 s): a long word still reads exactly like its pieces.
    @Test func longWordIsSeparatedLikeItsPieces() throws {
        let us = PhonemeTranscriber(language: "en-us")
        let count = 8_000
        #expect(try us.transcribe(ipa: String(repeating: "æɪ", count: count)) == String(repeating: "a|I", count: count))
    }

    @Test func xsampaEqualsIPA() throws {
        let us = PhonemeTranscriber(language: "en-us"), de = PhonemeTranscriber(language: "de")
        let pairs: [(PhonemeTranscriber, String, String)] = [
            (us, "t@\"meItoU", "təˈmeɪtoʊ"), (us, "\"sk_hEdZu:l", "ˈskʰɛdʒuːl"), (us, "%Vnd@`\"st{nd", "ˌʌndɚˈstænd"),
            (us, "\"r\\IN", "ˈɹɪŋ"), (us, "\"b3`d", "ˈbɝd"), (de, "\"by:C6", "ˈbyːçɐ"), (de, "\"tsY:RIC", "ˈtsʏːʁɪç"),
            (de, "\"S2:n", "ˈʃøːn"), (de, "\"l9f@l", "ˈlœfəl"),
        ]
        for (transcriber, xsampa, ipa) in pairs {
            #expect(try transcriber.transcribe(xsampa: xsampa) == transcriber.transcribe(ipa: ipa), "\(xsampa)")
        }
        #expect(try XSAMPA.ipa("r\\`") == "ɻ")
    }

    @Test func unknownPhonesAreNamed() {
        let us = PhonemeTranscriber(language: "en-us")
        #expect(throws: PhonemeError(phone: "ʘ", reason: .notInLanguage)) { try us.transcribe(ipa: "təˈmɑːʘo") }
        #expect(throws: PhonemeError(phone: "ɲ\u{0330}", reason: .notInLanguage)) { try PhonemeTranscriber(language: "de").transcribe(ipa: "aɲ\u{0330}") }
        #expect(throws: PhonemeError(phone: "O\\", reason: .notInLanguage)) { try us.transcribe(xsampa: "t@meI O\\ oU") }
        #expect(throws: PhonemeError(phone: "$", reason: .notXSAMPA)) { try us.transcribe(xsampa: "t@$") }
        #expect(throws: PhonemeError(phone: "ˈ.", reason: .empty)) { try us.transcribe(ipa: "ˈ.") }
    }

    @Test func alphabetNames() {
        #expect(PhoneticAlphabet(attribute: "ipa") == .ipa)
        #expect(PhoneticAlphabet(attribute: "x-SAMPA") == .xsampa)
        #expect(PhoneticAlphabet(attribute: "x-sampa") == .xsampa)
        #expect(PhoneticAlphabet(attribute: "arpabet") == nil)
    }
}

@Suite(.ownThread) struct PhonemeInterpreterTests {
    @Test func phonemeReplacesTheText() throws {
        let plan = try Planner().plan("<speak>Say <phoneme alphabet=\"ipa\" ph=\"təˈmɑːtəʊ\">tomato</phoneme>.</speak>", voice: "en-gb-female")
        #expect(plan[0].speech?.pieces == [.text("Say"), .ipa("təˈmɑːtəʊ"), .text(".")])
        #expect(plan[0].speech?.displayText == "Say /təˈmɑːtəʊ/ .")
        let request = try #require(plan[0].speech?.request)
        #expect(try EspeakText.markup(request.pieces, transcriber: PhonemeTranscriber(language: "en-gb")) == "Say [[t@'mA:toU]] .")
    }

    @Test func theVoiceLanguageChoosesTheTable() throws {
        let plan = try Planner().plan("<speak><voice name=\"de-de-female\"><phoneme alphabet=\"x-sampa\" ph=\"'by:C6\">Bücher</phoneme></voice></speak>")
        #expect(plan[0].speech?.pieces == [.ipa("ˈbyːçɐ")])
        #expect(try EspeakText.markup(plan[0].speech!.pieces, transcriber: PhonemeTranscriber(language: "de")) == "[['by:C3]]")
    }

    @Test func unknownPhoneIsAnErrorAtTheAttribute() throws {
        let text = "<speak>\n  Say <phoneme alphabet=\"ipa\" ph=\"təˈmɑːʘo\">tomato</phoneme>\n</speak>"
        let error = try #require(throws: SSMLError.self) { try Planner().plan(text) }
        #expect(error.description == "t.ssml:2:31: error: phoneme ph \"təˈmɑːʘo\": \"ʘ\" is not a phone of en-us (IPA)")
        #expect(error.location?.attribute == "ph" && error.location?.element == "phoneme")
    }

    @Test func missingPhAndUnknownAlphabetAreErrors() throws {
        let missing = try #require(throws: SSMLError.self) { try Planner().plan("<speak><phoneme>x</phoneme></speak>") }
        #expect(missing.kind == .missingAttribute)
        let alphabet = try #require(throws: SSMLError.self) { try Planner().plan("<speak><phoneme alphabet=\"arpabet\" ph=\"T AH0\">x</phoneme></speak>") }
        #expect(alphabet.message.contains("\"arpabet\"") && alphabet.location?.attribute == "alphabet")
    }

    @Test func otherLanguagesWarnAndReadTheText() throws {
        let planner = try Planner()
        let plan = try planner.plan("<speak><voice name=\"fr-fr-female\"><phoneme ph=\"bɔ̃ʒuʁ\">bonjour</phoneme></voice></speak>")
        #expect(plan[0].speech?.pieces == [.text("bonjour")])
        #expect(planner.log.warnings.count == 1 && planner.log.warnings[0].message.contains("\"ɔ̃\""))
    }

    @Test func engineTextKeepsUserBracketsOutOfPhonemeMode() throws {
        #expect(try EspeakText.markup([.text("a [[b]] <c>"), .ipa("təˈmeɪtoʊ")], transcriber: PhonemeTranscriber(language: "en-us")) == "a [ [b]] &lt;c&gt; [[t@'meItoU]]")
    }
}
