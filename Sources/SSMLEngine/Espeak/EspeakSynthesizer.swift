internal import CEspeakNG
import Foundation
import SSMLCore
import Synchronization

/// The speech synthesizer backed by espeak-ng: the only code that talks to it.
///
/// espeak-ng keeps process-global state and is not thread-safe (two threads crash it), and it cannot be
/// re-initialised (Terminate then Initialize deadlocks). So there is exactly one instance per process,
/// created on first use, and every call into the library runs under its mutex. Parallel renders use
/// processes, never threads.
public final class EspeakSynthesizer: SpeechSynthesizer {
    /// The seed set once after initialisation: breathy variants use `rand()`, and a fixed seed plus a
    /// fresh process makes a render byte-for-byte reproducible.
    public static let seed: UInt32 = 20_010_010

    public let sampleRate: Double
    public let languages: Set<String>
    public let version: String
    /// Language code to the voice file espeak-ng loads for it (`en-gb` -> `gmw/en`): `SetVoiceByName`
    /// accepts file identifiers, not language codes.
    private let identifiers: [String: String]
    private let lock = Mutex(())

    private static let instance = Mutex<Result<EspeakSynthesizer, SSMLError>?>(nil)

    /// The process's synthesizer, initialising espeak-ng on first use.
    /// The corresponding C function is `espeak_Initialize`.
    public static func shared() throws -> EspeakSynthesizer {
        try instance.withLock { slot in
            if slot == nil {
                slot = Result { () throws(SSMLError) -> EspeakSynthesizer in try EspeakSynthesizer() }
            }
            return try slot!.get()
        }
    }

    private init() throws(SSMLError) {
        let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nil, Int32(espeakINITIALIZE_DONT_EXIT))
        guard rate > 0 else {
            throw SSMLError(.engine, "espeak-ng could not start (is espeak-ng-data installed?)")
        }
        srand(Self.seed)
        espeak_SetSynthCallback(synthCallback)
        sampleRate = Double(rate)
        identifiers = Self.listVoices()
        languages = Set(identifiers.keys)
        var path: UnsafePointer<CChar>? = nil
        let versionText = espeak_Info(&path).map { String(cString: $0) } ?? "unknown"
        version = "espeak-ng \(versionText)"
    }


    /// Every language code the installed voices declare (lowercase), with the voice file that speaks it
    /// at the best priority. The corresponding C function is `espeak_ListVoices`.
    private static func listVoices() -> [String: String] {
        var result: [String: (identifier: String, priority: UInt8)] = [:]
        guard let list = espeak_ListVoices(nil) else { return [:] }
        var index = 0
        while let voice = list[index] {
            index += 1
            guard let identifier = voice.pointee.identifier.map({ String(cString: $0) }) else { continue }
            // `languages` is a run of (priority byte, NUL-terminated name) pairs ending with a zero byte.
            guard var cursor = voice.pointee.languages.map({ UnsafeRawPointer($0) }) else { continue }
            while cursor.load(as: UInt8.self) != 0 {
                let priority = cursor.load(as: UInt8.self)
                cursor += 1
                let name = String(cString: cursor.assumingMemoryBound(to: CChar.self)).lowercased()
                if !name.isEmpty, priority < result[name]?.priority ?? .max {
                    result[name] = (identifier, priority)
                }
                cursor += name.utf8.count + 1
            }
        }
        return result.mapValues(\.identifier)
    }

    public func synthesize(_ request: SpeechRequest, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent] {
        try lock.withLock { _ in try synthesizeLocked(request, onAudio: onAudio) }
    }

    private func synthesizeLocked(_ request: SpeechRequest, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent] {
        let parts = request.voiceName.split(separator: "+", maxSplits: 1).map(String.init)
        let file = identifiers[parts[0].lowercased()] ?? parts[0]
        let name = parts.count > 1 ? "\(file)+\(parts[1])" : file
        guard espeak_SetVoiceByName(name) == EE_OK else {
            throw SSMLError(.engine, "espeak-ng has no voice \"\(request.voiceName)\"")
        }
        // Parameters survive voice changes, so every segment sets all of them.
        espeak_SetParameter(espeakRATE, Int32(request.wordsPerMinute), 0)
        espeak_SetParameter(espeakPITCH, Int32(request.pitch), 0)
        espeak_SetParameter(espeakRANGE, Int32(request.range), 0)
        espeak_SetParameter(espeakVOLUME, 100, 0)
        espeak_SetParameter(espeakWORDGAP, Int32(request.wordGap), 0)
        espeak_SetParameter(espeakPUNCTUATION, Int32(espeakPUNCT_NONE.rawValue), 0)
        espeak_SetParameter(espeakCAPITALS, 0, 0)

        return try run(EngineText.markup(request.pieces), onAudio: onAudio)
    }

    private func run(_ text: String, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent] {
        try withoutActuallyEscaping(onAudio) { onAudio in
            let collector = Collector(onAudio: onAudio)
            let box = Unmanaged.passRetained(collector)
            defer { box.release() }
            let status = text.withCString { pointer in
                espeak_Synth(
                    pointer, text.utf8.count + 1, 0, POS_CHARACTER, 0,
                    UInt32(espeakCHARS_UTF8) | UInt32(espeakSSML) | UInt32(espeakPHONEMES), nil, box.toOpaque())
            }
            if let error = collector.error { throw error }
            guard status == EE_OK else {
                throw SSMLError(.engine, "espeak-ng failed to synthesise (status \(status.rawValue))")
            }
            let scalars = Array(text.unicodeScalars)
            return collector.events.map { event in
                var event = event
                if event.kind == .word { event.text = Self.word(in: scalars, position: event.textPosition, length: event.length) }
                return event
            }
        }
    }

    /// The word an event points at: espeak-ng counts characters of the text it was given, 1-based, so
    /// the slice may hold markup (`<say-as …>`) and entities, which are taken out again.
    static func word(in scalars: [Unicode.Scalar], position: Int, length: Int) -> String? {
        var start = position - 1
        guard start >= 0, length > 0, start < scalars.count else { return nil }
        // For an entity (`&amp;`) espeak-ng points at its last character: widen to the whole entity.
        if scalars[start] == ";", let ampersand = scalars[max(0, start - 6)..<start].lastIndex(of: "&"),
            !scalars[ampersand..<start].contains(where: { $0.properties.isWhitespace })
        {
            start = ampersand
        }
        var slice = String(String.UnicodeScalarView(scalars[start..<min(max(start + length, position), scalars.count)]))
        while let open = slice.firstIndex(of: "<") {
            guard let close = slice[open...].firstIndex(of: ">") else { slice = String(slice[..<open]); break }
            slice.replaceSubrange(open...close, with: " ")
        }
        slice = slice.replacingOccurrences(of: "[[", with: " ").replacingOccurrences(of: "]]", with: " ")
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
            slice = slice.replacingOccurrences(of: entity, with: character)
        }
        let word = slice.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return word.isEmpty ? nil : word
    }
}

