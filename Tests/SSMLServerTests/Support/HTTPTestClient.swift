import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 client over POSIX sockets, for driving the server exactly: raw bodies and headers, a
/// connection closed in the middle of a request, a body sent slowly. Every read has a time limit.
///
/// POSIX sockets stay in this one file of the server tests.
final class HTTPTestClient: @unchecked Sendable {
    struct Response: Sendable {
        var status: Int
        /// Header names in lowercase.
        var headers: [String: String]
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object (empty when it is not one).
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }

        /// `error.<key>` of a JSON error body.
        func error(_ key: String) -> Any? { (json["error"] as? [String: Any])?[key] }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    private let fd: Int32
    private var buffer = Data()

    /// Connects to 127.0.0.1:`port`; reads give up after `timeout` seconds.
    init(port: Int, timeout: Double = 60) throws {
        self.port = port
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw Failure(description: "cannot connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
    }

    deinit { Glibc.close(fd) }

    /// Closes the connection (both directions).
    func close() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Sends bytes as they are.
    func send(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "send failed: \(String(cString: strerror(errno)))")
                }
                offset += sent
            }
        }
    }

    /// The head of a request with `Content-Length` for `body`.
    static func head(_ method: String, _ path: String, headers: [(String, String)] = [], bodyLength: Int?) -> Data {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let bodyLength { text += "Content-Length: \(bodyLength)\r\n" }
        return Data((text + "\r\n").utf8)
    }

    /// Sends a request and reads its response.
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: Data? = nil) throws -> Response {
        var message = Self.head(method, path, headers: headers, bodyLength: body.map(\.count) ?? (method == "GET" || method == "HEAD" ? nil : 0))
        if let body { message.append(body) }
        try send(message)
        return try readResponse(method: method)
    }

    /// Reads one response (Content-Length, chunked, or until the connection closes).
    func readResponse(method: String = "GET") throws -> Response {
        var headEnd: Range<Data.Index>?
        while true {
            if let range = buffer.range(of: Data("\r\n\r\n".utf8)) {
                headEnd = range
                break
            }
            guard try fill() else { throw Failure(description: "the connection closed before a response head (\(buffer.count) bytes)") }
        }
        let head = String(decoding: buffer[buffer.startIndex..<headEnd!.lowerBound], as: UTF8.self)
        buffer.removeSubrange(buffer.startIndex..<headEnd!.upperBound)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line in \(head)") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        var body = Data()
        if method == "HEAD" || status == 204 || status == 304 {
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            while buffer.count < length {
                guard try fill() else { throw Failure(description: "the connection closed after \(buffer.count) of \(length) body bytes") }
            }
            body = buffer.prefix(length)
            buffer.removeFirst(length)
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                let line = try readLine()
                guard let size = Int(line.split(separator: ";").first.map(String.init) ?? "", radix: 16) else {
                    throw Failure(description: "bad chunk size \(line)")
                }
                if size == 0 {
                    _ = try readLine()
                    break
                }
                while buffer.count < size + 2 {
                    guard try fill() else { throw Failure(description: "the connection closed inside a chunk") }
                }
                body.append(buffer.prefix(size))
                buffer.removeFirst(size + 2)
            }
        } else {
            while try fill() {}
            body = buffer
            buffer.removeAll()
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// Whether the server has closed the connection (reads end) within `timeout` seconds.
    func waitForClose(timeout: Double) -> Bool {
        var poll = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if Glibc.poll(&poll, 1, 100) > 0 {
                var byte: UInt8 = 0
                let count = recv(fd, &byte, 1, 0)
                if count <= 0 { return true }
                buffer.append(byte)
            }
        }
        return false
    }

    private func readLine() throws -> String {
        while true {
            if let range = buffer.range(of: Data("\r\n".utf8)) {
                let line = String(decoding: buffer[buffer.startIndex..<range.lowerBound], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex..<range.upperBound)
                return line
            }
            guard try fill() else { throw Failure(description: "the connection closed inside a line") }
        }
    }

    /// Reads what is there; false at the end of the stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(description: "no answer within the client's time limit") }
            if errno == ECONNRESET { return false }
            throw Failure(description: "recv failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// The same calls for async tests, each on a thread of its own.
///
/// A test that blocked a thread of the cooperative pool (two threads on two cores) while it waits for the server
/// in this process would starve the very handlers it waits for; these overloads, which async code picks, keep
/// the pool free.
extension HTTPTestClient {
    /// Runs blocking socket work on a new thread.
    static func detached<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    func send(_ data: Data) async throws { try await Self.detached { try self.send(data) } }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: Data? = nil) async throws -> Response {
        try await Self.detached { try self.request(method, path, headers: headers, body: body) }
    }

    func readResponse(method: String = "GET") async throws -> Response { try await Self.detached { try self.readResponse(method: method) } }

    func waitForClose(timeout: Double) async -> Bool { (try? await Self.detached { self.waitForClose(timeout: timeout) }) ?? false }

    static func fetch(
        port: Int, _ method: String, _ path: String, headers: [(String, String)] = [], body: Data? = nil, timeout: Double = 60
    ) async throws -> Response {
        try await detached { try fetch(port: port, method, path, headers: headers, body: body, timeout: timeout) }
    }
}

extension HTTPTestClient {
    /// One request on a fresh connection.
    static func fetch(
        port: Int, _ method: String, _ path: String, headers: [(String, String)] = [], body: Data? = nil, timeout: Double = 60
    ) throws -> Response {
        let client = try HTTPTestClient(port: port, timeout: timeout)
        return try client.request(method, path, headers: headers, body: body)
    }

    /// A JSON request body.
    static func json(_ object: Any) -> Data { try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) }
}
