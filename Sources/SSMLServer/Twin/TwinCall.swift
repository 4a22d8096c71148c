import Foundation
import SSMLCore
import SSMLEngine
import Synchronization

/// One call of a twin: who called whom, its live handle while it runs, and what it left when it ended.
final class TwinCall: Sendable {
    /// A call's ends as the services name them (Vonage `{"type": "phone", "number": …}`).
    struct Endpoint: Sendable, Codable, Equatable {
        var type: String
        var number: String
    }

    /// What is kept of a call, in memory and (finished) in the state folder.
    struct Record: Sendable, Codable {
        var id: String
        /// `vonage` or `seven`.
        var service: String
        var uuid: String
        var conversationUUID: String
        var from: Endpoint
        var to: Endpoint
        var created: Date
        var foreignID: String?
        var status: String
        var finished: Bool
        var seconds: Double
        var keys: String
        var endedBy: String?
        var transcript: [String]
        var webhooks: [Webhook]
        var problems: [String]
        var failure: String?
        var ended: Date?
    }

    /// One webhook as the twin shows it.
    struct Webhook: Sendable, Codable {
        var purpose: String
        var time: Double
        var method: String
        var url: String
        var body: String?
        var status: Int?
        var answer: String?
        var failure: String?

        init(_ exchange: CallExchange) {
            purpose = exchange.purpose
            time = exchange.time
            method = exchange.request.method
            url = exchange.request.url
            body = exchange.request.body.map { String(decoding: $0, as: UTF8.self) }
            status = exchange.response?.status
            answer = exchange.response.map { String(decoding: $0.body.prefix(4096), as: UTF8.self) }
            failure = exchange.failure
        }
    }

    /// What a finished call produced.
    struct Result: Sendable {
        var wav: Data?
        var timeline: Data?
    }

    let id: String
    let handle: CallHandle?
    private let state: Mutex<(record: Record, result: Result?)>

    init(record: Record, handle: CallHandle?) {
        id = record.id
        self.handle = handle
        state = Mutex((record, nil))
    }

    /// The record now: a running call's from its handle.
    var record: Record {
        let (kept, _) = state.withLock { $0 }
        guard let handle, !kept.finished else { return kept }
        let snapshot = handle.snapshot
        var record = kept
        record.status = snapshot.status
        record.seconds = snapshot.seconds
        record.keys = snapshot.keys
        record.transcript = snapshot.transcript
        record.webhooks = snapshot.exchanges.map(Webhook.init)
        record.problems = snapshot.problems
        return record
    }

    var result: Result? { state.withLock { $0.result } }

    var isFinished: Bool { state.withLock { $0.record.finished } }

    /// Whether the call waits for its caller now.
    var isListening: Bool { handle.map { $0.snapshot.listening } ?? false }

    func finish(_ record: Record, result: Result) { state.withLock { $0 = (record, result) } }

    /// The status Vonage's API reports: `answered` while a call is up (its events say `answered` once), its last status after.
    var vonageStatus: String {
        let status = record.status
        return status == "in-progress" ? "answered" : status
    }
}
