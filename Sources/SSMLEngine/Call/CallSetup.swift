import Foundation
import SSMLCore

/// How a simulated call starts and what the service is told: the `POST /v1/calls` of Vonage or the
/// `POST /api/voice` of seven.io, and the simulator's own limits.
public struct CallSetup: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Vonage: the NCCO comes from the application's answer URL.
        case answerURL(String)
        /// Vonage: an NCCO given inline (`ncco` of `POST /v1/calls`).
        case ncco(text: String, name: String)
        /// seven.io: the `text` of `POST /api/voice` (SSML or plain text).
        case seven(text: String, name: String)
    }

    public var source: Source
    /// `answer_method` (Vonage's default GET).
    public var answerMethod = "GET"
    public var eventURL: String?
    /// `event_method` (Vonage's default POST).
    public var eventMethod = "POST"
    public var fallbackAnswerURL: String?
    /// seven.io: the account's webhook URL (status events and keys outside a `<dtmf>`).
    public var webhookURL: String?
    /// The calling number (`from`) and the called one (`to`).
    public var from = "447700900000"
    public var to = "447700900001"
    /// seven.io's `foreign_id`, echoed in its webhooks.
    public var foreignID: String?
    /// seven.io: the voice before any markup changes it.
    public var voice = "en-us-female"
    /// Seconds the phone rings before the call gives up when nobody answers (Vonage `ringing_timer`, seven.io `ringtime`).
    public var ringingTimer = 60.0
    /// Longest call in seconds (Vonage `length_timer`, default 7200).
    public var lengthTimer = 7200.0
    /// Seconds a webhook may take to answer (Vonage's 5 s).
    public var webhookTimeout = 5.0
    /// Bytes a webhook answer may have.
    public var webhookMaxBytes = 1 << 20
    /// Makes the call's ids (`uuid`, `conversation_uuid`, seven.io's `id`): the same seed, the same ids.
    public var seed: UInt64 = 0
    /// Timestamps from the wall clock instead of the simulated one (the bytes of webhooks then change every run).
    public var realTime = false
    /// Where `record` saves the caller's side (`recording-1.mp3`, …); nil saves nothing (the event's
    /// `recording_url` is then empty).
    public var recordingsDirectory: String?
    /// Where relative `streamUrl` paths and caller audio are found.
    public var baseDirectory: String

    public init(source: Source, baseDirectory: String = FileManager.default.currentDirectoryPath) {
        self.source = source
        self.baseDirectory = baseDirectory
    }

    /// Why `text` cannot be a webhook URL (the services call only absolute http or https URLs with a host), or nil.
    public static func webhookURLProblem(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "not a URL; give an http:// or https:// URL"
        }
        guard scheme == "http" || scheme == "https" else { return "the scheme \(scheme) is not http or https; webhooks are HTTP requests" }
        guard let host = components.host, !host.isEmpty else { return "the URL has no host" }
        return nil
    }

    /// `vonage` or `seven`.
    public var service: String {
        if case .seven = source { return "seven" }
        return "vonage"
    }
}

/// What a scenario requires of the call; each failure is a sentence naming what was expected and what happened.
public struct CallExpectations: Sendable {
    /// Phrases that must be heard, in this order (case, spacing and punctuation do not count).
    public var heard: [String] = []
    public var notHeard: [String] = []
    /// Webhooks that must arrive, in this order (others may come between them).
    public var webhooks: [Webhook] = []
    /// The call's final status (`completed`, `busy`, …).
    public var status: String?
    /// The call's length from the answer, and how far it may be off.
    public var duration: (seconds: Double, tolerance: Double)?

    public init() {}

    public struct Webhook: Sendable {
        public enum Value: Sendable, Equatable {
            case string(String), number(Double), bool(Bool), null
        }
        /// The URL path (`/event`), or a whole URL.
        public var path: String?
        public var method: String?
        /// Fields by dotted path into the JSON body or the query (`status`, `dtmf.digits`, `data.digits`).
        public var fields: [(String, Value)] = []
        /// Where the expectation was written.
        public var origin: String

        public init(path: String? = nil, method: String? = nil, fields: [(String, Value)] = [], origin: String) {
            self.path = path
            self.method = method
            self.fields = fields
            self.origin = origin
        }
    }

    public var isEmpty: Bool { heard.isEmpty && notHeard.isEmpty && webhooks.isEmpty && status == nil && duration == nil }
}
