import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

/// The checks `--check` runs on every output.
enum BatchCheck: String, ChoiceArgument {
    case vonageStream = "vonage-stream"
}

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Render a prompt library (CSV, JSON or YAML) into many files, only what changed, optionally sharded over a job runner.",
        discussion: """
            ssml batch prompts.csv -o out/ renders every row in every voice and
            format into out/ and writes out/manifest.json and out/manifest.csv.
            See `ssml batch run --help` for the options, and `ssml batch merge`
            to join the manifests of a sharded run.
            """,
        subcommands: [BatchRunCommand.self, BatchMergeCommand.self], defaultSubcommand: BatchRunCommand.self)
}

struct BatchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Render a prompt manifest into an output folder (the default of ssml batch).",
        discussion: """
            Each row: id, then text (SSML, a fragment or plain text) or file, and
            optionally voice(s), locale(s), format(s), dialect, loudness, truePeak,
            tags. Lists are written a|b (or a,b inside a quoted CSV cell). Defaults
            come from `# key: value` lines above a CSV header (`defaults` in JSON
            and YAML) or from these options; a row's own value wins. An output
            whose file is in place with the same content hash is not rendered
            again.
            Exit status: 0 every output is up to date; 1 an output failed, does not
            fit --check, or the run stopped; 64 the manifest or an option is wrong
            (nothing was rendered).
            Examples:
              ssml batch prompts.csv -o out/ --voices en-us-female,de-de-male \\
                  --formats vonage-stream,wav-8000-mulaw \\
                  --template '{id}/{voice}-{format}.{ext}'
              ssml batch prompts.yaml -o out/ --shard 2/4
              JOB_COMPLETION_INDEX=1 ssml batch prompts.csv -o /out --shards 4
            """)

    @Argument(help: "The prompt manifest: a .csv (or .tsv), .json or .yaml file.")
    var manifest: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The output folder (created when missing).", valueName: "folder"))
    var output: String

    @Option(help: ArgumentHelp("Where each output goes in the folder (default {id}/{voice}.{ext}; also {format} {locale} {lang} {gender} {rate} {encoding}).", valueName: "template"))
    var template: String?

    @Option(name: [.customLong("voices"), .customLong("voice")], help: ArgumentHelp("Voices of rows that name none, a,b (default en-us-female); with --locales, genders.", valueName: "voices"))
    var voices: String?

    @Option(name: [.customLong("locales"), .customLong("locale")], help: ArgumentHelp("Locales to speak each row in (de-DE,fr-FR), each in the --voices genders.", valueName: "locales"))
    var locales: String?

    @Option(name: [.customLong("formats"), .customLong("format")], help: ArgumentHelp("Formats of rows that name none (default wav): presets vonage-stream, vonage-mp3, or specs like wav-8000-mulaw, mp3-16k-32kbps.", valueName: "formats"))
    var formats: String?

    @Option(help: "Read every row the way this service does (a row's dialect column wins).")
    var dialect: DialectName?

    @Option(parsing: .unconditional, help: "Normalise every output to this integrated loudness in LUFS (a row's loudness column wins).")
    var loudness: Double?

    @Option(parsing: .unconditional, help: "True-peak ceiling in dBTP with --loudness (default -1).")
    var truePeak: Double?

    @Option(help: "Judge every output as check-asset does and record the verdict in the manifest; a misfit fails the run.")
    var check: BatchCheck?

    @Option(name: [.customShort("j"), .customLong("jobs")], help: "Render workers (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Render every output again, and replace read-only files.")
    var force = false

    @Flag(help: "Hash every up-to-date output's file before trusting it (otherwise its size is compared).")
    var verify = false

    @Flag(help: "Check the manifest and say what would be rendered; write nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("Render shard K of N (1/4 … 4/4): the prompts whose id hashes to it. Writes manifest.shard-K-of-N.json.", valueName: "K/N"))
    var shard: String?

    @Option(help: ArgumentHelp("The number of shards, with the index from JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX.", valueName: "N"))
    var shards: Int?

    @Flag(help: "Print progress and results as JSON lines (events) on standard output.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print errors only.")
    var quiet = false

    @Flag(help: "A language espeak-ng does not speak falls back to another voice (a warning) instead of failing.")
    var voiceFallback = false

    @Flag(help: "Treat warnings (unknown elements, attributes, ignored values) as errors.")
    var strict = false

    @Flag(help: "Render a row with nothing to say as silence instead of failing it.")
    var allowEmpty = false

    @OptionGroup var fetch: FetchOptions

    func run() throws {
        do {
            let succeeded = try batch()
            if !succeeded { Foundation.exit(1) }
        } catch let error as BatchPlanError {
            for item in error.errors { CommandSupport.printLine(BatchPlanError.describe(item)) }
            CommandSupport.printLine("\(error.errors.count) error\(error.errors.count == 1 ? "" : "s") in \(manifest); nothing was rendered")
            Foundation.exit(64)
        } catch {
            CommandSupport.fail(error)
        }
    }

    /// The options as the library's overrides, each named by its flag.
    func overrides() -> BatchOverrides {
        func list(_ text: String?, _ flag: String) -> BatchSetting<[String]>? {
            text.map { BatchSetting($0.split(whereSeparator: { $0 == "," || $0 == "|" }).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }, .option(flag)) }
        }
        var overrides = BatchOverrides()
        overrides.template = template.map { BatchSetting($0, .option("--template")) }
        overrides.voices = list(voices, "--voices")
        overrides.locales = list(locales, "--locales")
        overrides.formats = list(formats, "--formats")
        overrides.dialect = dialect.map { BatchSetting($0.name, .option("--dialect")) }
        overrides.loudness = loudness.map { BatchSetting($0, .option("--loudness")) }
        overrides.truePeak = truePeak.map { BatchSetting($0, .option("--true-peak")) }
        overrides.check = check.map { BatchSetting($0.rawValue, .option("--check")) }
        if strict { overrides.strict = true }
        if voiceFallback { overrides.voiceFallback = true }
        if allowEmpty { overrides.allowEmpty = true }
        return overrides
    }

    private func batch() throws -> Bool {
        if let jobs, jobs < 1 { throw SSMLError(.usage, "--jobs \(jobs) must be 1 or more") }
        let shard = try BatchShard.resolve(shard, shards: shards)
        let fetcher = try fetch.fetcher()
        defer { fetcher.cleanUp() }
        let data = try CommandSupport.data()
        let engine = try Engine.standard(data: data, fetcher: fetcher)
        let plan = try BatchPlan(BatchManifest.load(manifest), overrides: overrides(), resolver: engine.resolver)
        var options = BatchRunner.Options(output: URL(fileURLWithPath: output))
        if let jobs { options.jobs = jobs }
        options.force = force
        options.verify = verify
        options.dryRun = dryRun
        options.shard = shard
        options.audioSources = try fetch.audioSources()
        let runner = try BatchRunner(plan: plan, engine: engine, options: options)
        let mode: BatchProgress.Mode = json ? .json : quiet ? .quiet : isatty(2) == 1 ? .bar : .lines
        let progress = BatchProgress(mode: mode)
        let summary = try runner.run { progress.handle($0) }
        progress.finish(summary, dryRun: dryRun)
        return summary.succeeded && summary.misfits.isEmpty
    }
}

