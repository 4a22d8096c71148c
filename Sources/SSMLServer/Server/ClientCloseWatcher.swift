import NIOCore

/// Notices when the client's side of a connection closes, so that a render nobody waits for is stopped.
///
/// Hummingbird allows half-closed connections, so a client that goes away shows up as the end of its input (not
/// as an inactive channel) while the request is still being handled. Like nginx, the server takes the end of
/// the input during a request as the client giving up.
final class ClientCloseWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny

    /// Set once the input has ended or the connection is gone.
    let closed = AsyncLatch<Void>()

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { closed.set(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed.set(())
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }
}

extension Channel {
    /// The latch of this connection's ``ClientCloseWatcher``, when it has one.
    func clientClosed() async -> AsyncLatch<Void>? {
        try? await pipeline.handler(type: ClientCloseWatcher.self).map { $0.closed }.get()
    }
}
