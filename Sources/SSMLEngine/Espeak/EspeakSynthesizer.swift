internal import CEspeakNG
import Foundation
import SSMLCore
import Synchronization

/// The speech synthesizer backed by espeak-ng: the only code that talks to it.
///
/// espeak-ng keeps process-global state and is not thread-safe (two threads crash it), and it cannot be
/// re-initialised (Terminate then Initialize deadlocks). So there is exactly one instance per process, created on
/// first use, and every synthesis runs on one owner thread, one request at a time. The caller consumes the audio
/// on its own thread through a bounded hand-off, so whatever it does with the audio (resampling, writing a file or
/// a socket) never runs inside espeak-ng's callback. Parallel renders use processes, never threads.
///
/// espeak-ng drifts within a process (pitch flutter and `rand()` state carry over from one call to the next):
/// identical bytes come from starting every render in the same state, a fresh process or one forked from a
/// process that has initialised espeak-ng and synthesised nothing (see ``RenderWorkerPool``).
public final class EspeakSynthesizer: SpeechSynthesizer {
    /// The seed set once after initialisation: breathy variants use `rand()`, and a fixed seed plus a
    /// fresh process makes a render byte-for-byte reproducible.
    public static let seed: UInt32 = 20_010_010

    /// The rate espeak-ng synthesises at (22050 Hz).
    let engineRate: Double
    public let languages: Set<String>
    public let version: String
    /// Language code to the voice file espeak-ng loads for it (`en-gb` -> `gmw/en`): `SetVoiceByName`
    /// accepts file identifiers, not language codes.
    private let identifiers: [String: String]
    /// The one thread that calls espeak-ng's synthesis; started on the first synthesis, so a process that only
    /// initialised espeak-ng is still single-threaded and can be forked.
    private let owner = Mutex<DedicatedThread?>(nil)
    private let transcribers = Mutex<[String: PhonemeTranscriber]>([:])

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
        engineRate = Double(rate)
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

    // MARK: - SpeechSynthesizer

    public func sampleRate(for request: SpeechRequest) -> Double {
        EspeakParameters(request, engineRate: engineRate).sampleRate
    }

    public func checkPronunciation(_ ipa: String, voice: VoiceSpec) -> PronunciationProblem? {
        Self.checkPronunciation(ipa, transcriber: transcriber(for: voice))
    }

    /// Whether espeak-ng's phoneme table for `voice`'s language can say `ipa`; also for test doubles that must
    /// judge pronunciations the way the engine does.
    public static func checkPronunciation(_ ipa: String, voice: VoiceSpec) -> PronunciationProblem? {
        checkPronunciation(ipa, transcriber: PhonemeTranscriber(language: voice.espeak))
    }

    static func checkPronunciation(_ ipa: String, transcriber: PhonemeTranscriber) -> PronunciationProblem? {
        do {
            _ = try transcriber.transcribe(ipa: ipa)
            return nil
        } catch {
            switch error.reason {
            case .empty, .notXSAMPA: return .nothingToSay
            case .notInLanguage where transcriber.table.isExact:
                return .unknownPhone(error.phone, reason: "is not a phone of \(transcriber.table.name)", certain: true)
            case .notInLanguage:
                return .unknownPhone(
                    error.phone,
                    reason: "is not among the phones espeak-ng's \(transcriber.table.name) table is known to share (exact tables: en-us, en-gb, de)",
                    certain: false)
            }
        }
    }

    public func rendition(of request: SpeechRequest) -> EngineRendition {
        let parameters = EspeakParameters(request, engineRate: engineRate)
        let text = (try? EspeakText.markup(request.pieces, transcriber: transcriber(for: request.voice))) ?? ""
        var values = ["wordsPerMinute": parameters.wordsPerMinute, "pitch": parameters.pitch, "range": parameters.range]
        if parameters.wordGap > 0 { values["wordGap"] = parameters.wordGap }
        return EngineRendition(voice: parameters.voiceName, parameters: values, text: text)
    }

    /// espeak-ng's name for a catalog voice (`de+f4`), for listings.
    public static func engineVoiceName(_ voice: VoiceSpec) -> String { EspeakParameters.voiceName(voice) }

