import Foundation

extension TextNormalizer {
    /// A code spelled out: letters and digits by the engine, punctuation named in the language, spaces
    /// dropped. `detail="case"` says "capital" before upper-case letters.
    func characters(_ text: String, detail: String?) -> [SpeechPiece] {
        let sayCase = detail?.lowercased() == "case"
        var pieces: [SpeechPiece] = []
        var run = ""
        func flush() {
            if !run.isEmpty { pieces.append(.characters(run)) }
            run = ""
        }
        for character in text where !character.isWhitespace {
            if let lexicon, let name = lexicon.punctuation[character] {
                flush()
                pieces.append(.text(name))
            } else if sayCase, let lexicon, character.isUppercase {
                flush()
                pieces.append(.text(lexicon.capital))
                run.append(character)
            } else {
                run.append(character)
            }
        }
        flush()
        return pieces
    }

    /// Extension markers at the end of a telephone number ("ext. 12", "x12", "#12", "Durchwahl 12").
    static let extensionMarkers = ["extension", "ext.", "ext", "durchwahl", "dw.", "dw", "poste", "extensión", "ext", "interno", "int.", "toestel", "tst.", "ramal", "x", "#"]

    /// Digit groups as written, "+" as the language reads it, each group a short phrase; letters spelled.
    func telephone(_ raw: String) throws(NormalizationError) -> [SpeechPiece] {
        var text = raw.trimmingWhitespace()
        var extensionDigits: String?
        let lower = text.lowercased()
        for marker in Self.extensionMarkers {
            guard let range = lower.range(of: marker, options: .backwards) else { continue }
            let tail = lower[range.upperBound...].trimmingWhitespace()
            let before = lower[..<range.lowerBound]
            guard !tail.isEmpty, tail.allSatisfy(\.isASCIIDigit), before.contains(where: \.isASCIIDigit),
                before.last.map({ !$0.isLetter }) ?? true
            else { continue }
            extensionDigits = tail
            text = String(text[..<text.index(text.startIndex, offsetBy: before.count)]).trimmingWhitespace()
            break
        }
        guard text.contains(where: { $0.isASCIIDigit }), text.allSatisfy({ $0.isASCIIDigit || $0.isLetter || " -./()+".contains($0) }) else {
            throw NormalizationError("\"\(raw)\" is not a telephone number")
        }
        var groups = text.split(whereSeparator: { " -./()".contains($0) }).map(String.init)
        guard let words, let lexicon else {
            if let extensionDigits { groups.append(extensionDigits) }
            return groups.map { .characters($0) }
        }
        func read(_ group: String) -> String {
            var parts: [String] = []
            var body = Substring(group)
            if body.hasPrefix("+") { parts.append(lexicon.plus); body = body.dropFirst() }
            if !body.isEmpty { parts.append(body.allSatisfy(\.isASCIIDigit) ? words.digits(String(body)) : "") }
            return parts.filter { !$0.isEmpty }.joined(separator: " ")
        }
        var pieces: [SpeechPiece] = []
        for (index, group) in groups.enumerated() {
            let comma = index < groups.count - 1 || extensionDigits != nil ? "," : ""
            if group.dropFirst(group.hasPrefix("+") ? 1 : 0).allSatisfy(\.isASCIIDigit) {
                pieces.append(.text(read(group) + comma))
            } else {
                // Vanity numbers: "1-800-FLOWERS"
                if group.hasPrefix("+") { pieces.append(.text(lexicon.plus)) }
                pieces.append(.characters(String(group.drop { $0 == "+" })))
                if !comma.isEmpty { pieces.append(.text(comma)) }
            }
        }
        if let extensionDigits { pieces.append(.text(lexicon.extensionWord + " " + words.digits(extensionDigits))) }
        return pieces
    }

