import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

/// `ssml text`: the plan as text, with exactly what espeak-ng will be given to read, or as JSON.
struct Text: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Print what would be spoken: each segment with its place, voice, prosody and the engine's text.",
        discussion: """
            Nothing is synthesised and nothing is fetched. For speech, `text:` is the readable form (IPA between
            slashes) and `engine:` the exact markup espeak-ng reads (escaped text, say-as characters, [[phoneme
            mnemonics]]). --json prints the plan itself: segments with catalog voices, prosody factors, IPA and audio
            references as written. Reads SSML and NCCO files. Diagnostics go to standard error as for `ssml render`.
            Examples:
              ssml text prompt.ssml
              echo '<phoneme alphabet="ipa" ph="təˈmɑːtəʊ">tomato</phoneme>' | ssml text - --voice en-gb-female --json
            """)

    @Argument(help: "The SSML file, or - for standard input.")
    var input: String

    @Option(help: "The voice before any markup changes it.")
    var voice: String = "en-us-female"

    @Flag(help: "A language espeak-ng does not speak keeps the surrounding voice (a warning) instead of failing.")
    var voiceFallback = false

    @Flag(help: "Treat warnings (unknown elements or attributes, ignored values) as errors.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Do not print notes about call control (dtmf, bridge).")
    var quiet = false

    @Flag(help: "Print the plan as JSON (the unit render workers receive) instead of lines.")
    var json = false

    @Option(help: "Read the document the way this service does (as `ssml render --dialect`); lint findings are printed as warnings.")
    var dialect: DialectName?

    func run() throws {
        do {
            let input = try CommandSupport.read(self.input, kind: nil)
            let engine = try Engine.standard(data: CommandSupport.data())
            let job = RenderJob(input: input, voice: voice, dialect: dialect?.name, voiceFallback: voiceFallback, strict: strict, allowEmpty: true)
            let log = DiagnosticLog(strict: strict)
            let plan: [Segment]
            do { plan = try engine.plan(job, log: log) } catch {
                CommandSupport.printDiagnostics(log, quiet: quiet)
                throw error
            }
            CommandSupport.printDiagnostics(log, quiet: quiet)
            if json {
                print(String(decoding: try RenderPlan(segments: plan).json(), as: UTF8.self))
            } else {
                for segment in plan { print(TextItem(segment, synthesizer: engine.synthesizer).lines) }
            }
        } catch {
            CommandSupport.fail(error)
        }
    }
}

/// One plan segment as `ssml text` shows it; also its JSON form.
struct TextItem {
    struct Place: Encodable {
        var file: String
        var line: Int
        var column: Int
        var element: String?
    }
    struct ProsodyValues: Encodable {
        var rate: Double
        var pitch: Double
        var range: Double
        var volumeDB: Double
        var silent: Bool
    }
    struct EngineRequest: Encodable {
        var voice: String
        var wordsPerMinute: Int
        var pitch: Int
        var range: Int
        var wordGap: Int
    }

    /// speech, pause, audio, mark, dtmf or bridge.
    var kind: String
    var location: Place?
    var voice: String?
    var prosody: ProsodyValues?
    var engine: EngineRequest?
    /// Speech in readable form.
    var text: String?
    /// Speech exactly as espeak-ng reads it.
    var markup: String?
    var seconds: Double?
    var reason: String?
    var path: String?
    var gainDB: Double?
    var clipBegin: Double?
    var clipEnd: Double?
    var name: String?
    var attributes: [String: String]?

    init(_ segment: Segment, synthesizer: any SpeechSynthesizer) {
        switch segment {
        case .speech(let speech):
            kind = "speech"
            location = Place(speech.location)
            voice = speech.voice.name
            let p = speech.prosody
            prosody = ProsodyValues(rate: p.rate, pitch: p.pitch, range: p.range, volumeDB: p.volumeDB, silent: p.silent)
            let rendition = synthesizer.rendition(of: speech.request)
            engine = EngineRequest(
                voice: rendition.voice, wordsPerMinute: rendition.parameters["wordsPerMinute"] ?? 0, pitch: rendition.parameters["pitch"] ?? 0,
                range: rendition.parameters["range"] ?? 0, wordGap: rendition.parameters["wordGap"] ?? 0)
            text = speech.displayText
            markup = rendition.text
        case .bleep(let speech):
            kind = "bleep"
            location = Place(speech.location)
            voice = speech.voice.name
            text = speech.displayText
        case .pause(let seconds, let reason, let location):
            kind = "pause"
            self.location = location.map(Place.init)
            self.seconds = seconds
            self.reason = reason.rawValue
        case .audio(let clip):
            kind = "audio"
            location = Place(clip.location)
            path = clip.displayName
            gainDB = clip.gainDB
            clipBegin = clip.clipBegin
            clipEnd = clip.clipEnd
        case .mark(let name, let location):
            kind = "mark"
            self.location = Place(location)
            self.name = name
        case .callControl(let control):
            kind = control.kind.rawValue
            location = Place(control.location)
            attributes = control.attributes
        case .loop(let pass, let passes, let location):
            kind = "loop"
            self.location = Place(location)
            name = "pass \(pass) of \(passes)"
        case .noise, .mix, .fit:
            // Breaths, mixes and fitted durations describe themselves (SSMLCore's Segment.summary).
            kind = { if case .noise(let noise) = segment { noise.kind.rawValue } else if case .mix = segment { "mix" } else { "fit" } }()
            location = segment.location.map(Place.init)
            name = segment.summary
        }
    }

    /// The human form: a header line per segment, and for speech the text and the engine's markup.
    var lines: String {
        let place = location.map { "\($0.file):\($0.line):\($0.column)" } ?? "-"
        let head = "\(place)  \(kind.padding(toLength: 7, withPad: " ", startingAt: 0)) "
        func number(_ value: Double) -> String { String(format: "%.3g", value) }
        switch kind {
        case "speech":
            let p = prosody!, e = engine!
            let volume = p.silent ? "silent" : String(format: "%+.1f dB", p.volumeDB)
            return head + "\(voice!) (\(e.voice), \(e.wordsPerMinute) wpm, pitch \(e.pitch), range \(e.range)\(e.wordGap > 0 ? ", word gap \(e.wordGap * 10) ms" : ""))"
                + "  rate \(number(p.rate)) pitch \(number(p.pitch)) range \(number(p.range)) volume \(volume)\n"
                + "    text:   \(text!)\n    engine: \(markup!)"
        case "pause":
            return head + String(format: "%.3f s", seconds!) + " (\(reason!))"
        case "audio":
            let end = clipEnd.map { String(format: "%.3f s", $0) } ?? "end"
            return head + "\(path!)  gain \(String(format: "%+.1f dB", gainDB!))  from \(String(format: "%.3f s", clipBegin!)) to \(end)"
        case "mark", "loop", "breath", "mix", "fit":
            return head + name!
        case "bleep":
            return head + "1 kHz tone as long as \(voice!) would take to say '\(text!)'"
        default:
            return head + (attributes ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }
}

extension TextItem.Place {
    init(_ location: SourceLocation) {
        self.init(file: location.file, line: location.line, column: location.column, element: location.element)
    }
}
