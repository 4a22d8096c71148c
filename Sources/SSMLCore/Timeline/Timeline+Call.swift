import Foundation

/// What a simulated call (`ssml call`) did as a whole, kept on its timeline so a snapshot pins the outcome too.
public struct CallSummary: Sendable, Equatable, Codable {
    /// `vonage` or `seven`.
    public var service: String
    /// The call's last status: Vonage's `completed`, `busy`, `timeout`, `failed`…; seven.io's `completed`, `busy`, `no-answer`….
    public var status: String
    /// Seconds from the answer to the hang-up (0 when the call was not answered).
    public var duration: Double
    /// The keys the caller pressed, in order.
    public var keys: String
    /// Webhook requests sent to the application.
    public var webhooks: Int
    /// Who ended the call: `caller`, `application`, `service` (a timer, an error), or `nobody` (not answered).
    public var endedBy: String

    public init(service: String, status: String, duration: Double, keys: String, webhooks: Int, endedBy: String) {
        self.service = service
        self.status = status
        self.duration = duration
        self.keys = keys
        self.webhooks = webhooks
        self.endedBy = endedBy
    }
}

extension Timeline {
    /// Event kinds a simulated call adds to its timeline, besides the plan's own call control.
    public enum CallEventKind: String, Sendable, CaseIterable {
        /// A key the caller pressed (`name` is the key).
        case key
        /// Speech the caller gave to an input (`name` is the text).
        case speech
        /// A webhook request to the application (`name`: `POST /event started`).
        case webhook
        /// The application's answer to a webhook (`name`: `200 for POST /input`).
        case answer
        /// A talk or stream stopped by the caller's key (barge-in).
        case bargeIn = "barge-in"
        /// The call's own progress: answered, transferred, hung up.
        case call
    }
}

extension Timeline.Event {
    /// An event at `time` seconds of a timeline at `sampleRate`.
    public init(kind: String, time: Double, sampleRate: Int, name: String, settings: [String: String] = [:], location: String? = nil, step: String? = nil) {
        self.kind = kind
        self.time = (time * 1_000_000).rounded() / 1_000_000
        self.sample = Int((time * Double(sampleRate)).rounded())
        self.name = name
        self.settings = settings
        self.location = location
        self.step = step
    }
}
