import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// NCCO parsing, validation and planning, on the fake synthesizer's language list.
@Suite struct NCCOTests {
    static let styles: VonageStyles = {
        do { return try Repository.vonageStyles() } catch { fatalError("\(error)") }
    }()

    func plan(_ json: String, strict: Bool = false, directory: URL = Repository.root.appendingPathComponent("Samples")) throws -> (plan: [Segment], log: DiagnosticLog) {
        let planner = try Planner(strict: strict)
        let ncco = try NCCO.parse(json, file: "call.json", log: planner.log)
        let nccoPlanner = NCCOPlanner(resolver: planner.resolver, styles: Self.styles, parser: LibXMLParser(), capabilities: FakeSynthesizer(), log: planner.log)
        let resolver = AudioResolver(baseDirectory: directory, decoder: SndFileDecoder())
        return (try resolver.resolve(nccoPlanner.plan(ncco), log: planner.log), planner.log)
    }

    func error(_ json: String) -> SSMLError? {
        do {
            _ = try plan(json)
            return nil
        } catch {
            return error as? SSMLError
        }
    }

    @Test func talkAndStreamKeepTheirOrderAndVoices() throws {
        let (plan, _) = try plan(
            """
            [
              {"action": "talk", "text": "Hallo", "language": "de-DE"},
              {"action": "stream", "streamUrl": ["chime.wav"]},
              {"action": "talk", "text": "<speak>Hello <break time='1s'/> there</speak>", "language": "en-GB", "style": 4},
              {"action": "talk", "text": "Hi", "voiceName": "Joey"}
            ]
            """)
        var steps: [String] = []
        for segment in plan {
            switch segment {
            case .speech(let speech): steps.append(speech.voice.name)
            case .audio(let clip): steps.append(URL(fileURLWithPath: clip.file ?? "").lastPathComponent)
            case .pause(let seconds, _, _): steps.append("\(seconds) s")
            default: steps.append("other")
            }
        }
        // de-DE style 0 is Marlene (female), en-GB style 4 is Brian (male), voiceName Joey is en-US style 7 (male).
        #expect(steps == ["de-de-female", "chime.wav", "en-gb-male", "1.0 s", "en-gb-male", "en-us-male"])
    }

    @Test func loopsRepeatAndForeverIsCappedWithAWarning() throws {
        let (plan, log) = try plan(#"[{"action": "talk", "text": "One", "loop": 2}, {"action": "stream", "streamUrl": ["chime.wav"], "loop": 0}]"#)
        let speech = plan.filter { if case .speech = $0 { true } else { false } }.count
        let clips = plan.filter { if case .audio = $0 { true } else { false } }.count
        #expect(speech == 2 && clips == NCCOPlanner.foreverPlays)
        #expect(
            log.warnings.map(\.message).filter { !$0.contains("is not an http(s) URL") } == [
                "$[1].loop is 0 (forever): rendered 3 times; on a live call it repeats until the caller hangs up or barges in, and later actions run only after a barge-in"
            ])
        #expect(throws: SSMLError.self) { try self.plan(#"[{"action": "talk", "text": "One", "loop": 0}]"#, strict: true) }
    }

