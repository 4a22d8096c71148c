import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for fetch tests: one thread per connection, `Connection: close`,
/// routes answered by a handler, and a request count per path so tests can see cache hits.
///
/// Hostile answers are built in: bodies without a length, chunked bodies that never end, paced bodies,
/// stalls, and gzip (honest, or a bomb) whatever the request asked for. Every connection ends by itself
/// within 60 s, and `stop` releases them all.
///
/// POSIX sockets stay in this one file; nothing else in the tests touches a C pointer.
public final class TestHTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        /// The request target as sent: the path and any query.
        public var path: String
        /// Header names in lowercase.
        public var headers: [String: String]
        /// The body (read by its Content-Length, at most 1 MB).
        public var body = Data()

        /// The path without the query.
        public var route: String { String(path.split(separator: "?", maxSplits: 1).first ?? "") }

        /// The query's items, decoded.
        public var query: [String: String] {
            let items = URLComponents(string: "http://host" + path)?.queryItems ?? []
            return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: Data
        /// Send the headers (and the first `stallAfter` bytes of the body), then say nothing until stopped.
        public var stall = false
        /// Say nothing at all, not even the status line, until stopped.
        public var stallBeforeHeaders = false
        /// Send the body without Content-Length (ended by closing the connection).
        public var omitLength = false
        public var stallAfter = 0
        /// Send the body with `Transfer-Encoding: chunked`, in chunks of `chunkSize`.
        public var chunked = false
        /// Send the body again and again, chunked, until the client hangs up (or 60 s pass).
        public var endless = false
        public var chunkSize = 16384
        /// Microseconds to wait before each piece of `chunkSize` bytes: a slow body.
        public var pace: UInt32 = 0

        public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    public let port: Int
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private let listener: Int32
    private let handler: @Sendable (Request) -> Response
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var stopped = false

    public init(handler: @escaping @Sendable (Request) -> Response) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw CocoaError(.fileWriteUnknown)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Requests seen for `path` so far.
    public func count(_ path: String) -> Int {
        lock.withLock { counts[path, default: 0] }
    }

    /// Stops accepting and releases stalled connections.
    public func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while !isStopped {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if isStopped { return }
                continue
            }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.containsHeaderEnd {
            let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            received += buffer[0..<n]
            if received.count > 65536 { return }
        }
        let head = String(decoding: received, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var request = Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers)
        if let length = headers["content-length"].flatMap({ Int($0) }), length > 0, length <= 1 << 20 {
            var body = [UInt8](received[(received.headerEndIndex ?? received.count)...])
            while body.count < length {
                let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return }
                body += buffer[0..<n]
            }
            request.body = Data(body.prefix(length))
        }
        lock.withLock { counts[request.path, default: 0] += 1 }
        let response = handler(request)
        if response.stallBeforeHeaders {
            waitUntilStopped()
            return
        }
        var text = "HTTP/1.1 \(response.status) \(HTTPURLResponseReason.text(response.status))\r\nConnection: close\r\n"
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        let chunked = response.chunked || response.endless
        if chunked {
            text += "Transfer-Encoding: chunked\r\n"
        } else if !response.omitLength {
            text += "Content-Length: \(response.body.count)\r\n"
        }
        text += "\r\n"
        guard send(connection, Data(text.utf8)) else { return }
        if chunked || response.pace > 0 {
            sendPieces(connection, response, chunked: chunked)
            return
        }
        if response.stall {
            _ = send(connection, response.body.prefix(response.stallAfter))
            waitUntilStopped()
            return
        }
        _ = send(connection, response.body)
    }

    /// The body in pieces of `chunkSize` (chunked or not), paced, repeated if endless; stops when the client
    /// hangs up, the server stops, or 60 s have passed.
    private func sendPieces(_ connection: Int32, _ response: Response, chunked: Bool) {
        let end = Date().addingTimeInterval(60)
        let body = [UInt8](response.body)
        let size = max(1, response.chunkSize)
        repeat {
            var offset = 0
            while offset < body.count {
                if isStopped || Date() > end { return }
                if response.pace > 0 { usleep(response.pace) }
                let piece = body[offset..<min(offset + size, body.count)]
                var data = chunked ? Data((String(piece.count, radix: 16) + "\r\n").utf8) : Data()
                data.append(contentsOf: piece)
                if chunked { data.append(contentsOf: Array("\r\n".utf8)) }
                guard send(connection, data) else { return }
                offset += piece.count
            }
        } while response.endless && !body.isEmpty
        if chunked { _ = send(connection, Data("0\r\n\r\n".utf8)) }
    }

    private func waitUntilStopped() {
        let end = Date().addingTimeInterval(60)
        while !isStopped && Date() < end { usleep(20_000) }
    }

    /// Sends everything; false when the peer went away.
    private func send(_ connection: Int32, _ data: Data) -> Bool {
        var offset = 0
        let bytes = [UInt8](data)
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}

