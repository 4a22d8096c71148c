import Foundation
import SSMLCore

/// The files the server serves as they are: the preview page with its script and style, and the OpenAPI
/// document. Plain files in the repository (`Sources/SSMLServer/Resources/`), read once at startup.
///
/// Found like the data files: `$SSML_SERVER_ASSETS`; `<prefix>/share/swift-ssml/server` beside the executable
/// (`make install`); `Sources/SSMLServer/Resources` above the executable (a build inside a checkout).
public struct ServerAssets: Sendable {
    public struct File: Sendable {
        public var bytes: [UInt8]
        public var contentType: String
    }

    /// Files of the page by name (`index.html`, `app.js`, …).
    public let web: [String: File]
    /// The OpenAPI document of the server's own routes.
    public let openAPI: [UInt8]
    public let folder: URL

    public static let contentTypes = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon", "json": "application/json; charset=utf-8",
    ]

    public init(folder: URL) throws {
        self.folder = folder
        let webFolder = folder.appendingPathComponent("web")
        var files: [String: File] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: webFolder.path)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
            let url = webFolder.appendingPathComponent(name)
            guard let type = Self.contentTypes[url.pathExtension.lowercased()] else { continue }
            files[name] = File(bytes: try Self.read(url), contentType: type)
        }
        guard files["index.html"] != nil else { throw SSMLError(.io, "the page \(webFolder.path)/index.html is missing") }
        web = files
        openAPI = try Self.read(folder.appendingPathComponent("openapi.json"))
    }

    private static func read(_ url: URL) throws -> [UInt8] {
        do { return Array(try Data(contentsOf: url)) } catch {
            throw SSMLError(.io, "cannot read the server file \(url.path): \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
        }
    }

    /// The assets folder for `executable` (default: this process's).
    public static func locate(
        executable: URL = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> URL {
        if let explicit = environment["SSML_SERVER_ASSETS"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        var directory = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            for candidate in ["../share/swift-ssml/server", "Sources/SSMLServer/Resources"] {
                let url = directory.appendingPathComponent(candidate).standardizedFileURL
                if FileManager.default.fileExists(atPath: url.appendingPathComponent("openapi.json").path) { return url }
            }
            directory.deleteLastPathComponent()
        }
        throw SSMLError(.io, "cannot find the server's page and OpenAPI document (Sources/SSMLServer/Resources); set SSML_SERVER_ASSETS to that folder or run `make install`")
    }
}
