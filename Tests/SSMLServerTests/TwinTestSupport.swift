import Foundation
import SSMLCore
import SSMLEngine
import SSMLServer
import SSMLTestSupport

/// Requests to a twin, each kept for the check against Vonage's document.
final class TwinClient: @unchecked Sendable {
    let server: TestServer
    var exchanges: [[String: Any]] = []

    init(_ server: TestServer) { self.server = server }

    /// A Vonage request with a bearer token; recorded.
    @discardableResult
    func vonage(_ method: String, _ path: String, json: Any? = nil, raw: String? = nil, token: String = "test-token") async throws -> HTTPTestClient.Response {
        let body = try raw.map { Data($0.utf8) } ?? json.map { try JSONSerialization.data(withJSONObject: $0) }
        var headers = [("Authorization", "Bearer \(token)")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response = try await server.request(method, path, headers: headers, body: body, timeout: 60)
        var record: [String: Any] = ["method": method, "path": path, "status": response.status, "contentType": response.headers["content-type"] ?? ""]
        if response.headers["content-type"]?.hasPrefix("application/json") == true { record["body"] = response.text }
        if let body, response.status < 400, raw == nil { record["request"] = String(decoding: body, as: UTF8.self) }
        exchanges.append(record)
        return response
    }

    /// A call of `GET /_twin/calls/{id}`.
    func twin(_ id: String) async throws -> [String: Any] { try await server.request("GET", "/_twin/calls/\(id)").json }

    /// Waits (bounded) until the twin call satisfies `condition`.
    func wait(_ id: String, seconds: Double = 60, until condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let call = try await twin(id)
            if condition(call) { return call }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HTTPTestClient.Failure(description: "the twin call \(id) did not get there within \(seconds) s: \(try await twin(id))")
    }

    func finished(_ id: String) async throws -> [String: Any] { try await wait(id) { $0["finished"] as? Bool == true } }
}

/// A WAV of 16-bit mono PCM: its rate and samples (as the twin writes its audio).
struct TwinWAV {
    var rate: Int
    var samples: [Float]

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 44, String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF" else { throw HTTPTestClient.Failure(description: "not a WAV") }
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        var offset = 12
        var rate = 0
        var samples: [Float] = []
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            if id == "fmt " { rate = u32(offset + 12) }
            if id == "data" {
                let end = min(bytes.count, offset + 8 + size)
                var index = offset + 8
                while index + 1 < end {
                    samples.append(Float(Int16(bitPattern: UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)) / 32768)
                    index += 2
                }
            }
            offset += 8 + size + (size & 1)
        }
        self.rate = rate
        self.samples = samples
    }

    var seconds: Double { Double(samples.count) / Double(max(rate, 1)) }

    func rms(_ from: Double, _ to: Double) -> Float {
        let lower = max(0, Int(from * Double(rate))), upper = min(samples.count, Int(to * Double(rate)))
        guard upper > lower else { return 0 }
        let part = samples[lower..<upper]
        return (part.map { $0 * $0 }.reduce(0, +) / Float(part.count)).squareRoot()
    }
}

/// Runs a test's driving on a thread of its own, whose sleeps are exact (the cooperative pool may be kept busy by
/// the rest of the suite).
enum CallHandleDriver {
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
