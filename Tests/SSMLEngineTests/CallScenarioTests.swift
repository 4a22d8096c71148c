import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

@Suite(.ownThread) struct CallScenarioTests {
    let base = URL(fileURLWithPath: "/tmp")

    @Test func yamlAndJSONGiveTheSameScenario() throws {
        let yaml = """
            answer_url: ${APP}/answer
            event_url: ${APP}/event
            answer_method: post
            hangup_after: 40s
            script:
              - press: "23#"
              - say: yes please
                after: 2.5s
              - silent: true
              - hangup: true
                after: 500ms
            expect:
              heard: [Welcome, "press 1"]
              webhooks:
                - { path: /event, fields: { status: answered, dtmf.timed_out: false, size: 3 } }
              status: completed
              duration: { seconds: 12, tolerance: 0.5 }
            """
        let json = """
            {"answer_url": "${APP}/answer", "event_url": "${APP}/event", "answer_method": "POST", "hangup_after": 40,
             "script": [{"press": "23#"}, {"say": "yes please", "after": "2.5s"}, {"silent": true}, {"hangup": true, "after": 0.5}],
             "expect": {"heard": ["Welcome", "press 1"], "webhooks": [{"path": "/event", "fields": {"status": "answered", "dtmf.timed_out": false, "size": 3}}],
                        "status": "completed", "duration": {"seconds": 12, "tolerance": 0.5}}}
            """
        let environment = ["APP": "http://127.0.0.1:8080"]
        let a = try CallScenario.load(yaml, name: "menu.call.yaml", baseDirectory: base, environment: environment)
        let b = try CallScenario.load(json, name: "menu.call.json", baseDirectory: base, environment: environment)
        for scenario in [a, b] {
            #expect(scenario.setup.source == .answerURL("http://127.0.0.1:8080/answer"))
            #expect(scenario.setup.answerMethod == "POST")
            #expect(scenario.script.hangupAfter == 40)
            #expect(scenario.script.steps.map(\.action) == [.press("23#"), .say("yes please"), .silent, .hangup])
            #expect(scenario.script.steps.map(\.after) == [nil, 2.5, nil, 0.5])
            #expect(scenario.expectations.heard == ["Welcome", "press 1"])
            #expect(scenario.expectations.webhooks.first?.fields.map(\.1) == [.string("answered"), .bool(false), .number(3)])
            #expect(scenario.expectations.duration?.tolerance == 0.5)
        }
    }

    @Test func mistakesAreNamedWithTheirPlace() throws {
        func failure(_ text: String, name: String = "s.call.yaml", environment: [String: String] = [:]) -> String {
            do {
                _ = try CallScenario.load(text, name: name, baseDirectory: base, environment: environment)
                return "no error"
            } catch {
                return (error as? SSMLError)?.description ?? "\(error)"
            }
        }
        #expect(failure("answer_url: http://x/a\nscript:\n  - press: \"1x\"\n") == "s.call.yaml:3:12: error: script[0].press: \"x\" is not a phone key (use 0-9, * and #)")
        #expect(failure("answer_url: http://x/a\nscript:\n  - press: \"1\"\n    after: soon\n").hasPrefix("s.call.yaml:4:12: error: script[0].after: \"soon\" is not a duration"))
        #expect(failure("answer_url: ${NOPE}/a\n").contains("${NOPE} is not set in the environment"))
        #expect(failure("answer_url: http://x/a\nscrpit: []\n").contains("s.call.yaml:2:9: error: scrpit: unknown scenario key"))
        #expect(failure("script: []\n").contains("needs one of answer_url, ncco or seven"))
        #expect(failure(#"{"answer_url": "http://x/a", "expect": {"statuss": "completed"}}"#, name: "s.call.json").contains("s.call.json:1:52: error: expect.statuss: unknown expectation"))
        #expect(failure("answer_url: [unclosed\n").contains("is not valid YAML"))
        // A YAML syntax error is placed where libyaml found it, not at the top of the file.
        #expect(failure("answer_url: [http://x\nscript: - a\n").hasPrefix("s.call.yaml:2:7: error: s.call.yaml is not valid YAML: while parsing a flow sequence in line 1, column 13"))
    }

    @Test func durationsReadTheWaysPeopleWriteThem() throws {
        #expect(try CallScript.seconds("2.5s", origin: "t") == 2.5)
        #expect(try CallScript.seconds("500ms", origin: "t") == 0.5)
        #expect(try CallScript.seconds("1.5min", origin: "t") == 90)
        #expect(try CallScript.seconds("3", origin: "t") == 3)
        #expect(throws: SSMLError.self) { try CallScript.seconds("-1s", origin: "t") }
    }

    @Test func webhookPayloadsKeepTheirOrderAndFlatten() {
        let payload = CallJSON.object([("dtmf", .object([("digits", .string("12")), ("timed_out", .bool(false))])), ("uuid", .string("u")), ("list", .array([.number(1)]))])
        #expect(payload.text() == #"{"dtmf":{"digits":"12","timed_out":false},"uuid":"u","list":[1]}"#)
        #expect(payload.flattened().map { "\($0.0)=\($0.1)" } == ["dtmf.digits=12", "dtmf.timed_out=false", "uuid=u", "list[0]=1"])
        #expect(payload.value(at: "dtmf.digits") == .string("12"))
        #expect(payload.value(at: "list[0]") == .number(1))
    }
}
