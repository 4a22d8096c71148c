import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// `<phoneme>` through espeak-ng: the pronunciation is spoken as phonemes, not read as text.
@Suite(.ownThread) struct PhonemeRenderTests {
    @Test(arguments: [
        ("en-us-female", "tomato", "təˈmeɪtoʊ"), ("en-gb-male", "schedule", "ˈʃɛdjuːl"), ("de-de-female", "Bücher", "ˈbyːçɐ"),
        ("de-de-male", "Straße", "ˈʃtʁaːsə"),
    ])
    func ipaWordLastsAsLongAsTheWord(voice: String, word: String, ipa: String) throws {
        let plain = try Measure.render("<speak>\(word)</speak>", voice: voice).0.soundingSpan()
        let phonemes = try Measure.render("<speak><phoneme alphabet=\"ipa\" ph=\"\(ipa)\">\(word)</phoneme></speak>", voice: voice).0.soundingSpan()
        #expect(plain > 0.2 && abs(phonemes - plain) / plain < 0.25, "\(word): plain \(plain) s, IPA \(phonemes) s")
    }

    @Test func bracketsInTextAreReadAsText() throws {
        // Typed by a user, the same mnemonics are words to spell out, far longer than the phonemes they name.
        let typed = try Measure.render("<speak>[[t@m'eItoU]]</speak>").0.soundingSpan()
        let phonemes = try Measure.render("<speak><phoneme ph=\"təˈmeɪtoʊ\">tomato</phoneme></speak>").0.soundingSpan()
        #expect(typed > phonemes * 1.5, "typed \(typed) s, phonemes \(phonemes) s")
    }
}