/// Receives audio and events from the C callback for one synthesis call.
private final class Collector {
    let onAudio: ([Float]) throws -> Void
    var events: [SpeechEvent] = []
    var error: (any Error)?

    init(onAudio: @escaping ([Float]) throws -> Void) { self.onAudio = onAudio }
}

/// espeak-ng's synth callback: converts 16-bit samples to floats and hands them on. Returning 1 aborts.
private func synthCallback(_ wav: UnsafeMutablePointer<Int16>?, _ count: Int32, _ events: UnsafeMutablePointer<espeak_EVENT>?) -> Int32 {
    guard let events, let userData = events.pointee.user_data else { return 0 }
    let collector = Unmanaged<Collector>.fromOpaque(userData).takeUnretainedValue()
    if collector.error != nil { return 1 }
    var event = events
    while event.pointee.type != espeakEVENT_LIST_TERMINATED {
        let e = event.pointee
        switch e.type {
        case espeakEVENT_WORD where e.length > 0:
            collector.events.append(SpeechEvent(kind: .word, sample: Int(e.sample), textPosition: Int(e.text_position), length: Int(e.length)))
        case espeakEVENT_SENTENCE:
            collector.events.append(SpeechEvent(kind: .sentence, sample: Int(e.sample), textPosition: Int(e.text_position), length: Int(e.length)))
        default:
            break
        }
        event += 1
    }
    guard let wav, count > 0 else { return 0 }
    let samples = UnsafeBufferPointer(start: wav, count: Int(count)).map { Float($0) * (1.0 / 32768.0) }
    do {
        try collector.onAudio(samples)
    } catch {
        collector.error = error
        return 1
    }
    return 0
}
