import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

extension DialectName {
    /// The dialect's table name in the library.
    var name: String { rawValue }
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
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

    @OptionGroup var planning: PlanningOptions

    @Option(help: "The voice before any markup changes it.")
    var voice: String = "en-us-female"

    @Option(help: "Render the way this service reads the document (its break caps and keyword tables, without what it ignores); lint findings are printed as warnings.")
    var dialect: DialectName?

    func run() throws {
        do {
            try RenderCommand.run(
                inputPath: input, kind: .ssml, voice: voice, dialect: dialect?.name, audio: audio, timeline: timeline, fetch: fetch, planning: planning)
        } catch {
            CommandSupport.fail(error)
        }
    }
}
