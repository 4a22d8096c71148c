import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render an SSML document, fragment or plain text to a mono audio file (WAV, raw, MP3, FLAC, Ogg) or 20 ms frames.",
        discussion: """
            The output appears atomically: a failed render leaves no file and never overwrites an existing one.
            Examples:
              ssml render prompt.ssml -o prompt.wav --rate 8000 --encoding mulaw
              echo 'Your code is <say-as interpret-as="characters">A7X</say-as>' | ssml render - -o code.wav
            """)

    @Argument(help: "The SSML file, or - for standard input.")
    var input: String

    @OptionGroup var audio: OutputOptions

    @OptionGroup var timeline: TimelineOptions
    @OptionGroup var fetch: FetchOptions

    @Option(help: "The voice before any markup changes it.")
    var voice: String = "en-us-female"

    @Flag(help: "A language espeak-ng does not speak keeps the surrounding voice (a warning) instead of failing.")
    var voiceFallback = false

    @Option(help: "Render the way this service reads the document (its break caps and keyword tables, without what it ignores); lint findings are printed as warnings.")
    var dialect: DialectName?

    @Flag(help: "Treat warnings (unknown elements or attributes, ignored values) as errors.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Do not print notes about call control (dtmf, bridge).")
    var quiet = false

    @Option(help: ArgumentHelp("Render only this part of a split plan (used by render workers).", visibility: .private))
    var workerPart: Int?

    @Option(help: ArgumentHelp("Where a render worker writes its raw samples.", visibility: .private))
    var workerOutput: String?

    func run() throws {
        do {
            try render()
        } catch {
            CommandSupport.fail(error)
        }
    }

    private func render() throws {
        let settings = try audio.settings()
        let fetcher = try fetch.fetcher()
        defer { fetcher.cleanUp() }
        let source = try CommandSupport.read(input)
        var engine = try Engine(catalog: CommandSupport.catalog())
        engine.fetcher = fetcher
        let log = DiagnosticLog(strict: strict)
        let isWorker = workerPart != nil
        // A worker's output must not replace anything; the parent checks -o before any work.
        let destination = isWorker ? nil : try RenderPipeline.destination(audio, input: input)
        if !isWorker { try timeline.validate(against: audio.output) }
        let plan: [Segment]
        do {
            plan = try engine.plan(source.text, file: source.name, baseDirectory: source.directory, defaultVoice: voice, voiceFallback: voiceFallback,
                dialect: try dialect.map { try CommandSupport.dialect($0.rawValue) }, log: log)
        } catch {
            // Workers stay quiet: the parent planned the same input and already reported it.
            if !isWorker { CommandSupport.printDiagnostics(log, quiet: quiet) }
            throw error
        }
        if let workerPart, let workerOutput {
            try RenderPipeline.renderWorkerPart(plan, part: workerPart, output: workerOutput, settings: settings, engine: engine)
            return
        }
        CommandSupport.printDiagnostics(log, quiet: quiet)
        var workerArguments = ["render", input] + audio.workerArguments + fetch.workerArguments + ["--voice", voice]
        if voiceFallback { workerArguments.append("--voice-fallback") }
        if strict { workerArguments.append("--strict") }
        if let dialect { workerArguments += ["--dialect", dialect.rawValue] }
        let result = try RenderPipeline.render(
            plan, to: destination!, settings: settings, engine: engine,
            workerArguments: workerArguments, standardInput: input == "-" ? source.text : nil,
            recordEnvelope: timeline.timelineSVG != nil)
        if timeline.wanted {
            try timeline.write(result.report, envelope: result.envelope, engine: engine, title: source.name)
        }
    }
}
