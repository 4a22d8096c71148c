import Foundation
import SSMLCore
import SSMLTestSupport
import Testing

/// The forms of Vonage's own published NCCO examples that the Voice API still runs: read as Vonage reads them,
/// with a warning that shows the current form.
@Suite struct NCCOLegacyTests {
    func parse(_ json: String, strict: Bool = false) throws -> (NCCO, DiagnosticLog) {
        let log = DiagnosticLog(strict: strict)
        return (try NCCO.parse(json, file: "call.json", log: log), log)
    }

    @Test func anInputWithoutTypeIsTheLegacyDTMFInput() throws {
        let (ncco, log) = try parse(#"[{"action": "input", "submitOnHash": true, "timeOut": 5, "maxDigits": 1, "eventUrl": ["https://example.com/ivr"]}]"#)
        guard case .input(let input) = try #require(ncco.actions.first).kind else { Issue.record("not an input"); return }
        #expect(input.dtmf && !input.speech)
        #expect(input.maxDigits == 1 && input.submitOnHash && input.dtmfTimeOut == 5)
        #expect(input.events?.url == "https://example.com/ivr")
        let warning = try #require(log.warnings.first)
        #expect(warning.location?.line == 1 && warning.location?.column == 2)
        #expect(warning.message.contains(#""type": ["dtmf"]"#) && warning.message.contains(#""dtmf": {"#) && warning.message.contains("legacy"), "\(warning.message)")
        // The moved keys are not reported again as unknown options.
        #expect(log.warnings.count == 1, "\(log.warnings)")
    }

    @Test func anInputWithOnlySpeechSettingsListensForSpeech() throws {
        let (ncco, log) = try parse(#"[{"action": "input", "speech": {"language": "en-GB", "endOnSilence": 1}}]"#)
        guard case .input(let input) = try #require(ncco.actions.first).kind else { Issue.record("not an input"); return }
        #expect(input.speech && !input.dtmf)
        #expect(log.warnings.count == 1 && log.warnings[0].message.contains(#""type": ["speech"]"#))
    }

    @Test func theCurrentFormWinsOverALegacyTopLevelKey() throws {
        let (ncco, log) = try parse(#"[{"action": "input", "type": ["dtmf"], "maxDigits": 2, "dtmf": {"maxDigits": 4}}]"#)
        guard case .input(let input) = try #require(ncco.actions.first).kind else { Issue.record("not an input"); return }
        #expect(input.maxDigits == 4)
        #expect(log.warnings.count == 1 && log.warnings[0].message.contains("top-level \"maxDigits\""), "\(log.warnings)")
    }

    @Test func stringBooleansAndNumbersAreReadAsTheirValues() throws {
        let (ncco, log) = try parse(
            """
            [{"action": "talk", "text": "Press a key", "bargeIn": "true", "loop": "2", "level": "-0.5"},
             {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": "3", "submitOnHash": "TRUE"}},
             {"action": "record", "endOnSilence": "3", "beepStart": "false"}]
            """)
        guard case .talk(let talk) = ncco.actions[0].kind, case .input(let input) = ncco.actions[1].kind, case .record(let record) = ncco.actions[2].kind else {
            Issue.record("wrong kinds")
            return
        }
        #expect(talk.bargeIn && talk.loop == 2 && talk.level == -0.5)
        #expect(input.maxDigits == 3 && input.submitOnHash)
        #expect(record.endOnSilence == 3 && !record.beepStart)
        #expect(log.warnings.count == 7, "\(log.warnings.map(\.message))")
        let bargeIn = try #require(log.warnings.first { $0.message.hasPrefix("$[0].bargeIn") })
        #expect(bargeIn.message == #"$[0].bargeIn is the string "true"; the Voice API reads it as true: write true without quotes"#)
        #expect(bargeIn.location?.line == 1 && bargeIn.location?.column == 55)
    }

    @Test func whatNoCoercionReadsIsStillRefusedWithItsPath() throws {
        for (json, message) in [
            (#"[{"action": "talk", "text": "Hi", "bargeIn": "yes"}]"#, "$[0].bargeIn must be true or false, not a string"),
            (#"[{"action": "record", "endOnSilence": "three"}]"#, "$[0].endOnSilence must be a whole number, not a string"),
            // Coerced, then checked: a string number out of range is out of range.
            (#"[{"action": "record", "endOnSilence": "30"}]"#, "$[0].endOnSilence is 30; it must be from 3 to 10"),
        ] {
            #expect(throws: SSMLError.self) { try parse(json) }
            do { _ = try parse(json) } catch let error as SSMLError { #expect(error.message == message) }
        }
    }

    @Test func strictRefusesLegacyForms() throws {
        #expect(throws: SSMLError.self) { try parse(#"[{"action": "input", "maxDigits": 1}]"#, strict: true) }
        #expect(throws: SSMLError.self) { try parse(#"[{"action": "talk", "text": "Hi", "bargeIn": "true"}]"#, strict: true) }
    }
}
