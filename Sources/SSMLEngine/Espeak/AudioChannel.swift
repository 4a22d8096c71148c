import Foundation
import SSMLCore

/// Audio chunks handed from espeak-ng's callback (the producer, on the owner thread) to the caller (the consumer),
/// with a bound, so memory stays small when the consumer is slower than the engine.
final class AudioChannel: @unchecked Sendable {
    // `@unchecked Sendable`: every field is touched only while `condition` is locked.
    /// About five seconds of audio in espeak-ng's 200 ms chunks.
    static let capacity = 24

    private let condition = NSCondition()
    private var chunks: [[Float]] = []
    private var head = 0
    private var result: Result<[SpeechEvent], any Error>?
    private var cancelled = false

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// Producer: queues a chunk (empty ones too: the consumer sees the same sequence the engine made); waits while
    /// the channel is full. False when the consumer gave up.
    func push(_ chunk: [Float]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count - head >= Self.capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        chunks.append(chunk)
        condition.broadcast()
        return true
    }

    /// Producer: the synthesis is over.
    func finish(_ outcome: Result<[SpeechEvent], any Error>) {
        condition.lock()
        result = outcome
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: the next chunk, or nil once the producer finished and everything was taken.
    func next() -> [Float]? {
        condition.lock()
        defer { condition.unlock() }
        while head == chunks.count && result == nil { condition.wait() }
        guard head < chunks.count else { return nil }
        let chunk = chunks[head]
        head += 1
        if head > 64 {
            chunks.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return chunk
    }

    /// Consumer: stop the producer (its next callback aborts the synthesis).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the producer's outcome.
    func waitForResult() -> Result<[SpeechEvent], any Error> {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}
