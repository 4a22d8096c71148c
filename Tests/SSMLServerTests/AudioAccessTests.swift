import Foundation
import SSMLTestSupport
import Testing

/// Audio named in a request comes from `--audio-dir` or from http(s), never from any other local file.
@Suite(.ownThread, .serialized, .timeLimit(.minutes(10))) struct AudioAccessTests {
    /// A folder with a clip, a link inside it to a clip outside, and that outside clip (a real, playable WAV, so
    /// that only the folder rule can refuse it).
    struct Folders {
        let root: URL
        var audio: URL { root.appendingPathComponent("audio") }
        var outside: URL { root.appendingPathComponent("secret/clip.wav") }

        init() throws {
            root = try Repository.scratchDirectory()
            let chime = Repository.root.appendingPathComponent("Samples/chime.wav")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("audio/sub"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: root.appendingPathComponent("secret"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: chime, to: root.appendingPathComponent("audio/sub/chime.wav"))
            try FileManager.default.copyItem(at: chime, to: outside)
            try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("audio/link.wav").path, withDestinationPath: outside.path)
        }
    }

    func render(_ server: TestServer, _ source: String) async throws -> HTTPTestClient.Response {
        try await server.render(["input": "<speak>Before <audio src=\"\(source)\"/> after.</speak>"])
    }

    @Test func onlyFilesInsideTheAudioFolderPlay() async throws {
        let folders = try Folders()
        defer { try? FileManager.default.removeItem(at: folders.root) }
        let server = try await TestServer.start { $0.audioDirectory = folders.audio }
        defer { Task { await server.stop() } }
        let inside = try await render(server, "sub/chime.wav")
        #expect(inside.status == 200, "\(inside.text)")
        let absolute = try await render(server, folders.audio.appendingPathComponent("sub/chime.wav").path)
        #expect(absolute.body == inside.body)
        let fileURL = try await render(server, "file://" + folders.audio.appendingPathComponent("sub/chime.wav").path)
        #expect(fileURL.body == inside.body)
        for source in ["file:///etc/passwd", "/etc/passwd", folders.outside.path, "file://" + folders.outside.path, "../secret/clip.wav", "sub/../../secret/clip.wav", "link.wav"] {
            let response = try await render(server, source)
            #expect(response.status == 400, "\(source) was played")
            #expect(response.error("kind") as? String == "audio-source", "\(source): \(response.text)")
            #expect(response.error("field") as? String == "input")
            let message = response.error("message") as? String ?? ""
            #expect(message.contains("outside the audio folder"), "\(source): \(message)")
        }
        // The same rule for an NCCO's streamUrl.
        let stream = try await server.render(["input": #"[{"action": "stream", "streamUrl": ["file:///etc/passwd"]}]"#])
        #expect(stream.status == 400 && (stream.error("message") as? String)?.contains("outside the audio folder") == true)
        // An element with fallback content speaks it instead, with the refusal as a warning.
        let fallback = try await server.render(["input": "<speak><audio src=\"/etc/passwd\">the file</audio></speak>", "timeline": true])
        #expect(fallback.status == 200)
        #expect((fallback.json["diagnostics"] as? [[String: Any]] ?? []).contains { ($0["message"] as? String)?.contains("outside the audio folder") == true })
    }

    @Test func withoutAnAudioFolderNoLocalFilePlays() async throws {
        let server = try await SharedServers.shared.standard()
        let chime = Repository.root.appendingPathComponent("Samples/chime.wav").path
        for source in [chime, "file://" + chime, "chime.wav"] {
            let response = try await render(server, source)
            #expect(response.status == 400 && (response.error("message") as? String)?.contains("local files are not played here") == true, "\(source)")
        }
    }

    @Test func remoteAudioIsFetchedUnlessTheServerSaysNo() async throws {
        let chime = try Data(contentsOf: Repository.root.appendingPathComponent("Samples/chime.wav"))
        let http = try TestHTTPServer { _ in .init(status: 200, headers: [("Content-Type", "audio/wav")], body: chime) }
        defer { http.stop() }
        let url = http.baseURL.appendingPathComponent("chime.wav").absoluteString
        let server = try await SharedServers.shared.standard()
        let fetched = try await render(server, url)
        #expect(fetched.status == 200, "\(fetched.text)")
        let noFetch = try await TestServer.start { $0.fetch = nil }
        defer { Task { await noFetch.stop() } }
        let refused = try await render(noFetch, url)
        #expect(refused.status == 400 && (refused.error("message") as? String)?.contains("remote sources are not fetched here") == true)
    }
}
