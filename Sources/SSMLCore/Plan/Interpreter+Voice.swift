import Foundation

/// `<voice>`: names, gender and age, and seven.io's `loop` / `loop-info`.
extension Interpreter {
    func voice(_ element: XMLElement, frame: Frame) throws {
        try check(element, allowed: ["name", "gender", "age", "variant", "languages", "lang", "loop", "loop-info", "required", "ordering", "onvoicefailure", "id"])
        let place = element.location.with(element: "voice")
        var inner = try languageFrame(element, frame: frame)
        if let name = element.attribute("name") {
            let candidates = name.value.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            guard let resolved = candidates.lazy.compactMap({ self.resolver.voice(named: $0) }).first else {
                let suggestions = resolver.suggestions(for: candidates.first ?? name.value)
                let hint = suggestions.isEmpty ? " (names look like en-us-female, de-de-male, en-gb-child)" : "; did you mean \(suggestions.joined(separator: ", "))?"
                throw SSMLError(.unknownVoice, "unknown voice \"\(name.value)\"\(hint)", at: name.location.with(element: "voice", attribute: "name"))
            }
            inner.voice = resolved
        } else if element.attribute("gender") != nil || element.attribute("age") != nil {
            var gender = inner.voice.gender
            if let attribute = element.attribute("gender") {
                switch attribute.value.lowercased() {
                case "female": gender = .female
                case "male": gender = .male
                case "child": gender = .child
                case "neutral": break
                default:
                    throw SSMLError(.invalidValue, "voice gender \"\(attribute.value)\" is not a gender (use female, male, neutral or child)", at: attribute.location.with(element: "voice", attribute: "gender"))
                }
            }
            if let attribute = element.attribute("age") {
                guard let age = Int(attribute.value), age >= 0 else {
                    throw SSMLError(.invalidValue, "voice age \"\(attribute.value)\" is not a whole number of years", at: attribute.location.with(element: "voice", attribute: "age"))
                }
                if age < 13 { gender = .child } else if gender == .child { gender = .female }
            }
            inner.voice = try voiceFor(locale: inner.voice.locale, gender: gender, at: place)
        }
        for ignored in ["variant", "required", "ordering", "onvoicefailure"] {
            if let attribute = element.attribute(ignored) {
                try log.warn("voice \(ignored) is not supported and is ignored", at: attribute.location.with(element: "voice", attribute: ignored), kind: .unknownAttribute)
            }
        }

        var passes = 1
        if let loop = element.attribute("loop") {
            guard let count = Int(loop.value.trimmingCharacters(in: .whitespaces)), count >= 1 else {
                throw SSMLError(.invalidValue, "voice loop \"\(loop.value)\" is not a whole number of times (1 or more)", at: loop.location.with(element: "voice", attribute: "loop"))
            }
            guard count <= limits.maxLoop else {
                throw SSMLError(.limitExceeded, "voice loop \(count) is above the limit of \(limits.maxLoop)", at: loop.location.with(element: "voice", attribute: "loop"))
            }
            passes = count
        }
        let loopInfo = element.attribute("loop-info")
        if loopInfo != nil && element.attribute("loop") == nil {
            try log.warn("loop-info has no effect without loop", at: loopInfo!.location.with(element: "voice", attribute: "loop-info"), kind: .invalidValue)
        }

        flush()
        if passes > 1 { segments.append(.loop(pass: 1, passes: passes, location: place)) }
        let start = segments.count
        try visitChildren(element, frame: inner)
        flush()
        let body = Array(segments[start...])
        for pass in 1..<passes {
            addPause(BreakValue.sentencePause, reason: .sentence, at: place)
            segments.append(.loop(pass: pass + 1, passes: passes, location: place))
            if let info = loopInfo, !info.value.trimmingCharacters(in: .whitespaces).isEmpty {
                speak(.text(info.value), frame: inner, at: info.location.with(element: "voice", attribute: "loop-info"))
                flush()
                addPause(BreakValue.sentencePause, reason: .sentence, at: place)
            }
            segments.append(contentsOf: body)
            try checkSize(at: place)
        }
    }
}
