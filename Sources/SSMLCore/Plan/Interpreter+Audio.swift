import Foundation

/// `<audio>`: clips with their level, clip points and repeats, and the fallback content.
extension Interpreter {
    func audio(_ element: XMLElement, frame: Frame) throws {
        let place = element.location.with(element: "audio")
        let src = try required("src", of: element)
        let srcPlace = src.location.with(element: "audio", attribute: "src")
        let fallback = element.children.filter {
            if case .element(let child) = $0, child.name == "desc" { return false }
            return true
        }
        let hasFallback = fallback.contains {
            if case .text(let text, _) = $0 { return !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            return true
        }

        var gain = 0.0
        if let level = element.attribute("soundLevel") {
            do { gain = try ProsodyValue.volume(level.value, currentDB: 0).db } catch {
                throw SSMLError(.invalidValue, "audio soundLevel \"\(level.value)\" is not a level (use +NdB or -NdB)", at: level.location.with(element: "audio", attribute: "soundLevel"))
            }
            guard (-60.0...40.0).contains(gain) else {
                throw SSMLError(.invalidValue, "audio soundLevel \"\(level.value)\" is outside -60dB..+40dB", at: level.location.with(element: "audio", attribute: "soundLevel"))
            }
        }
        func seconds(_ name: String) throws -> Double? {
            guard let attribute = element.attribute(name) else { return nil }
            do { return try BreakValue.time(attribute.value) } catch {
                throw SSMLError(.invalidValue, "audio \(name): " + error.message.replacingOccurrences(of: "break time", with: "time"), at: attribute.location.with(element: "audio", attribute: name))
            }
        }
        let clipBegin = try seconds("clipBegin") ?? 0
        let clipEnd = try seconds("clipEnd")
        if let clipEnd, clipEnd <= clipBegin {
            throw SSMLError(.invalidValue, "audio clipEnd must be after clipBegin", at: place.with(element: "audio", attribute: "clipEnd"))
        }
        var repeats = 1
        if let repeatCount = element.attribute("repeatCount") {
            guard let count = Int(repeatCount.value), count >= 1, count <= limits.maxLoop else {
                throw SSMLError(.invalidValue, "audio repeatCount \"\(repeatCount.value)\" must be a whole number from 1 to \(limits.maxLoop)", at: repeatCount.location.with(element: "audio", attribute: "repeatCount"))
            }
            repeats = count
        }
        for ignored in ["repeatDur", "speed", "fetchtimeout", "fetchhint", "maxage", "maxstale"] {
            if let attribute = element.attribute(ignored) {
                try log.warn("audio \(ignored) is not supported and is ignored", at: attribute.location.with(element: "audio", attribute: ignored), kind: .unknownAttribute)
            }
        }

        let failure: String
        switch sources.resolve(src.value) {
        case .playable(let url, let warning):
            if let warning { try log.warn("audio \"\(src.value)\": \(warning)", at: srcPlace, kind: .audioSource) }
            flush()
            for _ in 0..<repeats {
                let remote = AudioSourceResolver.isRemote(src.value) ? src.value.trimmingCharacters(in: .whitespaces) : nil
                segments.append(.audio(AudioClip(url: url, gainDB: gain + frame.prosody.volumeDB, clipBegin: clipBegin, clipEnd: clipEnd, location: place, source: remote)))
            }
            return
        case .unplayable(let reason):
            failure = reason
        }
        guard hasFallback else {
            throw SSMLError(.audioSource, "audio \"\(src.value)\" cannot be played: \(failure) (and the element has no fallback text)", at: srcPlace)
        }
        try log.warn("audio \"\(src.value)\" cannot be played: \(failure); speaking its fallback text", at: srcPlace, kind: .audioSource)
        for child in fallback { try visit(child, frame: frame) }
    }
}
