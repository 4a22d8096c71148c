import Foundation
import SSMLTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `ssml test` and `ssml diff` end to end: snapshots recorded, planted changes named, reports written.
@Suite(.ownThread) struct SnapshotTestCommandTests {
    static let prompt = """
        <speak>
          <s>Press 1 for sales.</s>
          <break time="500ms"/>
          <voice name="en-gb-male">Goodbye.</voice>
          <prosody rate="slow">Thanks.</prosody>
          <audio src="chime.wav"/>
        </speak>
        """
    static let ncco = #"[{"action":"talk","text":"Please hold.","language":"en-GB"},{"action":"stream","streamUrl":["chime.wav"]}]"#

    /// A scratch folder with the prompt (and, optionally, the NCCO) and the clip they play, recorded.
    func recordedFolder(ncco: Bool = false) throws -> URL {
        let folder = try Repository.scratchDirectory()
        try Self.prompt.write(to: folder.appendingPathComponent("menu.ssml"), atomically: true, encoding: .utf8)
        if ncco { try Self.ncco.write(to: folder.appendingPathComponent("hold.json"), atomically: true, encoding: .utf8) }
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Samples/chime.wav"), to: folder.appendingPathComponent("chime.wav"))
        let record = try run(Repository.ssmlBinary, ["test", folder.path, "--update"])
        #expect(record.status == 0, "\(record.stderr)")
        return folder
    }

    func test(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try run(Repository.ssmlBinary, ["test"] + arguments)
        return (result.status, String(decoding: result.stdout, as: UTF8.self) + result.stderr)
    }

    /// Plants `change` in menu.ssml, runs the test, restores the file.
    func planted(_ folder: URL, _ extra: [String] = [], _ change: (String) -> String) throws -> (status: Int32, output: String) {
        let file = folder.appendingPathComponent("menu.ssml")
        try change(Self.prompt).write(to: file, atomically: true, encoding: .utf8)
        defer { try? Self.prompt.write(to: file, atomically: true, encoding: .utf8) }
        return try test([file.path] + extra)
    }

