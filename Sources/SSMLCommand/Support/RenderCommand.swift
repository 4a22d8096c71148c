import Foundation
import SSMLCore
import SSMLEngine

/// What `render` and `ncco` share once their arguments are parsed: check the destinations, run the job through
/// the library, print what it says, write the timeline files.
enum RenderCommand {
    static func run(
        inputPath: String, kind: JobInput.Kind?, voice: String, dialect: String?, audio: OutputOptions, timeline: TimelineOptions,
        fetch: FetchOptions, planning: PlanningOptions
    ) throws {
        let settings = try audio.settings()
        let destination = try audio.destination(input: inputPath)
        try timeline.validate(against: audio.output)
        let input = try CommandSupport.read(inputPath, kind: kind)
        let sources = try fetch.audioSources()
        let fetcher = try fetch.fetcher()
        defer { fetcher.cleanUp() }
        let engine = try Engine.standard(data: CommandSupport.data(), fetcher: fetcher)
        let job = RenderJob(
            input: input, voice: voice, dialect: dialect, voiceFallback: planning.voiceFallback, strict: planning.strict,
            allowEmpty: planning.allowEmpty, force: audio.force, output: settings, timeline: timeline.timeline != nil,
            timelineSVG: timeline.timelineSVG != nil, audioSources: sources)
        let log = DiagnosticLog(strict: planning.strict)
        var printed = false
        let result: JobResult
        do {
            result = try engine.run(job, to: destination, log: log) {
                CommandSupport.printDiagnostics(log, quiet: planning.quiet)
                printed = true
            }
        } catch {
            if !printed { CommandSupport.printDiagnostics(log, quiet: planning.quiet) }
            throw error
        }
        for warning in result.warnings { CommandSupport.printLine("warning: \(warning)") }
        for note in result.notes { CommandSupport.printLine("note: \(note)") }
        try timeline.write(result)
    }
}
