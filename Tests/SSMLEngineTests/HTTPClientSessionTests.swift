import Foundation
import SSMLEngine
import SSMLTestSupport
import Testing

/// The async client for webhooks: JSON in and out, query strings, limits, redirects, cancellation.
@Suite(.ownThread) struct HTTPClientSessionTests {
    static func server() throws -> TestHTTPServer {
        try TestHTTPServer { request in
            let json = ("Content-Type", "application/json")
            switch request.route {
            case "/echo":
                // What the server received, as JSON.
                let seen: [String: String] = [
                    "method": request.method, "query": request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&"),
                    "contentType": request.headers["content-type"] ?? "", "body": String(decoding: request.body, as: UTF8.self),
                    "acceptEncoding": request.headers["accept-encoding"] ?? "",
                ]
                return .init(status: 200, headers: [json], body: try! JSONEncoder().encode(seen))
            case "/missing":
                return .init(status: 404, headers: [json], body: Data(#"{"error": "no such call"}"#.utf8))
            case "/big":
                var response = TestHTTPServer.Response(status: 200, headers: [json], body: Data(repeating: 0x20, count: 2 * 1024 * 1024))
                response.chunked = true
                return response
            case "/stall":
                var response = TestHTTPServer.Response(status: 200)
                response.stallBeforeHeaders = true
                return response
            case "/keep-post": return .init(status: 307, headers: [("Location", "/echo?hop=307")])
            case "/see-other": return .init(status: 303, headers: [("Location", "/echo?hop=303")])
            case "/to-file": return .init(status: 302, headers: [("Location", "file:///etc/passwd")])
            default: return .init(status: 500)
            }
        }
    }

    func session(deadline: Double = 5, maxBytes: Int = 1024 * 1024) -> HTTPClientSession {
        var settings = HTTPClientSession.Settings()
        settings.deadline = deadline
        settings.idleTimeout = 1
        settings.maxResponseBytes = maxBytes
        return HTTPClientSession(settings: settings)
    }

    func echoed(_ response: HTTPClientSession.Response) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: response.body)
    }

    func failure(_ work: () async throws(HTTPRequestError) -> HTTPClientSession.Response) async -> HTTPRequestError? {
        do {
            _ = try await work()
            return nil
        } catch {
            return error
        }
    }

    @Test func getsWithAQueryAndPostsJSON() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let session = session()
        let got = try await session.get(server.baseURL.appendingPathComponent("echo"), query: [URLQueryItem(name: "call", value: "a b&c"), URLQueryItem(name: "n", value: "1")])
        #expect(got.status == 200 && got.header("content-type") == "application/json")
        #expect(try echoed(got) == ["method": "GET", "query": "call=a b&c&n=1", "contentType": "", "body": "", "acceptEncoding": "identity"])
        struct Event: Encodable, Sendable { var status: String }
        let posted = try await session.postJSON(server.baseURL.appendingPathComponent("echo"), encoding: Event(status: "answered"))
        #expect(try echoed(posted)["body"] == #"{"status":"answered"}"# && echoed(posted)["contentType"] == "application/json")
        // An answer of any status is an answer, with its body.
        let missing = try await session.get(server.baseURL.appendingPathComponent("missing"))
        #expect(missing.status == 404 && String(decoding: missing.body, as: UTF8.self) == #"{"error": "no such call"}"#)
        await session.shutdown()
    }

    @Test func redirectsKeepOrDropThePostAsHTTPSays() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let session = session()
        let body = Data(#"{"dtmf":"1"}"#.utf8)
        let kept = try await session.postJSON(server.baseURL.appendingPathComponent("keep-post"), json: body)
        #expect(try echoed(kept)["method"] == "POST" && echoed(kept)["body"] == #"{"dtmf":"1"}"# && echoed(kept)["query"] == "hop=307")
        #expect(kept.url.absoluteString == server.baseURL.absoluteString + "/echo?hop=307")
        let seeOther = try await session.postJSON(server.baseURL.appendingPathComponent("see-other"), json: body)
        #expect(try echoed(seeOther)["method"] == "GET" && echoed(seeOther)["body"] == "")
        let refused = await failure { () async throws(HTTPRequestError) in try await session.get(server.baseURL.appendingPathComponent("to-file")) }
        #expect(refused?.kind == .redirect && refused?.message.contains("a local file (file:///etc/passwd)") == true, "\(String(describing: refused))")
        await session.shutdown()
    }

    @Test func limitsAreKindsWithMessages() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let session = session(deadline: 3)
        let big = await failure { () async throws(HTTPRequestError) in try await session.get(server.baseURL.appendingPathComponent("big")) }
        #expect(big?.kind == .tooLarge && big?.message.hasSuffix("/big: the body passes the limit of 1048576 bytes") == true, "\(String(describing: big))")
        let stalled = await failure { () async throws(HTTPRequestError) in try await session.get(server.baseURL.appendingPathComponent("stall")) }
        #expect(stalled?.kind == .timeout, "\(String(describing: stalled))")
        let ftp = await failure { () async throws(HTTPRequestError) in try await session.get(URL(string: "ftp://127.0.0.1/x")!) }
        #expect(ftp?.kind == .invalidURL)
        await session.shutdown()
        server.stop()
        let down = await failure { () async throws(HTTPRequestError) in try await session.get(server.baseURL.appendingPathComponent("echo")) }
        #expect(down?.kind == .unreachable && down?.reason.contains("cannot connect") == true, "\(String(describing: down))")
        await session.shutdown()
    }

    @Test func cancellingTheTaskCancelsTheRequest() async throws {
        let server = try Self.server()
        defer { server.stop() }
        // Neither the deadline (30 s) nor the idle timeout is what ends this request: the cancellation is.
        var settings = HTTPClientSession.Settings()
        settings.deadline = 30
        settings.idleTimeout = 30
        let session = HTTPClientSession(settings: settings)
        let task = Task { () async -> HTTPRequestError? in
            do {
                _ = try await session.get(server.baseURL.appendingPathComponent("stall"))
                return nil
            } catch let error as HTTPRequestError {
                return error
            } catch {
                return nil
            }
        }
        while server.count("/stall") == 0 { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        let error = await task.value as HTTPRequestError?
        #expect(error?.kind == .cancelled, "\(String(describing: error))")
        await session.shutdown()
    }
}