struct BatchMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the manifests of a sharded batch into one manifest.json (and manifest.csv).",
        discussion: """
            The result is the manifest an unsharded run of the same prompts writes. Fails when a shard is missing
            or given twice, when an output is in two parts, or when the parts come from different prompt
            manifests, options, tool or espeak-ng versions, or from a run that did not finish.
            Examples:
              ssml batch merge out/                  joins out/manifest.shard-*-of-*.json into out/manifest.json
              ssml batch merge a/manifest.shard-1-of-2.json b/manifest.shard-2-of-2.json -o out/manifest.json
            """)

    @Argument(help: "Shard manifests, or a folder holding them.")
    var parts: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("The merged manifest (default: manifest.json beside the first part); a .csv is written beside it.", valueName: "manifest.json"))
    var output: String?

    func run() throws {
        do {
            var files: [URL] = []
            for part in parts {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: part, isDirectory: &isDirectory) else { throw SSMLError(.usage, "\(part) does not exist") }
                files += isDirectory.boolValue ? try BatchMerge.parts(in: URL(fileURLWithPath: part)) : [URL(fileURLWithPath: part)]
            }
            let json = output.map { URL(fileURLWithPath: $0) } ?? files[0].deletingLastPathComponent().appendingPathComponent("manifest.json")
            if json.pathExtension.lowercased() != "json" { throw SSMLError(.usage, "-o \(json.path): the merged manifest is a .json file") }
            try CommandSupport.checkDestination(json.path, option: "-o")
            let csv = json.deletingPathExtension().appendingPathExtension("csv")
            let result = try BatchMerge.merge(files, json: json, csv: csv)
            print("merged \(result.shards) shards: \(result.outputs) outputs, \(result.failures) failure\(result.failures == 1 ? "" : "s") into \(json.path) and \(csv.lastPathComponent)")
            if result.failures > 0 { Foundation.exit(1) }
        } catch {
            CommandSupport.fail(error)
        }
    }
}
