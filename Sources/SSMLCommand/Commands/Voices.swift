import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

struct Voices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voices",
        abstract: "List the voice catalog, or measure every voice (--report).",
        discussion: """
            Names in the first column are what <voice name="..."> and --voice take; aliases (Microsoft neural,
            Amazon Polly) work too. Any <lang>-<region>-<gender> whose language espeak-ng speaks also works.
            """)

    @Option(help: "Only locales starting with this (en, en-gb, de-DE).")
    var locale: String?

    @Option(help: "Only this gender: female, male or child.")
    var gender: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "Render one sentence per voice, measure it and write a Markdown report here; exit 1 if a voice is silent or a locale's genders are not ordered by F0.")
    var report: String?

    func run() throws {
        do {
            try list()
        } catch let error as ExitCode {
            throw error
        } catch {
            CommandSupport.fail(error)
        }
    }

    private func list() throws {
        let catalog = try CommandSupport.catalog()
        var wantedGender: VoiceGender?
        if let gender {
            guard let parsed = VoiceGender(rawValue: gender.lowercased()) else {
                throw SSMLError(.usage, "--gender \(gender) is not a gender (use female, male or child)")
            }
            wantedGender = parsed
        }
        if let report {
            let engine = try Engine(catalog: catalog)
            var measured = try VoiceReport.measure(engine: engine, catalog: catalog, localePrefix: locale)
            if let wantedGender { measured.rows.removeAll { $0.voice.gender != wantedGender } }
            // Atomic (beside the target, then renamed over it); `-` is standard output, as for every report.
            try CommandSupport.writeAtomically(Data(measured.markdown(version: engine.synthesizer.version).utf8), to: report, option: "--report")
            if report != "-" { print("\(report): \(measured.rows.count) voices measured") }
            for problem in measured.problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
            if !measured.problems.isEmpty { throw ExitCode(1) }
            return
        }
        let voices = catalog.voices.filter { voice in
            (locale.map { voice.locale.lowercased().hasPrefix($0.lowercased()) } ?? true) && (wantedGender.map { voice.gender == $0 } ?? true)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(voices.map(VoiceListing.init)), as: UTF8.self))
            return
        }
        let width = (voices.map(\.name.count).max() ?? 4) + 2
        print("name".padding(toLength: width, withPad: " ", startingAt: 0) + "locale    gender  espeak-ng       aliases")
        for voice in voices {
            let columns = [
                voice.name.padding(toLength: width, withPad: " ", startingAt: 0),
                voice.locale.padding(toLength: 10, withPad: " ", startingAt: 0),
                voice.gender.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
                EspeakSynthesizer.engineVoiceName(voice).padding(toLength: 16, withPad: " ", startingAt: 0),
                voice.aliases.joined(separator: ", "),
            ]
            print(columns.joined())
        }
        print("\(voices.count) voices")
    }
}

/// A catalog voice as `ssml voices --json` lists it: the voice with the names it answers to.
struct VoiceListing: Encodable {
    var name: String
    var locale: String
    var gender: VoiceGender
    var espeak: String
    var settings: VoiceSettings
    var aliases: [String]

    init(_ voice: VoiceSpec) {
        name = voice.name
        locale = voice.locale
        gender = voice.gender
        espeak = voice.espeak
        settings = voice.settings
        aliases = voice.aliases
    }
}
