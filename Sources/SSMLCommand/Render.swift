import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render an SSML document, fragment or plain text to a mono WAV file.",
        discussion: """
            The output appears atomically: a failed render leaves no file and never overwrites an existing one.
            Examples:
              ssml render prompt.ssml -o prompt.wav --rate 8000 --encoding mulaw
              echo 'Your code is <say-as interpret-as="characters">A7X</say-as>' | ssml render - -o code.wav
            """)

    @Argument(help: "The SSML file, or - for standard input.")
    var input: String

    @Option(name: .shortAndLong, help: "The WAV file to write, or - for standard output.")
    var output: String

    @Option(help: "Sample rate: 8000, 16000, 22050, 24000, 44100 or 48000.")
    var rate: Int = 16000

    @Option(help: "Sample encoding: pcm16, mulaw or alaw (G.711 only at 8000 Hz).")
    var encoding: String = "pcm16"

    @Option(help: "The voice before any markup changes it.")
    var voice: String = "en-us-female"

    @Flag(help: "A language espeak-ng does not speak keeps the surrounding voice (a warning) instead of failing.")
    var voiceFallback = false

    @Flag(help: "Treat warnings (unknown elements or attributes, ignored values) as errors.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Do not print notes about call control (dtmf, bridge).")
    var quiet = false

    @Option(help: ArgumentHelp("Render only this part of a split plan (used by render workers).", visibility: .private))
    var workerPart: Int?

    @Option(help: ArgumentHelp("Where a render worker writes its raw samples.", visibility: .private))
    var workerOutput: String?

    static let rates = [8000, 16000, 22050, 24000, 44100, 48000]

    func run() throws {
        do {
            try render()
        } catch {
            CommandSupport.fail(error)
        }
    }

    private func render() throws {
        guard Self.rates.contains(rate) else {
            throw SSMLError(.usage, "--rate \(rate) is not supported (use \(Self.rates.map(String.init).joined(separator: ", ")))")
        }
        guard let encoding = OutputEncoding(rawValue: encoding.lowercased()) else {
            throw SSMLError(.usage, "--encoding \(self.encoding) is not an encoding (use pcm16, mulaw or alaw)")
        }
        if encoding.requiresTelephonyRate && rate != 8000 {
            throw SSMLError(.usage, "--encoding \(encoding.rawValue) is G.711, defined at 8000 Hz only (use --rate 8000)")
        }
        let source = try CommandSupport.read(input)
        let engine = try Engine(catalog: CommandSupport.catalog())
        let log = DiagnosticLog(strict: strict)
        let isWorker = workerPart != nil
        // A worker's output must not replace anything; the parent checks -o before any work.
        let destination = isWorker ? nil : try RenderOutput.resolve(output)
        if case .file(let url)? = destination, input != "-",
            url.standardizedFileURL.resolvingSymlinksInPath() == URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
        {
            throw SSMLError(.usage, "-o \(output) is the input file; it would be overwritten")
        }
        let plan: [Segment]
        do {
            plan = try engine.plan(source.text, file: source.name, baseDirectory: source.directory, defaultVoice: voice, voiceFallback: voiceFallback, log: log)
        } catch {
            // Workers stay quiet: the parent planned the same input and already reported it.
            if !isWorker { CommandSupport.printDiagnostics(log, quiet: quiet) }
            throw error
        }
        let parts = RenderPartition.split(plan)
        if let workerPart, let workerOutput {
            guard parts.indices.contains(workerPart) else { throw SSMLError(.usage, "no part \(workerPart)") }
            let sink = try RawSampleWriter(path: workerOutput)
            _ = try engine.render(Array(plan[parts[workerPart]]), sampleRate: rate, into: sink)
            try sink.close()
            return
        }
        CommandSupport.printDiagnostics(log, quiet: quiet)

        let workers = try parts.count > 1 ? startWorkers(parts: parts.count, source: source) : nil
        defer { workers?.cleanUp() }
        try destination!.write(sampleRate: rate, format: .wav, encoding: encoding) { sink in
            _ = try engine.render(Array(plan[parts[0]]), sampleRate: rate, into: sink)
            try workers?.drain(into: sink, limit: Int(engine.limits.maxOutputSeconds) * rate)
        }
    }

    /// Starts one `ssml render --worker-part N` process per part after the first.
    private func startWorkers(parts: Int, source: (text: String, name: String, directory: URL)) throws -> RenderWorkers {
        var arguments = ["render", input, "-o", "-", "--rate", "\(rate)", "--encoding", "pcm16", "--voice", voice]
        if voiceFallback { arguments.append("--voice-fallback") }
        if strict { arguments.append("--strict") }
        return try RenderWorkers.start(parts: 1..<parts, arguments: arguments, standardInput: input == "-" ? source.text : nil)
    }
}