    public func synthesize(_ request: SpeechRequest, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent] {
        let parameters = EspeakParameters(request, engineRate: engineRate)
        let text = try EspeakText.markup(request.pieces, transcriber: transcriber(for: request.voice))
        let file = identifiers[parameters.voiceName.split(separator: "+", maxSplits: 1).first.map(String.init)?.lowercased() ?? ""]
        let channel = AudioChannel()
        let thread = owner.withLock { thread in
            if thread == nil { thread = DedicatedThread(name: "espeak-ng") }
            return thread!
        }
        thread.run {
            channel.finish(Result { try Self.synthesizeOnOwner(text, parameters: parameters, file: file, channel: channel) })
        }
        // The caller's work on the audio happens here, on its own thread, while espeak-ng goes on.
        do {
            while let chunk = channel.next() { try onAudio(chunk) }
        } catch {
            channel.cancel()
            _ = channel.waitForResult()
            throw error
        }
        return try channel.waitForResult().get()
    }

    /// One synthesis on the owner thread. The corresponding C function is `espeak_Synth`.
    private static func synthesizeOnOwner(
        _ text: String, parameters: EspeakParameters, file: String?, channel: AudioChannel
    ) throws -> [SpeechEvent] {
        let trimmer = TailTrimmer(sampleRate: parameters.sampleRate)
        let parts = parameters.voiceName.split(separator: "+", maxSplits: 1).map(String.init)
        let name = parts.count > 1 ? "\(file ?? parts[0])+\(parts[1])" : (file ?? parts[0])
        guard espeak_SetVoiceByName(name) == EE_OK else {
            throw SSMLError(.engine, "espeak-ng has no voice \"\(parameters.voiceName)\"")
        }
        // Parameters survive voice changes, so every segment sets all of them.
        espeak_SetParameter(espeakRATE, Int32(parameters.wordsPerMinute), 0)
        espeak_SetParameter(espeakPITCH, Int32(parameters.pitch), 0)
        espeak_SetParameter(espeakRANGE, Int32(parameters.range), 0)
        espeak_SetParameter(espeakVOLUME, 100, 0)
        espeak_SetParameter(espeakWORDGAP, Int32(parameters.wordGap), 0)
        espeak_SetParameter(espeakPUNCTUATION, Int32(espeakPUNCT_NONE.rawValue), 0)
        espeak_SetParameter(espeakCAPITALS, 0, 0)

        let collector = Collector(channel: channel, trimmer: trimmer)
        let box = Unmanaged.passRetained(collector)
        defer { box.release() }
        let status = text.withCString { pointer in
            espeak_Synth(
                pointer, text.utf8.count + 1, 0, POS_CHARACTER, 0,
                UInt32(espeakCHARS_UTF8) | UInt32(espeakSSML) | UInt32(espeakPHONEMES), nil, box.toOpaque())
        }
        if channel.isCancelled { throw CancellationError() }
        guard status == EE_OK else {
            throw SSMLError(.engine, "espeak-ng failed to synthesise (status \(status.rawValue))")
        }
        channel.push(trimmer.finish())
        let scalars = Array(text.unicodeScalars)
        return collector.events.map { event in
            var event = event
            if event.kind == .word { event.text = Self.word(in: scalars, position: event.textPosition, length: event.length) }
            return event
        }
    }

    /// Builds the phoneme tables `plan`'s voices need, without calling espeak-ng: a render worker does it before it
    /// forks, so its render processes inherit the tables instead of each building them again.
    func prepare(_ plan: [Segment]) {
        for segment in plan {
            switch segment {
            case .speech(let speech), .bleep(let speech):
                // Only speech with a pronunciation uses a table (see `EspeakText.markup`).
                if speech.pieces.contains(where: { if case .ipa = $0 { true } else { false } }) { _ = transcriber(for: speech.voice) }
            default: prepare(segment.nested)
            }
        }
    }

