import Foundation
import SSMLTestSupport
import Testing

/// The tests' `run`: it never waits for ever, whatever the child leaves behind.
@Suite(.ownThread, .timeLimit(.minutes(2))) struct RunHelperTests {
    @Test func outputAndStatusComeBack() throws {
        let result = try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "head -c 200000 /dev/zero; echo oops >&2; exit 3"])
        #expect(result.status == 3)
        #expect(result.stdout.count == 200_000)
        #expect(result.stderr == "oops\n")
    }

    @Test func aPipeHeldOpenByAProcessLeftBehindEndsTheRun() throws {
        let started = Date()
        // The background sleep keeps the child's standard output open for 30 s after the shell has ended.
        let result = try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "echo before; sleep 30 & exit 0"])
        let waited = Date().timeIntervalSince(started)
        #expect(result.status == 125)
        #expect(String(decoding: result.stdout, as: UTF8.self) == "before\n")
        #expect(result.stderr.contains("another process holds the pipe"))
        #expect(waited >= 10 && waited < 25, "waited \(waited) s")
    }

    @Test func aChildOverItsTimeLimitIsKilled() throws {
        let result = try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "exec sleep 60"], timeLimit: 1)
        #expect(result.status == 124)
        #expect(result.stderr.contains("time limit"))
    }
}
