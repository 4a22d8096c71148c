import SSMLCore

/// The exact text a speech request becomes for espeak-ng, so the synthesizer and `ssml text` agree.
///
/// espeak-ng reads it in its SSML mode with phoneme input on (`espeakSSML | espeakPHONEMES`): every character the
/// user wrote is escaped, so nothing they wrote is markup; the only tag is `say-as characters`, which espeak-ng
/// implements correctly; pronunciations are the language's phoneme mnemonics between `[[` and `]]`.
enum EspeakText {
    /// The markup for `pieces`, pieces separated by spaces; IPA is converted with `transcriber`, which is only made
    /// when a piece is IPA (building a language's phoneme table is a tenth of a one-sentence render's start).
    static func markup(_ pieces: [SpeechPiece], transcriber: @autoclosure () -> PhonemeTranscriber) throws -> String {
        try pieces.map { piece in
            switch piece {
            case .text(let text): escape(text)
            // One character at a time: run together, espeak-ng groups five or more digits as a number
            // ("482913" became "four eight two comma nine one three") and letters in threes.
            case .characters(let code): "<say-as interpret-as=\"characters\">\(code.map { escape(String($0)) }.joined(separator: " "))</say-as>"
            // Mnemonics use ' and " (`Q"`), which need no escaping in element text; & < > never occur but are escaped.
            case .ipa(let ipa): "[[\(escapeMarkup(try mnemonics(ipa, transcriber: transcriber())))]]"
            }
        }.joined(separator: " ")
    }

    /// espeak-ng's mnemonics for an IPA pronunciation the plan already checked.
    static func mnemonics(_ ipa: String, transcriber: PhonemeTranscriber) throws -> String {
        do { return try transcriber.transcribe(ipa: ipa) } catch {
            throw SSMLError(.engine, "espeak-ng cannot say /\(ipa)/: \"\(error.phone)\" is not a phone of \(transcriber.table.name)")
        }
    }

    /// XML-escapes user text; control characters (a NUL would end the C string there) become spaces, and `[[` is
    /// split (`[ [`) so user text never switches espeak-ng to phoneme input.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, scalar.properties.generalCategory == .control {
                out.append(" ")
                continue
            }
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "[" where out.hasSuffix("["): out += " ["
            default: out.append(character)
            }
        }
        return out
    }

    private static func escapeMarkup(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
