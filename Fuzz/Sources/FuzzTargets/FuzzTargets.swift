import Foundation
import SSMLCore
import SSMLEngine

/// One input through one reader, as the fuzz harnesses and the regression test run it. Any outcome is
/// fine except a crash, a hang or a leak: refusals are `SSMLError`s and are swallowed.
public enum FuzzTargets {
    /// The repository root, found upward from this file (it is also reached through a link in Tests/).
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Voices/catalog.json").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    static let data = try! DataFiles.locate(executable: root.appendingPathComponent(".build/fuzz"), environment: [
        "SSML_VOICES": root.appendingPathComponent("Voices/catalog.json").path, "SSML_DIALECTS": root.appendingPathComponent("Dialects").path,
    ])
    static let catalog = try! data.catalog()
    static let dialects: [Dialect] = ["seven", "vonage", "azure", "polly", "google", "w3c"].map { try! data.dialect($0) }
    /// The engine on a fake synthesizer: planning needs no espeak-ng.
    static let engine = try! Engine(catalog: catalog, styles: data.vonageStyles(), data: data, synthesizer: FuzzSynthesizer())
    /// Relative audio sources resolve here: a folder with no files, so nothing real is opened.
    static let nowhere = URL(fileURLWithPath: "/nonexistent-ssml-fuzz")

    static func text(_ bytes: [UInt8]) -> String? {
        try? InputReader().decode(bytes, name: "fuzz", directory: nowhere).text
    }

    /// Plans `text` as `kind`, one of the dialects by the input's length for SSML.
    static func plan(_ kind: JobInput.Kind, _ bytes: [UInt8]) {
        guard let text = text(bytes) else { return }
        let dialect = kind == .ssml && bytes.count % 3 == 0 ? dialects[bytes.count / 3 % dialects.count].name : nil
        let job = RenderJob(input: JobInput(kind: kind, text: text, name: "fuzz", baseDirectory: nowhere.path), dialect: dialect, allowEmpty: true)
        do {
            _ = try engine.plan(job, log: DiagnosticLog(strict: false))
        } catch is SSMLError {
        } catch {
            fatalError("not an SSMLError: \(error)")
        }
    }

    /// Bytes -> decoded text -> XML tree (libxml2 with every entity refusal) -> plan, now and then read by a dialect.
    public static func ssml(_ bytes: [UInt8]) { plan(.ssml, bytes) }

    /// Bytes -> decoded text -> located JSON -> NCCO -> plan (with the SSML inside each talk).
    public static func ncco(_ bytes: [UInt8]) { plan(.ncco, bytes) }

    /// Bytes -> decoded text -> every dialect's lint, its fixer and the three reports.
    public static func lint(_ bytes: [UInt8]) {
        guard let text = text(bytes) else { return }
        // One dialect per input, chosen by its length, keeps each run short.
        let dialect = dialects[bytes.count % dialects.count]
        let linter = Linter(dialect: dialect, parser: LibXMLParser(), catalog: catalog)
        let findings = linter.lint(text, file: "fuzz")
        let fixed = LintFixer.fix(text, file: "fuzz", linter: linter)
        let report = LintReport(dialect: dialect, files: [LintReport.File(name: "fuzz", text: text, findings: findings + fixed.remaining)], failOn: .error)
        _ = report.text()
        _ = report.json()
        _ = report.junit()
    }

    /// A scratch file per process for the audio target (libsndfile reads files).
    static let scratch: URL = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return URL(fileURLWithPath: folder).appendingPathComponent("ssml-fuzz-audio-\(getpid())")
    }()

    /// Bytes as an audio file -> our libsndfile reader (every frame) and the inspector.
    public static func audio(_ bytes: [UInt8]) {
        let extensions = ["wav", "flac", "ogg", "mp3", "raw", "aiff"]
        let url = scratch.appendingPathExtension(extensions[bytes.count % extensions.count])
        defer { unlink(url.path) }
        guard (try? Data(bytes).write(to: url)) != nil else { return }
        do {
            let source = try SndFileDecoder().open(url)
            // Bounded: a header may claim hours of audio.
            var frames = 0
            while frames < 2_000_000 {
                let block = try source.read(maxFrames: 65_536)
                if block.isEmpty { break }
                frames += block.count
            }
        } catch is SSMLError {
        } catch {
            fatalError("not an SSMLError: \(error)")
        }
        _ = try? AudioFileInspector.inspect(url)
    }
}

/// A stand-in for espeak-ng that only answers what planning asks (languages, pronunciations) and makes silence.
struct FuzzSynthesizer: SpeechSynthesizer {
    let languages: Set<String> = ["en-us", "en-gb", "de", "fr", "es", "es-419", "pt-br", "pt", "it", "nl"]
    let version = "fuzz 1"
    func sampleRate(for request: SpeechRequest) -> Double { 22050 }
    func synthesize(_ request: SpeechRequest, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent] {
        try onAudio([Float](repeating: 0, count: 220))
        return []
    }
    func checkPronunciation(_ ipa: String, voice: VoiceSpec) -> PronunciationProblem? {
        EspeakSynthesizer.checkPronunciation(ipa, voice: voice)
    }
    func rendition(of request: SpeechRequest) -> EngineRendition {
        EngineRendition(voice: request.voice.name, parameters: [:], text: request.pieces.map { "\($0)" }.joined(separator: " "))
    }
}
