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

    /// The languages of a fake synthesizer: planning needs no espeak-ng.
    static let languages: Set<String> = ["en-us", "en-gb", "de", "fr", "es", "es-419", "pt-br", "pt", "it", "nl"]

    static let catalog = try! VoiceCatalog.load(from: root.appendingPathComponent("Voices/catalog.json"))
    static let styles = try! VonageStyles.load(from: root.appendingPathComponent("Voices/vonage-styles.json"))
    static let dialects: [Dialect] = ["seven", "vonage", "azure", "polly", "google", "w3c"].map {
        try! Dialect.load(from: root.appendingPathComponent("Dialects/\($0).json"))
    }
    /// Relative audio sources resolve here: a folder with no files, so nothing real is opened.
    static let nowhere = URL(fileURLWithPath: "/nonexistent-ssml-fuzz")

    static func text(_ bytes: [UInt8]) -> String? {
        try? InputReader().decode(bytes, name: "fuzz", directory: nowhere).text
    }

    /// Bytes -> decoded text -> XML tree -> plan (the interpreter on a fake synthesizer's languages).
    public static func ssml(_ bytes: [UInt8]) {
        guard let text = text(bytes) else { return }
        let resolver = VoiceResolver(catalog: catalog, languages: languages)
        let log = DiagnosticLog(strict: false)
        do {
            let root = try SSMLDocument.load(text, file: "fuzz", parser: LibXMLParser())
            let interpreter = Interpreter(resolver: resolver, log: log, baseDirectory: nowhere, probe: { _ in nil })
            interpreter.allowEmpty = true
            _ = try interpreter.plan(root, defaultVoice: resolver.voice(named: "en-us-female")!)
        } catch is SSMLError {
        } catch {
            fatalError("not an SSMLError: \(error)")
        }
    }

    /// Bytes -> decoded text -> located JSON -> NCCO -> plan.
    public static func ncco(_ bytes: [UInt8]) {
        guard let text = text(bytes) else { return }
        let log = DiagnosticLog(strict: false)
        do {
            let ncco = try NCCO.parse(text, file: "fuzz", log: log)
            let sources = AudioSourceResolver(baseDirectory: nowhere, probe: { _ in nil }, fetcher: nil)
            var planner = NCCOPlanner(
                resolver: VoiceResolver(catalog: catalog, languages: languages), styles: styles, parser: LibXMLParser(),
                sources: sources, log: log)
            planner.allowEmpty = true
            _ = try planner.plan(ncco)
        } catch is SSMLError {
        } catch {
            fatalError("not an SSMLError: \(error)")
        }
    }

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
