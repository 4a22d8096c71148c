import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

/// The live handle: a scripted call gives the same bytes with or without it; an interactive call waits on the
/// wall clock at its input, and keys and talks given meanwhile land where the call was when they came.
@Suite(.ownThread, .serialized, .timeLimit(.minutes(5))) struct CallHandleTests {
    let base = CallSimulatorTests()

    @Test func aScriptedCallGivesTheSameBytesAndWebhooksWithAHandle() async throws {
        let script = CallScript(steps: [.init(.press("9"), after: 1.2, origin: "test"), .init(.press("1"), origin: "test")])
        let plainApp = CallSimulatorTests.menuApp()
        let plain = try await base.run(plainApp, CallSimulatorTests.answerSetup(), script)
        let watchedApp = CallSimulatorTests.menuApp()
        let handle = CallHandle(interactive: false)
        let watched = try await base.simulator(watchedApp).run(CallSimulatorTests.answerSetup(), script: script, rate: 16000, handle: handle)
        #expect(try base.samples(plain) == base.samples(watched))
        #expect(plainApp.requests == watchedApp.requests)
        #expect(try plain.timeline.json() == watched.timeline.json())
        // The handle saw it all: the status, the keys, every webhook and line, and the audio.
        let snapshot = handle.snapshot
        #expect(snapshot.finished && snapshot.status == "completed")
        #expect(snapshot.keys == watched.summary.keys)
        #expect(snapshot.exchanges.count == watched.exchanges.count && snapshot.transcript == watched.transcript)
        #expect(handle.heardSoFar().samples.count == (try base.samples(watched)).count)
    }

    /// The menu with the longest input Vonage allows (10 s): room for a loaded machine.
    static func patientMenuApp() -> FakeApplication {
        FakeApplication { request, body in
            switch URLComponents(string: request.url)?.path {
            case "/answer":
                return FakeApplication.json(CallSimulatorTests.menu.replacingOccurrences(of: #""timeOut": 4"#, with: #""timeOut": 10"#))
            case "/menu": return FakeApplication.json(#"[{"action": "talk", "text": "You chose sales."}]"#)
            default: return FakeApplication.json("{}")
            }
        }
    }

    @Test func anInteractiveCallTakesAKeyAtTheMomentItIsGivenAndATalkFromThen() async throws {
        let app = Self.patientMenuApp()
        let handle = CallHandle(interactive: true)
        let simulator = try base.simulator(app)
        let task = Task { try await simulator.run(CallSimulatorTests.answerSetup(), script: CallScript(), rate: 16000, handle: handle) }
        // The caller is driven from a thread of its own, whose sleeps are exact: the test's tasks may be woken late
        // on a machine that the rest of the suite keeps busy (the call places each command when it came).
        let listenedAt = try await Self.onThread { () -> Double in
            let deadline = Date().addingTimeInterval(60)
            // Until the call listens at its input, after the menu (the talk took no wall time).
            while !handle.snapshot.listening, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            let listenedAt = handle.snapshot.seconds
            handle.send(.play(ncco: #"[{"action": "talk", "text": "One moment please, one moment please, one moment please."}]"#, kind: "talk", loop: 0))
            // Rendering the talk takes no call time; once it plays, 1.2 s of the wall clock are 1.2 s of it.
            while !handle.snapshot.transcript.contains(where: { $0.contains("talk through the API") }), Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
            Thread.sleep(forTimeInterval: 1.2)
            handle.send(.stop(kind: "talk"))
            Thread.sleep(forTimeInterval: 0.5)
            handle.send(.press("1"))
            return listenedAt
        }
        let recording = try await task.value
        #expect(recording.summary.keys == "1")
        let key = try #require(recording.timeline.events.first { $0.kind == "key" })
        // The key came after the 1.2 s of the talk and the 0.5 s after it (at least that; a loaded machine adds some).
        #expect(key.time - listenedAt >= 1.65 && key.time - listenedAt < 10)
        let input = try #require(app.payloads("/menu").first)
        #expect(input.value(at: "dtmf.digits") == .string("1"))
        // Measured: speech from the talk during its first second, silence after it was stopped, before the key.
        let audio = try base.samples(recording)
        func rms(_ from: Double, _ to: Double) -> Float {
            let part = audio[Int(from * 16000)..<Int(to * 16000)]
            return (part.map { $0 * $0 }.reduce(0, +) / Float(max(part.count, 1))).squareRoot()
        }
        let stopped = try #require(recording.timeline.events.first { $0.name == "talk stopped" })
        let started = try #require(recording.timeline.events.first { $0.name == "talk started" })
        #expect(rms(started.time + 0.1, started.time + 0.9) > 0.01)
        #expect(started.time >= listenedAt && stopped.time - started.time >= 1.15)
        #expect(key.time - stopped.time >= 0.45)
        #expect(rms(stopped.time + 0.01, key.time - 0.01) < 1e-4)
        #expect(handle.snapshot.finished)
    }

    /// Runs blocking work on a new thread (not the cooperative pool) and returns its result.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    @Test func anInteractiveCallThatNobodyAnswersTimesOutOnTheWallClockAndAHangupEndsAnother() async throws {
        let app = CallSimulatorTests.menuApp()
        let handle = CallHandle(interactive: true)
        let started = Date()
        let recording = try await base.simulator(app).run(CallSimulatorTests.answerSetup(), script: CallScript(), rate: 16000, handle: handle)
        // The input's timeOut (4 s) ran on the wall clock.
        #expect(Date().timeIntervalSince(started) >= 3.9)
        #expect(app.payloads("/menu").first?.value(at: "dtmf.timed_out") == .bool(true))
        #expect(recording.summary.status == "completed")

        let second = CallHandle(interactive: true)
        let simulator = try base.simulator(Self.patientMenuApp())
        let task = Task { try await simulator.run(CallSimulatorTests.answerSetup(), script: CallScript(), rate: 16000, handle: second) }
        while !second.snapshot.listening { try await Task.sleep(for: .milliseconds(20)) }
        second.send(.hangup)
        let ended = try await task.value
        #expect(ended.summary.endedBy == "api")
        #expect(!ended.spokenText.contains("Goodbye"))
    }
}
