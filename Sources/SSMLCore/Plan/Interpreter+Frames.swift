import Foundation

/// What an element puts in force for its children: language, prosody, emphasis.
extension Interpreter {
    func languageFrame(_ element: XMLElement, frame: Frame) throws -> Frame {
        guard let lang = element.attribute("lang", prefix: "xml") else { return frame }
        var inner = frame
        let place = lang.location.with(element: element.qualifiedName, attribute: "xml:lang")
        inner.voice = try voiceFor(locale: lang.value, gender: frame.voice.gender, at: place, current: frame.voice)
        return inner
    }

    func voiceFor(locale: String, gender: VoiceGender, at place: SourceLocation, current: VoiceSpec? = nil) throws -> VoiceSpec {
        if let voice = resolver.voice(locale: locale, gender: gender) { return voice }
        if gender == .child, let voice = resolver.voice(locale: locale, gender: .female) { return voice }
        if voiceFallback, let current {
            try log.warn("language \"\(locale)\" is not spoken by \(engineName); keeping \(current.name) (voice fallback)", at: place, kind: .unknownVoice)
            return current
        }
        throw SSMLError(.unknownVoice, "language \"\(locale)\" is not spoken by \(engineName) (see the voice list)", at: place, setting: .voiceFallback)
    }

    func prosodyFrame(_ element: XMLElement, frame: Frame) throws -> Frame {
        var inner = frame
        func fail(_ attribute: XMLAttribute, _ message: String) -> SSMLError {
            SSMLError(.invalidValue, message, at: attribute.location.with(element: "prosody", attribute: attribute.name))
        }
        if let rate = element.attribute("rate") {
            do { inner.prosody.rate *= try ProsodyValue.rate(rate.value) } catch { throw fail(rate, error.message) }
            let clamped = min(max(inner.prosody.rate, ProsodyValue.rateRange.lowerBound), ProsodyValue.rateRange.upperBound)
            if clamped != inner.prosody.rate {
                try log.warn(
                    "prosody rate \"\(rate.value)\" gives \(String(format: "%.3g", inner.prosody.rate))x the normal rate; clamped to \(String(format: "%.2g", clamped))x", at: rate.location.with(element: "prosody", attribute: "rate"),
                    kind: .limitExceeded)
                inner.prosody.rate = clamped
            }
        }
        if let pitch = element.attribute("pitch") {
            do {
                inner.prosody.pitch = try ProsodyValue.pitch(pitch.value, current: frame.prosody.pitch, baseHz: frame.voice.settings.baseHz)
            } catch { throw fail(pitch, error.message) }
        }
        if let range = element.attribute("range") {
            do { inner.prosody.range = try ProsodyValue.range(range.value, current: frame.prosody.range) } catch { throw fail(range, error.message) }
        }
        if let volume = element.attribute("volume") {
            do {
                let result = try ProsodyValue.volume(volume.value, currentDB: frame.prosody.volumeDB)
                inner.prosody.volumeDB = result.db
                inner.prosody.silent = frame.prosody.silent || result.silent
            } catch { throw fail(volume, error.message) }
            guard (-60.0...40.0).contains(inner.prosody.volumeDB) else {
                throw fail(volume, "prosody volume \"\(volume.value)\" puts the level at \(Int(inner.prosody.volumeDB)) dB, outside -60dB..+40dB")
            }
        }
        return inner
    }

    func emphasisFrame(_ element: XMLElement, frame: Frame) throws -> Frame {
        var inner = frame
        let level = element.attribute("level")
        switch level?.value.lowercased() ?? "moderate" {
        case "strong":
            inner.prosody.rate *= 0.85; inner.prosody.pitch *= 1.1; inner.prosody.volumeDB += 3
        case "moderate":
            inner.prosody.rate *= 0.92; inner.prosody.pitch *= 1.05; inner.prosody.volumeDB += 1.5
        case "reduced":
            inner.prosody.rate *= 1.1; inner.prosody.pitch *= 0.95; inner.prosody.volumeDB -= 3
        case "none":
            break
        default:
            throw SSMLError(.invalidValue, "emphasis level \"\(level!.value)\" is not a level (use strong, moderate, reduced or none)", at: level!.location.with(element: "emphasis", attribute: "level"))
        }
        return inner
    }
}
