import NIOCore
import NIOHTTP1
import Synchronization

/// Collects a body in memory, for answers that are small by contract (webhook and API answers); the size
/// limit of the exchange is counted before each part arrives here, so memory stays within it.
final class BodyCollector: ResponseSink {
    private let collected = Mutex(ByteBuffer())

    func wantsBody(_ head: HTTPResponseHead) -> Bool { true }

    func begin(_ head: HTTPResponseHead) throws {}

    func append(_ buffer: ByteBuffer, on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        collected.withLock { collected in
            var buffer = buffer
            collected.writeBuffer(&buffer)
        }
        return eventLoop.makeSucceededVoidFuture()
    }

    func finish() throws -> ByteBuffer { collected.withLock { $0 } }

    func abandon() { collected.withLock { $0 = ByteBuffer() } }
}
