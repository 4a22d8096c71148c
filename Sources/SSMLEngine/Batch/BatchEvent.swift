import Foundation
import SSMLCore

/// What a batch run reports as it goes, for a progress display or another tool (`ssml batch --json`).
public enum BatchEvent: Sendable {
    /// A row (or one voice of it) that cannot run, found before any rendering.
    case problem(BatchFailure)
    /// Something the run could not use but went on without (an unreadable earlier manifest).
    case warning(String)
    /// Planning is done: what is up to date and what will be rendered.
    case planned(BatchStart)
    /// An output is being rendered (the current id of a progress bar).
    case started(BatchOutputEvent)
    /// An output is written, or failed after its retry.
    case finished(BatchOutputEvent)
    /// An output failed and is rendered once more.
    case retrying(BatchFailure)
    /// The manifest was written (during the run, at most every few seconds, and at the end).
    case manifestWritten(URL)
}

/// The counts a run starts with.
public struct BatchStart: Sendable, Codable, Equatable {
    /// Outputs of this run (of this shard when sharded).
    public var outputs: Int
    /// Outputs whose file is in place with the same content hash: not rendered.
    public var upToDate: Int
    public var toRender: Int
    /// Rows, or voices of a row, that cannot run.
    public var problems: Int
    /// Prompts of this run.
    public var prompts: Int
    /// `2/4` when sharded.
    public var shard: String?
    /// How the shard was chosen (`JOB_COMPLETION_INDEX=1`).
    public var shardSource: String?
    /// The render workers.
    public var jobs: Int
}

/// One output's progress.
public struct BatchOutputEvent: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case rendering, rendered, failed
    }

    public var status: Status
    public var number: Int
    public var id: String
    public var voice: String
    public var format: String
    public var path: String
    /// Outputs finished so far (rendered or failed) and to do in all, in this run.
    public var done: Int
    public var total: Int
    /// Seconds the output took, when finished.
    public var seconds: Double?
    /// Warnings of the prompt (planning) and of the output step.
    public var warnings: [String]
    /// Why it failed.
    public var error: String?
}

/// How a run ended.
public struct BatchSummary: Sendable {
    /// Outputs of this run.
    public var outputs: Int
    public var rendered: Int
    public var upToDate: Int
    /// Rows and outputs that failed, in manifest order.
    public var failures: [BatchFailure]
    /// Outputs whose `check-asset` verdict is "does not fit".
    public var misfits: [String]
    public var seconds: Double
    /// The error that stopped the run early (a full disk), if any; the manifest lists what was finished.
    public var stopped: SSMLError?
    /// The manifest written (nil for a dry run).
    public var manifest: URL?
    /// Whether every output exists and is up to date.
    public var succeeded: Bool { failures.isEmpty && stopped == nil }
}
