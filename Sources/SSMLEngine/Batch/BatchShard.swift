import Foundation
import SSMLCore

/// A stable part of a batch: shard `index` of `count` (1-based) renders the prompts whose id hashes to it.
///
/// The id's SHA-256 is mapped to a shard with jump consistent hashing (Lamping and Veach, 2014): a prompt's shard
/// depends on its id and the count alone, so adding or removing prompts moves no other prompt, and growing from
/// N to N+1 shards moves only about 1/(N+1) of them.
public struct BatchShard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int
    /// How the shard was chosen, for messages (`--shard 2/4`, `JOB_COMPLETION_INDEX=1`).
    public var source: String

    public init(index: Int, count: Int, source: String) {
        self.index = index
        self.count = count
        self.source = source
    }

    public var description: String { "\(index)/\(count)" }

    /// `K-of-N`, for file names.
    public var fileTag: String { "\(index)-of-\(count)" }

    /// The shard (1-based) of `id` among `count`.
    public static func assign(_ id: String, count: Int) -> Int {
        guard count > 1 else { return 1 }
        var key = SHA256.hash(id).prefix64
        var bucket: Int64 = -1, jump: Int64 = 0
        while jump < Int64(count) {
            bucket = jump
            key = key &* 2_862_933_555_777_941_757 &+ 1
            jump = Int64(Double(bucket + 1) * (Double(Int64(1) << 31) / Double((key >> 33) + 1)))
        }
        return Int(bucket) + 1
    }

    /// The shard a run renders: `K/N` given by the front end (`flag`, named `flagName` in messages), else from a job
    /// runner's environment: Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`, 0-based) with `shards` for the count,
    /// AWS Batch array jobs (`AWS_BATCH_JOB_ARRAY_INDEX`, 0-based, with `AWS_BATCH_JOB_ARRAY_SIZE` or `shards`).
    /// Nil when nothing asks for shards.
    public static func resolve(
        _ flag: String?, shards: Int?, environment: [String: String] = ProcessInfo.processInfo.environment, flagName: String = "--shard",
        shardsName: String = "--shards"
    ) throws -> BatchShard? {
        if let shards, shards < 1 { throw SSMLError(.usage, "\(shardsName) \(shards) must be 1 or more") }
        if let flag {
            let parts = flag.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
                throw SSMLError(.usage, "\(flagName) \(flag) is not K/N (shard K of N, counting from 1: 1/4 … 4/4)")
            }
            guard count >= 1, (1...count).contains(index) else { throw SSMLError(.usage, "\(flagName) \(flag): K must be from 1 to N") }
            if let shards, shards != count { throw SSMLError(.usage, "\(flagName) \(flag) and \(shardsName) \(shards) disagree") }
            return BatchShard(index: index, count: count, source: "\(flagName) \(flag)")
        }
        func index(_ variable: String) throws -> Int? {
            guard let text = environment[variable]?.trimmingWhitespace(), !text.isEmpty else { return nil }
            guard let value = Int(text), value >= 0 else { throw SSMLError(.usage, "\(variable)=\(text) is not a shard index (0, 1, 2, …)") }
            return value
        }
        if let value = try index("JOB_COMPLETION_INDEX") {
            guard let shards else {
                throw SSMLError(.usage, "JOB_COMPLETION_INDEX=\(value) is set (a Kubernetes Indexed Job); give \(shardsName) N, the job's completions, to shard the batch")
            }
            guard value < shards else { throw SSMLError(.usage, "JOB_COMPLETION_INDEX=\(value) is not below \(shardsName) \(shards)") }
            return BatchShard(index: value + 1, count: shards, source: "JOB_COMPLETION_INDEX=\(value)")
        }
        if let value = try index("AWS_BATCH_JOB_ARRAY_INDEX") {
            var count = shards
            if let size = environment["AWS_BATCH_JOB_ARRAY_SIZE"]?.trimmingWhitespace(), !size.isEmpty {
                guard let parsed = Int(size), parsed >= 1 else { throw SSMLError(.usage, "AWS_BATCH_JOB_ARRAY_SIZE=\(size) is not a number of jobs") }
                if let shards, shards != parsed { throw SSMLError(.usage, "AWS_BATCH_JOB_ARRAY_SIZE=\(parsed) and \(shardsName) \(shards) disagree") }
                count = parsed
            }
            guard let count else {
                throw SSMLError(.usage, "AWS_BATCH_JOB_ARRAY_INDEX=\(value) is set (an AWS Batch array job); set AWS_BATCH_JOB_ARRAY_SIZE or give \(shardsName) N")
            }
            guard value < count else { throw SSMLError(.usage, "AWS_BATCH_JOB_ARRAY_INDEX=\(value) is not below the array size \(count)") }
            return BatchShard(index: value + 1, count: count, source: "AWS_BATCH_JOB_ARRAY_INDEX=\(value)")
        }
        if let shards { throw SSMLError(.usage, "\(shardsName) \(shards) needs JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX in the environment (or use \(flagName) K/N)") }
        return nil
    }
}
