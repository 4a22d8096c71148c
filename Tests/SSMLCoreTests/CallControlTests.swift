import Foundation
import SSMLEngine
import SSMLTestSupport
import Testing
@testable import SSMLCore

/// Typed call control: what a call simulator walks.
@Suite struct CallControlTests {
    func parse(_ json: String) throws -> NCCO { try NCCO.parse(json, file: "call.json", log: DiagnosticLog()) }

    @Test func nccoActionsAreTypedValues() throws {
        let ncco = try parse(
            """
            [
              {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 2, "submitOnHash": true, "timeOut": 5}, "eventUrl": ["https://app.example/input"]},
              {"action": "connect", "from": "447700900000", "endpoint": [{"type": "websocket", "uri": "ws://127.0.0.1:9000/socket", "content-type": "audio/l16;rate=8000"}]},
              {"action": "record", "format": "wav", "endOnKey": "#", "eventUrl": ["https://app.example/rec"], "eventMethod": "GET"},
              {"action": "notify", "payload": {"step": 2}, "eventUrl": ["https://app.example/notify"]},
              {"action": "wait", "timeout": 1.5},
              {"action": "conversation", "name": "room", "endOnExit": true}
            ]
            """)
        guard case .input(let input) = ncco.actions[0].kind else { Issue.record("not input"); return }
        #expect(input.maxDigits == 2 && input.submitOnHash && input.dtmfTimeOut == 5 && input.events == EventTarget(url: "https://app.example/input"))
        guard case .connect(let connect) = ncco.actions[1].kind else { Issue.record("not connect"); return }
        #expect(connect.endpoint == .websocket(uri: "ws://127.0.0.1:9000/socket", contentType: "audio/l16;rate=8000", headers: nil))
        #expect(connect.from == "447700900000" && connect.timeout == 60 && !connect.synchronous)
        guard case .record(let record) = ncco.actions[2].kind else { Issue.record("not record"); return }
        #expect(record.format == "wav" && record.endOnKey == "#" && record.events?.method == "GET" && record.timeOut == 7200)
        guard case .notify(let notify) = ncco.actions[3].kind else { Issue.record("not notify"); return }
        #expect(notify.payload["step"] != nil && notify.events.url == "https://app.example/notify")
        guard case .wait(let wait) = ncco.actions[4].kind, case .conversation(let room) = ncco.actions[5].kind else { Issue.record("not wait/conversation"); return }
        #expect(wait.timeout == 1.5 && room.name == "room" && room.endOnExit && room.startOnEnter)
    }

    @Test func thePlannerPlansOneActionAtATime() throws {
        let planner = try Planner()
        let ncco = try parse(#"[{"action": "talk", "text": "Hello"}, {"action": "wait", "timeout": 2}, {"action": "connect", "endpoint": [{"type": "phone", "number": "4930123"}]}]"#)
        let nccoPlanner = NCCOPlanner(resolver: planner.resolver, styles: try Repository.vonageStyles(), parser: LibXMLParser(), capabilities: FakeSynthesizer(), log: planner.log)
        let talk = try nccoPlanner.plan(ncco.actions[0], file: "call.json")
        #expect(talk.compactMap(\.speech).map(\.displayText) == ["Hello"])
        let wait = try nccoPlanner.plan(ncco.actions[1], file: "call.json")
        #expect(wait.compactMap(\.pauseSeconds) == [2])
        let steps = try nccoPlanner.plan(ncco).steps
        #expect(steps.map { $0.control?.kind } == [.wait, .connect])
        #expect(steps[1].segments.compactMap(\.pauseSeconds) == [2])
    }

    @Test func sevenDTMFAndBridgeAreStepBoundariesWithTheirSettings() throws {
        let plan = try Planner().plan(
            """
            <speak>Welcome. <dtmf callback="https://app.example/dtmf" min="1" max="2" wait="4000" digits="[12]" invalid="Wrong key" tries="3">Press 1 or 2.</dtmf>
            <bridge number="+4930123" digit="*~9{3}"/></speak>
            """)
        let steps = plan.steps
        #expect(steps.count == 2)
        let dtmf = try #require(steps[0].control.flatMap(SevenDTMF.init))
        #expect(steps[0].segments.compactMap(\.speech).map(\.displayText).joined(separator: " ") == "Welcome. Press 1 or 2.")
        #expect(dtmf.callback == "https://app.example/dtmf" && dtmf.waitMilliseconds == 4000 && dtmf.tries == 3 && dtmf.invalid == "Wrong key")
        #expect(dtmf.accepts("1") && dtmf.accepts("12") && !dtmf.accepts("3") && !dtmf.accepts("123") && !dtmf.accepts(""))
        let bridge = try #require(steps[1].control.flatMap(SevenBridge.init))
        #expect(bridge.number == "+4930123" && bridge.triggered(by: "*999") && !bridge.triggered(by: "*99") && !bridge.triggered(by: "999"))
    }
}
