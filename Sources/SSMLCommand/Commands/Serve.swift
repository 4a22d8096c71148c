import ArgumentParser
import Dispatch
import Foundation
import Logging
import SSMLCore
import SSMLEngine
import SSMLServer

struct Serve: ParsableCommand {
    enum LogFormat: String, ChoiceArgument { case text, json }
    enum LogLevel: String, ChoiceArgument { case trace, debug, info, notice, warning, error }

    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the render API, lint, the voice catalog and a preview page over HTTP.",
        discussion: """
            Routes: POST /render, POST /lint, GET /voices, GET /dialects, GET /healthz, GET /openapi.json (their \
            description) and the preview page at /; the twins of Vonage's Voice API (POST /v1/calls, …) and seven.io's \
            voice API (POST /api/voice), whose calls are simulated as ssml call does and kept at /_twin/calls. Renders run on a pool of render workers (one per core); requests \
            beyond the workers and the queue are answered 503 with Retry-After. Once listening, one line is printed on \
            standard output: "listening on URL". Logs (one line per request) go to standard error. SIGTERM, SIGINT \
            and SIGHUP stop taking connections and let the requests in flight finish.
            Audio in a request may come from --audio-dir only (no local file elsewhere) and from http(s) URLs unless \
            --no-fetch.
            Examples:
              ssml serve
              ssml serve --port 0 --audio-dir prompts/audio
              ssml serve --host 0.0.0.0 --port 8443 --tls-cert cert.pem --tls-key key.pem --log-format json
            """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 takes a free one (printed on startup).")
    var port = 8080

    @Option(help: ArgumentHelp("A PEM certificate chain: serve HTTPS (with --tls-key).", valueName: "cert.pem"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "key.pem"))
    var tlsKey: String?

    @Option(help: "Render worker processes (default: one per core).")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Requests that may wait for a worker (default: 8 per worker); more are answered 503.")
    var queue: Int?

    @Option(help: ArgumentHelp("Seconds a render request may take, waiting included (then 504).", valueName: "seconds"))
    var renderTimeout = 60.0

    @Option(help: ArgumentHelp("Longest audio one request may render.", valueName: "seconds"))
    var maxOutputSeconds = 600.0

    @Option(help: ArgumentHelp("Largest request body (then 413).", valueName: "MB"))
    var maxBodyMb = 9

    @Option(help: ArgumentHelp("The folder local audio (<audio src>, streamUrl) may come from; relative paths start here. Without it, no local file is played.", valueName: "folder"))
    var audioDir: String?

    @OptionGroup var fetch: FetchOptions

    @Flag(help: "Refuse http(s) audio sources.")
    var noFetch = false

    @Option(help: ArgumentHelp("Vonage twin: a PEM RSA public key; JWTs must be RS256-signed by its private key (default: any bearer token).", valueName: "file"))
    var vonagePublicKey: String?

    @Option(help: ArgumentHelp("seven.io twin: the one API key requests must carry (default: any key).", valueName: "key"))
    var apiKey: String?

    @Option(help: ArgumentHelp("seven.io twin: your account's webhook (voice_status and voice_dtmf events).", valueName: "url"))
    var sevenWebhook: String?

    @Option(help: ArgumentHelp("Twins: write each finished call here (JSON and WAV), so a restarted server lists it.", valueName: "folder"))
    var stateDir: String?

    @Option(help: ArgumentHelp("Twins: what every caller does (a scenario file's script, hangup_after and pickup); default: interactive callers, driven by POST /_twin/calls/{id}/press.", valueName: "file"))
    var script: String?

    @Option(help: ArgumentHelp("Twins: calls that may run at once; one more is refused (Vonage: 429 with Retry-After, seven.io: code 600) until one ends.", valueName: "n"))
    var maxRunningCalls = TwinConfiguration().maxRunningCalls

    @Flag(help: "Serve no API twins (/v1/calls, /api/voice, /_twin).")
    var noTwin = false

    @Option(help: "Log lines as text or as JSON objects.")
    var logFormat: LogFormat = .text

