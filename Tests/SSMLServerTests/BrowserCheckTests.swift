import Foundation
import SSMLTestSupport
import Testing

/// The preview page in headless Chromium (`scripts/browser-check.py`): it loads offline, marks lint findings on
/// their lines, applies a fix with one click, renders with the Render button, and the player plays the rendered
/// duration with the timeline drawn.
///
/// Runs where Debian's `chromium` is installed (`make test` installs it when it can) and the Python environment
/// of `make py-tools` has its DevTools client. Click-to-sound is only sanity-bounded here (a debug build on a
/// shared machine); its target (< 150 ms) is measured by `make browser-check` on a release build.
@Suite(.ownThread, .timeLimit(.minutes(5))) struct BrowserCheckTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let python = Repository.root.appendingPathComponent(".build/openapi-venv/bin/python3")
    static var hasDevToolsClient: Bool {
        let lib = Repository.root.appendingPathComponent(".build/openapi-venv/lib")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
        return versions.contains { FileManager.default.fileExists(atPath: lib.appendingPathComponent("\($0)/site-packages/websocket").path) }
    }

    @Test(.enabled(if: chromium != nil && hasDevToolsClient, "needs Debian's chromium and make py-tools"))
    func thePageLintsRendersAndPlaysInChromium() throws {
        let check = try run(
            Self.python,
            [
                Repository.root.appendingPathComponent("scripts/browser-check.py").path, "--ssml", Repository.ssmlBinary.path,
                "--chromium", Self.chromium!, "--screenshot", "", "--renders", "3", "--latency-target", "3000",
            ], in: Repository.root, timeLimit: 240)
        let output = String(decoding: check.stdout, as: UTF8.self)
        #expect(check.status == 0, "\(output)\(check.stderr)")
        #expect(output.contains("lint markers (errors) on lines [3, 5]"), "\(output)")
        #expect(output.contains("the player's duration"), "\(output)")
    }
}