enum HTTPURLResponseReason {
    static func text(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 404: "Not Found"
        default: "Status"
        }
    }
}

extension [UInt8] {
    fileprivate var containsHeaderEnd: Bool { headerEndIndex != nil }

    /// The index just after the blank line that ends the head.
    fileprivate var headerEndIndex: Int? {
        guard count >= 4 else { return nil }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 { return i + 4 }
        return nil
    }
}

/// gzip bodies for the compression tests, made by hand (no zlib in the tests).
public enum Gzip {
    /// `data` as a valid gzip member of stored (uncompressed) deflate blocks, with its CRC-32 and length.
    public static func stored(_ data: Data) -> Data {
        var out = header
        let bytes = [UInt8](data)
        var offset = 0
        repeat {
            let count = Swift.min(65535, bytes.count - offset)
            let final: UInt8 = offset + count == bytes.count ? 1 : 0
            out.append(final)  // BFINAL, BTYPE 00, padded to the byte
            out.append(contentsOf: [UInt8(count & 0xff), UInt8(count >> 8), UInt8(~count & 0xff), UInt8((~count >> 8) & 0xff)])
            out.append(contentsOf: bytes[offset..<offset + count])
            offset += count
        } while offset < bytes.count
        out.append(contentsOf: littleEndian(crc32(bytes)))
        out.append(contentsOf: littleEndian(UInt32(truncatingIfNeeded: bytes.count)))
        return out
    }

    /// A gzip bomb: `compressedBytes` of one fixed-Huffman deflate block that inflates about 160-fold to
    /// zeros (a literal 0, then matches of length 258 at distance 1), never ended: a client that decompresses
    /// without a limit fills its memory long before the data runs out.
    public static func bomb(compressedBytes: Int) -> Data {
        var bits = BitWriter()
        bits.write(1, count: 1)  // BFINAL
        bits.write(1, count: 2)  // BTYPE 01: fixed Huffman codes
        bits.writeCode(0x30, length: 8)  // literal 0
        while bits.bytes.count < 17 {
            bits.writeCode(0xC5, length: 8)  // length code 285: 258 bytes
            bits.writeCode(0, length: 5)  // distance code 0: distance 1
        }
        // From bit 11 on, the stream repeats every 8 matches (104 bits, 13 bytes): from byte 2 on, whole
        // bytes repeat with a period of 13, so the rest is copied rather than written bit by bit.
        let period = Array(bits.bytes[2..<15])
        var bytes = Array(bits.bytes[0..<2])
        bytes.reserveCapacity(compressedBytes + period.count)
        while bytes.count < compressedBytes { bytes += period }
        return header + Data(bytes)
    }

    private static let header = Data([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])

    private static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) } }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var table = [UInt32](repeating: 0, count: 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            table[n] = c
        }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// Deflate's bit order: values least significant bit first, Huffman codes most significant bit first.
    private struct BitWriter {
        var bytes: [UInt8] = []
        var used = 8

        mutating func write(_ value: UInt32, count: Int) {
            for i in 0..<count { put(bit: (value >> i) & 1) }
        }

        mutating func writeCode(_ code: UInt32, length: Int) {
            for i in stride(from: length - 1, through: 0, by: -1) { put(bit: (code >> i) & 1) }
        }

        private mutating func put(bit: UInt32) {
            if used == 8 {
                bytes.append(0)
                used = 0
            }
            bytes[bytes.count - 1] |= UInt8(bit) << used
            used += 1
        }
    }
}