    @Test func levelBecomesGain() throws {
        let (plan, _) = try plan(#"[{"action": "talk", "text": "Loud", "level": 1}, {"action": "stream", "streamUrl": ["chime.wav"], "level": -0.5}, {"action": "talk", "text": "Mute", "level": -1}]"#)
        guard plan.count == 3, case .speech(let loud) = plan[0], case .audio(let clip) = plan[1], case .speech(let mute) = plan[2] else {
            Issue.record("plan \(plan)")
            return
        }
        #expect(abs(loud.prosody.volumeDB - 6.0206) < 0.001)
        #expect(abs(clip.gainDB + 6.0206) < 0.001)
        #expect(mute.prosody.silent)
    }

    @Test(arguments: [
        (#"{"action": "input", "type": ["dtmf"]}"#, 3.0),
        (#"{"action": "input", "type": ["dtmf"], "dtmf": {"timeOut": 7}}"#, 7.0),
        (#"{"action": "input", "type": ["speech"]}"#, 10.0),
        (#"{"action": "input", "type": ["speech"], "speech": {"startTimeout": 4}}"#, 4.0),
        (#"{"action": "input", "type": ["dtmf", "speech"], "dtmf": {"timeOut": 2}, "speech": {"startTimeout": 5}}"#, 5.0),
    ])
    func inputWaitsInSilence(action: String, seconds: Double) throws {
        let (plan, log) = try plan("[{\"action\": \"talk\", \"text\": \"Press a key\"}, \(action)]")
        guard plan.count == 3, case .callControl(let control) = plan[1], case .pause(let wait, .wait, _) = plan[2] else {
            Issue.record("plan \(plan)")
            return
        }
        #expect(control.kind == .input && wait == seconds)
        #expect(log.diagnostics.contains { $0.severity == .note && $0.message.contains("waits \(NCCOPlanner.seconds(seconds)) in silence") })
    }

    @Test func callControlIsReportedNotDropped() throws {
        let (plan, log) = try plan(
            """
            [{"action": "talk", "text": "Connecting"},
             {"action": "record", "beepStart": true},
             {"action": "connect", "endpoint": [{"type": "sip", "uri": "sip:a@example.com"}]},
             {"action": "conversation", "name": "room"},
             {"action": "notify", "payload": {"a": 1}, "eventUrl": ["https://example.com/e"]}]
            """)
        let kinds = plan.compactMap { if case .callControl(let control) = $0 { control.kind } else { nil } }
        #expect(kinds == [.record, .connect, .conversation, .notify])
        #expect(log.diagnostics.filter { $0.severity == .note }.count == 4)
    }

    @Test(arguments: [
        (#"[{"action": "talk", "text": "Hi"}, {"action": "stream", "streamUrl": "chime.wav"}]"#, "$[1].streamUrl must be an array holding one URL, not a string", 1, 70),
        (#"[{"action": "stream", "streamUrl": ["a.wav", "b.wav"]}]"#, "$[0].streamUrl must hold exactly one entry, not 2", 1, 36),
        ("[\n  {\"action\": \"talk\", \"text\": \"Hi\", \"level\": 2}\n]", "$[0].level is 2; it must be between -1 and 1", 2, 45),
        (#"[{"action": "talk", "text": "Hi", "loop": -1}]"#, "$[0].loop is -1; it must be 0 or more", 1, 43),
        (#"[{"action": "talk", "text": "Hi", "bargeIn": "yes"}]"#, "$[0].bargeIn must be true or false, not a string", 1, 46),
        (#"[{"action": "speak", "text": "Hi"}]"#, "$[0].action \"speak\" is not an NCCO action (use talk, stream, input, record, connect, conversation, notify, wait, pay, transfer)", 1, 13),
        (#"[{"text": "Hi"}]"#, "$[0].action is missing: the action has no \"action\" (one of talk, stream, input, record, connect, conversation, notify, wait, pay, transfer)", 1, 2),
        (#"[{"action": "talk"}]"#, "$[0].text is missing: talk needs \"text\"", 1, 2),
        (#"[{"action": "input", "type": ["keys"]}]"#, "$[0].type[0] must be \"dtmf\" or \"speech\", not \"keys\"", 1, 31),
        (#"[{"action": "connect", "endpoint": []}]"#, "$[0].endpoint must hold exactly one endpoint, not 0", 1, 36),
        ("[]", "$: the NCCO is empty; it needs at least one action", 1, 1),
        (#"{"action": "talk", "text": "Hi"}"#, "$: an NCCO is a JSON array of actions, not an object (wrap a single action in [ ])", 1, 1),
        (#"[{"action": "talk", "text": "Hi",}]"#, "invalid JSON: expected a key in double quotes, found '}'", 1, 34),
        ("this is not json", "invalid JSON: unknown word 'this' (JSON has true, false and null, in lowercase, and strings in double quotes)", 1, 1),
        (#"[{"action": "talk", "text": "Hi", "bargeIn": True}]"#, "invalid JSON: unknown word 'True' (JSON has true, false and null, in lowercase, and strings in double quotes)", 1, 46),
        // \ud83d\ude00 is one character written as two escapes (12 columns); \u000a is a line break.
        (#"[{"action": "talk", "text": "<speak>\ud83d\ude00 <break time=\"x\"/></speak>"}]"#, "$[0].text: break time \"x\" is not a time (use a time like 500ms, 1.5s or 2s)", 1, 57),
        (#"[{"action": "talk", "text": "<speak>\u000a<break time=\"x\"/></speak>"}]"#, "$[0].text: break time \"x\" is not a time (use a time like 500ms, 1.5s or 2s)", 1, 50),
        (#"[{"action": "talk", "text": "<speak>Hi <prosody rate=\"warp\">x</prosody></speak>"}]"#, "$[0].text: prosody rate \"warp\" is not a rate (use x-slow, slow, medium, fast, x-fast, N%, +N%, -N% or a multiplier like 1.2)", 1, 49),
    ])
    func badNCCOsAreRefusedWithTheirPath(json: String, message: String, line: Int, column: Int) {
        let error = error(json)
        #expect(error?.message == message)
        #expect(error?.location?.file == "call.json" && error?.location?.line == line && error?.location?.column == column, "\(String(describing: error?.location))")
    }

    @Test func talkSegmentsArePlacedInTheJSONFile() throws {
        // The timeline shows these places: they must point into call.json, not into the talk text alone.
        let (plan, _) = try plan("[\n  {\"action\": \"talk\", \"text\": \"<speak>Hi <audio src=\\\"chime.wav\\\"/> there</speak>\"}\n]")
        let places = plan.compactMap { segment -> String? in
            switch segment {
            case .speech(let speech): "speech \(speech.location.file):\(speech.location.line):\(speech.location.column)"
            case .audio(let clip): "audio \(clip.location.file):\(clip.location.line):\(clip.location.column)"
            default: nil
            }
        }
        // The text's opening quote is at 2:30, so "Hi" is at 2:38 and <audio at 2:41.
        #expect(places.first == "speech call.json:2:38")
        #expect(places.contains("audio call.json:2:41"))
        #expect(places.allSatisfy { !$0.contains("<text>") })
    }

    @Test func talkLevelReachesBleeps() throws {
        let (plan, _) = try plan(#"[{"action": "talk", "text": "<speak>Oh <say-as interpret-as=\"expletive\">darn</say-as></speak>", "level": -0.5}]"#)
        let bleeps = plan.compactMap { if case .bleep(let speech) = $0 { speech } else { nil } }
        #expect(bleeps.count == 1)
        #expect(bleeps.allSatisfy { abs($0.prosody.volumeDB + 6.0206) < 0.001 })
    }

    @Test func plainTextIsNotMarkup() throws {
        let (plan, _) = try plan(#"[{"action": "talk", "text": "Tom & Jerry <3 cheese"}]"#)
        guard case .speech(let speech) = plan.first else { Issue.record("plan \(plan)"); return }
        #expect(speech.displayText == "Tom & Jerry <3 cheese")
    }

    @Test func undocumentedStylesWarnAndUseAFemaleVoice() throws {
        let (plan, log) = try plan(#"[{"action": "talk", "text": "Hallo", "language": "de-DE", "style": 6}]"#)
        guard case .speech(let speech) = plan.first else { Issue.record("plan \(plan)"); return }
        #expect(speech.voice.name == "de-de-female")
        #expect(log.warnings.first?.message.contains("no gender for de-DE style 6") == true)
    }

    @Test func noInputEverCrashesTheParser() {
        // Truncations and byte mutations of a valid NCCO: each parses or fails with an SSMLError.
        let valid = #"[{"action": "talk", "text": "Hi \u00e9 \"q\" \ud83d\ude00", "level": -0.5, "loop": 2}, {"action": "input", "type": ["dtmf"], "dtmf": {"timeOut": 1e0}}]"#
        let scalars = Array(valid.unicodeScalars)
        var inputs: [String] = (0...scalars.count).map { String(String.UnicodeScalarView(scalars[0..<$0])) }
        for index in stride(from: 0, to: scalars.count, by: 3) {
            for replacement in ["\"", "[", "}", "\\", "0", "-", "\u{0}"] as [Unicode.Scalar] {
                var mutated = scalars
                mutated[index] = replacement
                inputs.append(String(String.UnicodeScalarView(mutated)))
            }
        }
        inputs += [
            #"[{"action": "talk", "text": "x", "style": 9223372036854775808}]"#, #"[{"action": "talk", "text": "x", "loop": 1e300}]"#,
            #"[{"action": "talk", "text": "x", "level": -1e-400}]"#, #"[{"action": "input", "type": ["dtmf"], "dtmf": {"timeOut": -0}}]"#,
        ]
        inputs += [String(repeating: "[", count: 10_000), "\u{FEFF}[1]", "[1e400]", "[-]", "[01]", "nul", "[\"\\u12\"]"]
        for input in inputs {
            do { _ = try plan(input) } catch is SSMLError {} catch {
                Issue.record("unexpected \(error) for \(input)")
            }
        }
    }
}