    @Option(help: "The least severe log level written.")
    var logLevel: LogLevel = .info

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) must be from 0 to 65535") }
        guard (1...256).contains(workers) else { throw ValidationError("--workers \(workers) must be from 1 to 256") }
        if let queue, !(0...100_000).contains(queue) { throw ValidationError("--queue \(queue) must be from 0 to 100000") }
        guard renderTimeout > 0, renderTimeout <= 86_400 else { throw ValidationError("--render-timeout \(renderTimeout) must be more than 0 and at most 86400 seconds") }
        guard maxOutputSeconds > 0, maxOutputSeconds <= Limits.standard.maxOutputSeconds else {
            throw ValidationError("--max-output-seconds \(maxOutputSeconds) must be more than 0 and at most \(Int(Limits.standard.maxOutputSeconds))")
        }
        guard (1...1024).contains(maxBodyMb) else { throw ValidationError("--max-body-mb \(maxBodyMb) must be from 1 to 1024") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if let sevenWebhook, let problem = CallSetup.webhookURLProblem(sevenWebhook) { throw ValidationError("--seven-webhook \(sevenWebhook): \(problem)") }
        if noTwin, [vonagePublicKey, apiKey, sevenWebhook, stateDir, script].contains(where: { $0 != nil }) {
            throw ValidationError("--no-twin serves no twins: --vonage-public-key, --api-key, --seven-webhook, --state-dir and --script are theirs")
        }
        guard (1...100_000).contains(maxRunningCalls) else { throw ValidationError("--max-running-calls \(maxRunningCalls) must be from 1 to 100000") }
        if let audioDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: audioDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--audio-dir \(audioDir) is not a folder")
            }
        }
    }

    /// The twins' settings from the flags (files read here: a wrong one is a usage error before the server starts).
    func twinConfiguration() throws -> TwinConfiguration {
        var twin = TwinConfiguration()
        if let vonagePublicKey {
            guard let text = try? String(contentsOfFile: vonagePublicKey, encoding: .utf8) else {
                throw SSMLError(.usage, "--vonage-public-key \(vonagePublicKey) cannot be read (a PEM file: -----BEGIN PUBLIC KEY-----)")
            }
            twin.vonagePublicKey = text
        }
        twin.sevenAPIKey = apiKey
        twin.maxRunningCalls = maxRunningCalls
        twin.sevenWebhook = sevenWebhook
        twin.stateDirectory = stateDir.map { URL(fileURLWithPath: $0).standardizedFileURL }
        if let script {
            let file = try CommandSupport.read(script)
            twin.script = try CallScenario.loadScript(file.text, name: file.name, baseDirectory: file.directory)
        }
        return twin
    }

    func run() throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.tlsCertificate = tlsCert
        configuration.tlsKey = tlsKey
        configuration.workers = workers
        configuration.queueLength = queue
        configuration.renderTimeout = renderTimeout
        configuration.maxOutputSeconds = maxOutputSeconds
        configuration.maxBodyBytes = maxBodyMb * 1024 * 1024
        configuration.audioDirectory = audioDir.map { URL(fileURLWithPath: $0).standardizedFileURL }
        if noTwin {
            configuration.twin = nil
        } else {
            do {
                configuration.twin = try twinConfiguration()
            } catch let error as SSMLError {
                // A script file that does not read is a wrong flag: a usage error, naming the file's place.
                CommandSupport.fail(error.kind == .usage ? error : SSMLError(.usage, "--script: \(error.description)"))
            } catch {
                CommandSupport.fail(error)
            }
        }
        let label = "ssml-serve"
        var logger: Logger
        switch logFormat {
        case .text: logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        case .json: logger = Logger(label: label) { JSONLogHandler(label: $0) }
        }
        logger.logLevel = Logger.Level(rawValue: logLevel.rawValue) ?? .info
        let server: SSMLServer
        do {
            configuration.fetch = noFetch ? nil : try fetch.fetcher().settings
            server = try SSMLServer(configuration: configuration, logger: logger)
        } catch {
            CommandSupport.fail(error)
        }
        // The server is async; the command line is not: the main thread waits while the server runs on the
        // cooperative pool.
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        let settings = configuration
        let log = logger
        Task {
            do {
                try await server.run { url in
                    // Unbuffered: whoever started the server reads this line to learn the address.
                    FileHandle.standardOutput.write(Data("listening on \(url.absoluteString)\n".utf8))
                    log.info(
                        "listening",
                        metadata: [
                            "url": "\(url.absoluteString)", "workers": "\(server.services.render.pool.size)",
                            "queue": "\(server.services.render.queue.capacity)",
                            "audio_dir": "\(settings.audioDirectory?.path ?? "none")", "fetch": "\(settings.fetch != nil)",
                        ])
                }
            } catch {
                failure = error
            }
            finished.signal()
        }
        finished.wait()
        if let failure { CommandSupport.fail(failure) }
        logger.info("stopped")
    }
}
