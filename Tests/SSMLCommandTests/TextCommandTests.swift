import Foundation
import SSMLTestSupport
import Testing

/// `ssml text`, run as a user would.
@Suite(.ownThread) struct TextCommandTests {
    let document = """
        <speak>
          Say <phoneme alphabet="ipa" ph="təˈmɑːtəʊ">tomato</phoneme> &amp; <say-as interpret-as="characters">a7</say-as>
          <break time="300ms"/><mark name="here"/>
          <voice name="de-de-male"><phoneme alphabet="x-sampa" ph='"by:C6'>Bücher</phoneme></voice>
        </speak>
        """

    @Test func printsEachSegmentWithTheEngineText() throws {
        let result = try run(Repository.ssmlBinary, ["text", "-", "--voice", "en-gb-female"], stdin: Data(document.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 8, "\(lines)")
        #expect(lines[0].hasPrefix("<stdin>:2:3  speech  en-gb-female (en-gb+"))
        #expect(lines[1] == "    text:   Say /təˈmɑːtəʊ/ & a 7")
        #expect(lines[2] == "    engine: Say [[t@'mA:toU]] &amp; <say-as interpret-as=\"characters\">a 7</say-as>")
        #expect(lines[3] == "<stdin>:3:3  pause   0.300 s (break)")
        #expect(lines[4] == "<stdin>:3:24  mark    here")
        #expect(lines[5].hasPrefix("<stdin>:4:28  speech  de-de-male (de+"))
        #expect(lines[6] == "    text:   /ˈbyːçɐ/")
        #expect(lines[7] == "    engine: [['by:C3]]")
    }

    @Test func jsonForMachines() throws {
        let result = try run(Repository.ssmlBinary, ["text", "-", "--json"], stdin: Data(document.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        // The plan itself: backend-neutral (IPA, factors, catalog voices), the unit render workers receive.
        let plan = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(plan["format"] as? String == "swift-ssml-plan")
        let items = try #require(plan["segments"] as? [[String: Any]])
        #expect(items.map { $0["kind"] as? String } == ["speech", "pause", "mark", "speech"])
        let speech = try #require(items[0]["speech"] as? [String: Any])
        let pieces = try #require(speech["pieces"] as? [[String: String]])
        #expect(pieces == [["text": "Say"], ["ipa": "təˈmɑːtəʊ"], ["text": "&"], ["characters": "a7"]])
        #expect((speech["voice"] as? [String: Any])?["name"] as? String == "en-us-female")
        let location = try #require(items[1]["location"] as? [String: Any])
        #expect(location["line"] as? Int == 3 && location["column"] as? Int == 3)
        #expect(items[1]["seconds"] as? Double == 0.3 && items[1]["reason"] as? String == "break")
    }

    @Test func errorsNameThePlace() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "<speak>\n<phoneme ph=\"təˈmɑːʘo\">tomato</phoneme>\n</speak>".write(to: directory.appendingPathComponent("p.ssml"), atomically: true, encoding: .utf8)
        let result = try run(Repository.ssmlBinary, ["text", "p.ssml"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "p.ssml:2:10: error: phoneme ph \"təˈmɑːʘo\": \"ʘ\" is not a phone of en-us (IPA)\n")
    }

    @Test func strictTurnsWarningsIntoErrors() throws {
        let input = Data("<speak><voice name=\"fr-fr-female\"><phoneme ph=\"bɔ̃ʒuʁ\">bonjour</phoneme></voice></speak>".utf8)
        let lenient = try run(Repository.ssmlBinary, ["text", "-"], stdin: input)
        #expect(lenient.status == 0 && lenient.stderr.contains("warning:") && String(decoding: lenient.stdout, as: UTF8.self).contains("text:   bonjour"))
        let strict = try run(Repository.ssmlBinary, ["text", "-", "--strict"], stdin: input)
        #expect(strict.status != 0 && strict.stderr.contains("(--strict)"))
    }
}
