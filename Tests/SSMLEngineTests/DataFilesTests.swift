import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// The voice catalog and the Vonage style table are read without `Codable` (for start-up time): the reader must
/// give the same catalog the file describes and say where a broken file is broken.
@Suite(.ownThread) struct DataFilesTests {
    private func folder(catalog: String, styles: String = #"{"styles": []}"#) throws -> DataFiles {
        let root = try Repository.scratchDirectory()
        try catalog.write(to: root.appendingPathComponent("catalog.json"), atomically: true, encoding: .utf8)
        try styles.write(to: root.appendingPathComponent("vonage-styles.json"), atomically: true, encoding: .utf8)
        return DataFiles(voices: root, dialects: root)
    }

    @Test func theShippedCatalogReadsWhole() throws {
        let catalog = try Repository.catalog()
        let raw = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Repository.data.voices.appendingPathComponent("catalog.json")))
                as? [String: Any])
        let entries = try #require(raw["voices"] as? [[String: Any]])
        #expect(catalog.voices.count == entries.count)
        #expect(catalog.voices.allSatisfy { $0.name == $0.name.lowercased() })
        let german = try #require(catalog.entry(named: "de-DE-KatjaNeural"))
        #expect(german.locale == "de-DE" && german.gender == .female && german.espeak == "de")
        // An entry without settings takes its gender's template.
        let templates = try #require(raw["templates"] as? [String: [String: Any]])
        #expect(german.settings.variant == templates["female"]?["variant"] as? String)
        #expect(catalog.google.voices["en-US"]?.isEmpty == false)
        #expect(catalog.primaryRegions["fr"] == "fr-FR")
        let styles = try Repository.data.vonageStyles()
        #expect(styles.style(voiceName: "Marlene")?.language.lowercased() == "de-de")
    }

    /// `ssml` prepares `Engine.standard()` on a thread while it parses its arguments (``WarmStart``): what it
    /// prepared is the engine of the data files `locate()` finds, and another folder's data are never served from it.
    @Test func aWarmStartServesOnlyTheDataFilesItRead() throws {
        WarmStart.begin()
        let located = try DataFiles.locate()
        #expect(WarmStart.dataFiles() == located)
        let warm = try Engine.standard()
        #expect(warm.data == located && warm.fetcher == nil)
        #expect(warm.resolver.catalog == (try located.catalog()))
        let other = try folder(
            catalog: #"{"templates": {"male": {"variant": "m1", "pitch": 45, "range": 50, "rate": 170, "tract": 1, "baseHz": 105}}, "voices": [{"name": "zz-zz-male", "locale": "zz-ZZ", "gender": "male", "espeak": "en"}]}"#)
        let engine = try Engine.standard(data: other)
        #expect(engine.data == other)
        #expect(engine.resolver.catalog.voices.map(\.name) == ["zz-zz-male"])
        WarmStart.finish()
    }

    @Test func aWrongTypeIsNamedAtItsLineAndColumn() throws {
        let data = try folder(
            catalog: """
                {"templates": {"female": {"variant": "f4", "pitch": 60, "range": 55, "rate": 170, "tract": 1, "baseHz": 205}},
                 "voices": [
                   {"name": "xx-xx-female", "locale": "xx-XX", "gender": "female", "espeak": "en"},
                   {"name": "yy-yy-female", "locale": 7, "gender": "female", "espeak": "en"}
                 ]}
                """)
        let error = try #require(throws: SSMLError.self) { try data.catalog() }
        #expect(error.message.contains("voices[1].locale must be a string, not a number"))
        #expect(error.location?.line == 4)
        #expect(error.location?.column == 39)
        #expect(error.location?.file.hasSuffix("catalog.json") == true)
    }

    @Test func missingTemplatesUnknownGendersAndBrokenJSONAreErrors() throws {
        let noTemplate = try folder(catalog: #"{"templates": {}, "voices": [{"name": "a", "locale": "a-A", "gender": "male", "espeak": "en"}]}"#)
        #expect(throws: SSMLError.self) { try noTemplate.catalog() }
        let error = try #require(throws: SSMLError.self) { try noTemplate.catalog() }
        #expect(error.message.contains("a has no settings and no male template"))

        let gender = try folder(catalog: #"{"templates": {}, "voices": [{"name": "a", "locale": "a-A", "gender": "robot", "espeak": "en"}]}"#)
        let genderError = try #require(throws: SSMLError.self) { try gender.catalog() }
        #expect(genderError.message.contains("voices[0].gender must be one of female, male, child, not \"robot\""))

        let broken = try folder(catalog: "{\"templates\": {},\n \"voices\": [")
        let brokenError = try #require(throws: SSMLError.self) { try broken.catalog() }
        #expect(brokenError.location?.line == 2)

        let styles = try folder(catalog: #"{"templates": {}, "voices": []}"#, styles: #"{"styles": [{"language": "de-DE", "style": 1.5}]}"#)
        let styleError = try #require(throws: SSMLError.self) { try styles.vonageStyles() }
        #expect(styleError.message.contains("styles[0].style must be a whole number"))
    }
}
