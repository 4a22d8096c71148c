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
            if case .text(let text, _) = $0 { return !text.trimmingWhitespaceAndNewlines().isEmpty }
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
            // A real number (SSML 1.1, Google): rounded to a whole number of times, as Google does; 0 means 1.
            guard let count = Double(repeatCount.value.trimmingWhitespace()), count >= 0, count.isFinite, Int(max(1, count.rounded())) <= limits.maxLoop else {
                throw SSMLError(.invalidValue, "audio repeatCount \"\(repeatCount.value)\" must be a number of times from 1 to \(limits.maxLoop)", at: repeatCount.location.with(element: "audio", attribute: "repeatCount"))
            }
            repeats = max(1, Int(count.rounded()))
        }
        var speed = 1.0
        if let attribute = element.attribute("speed") {
            let at = attribute.location.with(element: "audio", attribute: "speed")
            let value = attribute.value.trimmingWhitespace()
            guard value.hasSuffix("%"), let percent = Double(value.dropLast()), percent > 0, percent.isFinite else {
                throw SSMLError(.invalidValue, "audio speed \"\(attribute.value)\" is not a speed (write a percentage like 150%)", at: at)
            }
            speed = percent / 100
            // Google supports 50%..200% ("values outside that range may (or may not) be adjusted"); past a quarter or
            // four times the clip is no longer what was recorded.
            if !(0.25...4).contains(speed) {
                try log.warn("audio speed \(attribute.value) is outside 25%..400%; clamped", at: at, kind: .limitExceeded)
                speed = min(max(speed, 0.25), 4)
            }
        }
        let repeatDur = try seconds("repeatDur")
        for ignored in ["fetchtimeout", "fetchhint", "maxage", "maxstale"] {
            if let attribute = element.attribute(ignored) {
                try log.warn("audio \(ignored) is not supported and is ignored", at: attribute.location.with(element: "audio", attribute: ignored), kind: .unknownAttribute)
            }
        }

        var alternative: AudioFallback?
        if hasFallback { alternative = planFallback(fallback, frame: frame) }
        flush()
        let clip = AudioClip(
            source: src.value, gainDB: gain + frame.prosody.volumeDB, clipBegin: clipBegin, clipEnd: clipEnd, speed: speed, location: place,
            sourceLocation: srcPlace, label: "audio \"\(src.value)\"", fallback: alternative)
        if let repeatDur {
            // `repeatDur` limits the clip after clipping, speed and repeats: one layer that plays them and stops there.
            segments.append(.mix(Mix(kind: .sequence, layers: [MixLayer(content: [.audio(clip)], repeatCount: repeats, repeatSeconds: repeatDur, location: place)], location: place)))
        } else {
            for _ in 0..<repeats { segments.append(.audio(clip)) }
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
