import Foundation
import SSMLCore

/// What a render worker is asked to do: render a resolved plan at one or more rates, nothing else. Planning, audio
/// resolution, encoding and loudness stay with the caller, so a worker needs no catalog, no network and no files.
///
/// Several rates share one synthesis: the plan is synthesised once, for the first rate, and the engine's audio is
/// replayed through the renderer for the others (see ``SynthesisRecording``), so every rate's samples are those a
/// job of that rate alone gives.
public struct WorkerJob: Sendable, Codable, Equatable {
    public var plan: RenderPlan
    /// The output rates, in the order their samples come back.
    public var sampleRates: [Int]
    public var limits: Limits
    /// Whether the reports list the render's segments, words and events (a timeline needs them); without, a report
    /// gives the length only, and costs nothing to send.
    public var entries = true

    /// The first (for a job of one rate, the only) output rate.
    public var sampleRate: Int {
        get { sampleRates[0] }
        set { sampleRates = [newValue] }
    }

    public init(plan: RenderPlan, sampleRate: Int, limits: Limits = .standard) {
        self.init(plan: plan, sampleRates: [sampleRate], limits: limits)
    }

    /// A job with an output per rate (at least one).
    public init(plan: RenderPlan, sampleRates: [Int], limits: Limits = .standard) {
        precondition(!sampleRates.isEmpty, "a worker job renders at one rate at least")
        self.plan = plan
        self.sampleRates = sampleRates
        self.limits = limits
    }
}

/// The frames on a worker's pipes: a 4-byte little-endian length (of the tag and payload), a 1-byte tag, the payload.
enum WorkerMessage: Equatable {
    /// Worker → pool, once: espeak-ng is initialised (payload: the engine's version).
    case ready(version: String)
    /// Pool → worker: a job (JSON).
    case job(Data)
    /// Worker → pool: the render process for the job started (its process id), so a cancel can stop it.
    case started(pid: Int32)
    /// Worker → pool: rendered samples, raw little-endian 32-bit floats.
    case samples(Data)
    /// Worker → pool: the report of the job's current output (JSON ``RenderReport``); the samples after it are the
    /// next output's.
    case report(Data)
    /// Worker → pool: the render process stops after the outputs reported so far; the others need a process of their
    /// own (at their rate the plan makes other engine calls, or the recording of the first was too long to keep).
    case incomplete
    /// Worker → pool: the job failed (JSON ``SSMLError``).
    case failure(Data)
    /// Worker → pool: the render process ended (exit status, or the signal that ended it as a negative number).
    case finished(status: Int32)

    var tag: UInt8 {
        switch self {
        case .ready: UInt8(ascii: "R")
        case .job: UInt8(ascii: "J")
        case .started: UInt8(ascii: "P")
        case .samples: UInt8(ascii: "S")
        case .report: UInt8(ascii: "T")
        case .failure: UInt8(ascii: "E")
        case .incomplete: UInt8(ascii: "I")
        case .finished: UInt8(ascii: "D")
        }
    }

    var payload: Data {
        switch self {
        case .ready(let version): Data(version.utf8)
        case .incomplete: Data()
        case .job(let data), .samples(let data), .report(let data), .failure(let data): data
        case .started(let pid): Self.bytes(UInt32(bitPattern: pid))
        case .finished(let status): Self.bytes(UInt32(bitPattern: status))
        }
    }

    /// The message as bytes on the pipe.
    var encoded: Data {
        var data = Self.bytes(UInt32(payload.count + 1))
        data.append(tag)
        data.append(payload)
        return data
    }

    /// The longest payload accepted: a plan of the largest input fits many times over.
    static let maximumLength = 512 * 1024 * 1024

    static func bytes(_ value: UInt32) -> Data {
        withUnsafeBytes(of: value.littleEndian) { Data($0) }
    }

    static func integer(_ data: Data) -> UInt32? {
        guard data.count == 4 else { return nil }
        return data.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }

    /// Decodes a tag and payload; nil for an unknown tag or a malformed payload.
    static func decode(tag: UInt8, payload: Data) -> WorkerMessage? {
        switch tag {
        case UInt8(ascii: "R"): .ready(version: String(decoding: payload, as: UTF8.self))
        case UInt8(ascii: "J"): .job(payload)
        case UInt8(ascii: "P"): integer(payload).map { .started(pid: Int32(bitPattern: $0)) }
        case UInt8(ascii: "S"): .samples(payload)
        case UInt8(ascii: "T"): .report(payload)
        case UInt8(ascii: "E"): .failure(payload)
        case UInt8(ascii: "I"): payload.isEmpty ? .incomplete : nil
        case UInt8(ascii: "D"): integer(payload).map { .finished(status: Int32(bitPattern: $0)) }
        default: nil
        }
    }
}

/// Reads and writes ``WorkerMessage`` frames on a file descriptor, blocking.
struct WorkerChannel {
    let input: Int32
    let output: Int32
    let name: String

    func send(_ message: WorkerMessage) throws {
        let bytes = message.encoded
        try bytes.withUnsafeBytes { try Posix.write(output, $0, what: name) }
    }

    /// The next message; nil at the end of the stream (the other side is gone).
    func receive() throws -> WorkerMessage? {
        guard let header = try read(5) else { return nil }
        guard let length = WorkerMessage.integer(header.prefix(4)), length >= 1, Int(length) <= WorkerMessage.maximumLength else {
            throw SSMLError(.engine, "\(name) sent a malformed message")
        }
        let tag = header[header.startIndex + 4]
        guard let payload = try read(Int(length) - 1) else { throw SSMLError(.engine, "\(name) ended in the middle of a message") }
        guard let message = WorkerMessage.decode(tag: tag, payload: payload) else {
            throw SSMLError(.engine, "\(name) sent an unknown message")
        }
        return message
    }

    /// Exactly `count` bytes; nil when the stream ends before the first byte.
    private func read(_ count: Int) throws -> Data? {
        var data = Data(count: count)
        var filled = 0
        while filled < count {
            let got = try data.withUnsafeMutableBytes { bytes in
                try Posix.read(input, into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...]), what: name)
            }
            if got == 0 {
                if filled == 0 { return nil }
                throw SSMLError(.engine, "\(name) ended in the middle of a message")
            }
            filled += got
        }
        return data
    }
}