    private func transcriber(for voice: VoiceSpec) -> PhonemeTranscriber {
        transcribers.withLock { cache in
            if let known = cache[voice.espeak] { return known }
            let made = PhonemeTranscriber(language: voice.espeak)
            cache[voice.espeak] = made
            return made
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
        // Scalar by scalar: the view's initialiser from a slice is generic code whose first use in a process looks up
        // type metadata, and every render process (a fresh fork) made that first use again.
        var view = String.UnicodeScalarView()
        for scalar in scalars[start..<min(max(start + length, position), scalars.count)] { view.append(scalar) }
        var slice = String(view)
        while let open = slice.firstIndex(of: "<") {
            guard let close = slice[open...].firstIndex(of: ">") else { slice = String(slice[..<open]); break }
            slice.replaceSubrange(open...close, with: " ")
        }
        // Foundation's replacing costs tens of microseconds a call, for every word of every render: only where there
        // is something to replace.
        if slice.unicodeScalars.contains(where: { $0 == "[" || $0 == "]" }) {
            slice = slice.replacingOccurrences(of: "[[", with: " ").replacingOccurrences(of: "]]", with: " ")
        }
        if slice.unicodeScalars.contains("&") {
            for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
                slice = slice.replacingOccurrences(of: entity, with: character)
            }
        }
        let word = slice.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return word.isEmpty ? nil : word
    }
}

/// Receives audio and events from the C callback for one synthesis call, on the owner thread.
private final class Collector {
    let channel: AudioChannel
    let trimmer: TailTrimmer
    var events: [SpeechEvent] = []

    init(channel: AudioChannel, trimmer: TailTrimmer) {
        self.channel = channel
        self.trimmer = trimmer
    }
}

/// espeak-ng's synth callback: converts 16-bit samples to floats and hands them to the consumer. Returning 1 aborts.
private func synthCallback(_ wav: UnsafeMutablePointer<Int16>?, _ count: Int32, _ events: UnsafeMutablePointer<espeak_EVENT>?) -> Int32 {
    guard let events, let userData = events.pointee.user_data else { return 0 }
    let collector = Unmanaged<Collector>.fromOpaque(userData).takeUnretainedValue()
    if collector.channel.isCancelled { return 1 }
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
    return collector.channel.push(collector.trimmer.push(samples)) ? 0 : 1
}

// MARK: - No audio device

// espeak-ng is linked from its static archive, whose audio output calls pcaudio (PulseAudio, ALSA). This tool
// initialises espeak-ng for retrieval only (`AUDIO_OUTPUT_SYNCHRONOUS`), where espeak-ng never opens a device, so
// pcaudio's eight functions are defined here as a device that does not exist: `create_audio_device_object` gives
// nil, which espeak-ng reads as "no audio device", and the others are never reached. This keeps PulseAudio, ALSA,
// X11, D-Bus and systemd's libraries (about 20, and 9 ms of every start) out of the process.

@_cdecl("create_audio_device_object")
public func pcaudioCreateDevice(_ device: UnsafePointer<CChar>?, _ application: UnsafePointer<CChar>?, _ description: UnsafePointer<CChar>?) -> OpaquePointer? {
    nil
}

@_cdecl("audio_object_open")
public func pcaudioOpen(_ object: OpaquePointer?, _ format: UInt32, _ rate: UInt32, _ channels: UInt8) -> Int32 { ENODEV }

@_cdecl("audio_object_close")
public func pcaudioClose(_ object: OpaquePointer?) {}

@_cdecl("audio_object_destroy")
public func pcaudioDestroy(_ object: OpaquePointer?) {}

@_cdecl("audio_object_write")
public func pcaudioWrite(_ object: OpaquePointer?, _ data: UnsafeRawPointer?, _ bytes: Int) -> Int32 { ENODEV }

@_cdecl("audio_object_drain")
public func pcaudioDrain(_ object: OpaquePointer?) -> Int32 { 0 }

@_cdecl("audio_object_flush")
public func pcaudioFlush(_ object: OpaquePointer?) -> Int32 { 0 }

@_cdecl("audio_object_strerror")
public func pcaudioError(_ object: OpaquePointer?, _ error: Int32) -> UnsafePointer<CChar>? {
    UnsafeRawPointer(("no audio device: swift-ssml renders to files" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
}
