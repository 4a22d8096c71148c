import Foundation
import SSMLEngine

/// What the API twins of `ssml serve` are told: who may call them, where seven.io's status events go, where
/// finished calls are kept, and what the simulated callers do.
public struct TwinConfiguration: Sendable {
    /// A PEM RSA public key: Vonage JWTs must be signed (RS256) by its private key; nil takes any bearer token.
    public var vonagePublicKey: String?
    /// The one API key seven.io requests must carry; nil takes any key.
    public var sevenAPIKey: String?
    /// seven.io's account webhook: status (`voice_status`) and key (`voice_dtmf`) events.
    public var sevenWebhook: String?
    /// Where each finished call is written (JSON and WAV), so a restarted server lists it; nil keeps calls in memory.
    public var stateDirectory: URL?
    /// What every caller does (the `ssml call` script format); nil: callers are interactive, driven by
    /// `POST /_twin/calls/{id}/press`.
    public var script: CallScript?
    /// The sample rate of call audio.
    public var rate = 16000
    /// Seconds a webhook of a twin call may take (Vonage's 5 s).
    public var webhookTimeout = 5.0
    /// Calls kept in memory (the oldest finished ones go first; with a state folder they stay listed from disk).
    public var maxCalls = 500
    /// Calls that may run at once, both twins together; one more is refused (Vonage: 429 with `Retry-After`;
    /// seven.io: return code 600) until a running call ends. A loop in an application or a test would otherwise start
    /// calls without end, each holding its audio so far and a task until it ends.
    public var maxRunningCalls = 100

    public init() {}
}
