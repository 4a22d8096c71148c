/// The exact text a speech segment becomes for espeak-ng, so the synthesizer and `ssml text` agree.
///
/// espeak-ng reads it in its SSML mode with phoneme input on (`espeakSSML | espeakPHONEMES`): every character the
/// user wrote is escaped, so nothing they wrote is markup; the only tag is `say-as characters`, which espeak-ng
/// implements correctly; pronunciations are mnemonics between `[[` and `]]`.
public enum EngineText {
    /// The markup for `pieces`, pieces separated by spaces.
    public static func markup(_ pieces: [SpeechPiece]) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): escape(text)
            // One character at a time: run together, espeak-ng groups five or more digits as a number
            // ("482913" became "four eight two comma nine one three") and letters in threes.
            case .characters(let code): "<say-as interpret-as=\"characters\">\(code.map { escape(String($0)) }.joined(separator: " "))</say-as>"
            // Mnemonics use ' and " (`Q"`), which need no escaping in element text; & < > never occur but are escaped.
            case .phonemes(let mnemonics): "[[\(escapeMarkup(mnemonics))]]"
            }
        }.joined(separator: " ")
    }

    /// The same text for people: codes spaced out, phonemes as `[[…]]`, nothing escaped.
    public static func readable(_ pieces: [SpeechPiece]) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .characters(let code): code.map(String.init).joined(separator: " ")
            case .phonemes(let mnemonics): "[[\(mnemonics)]]"
            }
        }.joined(separator: " ")
    }

    /// XML-escapes user text; control characters (a NUL would end the C string there) become spaces, and `[[` is
    /// split (`[ [`) so user text never switches espeak-ng to phoneme input.
    public static func escape(_ text: String) -> String {
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
