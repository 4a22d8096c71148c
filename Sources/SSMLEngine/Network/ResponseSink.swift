import NIOCore
import NIOHTTP1

/// Where the body of an answer goes (a file, memory), and which answers' bodies are read at all.
///
/// ``ExchangeDelegate`` calls these on the request's event loop, one at a time: `begin` once, then
/// `append` for each part only after the previous part's future has completed (so a slow sink slows the
/// reading from the socket instead of buffering), then `finish`; or `abandon` at any point after a failure.
/// The size limit is counted by the delegate before `append`, so a sink never sees more than the limit.
protocol ResponseSink: AnyObject, Sendable {
    associatedtype Body: Sendable

    /// Whether the body of an answer with this head is read; a head that is not read ends the exchange
    /// without its body (error pages, `304 Not Modified`).
    func wantsBody(_ head: HTTPResponseHead) -> Bool

    /// Prepares for the body of `head`; throws an ``HTTPRequestError`` to refuse the answer unread.
    func begin(_ head: HTTPResponseHead) throws

    /// Takes one part of the body; the future completes when the next part may come.
    func append(_ buffer: ByteBuffer, on eventLoop: any EventLoop) -> EventLoopFuture<Void>

    /// The whole body, once the last part was taken.
    func finish() throws -> Body

    /// The exchange failed: let go of what was begun.
    func abandon()
}
