import Dispatch
import NIOCore
import NIOHTTP1
import SSMLCore
import Synchronization

/// Streams the body of a `2xx` answer into a new file, part by part as it arrives: memory holds one part
/// at a time, whatever the size of the body.
///
/// The file is created exclusively (never through a link planted at its name) when the head arrives, and
/// written on a queue of its own so that the event loop never waits for the disk; the next part is read
/// from the socket only once the previous one is written. On failure the file is removed.
final class FileSink: ResponseSink {
    struct Streamed: Sendable {
        var path: String
        var bytes: Int
    }

    private struct State {
        var descriptor: Int32 = -1
        var path: String?
        var bytes = 0
    }

    private let directory: String
    private let url: String
    private let name: @Sendable (HTTPResponseHead) throws -> String
    private let queue = DispatchQueue(label: "swift-ssml.download")
    private let state = Mutex(State())

    /// - Parameter name: the file name for an answer, or an ``HTTPRequestError`` refusing it unread.
    init(directory: String, url: String, name: @escaping @Sendable (HTTPResponseHead) throws -> String) {
        self.directory = directory
        self.url = url
        self.name = name
    }

    func wantsBody(_ head: HTTPResponseHead) -> Bool { (200..<300).contains(head.status.code) }

    func begin(_ head: HTTPResponseHead) throws {
        let path = directory + "/" + (try name(head))
        let descriptor: Int32
        do { descriptor = try Posix.createExclusive(path) } catch {
            throw HTTPRequestError(.io, url: url, "\(SSMLError.reason(of: error))")
        }
        Interruption.register(path)
        state.withLock { state in
            state.descriptor = descriptor
            state.path = path
        }
    }

    func append(_ buffer: ByteBuffer, on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let url = url
        queue.async { [self] in
            do {
                try state.withLock { state in
                    guard state.descriptor >= 0, let path = state.path else {
                        throw HTTPRequestError(.io, url: url, "the download was abandoned")
                    }
                    do {
                        try buffer.withUnsafeReadableBytes { try Posix.write(state.descriptor, $0, what: path) }
                    } catch {
                        throw HTTPRequestError(.io, url: url, "\(SSMLError.reason(of: error))")
                    }
                    state.bytes += buffer.readableBytes
                }
                promise.succeed(())
            } catch {
                promise.fail(error)
            }
        }
        return promise.futureResult
    }

    func finish() throws -> Streamed {
        try state.withLock { state in
            guard state.descriptor >= 0, let path = state.path else { throw HTTPRequestError(.io, url: url, "the download was abandoned") }
            // The sweep of orphaned bodies goes by this time: it is when the body was complete.
            Posix.touch(state.descriptor)
            Posix.close(state.descriptor)
            state.descriptor = -1
            return Streamed(path: path, bytes: state.bytes)
        }
    }

    func abandon() {
        // After any write still queued, which then finds the file closed.
        queue.async { [self] in discard() }
    }

    /// Closes and removes the file, if there is one; the owner calls it when the exchange failed, so that
    /// nothing half-written is left when the failure is reported.
    func discard() {
        state.withLock { state in
            if state.descriptor >= 0 { Posix.close(state.descriptor) }
            state.descriptor = -1
            if let path = state.path {
                Posix.remove(path)
                Interruption.unregister(path)
            }
            state.path = nil
        }
    }

    /// The body file has been renamed: it is no longer this sink's to remove.
    func release() {
        state.withLock { state in
            if let path = state.path { Interruption.unregister(path) }
            state.path = nil
        }
    }
}
