import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

struct Ncco: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ncco",
        abstract: "Render what a caller hears for a Vonage NCCO (the JSON array of call actions).",
        discussion: """
            talk actions are spoken (plain text, or SSML in <speak>) in the voice for their language and style; \
            stream actions play their file (a path relative to the NCCO, file:, http: or https:); input waits in \
            silence for its timeout; record, connect, conversation, notify and pay are reported as notes and on \
            the timeline. An NCCO the Voice API would refuse is an error naming its JSON path and line:column.

            Examples:
              ssml ncco call.json -o call.wav
              ssml ncco call.json -o call.wav --rate 8000 --encoding mulaw
            """)

    @Argument(help: "The NCCO file (JSON), or - for standard input.")
    var input: String

    @OptionGroup var audio: OutputOptions

    @OptionGroup var fetch: FetchOptions

    @OptionGroup var timeline: TimelineOptions

    @Flag(help: "A language espeak-ng does not speak is read by the en-US voice (a warning) instead of failing.")
    var voiceFallback = false

    @Flag(help: "Treat warnings (unknown options, clamped loops, undocumented styles) as errors.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Do not print notes about call control (input, connect, record, ...).")
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
        let catalogURL = try CommandSupport.catalogURL()
        let styles = try VonageStyles.load(from: VonageStyles.beside(catalog: catalogURL))
        var engine = try Engine(catalog: VoiceCatalog.load(from: catalogURL))
        engine.fetcher = fetcher
        let log = DiagnosticLog(strict: strict)
        let isWorker = workerPart != nil
        let destination = isWorker ? nil : try RenderPipeline.destination(audio, input: input)
        if !isWorker { try timeline.validate(against: audio.output) }
        let plan: [Segment]
        do {
            plan = try engine.planNCCO(source.text, file: source.name, baseDirectory: source.directory, styles: styles, voiceFallback: voiceFallback, log: log)
        } catch {
            if !isWorker { CommandSupport.printDiagnostics(log, quiet: quiet) }
            throw error
        }
        if let workerPart, let workerOutput {
            try RenderPipeline.renderWorkerPart(plan, part: workerPart, output: workerOutput, settings: settings, engine: engine)
            return
        }
        CommandSupport.printDiagnostics(log, quiet: quiet)
        var workerArguments = ["ncco", input] + audio.workerArguments + fetch.workerArguments
        if voiceFallback { workerArguments.append("--voice-fallback") }
        if strict { workerArguments.append("--strict") }
        let result = try RenderPipeline.render(
            plan, to: destination!, settings: settings, engine: engine,
            workerArguments: workerArguments, standardInput: input == "-" ? source.text : nil,
            recordEnvelope: timeline.timelineSVG != nil)
        if timeline.wanted {
            try timeline.write(result.report, envelope: result.envelope, engine: engine, title: source.name)
        }
    }
}