    @Test func recordedSnapshotsPassAndStayPortable() throws {
        let folder = try recordedFolder(ncco: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["menu.snap.json", "menu.snap.flac", "hold.snap.json", "hold.snap.flac"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name)")
        }
        let again = try test([folder.path])
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.contains("2 cases: 2 passed"), "\(again.output)")
        // Moved to another checkout, the clip's path still matches: it is recorded relative to the folder.
        let moved = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + "-moved")
        try FileManager.default.moveItem(at: folder, to: moved)
        defer { try? FileManager.default.removeItem(at: moved) }
        let snapshot = try String(contentsOf: moved.appendingPathComponent("menu.snap.json"), encoding: .utf8)
        #expect(snapshot.contains(#""text" : "chime.wav""#))
        let elsewhere = try test([moved.path])
        #expect(elsewhere.status == 0, "\(elsewhere.output)")
    }

    @Test func plantedChangesFailNamingWhatChanged() throws {
        let folder = try recordedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(String, (String) -> String, [String])] = [
            ("word", { $0.replacingOccurrences(of: "Press 1", with: "Press one") }, ["text 'Press 1 for sales.' became 'Press one for sales.'"]),
            ("break", { $0.replacingOccurrences(of: "500ms", with: "900ms") }, ["length 0.5 s became 0.9 s"]),
            ("voice", { $0.replacingOccurrences(of: "en-gb-male", with: "en-gb-female") }, ["voice en-gb-male became en-gb-female"]),
            ("rate", { $0.replacingOccurrences(of: "rate=\"slow\"", with: "rate=\"fast\"") }, ["rate ", "% became "]),
            ("clip", { $0.replacingOccurrences(of: "chime.wav", with: "gone.wav") }, ["ERROR", "audio \"gone.wav\" cannot be played"]),
        ]
        for (label, change, expected) in cases {
            let result = try planted(folder, [], change)
            #expect(result.status == 1, "\(label): \(result.output)")
            for text in expected { #expect(result.output.contains(text), "\(label): \(result.output)") }
        }
        // A sentence inserted in the middle is one change, not every later segment shifted.
        let inserted = try planted(folder) { $0.replacingOccurrences(of: "<break", with: "<s>Press 2 for support.</s><break") }
        #expect(inserted.status == 1)
        let lines = inserted.output.split(separator: "\n").filter { $0.hasPrefix("       ") && !$0.contains("note:") }
        #expect(lines.count == 1, "\(inserted.output)")
        #expect(lines.first?.contains("'Press 2 for support.'") == true && lines.first?.contains("added") == true, "\(inserted.output)")
    }

    @Test func changesBelowTheTolerancesPass() throws {
        let folder = try recordedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let respaced = try planted(folder) { $0.replacingOccurrences(of: "Press 1 for", with: "Press   1\n      for").replacingOccurrences(of: "500ms", with: "510ms") }
        #expect(respaced.status == 0, "\(respaced.output)")
        #expect(respaced.output.contains("PASS"))
        // The same 10 ms fails when the time tolerance is tighter than it.
        let strict = try planted(folder, ["--tolerance-time", "0.005"]) { $0.replacingOccurrences(of: "500ms", with: "510ms") }
        #expect(strict.status == 1, "\(strict.output)")
        #expect(strict.output.contains("length 0.5 s became 0.51 s"), "\(strict.output)")
    }

    @Test func anotherEngineVersionIsReportedNotFailed() throws {
        let folder = try recordedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let snapshot = folder.appendingPathComponent("menu.snap.json")
        let text = try String(contentsOf: snapshot, encoding: .utf8)
        let engine = try #require(text.firstMatch(of: /"engine" : "([^"]+)"/)?.output.1)
        try text.replacingOccurrences(of: "\"engine\" : \"\(engine)\"", with: "\"engine\" : \"espeak-ng 0.99\"").write(to: snapshot, atomically: true, encoding: .utf8)
        // Even with the word changed: the text is still compared, only timing and sound are not.
        let junit = folder.appendingPathComponent("junit.xml")
        let result = try test([folder.path, "--junit", junit.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("ENGINE") && result.output.contains("1 engine-changed"), "\(result.output)")
        #expect(result.output.contains("snapshot recorded with espeak-ng 0.99"), "\(result.output)")
        let strict = try test([folder.path, "--fail-on-engine-change"])
        #expect(strict.status == 1)
        #if canImport(FoundationXML)
            let document = try XMLDocument(contentsOf: junit)
            #expect(try document.nodes(forXPath: "//testcase").count == 1)
            #expect(try document.nodes(forXPath: "//failure").isEmpty)
        #endif
    }

    @Test func junitAndReportDescribeEachChangedCase() throws {
        let folder = try recordedFolder(ncco: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.prompt.replacingOccurrences(of: "Goodbye", with: "Farewell").write(to: folder.appendingPathComponent("menu.ssml"), atomically: true, encoding: .utf8)
        let junit = folder.appendingPathComponent("out/junit.xml"), report = folder.appendingPathComponent("out/report.html")
        try FileManager.default.createDirectory(at: report.deletingLastPathComponent(), withIntermediateDirectories: true)
        let result = try test([folder.path, "--junit", junit.path, "--report", report.path])
        #expect(result.status == 1)
        #if canImport(FoundationXML)
            let document = try XMLDocument(contentsOf: junit)
            #expect(try document.nodes(forXPath: "//testcase").count == 2)
            let failures = try document.nodes(forXPath: "//testcase[@name='menu.ssml']/failure")
            #expect(failures.count == 1)
            #expect(failures.first?.stringValue?.contains("'Goodbye.' became 'Farewell.'") == true)
        #endif
        let html = try String(contentsOf: report, encoding: .utf8)
        // One changed case: its snapshot (FLAC) and this render (WAV), each with a player and a waveform.
        #expect(html.components(separatedBy: "<audio").count - 1 == 2)
        #expect(html.contains("src=\"data:audio/flac;base64,ZkxhQ"))  // "fLaC"
        #expect(html.contains("src=\"data:audio/wav;base64,UklGR"))  // "RIFF"
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
    }

    @Test func badInputsAreClearErrors() throws {
        let missing = try test(["/nonexistent/prompts"])
        #expect(missing.status == 64 && missing.output.contains("does not exist"))
        let folder = try recordedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "<<<<<<< HEAD\n{".write(to: folder.appendingPathComponent("menu.snap.json"), atomically: true, encoding: .utf8)
        let corrupt = try test([folder.path])
        #expect(corrupt.status == 1)
        #expect(corrupt.output.contains("menu.snap.json is not a readable snapshot (not valid JSON"), "\(corrupt.output)")
        try #"{"tolerance": {"time": 0.1}}"#.write(to: folder.appendingPathComponent("ssml-test.json"), atomically: true, encoding: .utf8)
        let misspelt = try test([folder.path])
        #expect(misspelt.status == 64 && misspelt.output.contains("unknown setting \"tolerance\""), "\(misspelt.output)")
    }

    @Test func diffNamesChangesInSSMLAndAudio() throws {
        let folder = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a.ssml"), b = folder.appendingPathComponent("b.ssml")
        try "<speak>Press 1. <break time=\"300ms\"/> Bye.</speak>".write(to: a, atomically: true, encoding: .utf8)
        try "<speak>Press one. <break time=\"1s\"/> Bye.</speak>".write(to: b, atomically: true, encoding: .utf8)
        let ssml = try run(Repository.ssmlBinary, ["diff", a.path, b.path])
        let text = String(decoding: ssml.stdout, as: UTF8.self)
        #expect(ssml.status == 1)
        #expect(text.contains("text 'Press 1.' became 'Press one.'") && text.contains("length 0.3 s became 1 s"), "\(text)")
        let same = try run(Repository.ssmlBinary, ["diff", a.path, a.path])
        #expect(same.status == 0)
        // Rendered at two rates, the same prompt sounds the same; a longer pause does not.
        let wavs = ["a8k.wav": (a, "8000"), "a16k.wav": (a, "16000"), "b16k.wav": (b, "16000")]
        for (name, (input, rate)) in wavs {
            let render = try run(Repository.ssmlBinary, ["render", input.path, "-o", folder.appendingPathComponent(name).path, "--rate", rate, "-q"])
            #expect(render.status == 0, "\(render.stderr)")
        }
        let rates = try run(Repository.ssmlBinary, ["diff", folder.appendingPathComponent("a16k.wav").path, folder.appendingPathComponent("a8k.wav").path])
        #expect(rates.status == 0, "\(String(decoding: rates.stdout, as: UTF8.self))")
        let longer = try run(Repository.ssmlBinary, ["diff", folder.appendingPathComponent("a16k.wav").path, folder.appendingPathComponent("b16k.wav").path])
        #expect(longer.status == 1)
        #expect(String(decoding: longer.stdout, as: UTF8.self).contains("(pause): length 0."), "\(String(decoding: longer.stdout, as: UTF8.self))")
    }
}
