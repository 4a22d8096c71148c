import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

/// `GET` or `POST`, as Vonage's `answer_method` and `event_method` take them.
enum HTTPMethodChoice: String, ChoiceArgument {
    case get = "GET", post = "POST"
    init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

struct Call: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Simulate a whole Vonage or seven.io call against your application, with a scripted caller.",
        discussion: """
            Vonage: the answer URL (or an NCCO) is run action by action; event webhooks, input results, notify \
            payloads and record events go to your application for real. seven.io: the document (the text of \
            POST /api/voice) is spoken; <dtmf> posts valid input to its callback, whose JSON answer steers the \
            call; status events go to --webhook. Time is simulated (nothing waits for audio to play); \
            timestamps start at 2025-01-01T09:00:00Z unless --real-time.

            The caller's script, in order: --press KEYS, --say TEXT, --silent (let the next input time out), \
            --hangup, --caller-audio FILE (the caller's side of the next record); --after 2.5s before a step \
            times it from the start of the current prompt (a key in a talk with bargeIn cuts it there). Without \
            --after a step happens when the call next listens.

            Exit status: 0 the call ran (and a scenario's expectations held), 1 an expectation failed or the \
            application misbehaved (an error status, bad JSON, a wrong NCCO, no answer in time), 64 usage.

            Examples:
              ssml call --answer-url http://127.0.0.1:8000/answer --event-url http://127.0.0.1:8000/event \\
                  --press 9 --after 1s --press 1 -o call.wav --timeline call.json --timeline-svg call.svg
              ssml call --seven menu.ssml --webhook http://127.0.0.1:8000/seven --press 2 -o call.wav
              ssml call --scenario menu.call.yaml -o call.wav
            """)

    // MARK: What to call

    @Option(help: ArgumentHelp("Vonage: the answer URL your application serves (the NCCO comes from it).", valueName: "url"))
    var answerUrl: String?

    @Option(help: ArgumentHelp("Vonage: run this NCCO file (or - for standard input) instead of asking an answer URL.", valueName: "file"))
    var ncco: String?

    @Option(help: ArgumentHelp("seven.io: the text of POST /api/voice (SSML or plain text) from this file, or - for standard input.", valueName: "file"))
    var seven: String?

    @Option(help: ArgumentHelp("A scenario (JSON or YAML: setup, script and expectations) to run instead of the options.", valueName: "file"))
    var scenario: String?

    @Option(help: "Vonage answer_method (default GET).")
    var answerMethod: HTTPMethodChoice?

    @Option(help: ArgumentHelp("Vonage event_url: call events, input results, record events.", valueName: "url"))
    var eventUrl: String?

    @Option(help: "Vonage event_method (default POST).")
    var eventMethod: HTTPMethodChoice?

    @Option(help: ArgumentHelp("Vonage fallback_answer_url: asked when the answer or an event webhook fails.", valueName: "url"))
    var fallbackAnswerUrl: String?

    @Option(help: ArgumentHelp("seven.io: your account's webhook URL (status events, keys outside <dtmf>).", valueName: "url"))
    var webhook: String?

    @Option(help: "seven.io foreign_id, echoed in its webhooks.")
    var foreignId: String?

    @Option(help: "The calling number (default 447700900000).")
    var from: String?

    @Option(help: "The called number (default 447700900001).")
    var to: String?

    @Option(help: "seven.io: the voice before any markup changes it (default en-us-female).")
    var voice: String?

    // MARK: The caller

    @Option(help: ArgumentHelp("The caller presses these keys (0-9, *, #), 0.3 s apart. Repeatable.", valueName: "keys"))
    var press: [String] = []

    @Option(help: ArgumentHelp("The caller says this to a speech input. Repeatable.", valueName: "text"))
    var say: [String] = []

    @Option(help: ArgumentHelp("Times the next step: seconds after the current prompt started (2.5s, 500ms).", valueName: "time"))
    var after: [String] = []

    @Flag(help: "The caller does nothing at the next input (it times out). Repeatable.")
    var silent: Int

    @Flag(help: "The caller hangs up (with --after: that long after the prompt started). Repeatable.")
    var hangup: Int

    @Option(help: ArgumentHelp("The caller's side of the next record action: an audio file. Repeatable.", valueName: "file"))
    var callerAudio: [String] = []

    @Option(help: ArgumentHelp("The caller hangs up this long after answering, whatever is happening (40s).", valueName: "time"))
    var hangupAfter: String?

    @Flag(help: "Nobody answers: the phone rings until the ringing timer gives up.")
    var noAnswer = false

    @Flag(help: "The line is busy.")
    var busy = false

    // MARK: The service

    @Option(help: ArgumentHelp("Seconds each webhook may take to answer (default 5, Vonage's).", valueName: "seconds"))
    var webhookTimeout: Double?

    @Option(help: ArgumentHelp("Largest webhook answer in kilobytes (default 1024).", valueName: "kb"))
    var webhookMaxKb: Int?

    @Option(help: ArgumentHelp("Longest call in seconds (Vonage length_timer, default 7200).", valueName: "seconds"))
    var lengthTimer: Double?

    @Option(help: ArgumentHelp("Seconds of ringing before an unanswered call gives up (default 60).", valueName: "seconds"))
    var ringingTimer: Double?

    @Option(help: ArgumentHelp("Makes the call's uuids and ids (default 0): the same seed, the same ids.", valueName: "n"))
    var seed: UInt64?

    @Flag(help: "Timestamps from the wall clock instead of the simulated clock (webhook bytes then change every run).")
    var realTime = false

    @Option(help: ArgumentHelp("Where record actions save the caller's side (default: the folder of -o).", valueName: "folder"))
    var recordings: String?

    @Flag(name: .shortAndLong, help: "Do not print the transcript (problems and expectation failures are still printed).")
    var quiet = false

    @OptionGroup var audio: OutputOptions

    @OptionGroup var fetch: FetchOptions

    @OptionGroup var timeline: TimelineOptions

    func run() throws {
        do {
            let failed = try call()
            if failed { Foundation.exit(1) }
        } catch {
            CommandSupport.fail(error)
        }
    }

    private func call() throws -> Bool {
        let settings = try audio.settings()
        let destination = try audio.destination(input: ncco ?? seven ?? scenario ?? "")
        try timeline.validate(against: audio.output)
        var (setup, script, expectations) = try makeScenario()
        if setup.recordingsDirectory == nil {
            setup.recordingsDirectory = recordings ?? (audio.output == "-" ? FileManager.default.currentDirectoryPath : URL(fileURLWithPath: audio.output).deletingLastPathComponent().path)
        }
        // Checked before the call starts: a recording made into a folder that is not there would be lost mid-call.
        if let folder = setup.recordingsDirectory {
            var isFolder: ObjCBool = false
            let named = recordings != nil ? "--recordings \(folder)" : "the recordings folder \(folder) (the folder of -o; --recordings names another)"
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else { throw SSMLError(.usage, "\(named) does not exist; create it first") }
            guard isFolder.boolValue else { throw SSMLError(.usage, "\(named) is not a folder") }
            guard FileManager.default.isWritableFile(atPath: folder) else { throw SSMLError(.usage, "\(named) is not writable") }
        }
        let fetcher = try fetch.fetcher()
        defer { fetcher.cleanUp() }
        let engine = try Engine.standard(data: CommandSupport.data(), fetcher: fetcher)
        let pool = try RenderWorkerPool(size: 1)
        let quiet = self.quiet
        if let webhookMaxKb {
            guard webhookMaxKb > 0, webhookMaxKb <= 1 << 20 else { throw SSMLError(.usage, "--webhook-max-kb \(webhookMaxKb) must be from 1 to 1048576") }
            setup.webhookMaxBytes = webhookMaxKb * 1024
        }
        let client = HTTPWebhookClient(maxBytes: setup.webhookMaxBytes)
        let simulator = CallSimulator(engine: engine, pool: pool, client: client) { line in
            if !quiet { CommandSupport.printLine(line) }
        }
        let (frozenSetup, frozenScript) = (setup, script)
        let recording = try blockingAwait {
            // The HTTP client's thread is stopped before the answer is used, whether the call ran or not.
            do {
                let recording = try await simulator.run(frozenSetup, script: frozenScript, rate: settings.rate)
                await client.shutdown()
                return recording
            } catch {
                await client.shutdown()
                throw error
            }
        }
        let name: String
        switch setup.source {
        case .answerURL(let url): name = "call to \(url)"
        case .ncco(_, let file), .seven(_, let file): name = "call of \(file)"
        }
        let job = RenderJob(
            input: JobInput(ssml: "", name: name, baseDirectory: setup.baseDirectory), allowEmpty: true, force: audio.force, output: settings,
            timeline: timeline.timeline != nil, timelineSVG: timeline.timelineSVG != nil)
        let failures = recording.check(expectations)
        let failed = !failures.isEmpty || !recording.problems.isEmpty
        // A call that failed before the caller heard anything (busy, no answer, no NCCO) has no audio: an empty
        // file with exit status 1 would look like a result. The timeline is still written (it shows why).
        let silentFailure = failed && recording.isSilent && destination != .standardOutput
        let result = try recording.write(job: job, to: silentFailure ? .memory : destination)
        for warning in result.warnings { CommandSupport.printLine("warning: \(warning)") }
        for note in result.notes where !quiet { CommandSupport.printLine("note: \(note)") }
        try timeline.write(result)
        if silentFailure { CommandSupport.printLine("no audio written to \(audio.output): the caller heard nothing") }
        let summary = recording.summary
        CommandSupport.printLine(
            "call \(summary.status) after \(String(format: "%.2f", summary.duration)) s (\(Self.describeEnd(summary))); keys \(summary.keys.isEmpty ? "none" : summary.keys); \(summary.webhooks) webhooks")
        for problem in recording.problems where quiet { CommandSupport.printLine("problem: \(problem)") }
        for failure in failures { CommandSupport.printLine("expectation failed: \(failure)") }
        if !recording.problems.isEmpty { CommandSupport.printLine("the application misbehaved (\(recording.problems.count) problem\(recording.problems.count == 1 ? "" : "s")): exit status 1") }
        return failed
    }

    /// Who ended the call, as a phrase: `ended by the caller`; an unanswered call was ended by no one.
    static func describeEnd(_ summary: CallSummary) -> String {
        guard summary.endedBy == "nobody" else { return "ended by the \(summary.endedBy)" }
        return summary.status == "busy" ? "the line was busy" : "nobody answered"
    }

    /// The call from the scenario file or the options (a scenario takes its own setup and script).
    private func makeScenario() throws -> (CallSetup, CallScript, CallExpectations) {
        let sources = [answerUrl.map { _ in "--answer-url" }, ncco.map { _ in "--ncco" }, seven.map { _ in "--seven" }, scenario.map { _ in "--scenario" }].compactMap { $0 }
        guard sources.count == 1 else {
            throw SSMLError(.usage, sources.isEmpty ? "say what to call: --answer-url URL, --ncco FILE, --seven FILE or --scenario FILE" : "\(sources.joined(separator: " and ")): give one")
        }
        if noAnswer && busy { throw SSMLError(.usage, "--no-answer and --busy: give one") }
        if let scenario {
            let file = try CommandSupport.read(scenario)
            let loaded = try CallScenario.load(file.text, name: file.name, baseDirectory: file.directory)
            var setup = loaded.setup
            if let recordings { setup.recordingsDirectory = recordings }
            return (setup, loaded.script, loaded.expectations)
        }
        let source: CallSetup.Source
        var base = FileManager.default.currentDirectoryPath
        for (flag, value) in [("--answer-url", answerUrl), ("--event-url", eventUrl), ("--fallback-answer-url", fallbackAnswerUrl), ("--webhook", webhook)] {
            if let value { try Self.checkURL(value, option: flag) }
        }
        if let answerUrl {
            source = .answerURL(answerUrl)
        } else if let ncco {
            let file = try CommandSupport.read(ncco)
            source = .ncco(text: file.text, name: file.name)
            base = file.directory.path
        } else {
            let file = try CommandSupport.read(seven!)
            source = .seven(text: file.text, name: file.name)
            base = file.directory.path
        }
        var setup = CallSetup(source: source, baseDirectory: base)
        if let answerMethod { setup.answerMethod = answerMethod.rawValue }
        if let eventMethod { setup.eventMethod = eventMethod.rawValue }
        setup.eventURL = eventUrl
        setup.fallbackAnswerURL = fallbackAnswerUrl
        setup.webhookURL = webhook
        setup.foreignID = foreignId
        if let from { setup.from = from }
        if let to { setup.to = to }
        if let voice { setup.voice = voice }
        if let webhookTimeout {
            guard webhookTimeout > 0, webhookTimeout.isFinite else { throw SSMLError(.usage, "--webhook-timeout \(webhookTimeout) must be more than 0 seconds") }
            setup.webhookTimeout = webhookTimeout
        }
        if let lengthTimer {
            guard lengthTimer > 0 else { throw SSMLError(.usage, "--length-timer must be more than 0 seconds") }
            setup.lengthTimer = lengthTimer
        }
        if let ringingTimer { setup.ringingTimer = ringingTimer }
        if let seed { setup.seed = seed }
        setup.realTime = realTime
        if webhook != nil, setup.service != "seven" { throw SSMLError(.usage, "--webhook is seven.io's; a Vonage call takes --event-url") }
        if eventUrl != nil, setup.service == "seven" { throw SSMLError(.usage, "--event-url is Vonage's; a seven.io call takes --webhook") }
        var script = CallScript(steps: try Self.steps(Array(CommandLine.arguments.dropFirst())))
        if let hangupAfter { script.hangupAfter = try CallScript.seconds(hangupAfter, origin: "--hangup-after") }
        script.pickup = noAnswer ? .noAnswer : busy ? .busy : .answer
        return (setup, script, CallExpectations())
    }

    /// Refuses a webhook URL the services would refuse, naming the option.
    static func checkURL(_ text: String, option: String) throws {
        if let problem = CallSetup.webhookURLProblem(text) { throw SSMLError(.usage, "\(option) \"\(text)\": \(problem)") }
    }

    /// The script steps of the command line in their order (argument parsing keeps each option's values, but not
    /// the order between options): `--press 1 --after 2.5s --say "yes"`.
    static func steps(_ arguments: [String]) throws -> [CallScript.Step] {
        var steps: [CallScript.Step] = []
        var after: (seconds: Double, text: String)?
        var index = 0
        func value(_ flag: String, _ word: String) throws -> String {
            if word.hasPrefix(flag + "=") { return String(word.dropFirst(flag.count + 1)) }
            index += 1
            guard index < arguments.count else { throw SSMLError(.usage, "\(flag) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let word = arguments[index]
            let flag = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            var action: CallScript.Action?
            var origin = flag
            switch flag {
            case "--press":
                let keys = try value(flag, word)
                try CallScript.checkKeys(keys, origin: "--press \(keys)")
                action = .press(keys)
                origin = "--press \(keys)"
            case "--say":
                let text = try value(flag, word)
                guard !text.trimmingWhitespace().isEmpty else { throw SSMLError(.usage, "--say needs words") }
                action = .say(text)
                origin = "--say \"\(text)\""
            case "--silent": action = .silent
            case "--hangup": action = .hangup
            case "--caller-audio":
                let file = try value(flag, word)
                action = .audio(file)
                origin = "--caller-audio \(file)"
            case "--after":
                let text = try value(flag, word)
                if let pending = after { throw SSMLError(.usage, "--after \(pending.text) is followed by --after \(text); each --after times the step after it") }
                after = (try CallScript.seconds(text, origin: "--after"), text)
            case "--":
                index = arguments.count
                continue
            default:
                break
            }
            if let action {
                steps.append(CallScript.Step(action, after: after?.seconds, origin: (after.map { "--after \($0.text) " } ?? "") + origin))
                after = nil
            }
            index += 1
        }
        if let pending = after { throw SSMLError(.usage, "--after \(pending.text) is not followed by a step (--press, --say, --silent, --hangup)") }
        return steps
    }
}
