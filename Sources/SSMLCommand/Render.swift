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
        let destination = try RenderOutput.resolve(output)
        let source = try CommandSupport.read(input)
        let engine = try Engine(catalog: CommandSupport.catalog())
        let log = DiagnosticLog(strict: strict)
        let plan: [Segment]
        do {
            plan = try engine.plan(source.text, file: source.name, baseDirectory: source.directory, defaultVoice: voice, voiceFallback: voiceFallback, log: log)
        } catch {
            CommandSupport.printDiagnostics(log, quiet: quiet)
            throw error
        }
        CommandSupport.printDiagnostics(log, quiet: quiet)

        try destination.write(sampleRate: rate, format: .wav, encoding: encoding) { sink in
            _ = try engine.render(plan, sampleRate: rate, into: sink)
        }
    }
}
