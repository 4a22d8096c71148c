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

    @OptionGroup var planning: PlanningOptions

    func run() throws {
        do {
            try RenderCommand.run(
                inputPath: input, kind: .ncco, voice: "en-us-female", dialect: nil, audio: audio, timeline: timeline, fetch: fetch, planning: planning)
        } catch {
            CommandSupport.fail(error)
        }
    }
}