    /// Abbreviations expanded, house numbers as cardinals, postcodes (five digits or more) digit by digit.
    func address(_ text: String) -> [SpeechPiece] {
        guard let words, let lexicon, let language else { return [.text(text)] }
        var pieces: [SpeechPiece] = []
        func say(_ word: String) {
            if case .text(let previous) = pieces.last { pieces[pieces.count - 1] = .text(previous + " " + word) } else { pieces.append(.text(word)) }
        }
        let tokens = text.split(separator: " ").map(String.init)
        var skipNext = false
        for (index, raw) in tokens.enumerated() {
            if skipNext { skipNext = false; continue }
            var token = raw
            var trailing = ""
            while let last = token.last, ",;".contains(last) { trailing = String(last) + trailing; token.removeLast() }
            let bare = token.hasSuffix(".") ? String(token.dropLast()) : token
            let key = bare.lowercased()
            var expanded: String?
            let next = index + 1 < tokens.count ? tokens[index + 1] : ""
            if bare.allSatisfy(\.isASCIIDigit), !bare.isEmpty, language.code == .de, token.hasSuffix("."), trailing.isEmpty,
                next.first?.isLetter == true, bare.count <= 3, let number = Int(bare)
            {
                expanded = words.ordinal(number, style: .spoken)  // "2. OG", "3. Stock"
            } else if bare.allSatisfy(\.isASCIIDigit), !bare.isEmpty, language.code == .nl, bare.count == 4, trailing.isEmpty,
                next.count == 2 || next.count == 3 && next.last == ",", next.prefix(2).allSatisfy({ $0.isASCII && $0.isUppercase })
            {
                say(words.digits(bare))  // a Dutch postcode, "1012 PX": digits, then the letters spelled
                pieces.append(.characters(String(next.prefix(2))))
                if next.count == 3 { say(",") }
                skipNext = true
                continue
            } else if case let groups = bare.split(separator: "-", omittingEmptySubsequences: false), groups.count == 2,
                groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }), (groups.last?.count ?? 0) >= 3
            {
                // Postcodes with a hyphen ("1100-053", "01310-100"): digit by digit, group by group.
                expanded = groups.map { words.digits(String($0)) }.joined(separator: ", ")
            } else if language.code == .fr, let range = token.range(of: #"^Ste?-"#, options: .regularExpression) {
                expanded = (token[range].count == 3 ? "Saint-" : "Sainte-") + token[range.upperBound...]  // "St-Michel"
            } else if bare.allSatisfy(\.isASCIIDigit), !bare.isEmpty {
                expanded = bare.count >= 5 || bare.hasPrefix("0") ? words.digits(bare) : words.cardinal(Int(bare) ?? 0, style: .spoken)
            } else if let digitsEnd = bare.firstIndex(where: { !$0.isASCIIDigit }), digitsEnd != bare.startIndex,
                let number = Int(bare[..<digitsEnd]), number <= NumberWords.maximum
            {
                let suffix = bare[digitsEnd...]
                // "12a" is a house number with a letter; "3º", "2ª" (not ASCII letters) are ordinals everywhere.
                let houseLetter = suffix.count == 1 && suffix.first.map { $0.isASCII && $0.isLetter } == true && language.code != .en
                if (try? ordinalValue(bare)) != nil, !houseLetter && suffix.count <= 3 && !suffix.isEmpty {
                    expanded = ordinal(number, words, text: bare, after: nil)  // "1st Floor", "2º", "2ª"
                } else if suffix.count <= 2, suffix.allSatisfy(\.isLetter) {
                    say(words.cardinal(number, style: .spoken))  // "12a": the letter spelled
                    pieces.append(.characters(String(suffix)))
                    if !trailing.isEmpty { say(trailing) }
                    continue
                }
            } else if language.code == .en, key == "st" {
                // "St James St": Saint before a name, Street after one.
                let previous = index > 0 ? tokens[index - 1] : ""
                let beforeName = next.first?.isUppercase == true && (previous.isEmpty || previous.allSatisfy(\.isASCIIDigit))
                expanded = beforeName ? "Saint" : "Street"
            } else if let word = lexicon.address[key] ?? lexicon.address[token.lowercased()] {
                expanded = word
            } else if language.code == .de, key.hasSuffix("str"), key.count > 3 {
                expanded = bare.dropLast(3) + "straße"  // "Hauptstr." → "Hauptstraße"
            } else if language.code == .nl, key.hasSuffix("str"), key.count > 3 {
                expanded = bare.dropLast(3) + "straat"
            }
            say((expanded ?? token) + trailing)
        }
        return pieces
    }
}
