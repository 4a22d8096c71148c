import Testing
@testable import SSMLCore

@Suite struct ProsodyValueTests {
    @Test(arguments: [
        ("x-slow", 0.5), ("slow", 0.7), ("medium", 1.0), ("fast", 1.4), ("x-fast", 1.8),
        ("50%", 0.5), ("200%", 2.0), ("+20%", 1.2), ("-25%", 0.75), ("1.5", 1.5), (" SLOW ", 0.7),
    ])
    func rateForms(text: String, expected: Double) throws {
        #expect(abs(try ProsodyValue.rate(text) - expected) < 1e-9)
    }

    @Test(arguments: ["warp9", "-100%", "0%", "fastest", "+1.5", "1e309", "%", "10Hz", ""])
    func rateRejects(text: String) {
        #expect(throws: ProsodyValue.Failure.self) { try ProsodyValue.rate(text) }
    }

    @Test func rateMessageNamesTheForms() {
        do {
            _ = try ProsodyValue.rate("warp9")
            Issue.record("expected a failure")
        } catch {
            #expect(error.message == "prosody rate \"warp9\" is not a rate (use x-slow, slow, medium, fast, x-fast, N%, +N%, -N% or a multiplier like 1.2)")
        }
    }

    @Test func pitchForms() throws {
        #expect(try ProsodyValue.pitch("+50%", current: 1, baseHz: 200) == 1.5)
        #expect(try ProsodyValue.pitch("-10%", current: 2, baseHz: 200) == 1.8)
        #expect(try ProsodyValue.pitch("300Hz", current: 1, baseHz: 200) == 1.5)
        #expect(try ProsodyValue.pitch("+20Hz", current: 1, baseHz: 200) == 1.1)
        #expect(abs(try ProsodyValue.pitch("+12st", current: 1, baseHz: 200) - 2) < 1e-9)
        #expect(try ProsodyValue.pitch("x-high", current: 1, baseHz: 200) > ProsodyValue.pitch("high", current: 1, baseHz: 200))
        #expect(throws: ProsodyValue.Failure.self) { try ProsodyValue.pitch("-200%", current: 1, baseHz: 200) }
        #expect(throws: ProsodyValue.Failure.self) { try ProsodyValue.pitch("0Hz", current: 1, baseHz: 200) }
        #expect(throws: ProsodyValue.Failure.self) { try ProsodyValue.pitch("loud", current: 1, baseHz: 200) }
    }

    @Test func volumeForms() throws {
        #expect(try ProsodyValue.volume("-6dB", currentDB: 0).db == -6)
        #expect(try ProsodyValue.volume("+6dB", currentDB: -6).db == 0)
        #expect(try ProsodyValue.volume("silent", currentDB: 0).silent)
        #expect(try ProsodyValue.volume("0", currentDB: 0).silent)
        #expect(abs(try ProsodyValue.volume("50", currentDB: 0).db - -6.0206) < 1e-3)
        #expect(abs(try ProsodyValue.volume("-50%", currentDB: 0).db - -6.0206) < 1e-3)
        #expect(try ProsodyValue.volume("x-soft", currentDB: 0).db < ProsodyValue.volume("soft", currentDB: 0).db)
        #expect(throws: ProsodyValue.Failure.self) { try ProsodyValue.volume("150", currentDB: 0) }
        #expect(throws: ProsodyValue.Failure.self) { try ProsodyValue.volume("-infdB", currentDB: 0) }
    }

    @Test func prosodyGain() {
        var prosody = Prosody()
        prosody.volumeDB = -6
        #expect(abs(prosody.gain - 0.501) < 1e-3)
        prosody.silent = true
        #expect(prosody.gain == 0)
    }
}

@Suite struct BreakValueTests {
    @Test(arguments: [("500ms", 0.5), ("1.5s", 1.5), ("2s", 2.0), ("250 ms", 0.25), ("0s", 0.0), (".5s", 0.5)])
    func times(text: String, seconds: Double) throws {
        #expect(try BreakValue.time(text) == seconds)
    }

    @Test(arguments: ["500", "-1s", "1.5.5s", "NaNs", "fast", "2min", ""])
    func badTimes(text: String) {
        #expect(throws: BreakValue.Failure.self) { try BreakValue.time(text) }
    }

    @Test func strengthsAreOrdered() throws {
        let names = ["none", "x-weak", "weak", "medium", "strong", "x-strong"]
        let seconds = try names.map { try BreakValue.strength($0) }
        #expect(seconds == seconds.sorted())
        #expect(Set(seconds).count == names.count)
        #expect(throws: BreakValue.Failure.self) { try BreakValue.strength("huge") }
    }
}
