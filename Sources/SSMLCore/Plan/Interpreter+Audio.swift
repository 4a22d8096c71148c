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

        var alternative: AudioFallback?
        if hasFallback { alternative = planFallback(fallback, frame: frame) }
        flush()
        for _ in 0..<repeats {
            segments.append(.audio(AudioClip(
                source: src.value, gainDB: gain + frame.prosody.volumeDB, clipBegin: clipBegin, clipEnd: clipEnd, location: place,
                sourceLocation: srcPlace, label: "audio \"\(src.value)\"", fallback: alternative)))
        }
        try checkSize(at: place)
    }

    /// Plans an `<audio>` element's content on the side: it is spoken only if the clip cannot be played, which the
    /// plan does not know (the resolver does), so its warnings and error are kept with it instead of reported.
    func planFallback(_ children: [XMLNode], frame: Frame) -> AudioFallback {
        let saved = (segments, pending, log, saidWords)
        defer { (segments, pending, log, saidWords) = saved }
        segments = []
        pending = nil
        log = DiagnosticLog(strict: saved.2.strict)
        do {
            for child in children { try visit(child, frame: frame) }
            flush()
            return AudioFallback(segments: segments, diagnostics: log.diagnostics)
        } catch let error as SSMLError {
            return AudioFallback(segments: [], diagnostics: log.diagnostics, error: error)
        } catch {
            return AudioFallback(segments: [], diagnostics: log.diagnostics, error: SSMLError(.invalidValue, "\(error)"))
        }
    }
}
