import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

/// Reading prompt manifests: CSV with exact places, JSON, YAML, settings, formats, templates, and every problem
/// found before any work.
@Suite(.ownThread) struct BatchManifestTests {
    static let resolver: VoiceResolver = {
        // The languages of the real engine, so voices are judged as `ssml batch` judges them.
        let engine = try! Engine.standard(data: Repository.data)
        return engine.resolver
    }()

    func manifest(_ text: String, file: String = "prompts.csv") throws -> BatchManifest {
        let syntax: BatchManifest.Syntax = file.hasSuffix(".json") ? .json : file.hasSuffix(".yaml") ? .yaml : .csv
        return try BatchManifest.parse(Data(text.utf8), file: file, directory: URL(fileURLWithPath: "/tmp"), syntax: syntax)
    }

    func plan(_ text: String, file: String = "prompts.csv", overrides: BatchOverrides = BatchOverrides()) throws -> BatchPlan {
        try BatchPlan(manifest(text, file: file), overrides: overrides, resolver: Self.resolver)
    }

    /// The first error a manifest gets, as printed.
    func planError(_ text: String, file: String = "prompts.csv", overrides: BatchOverrides = BatchOverrides()) -> String? {
        do {
            _ = try plan(text, file: file, overrides: overrides)
            return nil
        } catch let error as BatchPlanError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    // MARK: - CSV

    @Test func csvFieldsKeepTheirLinesAndColumnsThroughQuotesAndLineBreaks() throws {
        let text = "id,text\r\nwelcome,\"Hello, \"\"world\"\"\nsecond line\"\r\n\r\nbye,Goodbye\n"
        var reader = CSVReader(Data(text.utf8), file: "p.csv")
        let header = try #require(try reader.next())
        #expect(header.fields.map(\.value) == ["id", "text"])
        let first = try #require(try reader.next())
        #expect(first.line == 2)
        #expect(first.fields[1].value == "Hello, \"world\"\nsecond line")
        #expect(first.fields[1].column == 9 && first.fields[1].quoted)
        // "world" starts after `Hello, ""` in the file: the doubled quote counts twice.
        #expect(first.fields[1].location(ofValueLine: 1, column: 9, file: "p.csv") == SourceLocation(file: "p.csv", line: 2, column: 19))
        #expect(first.fields[1].location(ofValueLine: 2, column: 8, file: "p.csv") == SourceLocation(file: "p.csv", line: 3, column: 8))
        let second = try #require(try reader.next())
        #expect(second.line == 5 && second.fields.map(\.value) == ["bye", "Goodbye"])
        #expect(try reader.next() == nil)
    }

    @Test(arguments: [
        ("id,text\na,\"never closed\nb,x\n", "p.csv:2:3: error: the quoted field opened here is never closed"),
        ("id,text\na,\"quoted\" then more\n", "p.csv:2:11: error: text after the closing quote of a field"),
        ("id,text\na,say \"hi\"\n", "p.csv:2:7: error: a quote inside an unquoted field"),
    ])
    func badQuotingIsAnErrorAtItsPlace(text: String, expected: String) throws {
        var reader = CSVReader(Data(text.utf8), file: "p.csv")
        do {
            while try reader.next() != nil {}
            Issue.record("no error for \(text.debugDescription)")
        } catch let error as SSMLError {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func delimiterFollowsTheHeaderAndByteOrderMarksAreSkipped() throws {
        let semicolons = Data([0xEF, 0xBB, 0xBF] + Array("# voices: de-de-female\nid;text\nhallo;\"Guten Tag; willkommen\"\n".utf8))
        let plan = try BatchPlan(
            try BatchManifest.parse(semicolons, file: "p.csv", directory: URL(fileURLWithPath: "/tmp"), syntax: .csv), resolver: Self.resolver)
        #expect(plan.prompts.map(\.id) == ["hallo"])
        #expect(plan.prompts[0].voices.map(\.name) == ["de-de-female"])
        guard case .text(let value) = plan.prompts[0].input else {
            Issue.record("not a text")
            return
        }
        #expect(value.text == "Guten Tag; willkommen")
    }

    @Test func rowsReportTheirPlaceAndUnknownColumnsStopEverything() throws {
        #expect(planError("id,text,voise\na,hello,x\n")?.hasPrefix("prompts.csv:1:9: error: unknown column \"voise\"") == true)
        #expect(planError("id,text\na,hello,extra\n")?.hasPrefix("prompts.csv:2:1: error: this row has 3 fields; the header has 2") == true)
        #expect(planError("text\nhello\n")?.contains("the header row has no id column") == true)
        #expect(planError("# voise: en-us-male\nid,text\na,b\n")?.hasPrefix("prompts.csv:1:3: error: unknown setting \"voise\"") == true)
        // Columns starting with x- are the user's own; ## lines and prose are comments.
        let plan = try plan("## owner: the IVR team\n# Keep these short.\nid,text,x-notes,LOUDNESS,TrUe_PeAk\na,hello,check spelling,-19,-2\n#b,commented out\n")
        #expect(plan.prompts.map(\.id) == ["a"] && plan.problems.isEmpty)
        #expect(plan.prompts.first.map { plan.formats[$0.formats[0]].settings.loudness } == LoudnessTarget(integrated: -19, truePeakCeiling: -2))
    }

    @Test func duplicateIdsAreFoundBeforeAnyWork() {
        let error = planError("id,text\nwelcome,Hello\nbye,Goodbye\nwelcome,Hello again\n")
        #expect(error == "prompts.csv:4:1: error: the id \"welcome\" is given twice (first at prompts.csv:2)")
    }

    @Test func badRowsAreReportedAtTheirPlacesAndTheOthersStillRun() throws {
        let plan = try plan(
            """
            id,text,voice,formats
            a,hello,en-us-female,
            b,hello,de-de-femal,
            c,,,
            d,hello,,wav-9000
            e,hello,female,
            f,hello,,vonage-stream|sip
            """)
        #expect(plan.prompts.map(\.id) == ["a"])
        #expect(
            plan.problems.map(\.description) == [
                "prompts.csv:3:9: error: b: unknown voice \"de-de-femal\"; did you mean de-de-female?",
                "prompts.csv:4: error: c: the row has neither text nor file",
                "prompts.csv:5:10: error: d: format \"wav-9000\": 9000 Hz is not supported (use 8000, 16000, 22050, 24000, 44100, 48000)",
                "prompts.csv:6:9: error: e: the voice \"female\" is a gender; give a voice (female needs locales, or write en-us-female)",
                "prompts.csv:7:24: error: f: format \"sip\": \"sip\" is not a preset or a part of a format (use vonage-stream, vonage-mp3, a preset the manifest defines, or \(BatchFormat.vocabulary))",
            ])
    }

    // MARK: - Settings, voices, formats

    @Test func headerSettingsApplyToEveryRowAndARowWins() throws {
        let plan = try plan(
            """
            # voices: en-us-female | de-de-male
            # formats: vonage-stream, sip
            # preset sip: wav-8000-mulaw
            # template: {id}/{voice}-{format}.{ext}
            id,text,voices,formats,loudness
            a,hello,,,
            b,hello,en-gb-child,vonage-mp3,-19
            """)
        let a = plan.prompts[0], b = plan.prompts[1]
        #expect(a.voices.map(\.name) == ["en-us-female", "de-de-male"])
        #expect(a.formats.map { plan.formats[$0].name } == ["vonage-stream", "sip"])
        #expect(plan.formats[a.formats[1]].settings == OutputSettings(rate: 8000, encoding: .mulaw, format: .wav))
        #expect(b.voices.map(\.name) == ["en-gb-child"])
        let mp3 = plan.formats[b.formats[0]].settings
        #expect(mp3.format == .mp3 && mp3.bitrate == 32 && mp3.loudness == LoudnessTarget(integrated: -19, truePeakCeiling: -1))
        #expect(
            try plan.outputs(of: a).map { try plan.path(a, $0) } == [
                "a/en-us-female-vonage-stream.wav", "a/en-us-female-sip.wav", "a/de-de-male-vonage-stream.wav", "a/de-de-male-sip.wav",
            ])
        #expect(plan.outputCount == 5 && b.firstOutput == 4)
    }

    @Test func optionsWinOverTheHeaderAndAreNamedInTheirErrors() throws {
        var overrides = BatchOverrides()
        overrides.voices = BatchSetting(["en-gb-male"], .option("--voices"))
        overrides.formats = BatchSetting(["mp3-16k-48kbps", "flac"], .option("--formats"))
        let plan = try plan("# voices: de-de-male\n# formats: wav\nid,text\na,hello\n", overrides: overrides)
        #expect(plan.prompts[0].voices.map(\.name) == ["en-gb-male"])
        #expect(plan.prompts[0].formats.map { plan.formats[$0].settings.format } == [.mp3, .flac])
        overrides.voices = BatchSetting(["en-us-femal"], .option("--voices"))
        #expect(planError("id,text\na,hello\n", overrides: overrides) == "error: --voices: unknown voice \"en-us-femal\"; did you mean en-us-female?")
        overrides.voices = nil
        overrides.formats = BatchSetting(["mp3-16k-7kbps"], .option("--formats"))
        #expect(planError("id,text\na,hello\n", overrides: overrides)?.hasPrefix("error: --formats: format mp3-16k-7kbps: 7 kbit/s is not an MP3 bit rate at 16000 Hz") == true)
    }

    @Test func localesTimesGendersMakeTheVoices() throws {
        let plan = try plan("id,text,locales,voices\na,hello,de-DE|fr-FR,female|male\nb,hello,es-MX,\n")
        #expect(plan.prompts[0].voices.map(\.name) == ["de-de-female", "de-de-male", "fr-fr-female", "fr-fr-male"])
        #expect(plan.prompts[0].voices.map(\.locale) == ["de-DE", "de-DE", "fr-FR", "fr-FR"])
        // Without voices, the default voice's gender.
        #expect(plan.prompts[1].voices.map(\.name) == ["es-mx-female"])
        let paths = try plan.outputs(of: plan.prompts[0]).map { try plan.path(plan.prompts[0], $0) }
        #expect(paths.first == "a/de-de-female.wav")
        #expect(try self.plan("id,text,locale\na,hi,xx-YY\n").problems.first?.description.contains("no voice speaks the locale \"xx-YY\"") == true)
    }

    // MARK: - Templates

    @Test func templateCollisionsAreFoundBeforeAnyWork() {
        #expect(
            planError("# formats: vonage-stream|wav-8000-mulaw\nid,text\na,hello\n")
                == "prompts.csv:3: error: the output template {id}/{voice}.{ext} gives a/en-us-female.wav for two of its outputs (en-us-female, vonage-stream and en-us-female, wav-8000-mulaw); add {format} to the template")
        #expect(planError("# template: {id}.wav\n# voices: en-us-female|en-us-male\nid,text\na,hello\n")?.contains("add {voice} to the template") == true)
        // Two ids, one file: `{id}` is there, but the rest of the names meet.
        #expect(planError("# template: {id}\nid,text\nx/y,a\nx,b\n")?.contains("gives x as a file for x and as a folder for x/y") == true)
        #expect(planError("# template: prompts/{voice}.{ext}\nid,text\na,b\n") == "prompts.csv:1:13: error: the output template prompts/{voice}.{ext} has no {id}, so every prompt would be written to the same file")
        #expect(planError("# template: {id}/{name}.{ext}\nid,text\na,b\n")?.contains("unknown placeholder {name}") == true)
        #expect(planError("# template: {id}.mp3\nid,text\na,b\n")?.contains("gives a.mp3 for a in format wav, which writes wav (use {ext})") == true)
        #expect(planError("# template: {id}\nid,text\nmanifest.csv,b\n")?.contains("a name the batch keeps for its manifest") == true)
    }

    @Test func idsThatWouldLeaveTheFolderAreBadRows() throws {
        let plan = try plan("id,text\n../etc/x,a\nok/sub,b\n")
        #expect(plan.prompts.map(\.id) == ["ok/sub"])
        #expect(plan.problems.first?.description.hasPrefix("prompts.csv:2:1: error: ../etc/x: the id \"../etc/x\" cannot name files") == true)
    }

    // MARK: - JSON and YAML

    @Test func jsonManifestsKeepThePlacesOfTheirValuesAndTexts() throws {
        let text = """
            {
              "defaults": {"voices": ["en-us-female"], "formats": ["sip"]},
              "presets": {"sip": {"format": "wav", "rate": 8000, "encoding": "mulaw"}},
              "prompts": [
                {"id": "welcome", "text": "Say \\"hi\\" <break time=\\"2x\\"/>", "tags": ["greeting"]},
                {"id": "bad", "text": "x", "voice": "nobody-here"}
              ]
            }
            """
        let plan = try plan(text, file: "p.json")
        #expect(plan.prompts.map(\.id) == ["welcome"])
        #expect(plan.prompts[0].tags == ["greeting"])
        #expect(plan.formats[plan.prompts[0].formats[0]].settings.encoding == .mulaw)
        #expect(plan.problems.first?.description.hasPrefix("p.json:6:42: error: bad: unknown voice \"nobody-here\"") == true)
        guard case .text(let value) = plan.prompts[0].input else {
            Issue.record("not a text")
            return
        }
        // The `<break` of the text is after two escaped quotes, each two characters in the file.
        #expect(value.location(ofTextLine: 1, column: 10) == SourceLocation(file: "p.json", line: 5, column: 43))
        #expect(
            planError("{\"prompts\": [{\"id\": \"a\", \"txt\": \"x\"}]}", file: "p.json")
                == "p.json:1:26: error: unknown key \"txt\" (known: dialect, file, format, formats, id, locale, locales, loudness, tags, text, truePeak, voice, voices; columns starting with x- are ignored)")
        #expect(planError("[{\"id\": \"a\", \"text\": \"x\"},]", file: "p.json")?.hasPrefix("p.json:1:27: error: invalid JSON") == true)
    }

    @Test func yamlManifestsAndTheirErrorsHavePlaces() throws {
        let text = """
            defaults:
              voices: [en-us-female, de-de-male]
            prompts:
              - id: welcome
                text: |
                  <speak>Hello <prosody rate="warp">there</prosody></speak>
              - id: plain
                text: Thank you
                formats: [vonage-stream]
            """
        let plan = try plan(text, file: "p.yaml")
        #expect(plan.prompts.map(\.id) == ["welcome", "plain"])
        #expect(plan.prompts[0].voices.count == 2)
        guard case .text(let value) = plan.prompts[0].input else {
            Issue.record("not a text")
            return
        }
        #expect(value.location(ofTextLine: 1, column: 23) == SourceLocation(file: "p.yaml", line: 6, column: 29))
        #expect(planError("prompts:\n  - id: a\n    text: [unclosed\n", file: "p.yaml")?.hasPrefix("p.yaml:4:1: error: invalid YAML") == true)
        #expect(planError("prompts:\n  - id: a\n    id: b\n    text: x\n", file: "p.yaml")?.contains("is given twice") == true)
    }

    // MARK: - Shards, hashes

    @Test func shardsAreStableWhenPromptsAreAddedAndBalanced() {
        let ids = (0..<2000).map { "prompt-\($0)" }
        let four = ids.map { BatchShard.assign($0, count: 4) }
        #expect(Set(four) == [1, 2, 3, 4])
        for shard in 1...4 { #expect(abs(four.filter { $0 == shard }.count - 500) < 80) }
        // The shard of an id depends on the id alone: more prompts move none of the others.
        let more = (ids + (2000..<2500).map { "prompt-\($0)" }).map { BatchShard.assign($0, count: 4) }
        #expect(Array(more.prefix(2000)) == four)
        // Growing to five shards moves about a fifth, all of them to the new shard.
        let five = ids.map { BatchShard.assign($0, count: 5) }
        let moved = zip(four, five).filter { $0 != $1 }
        #expect(moved.allSatisfy { $0.1 == 5 } && abs(moved.count - 400) < 80)
    }

    @Test func shardsComeFromTheFlagOrAJobRunnersEnvironment() throws {
        #expect(try BatchShard.resolve("2/4", shards: nil, environment: [:]) == BatchShard(index: 2, count: 4, source: "--shard 2/4"))
        #expect(try BatchShard.resolve(nil, shards: 4, environment: ["JOB_COMPLETION_INDEX": "3"])?.index == 4)
        #expect(try BatchShard.resolve(nil, shards: nil, environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "0", "AWS_BATCH_JOB_ARRAY_SIZE": "3"]) == BatchShard(index: 1, count: 3, source: "AWS_BATCH_JOB_ARRAY_INDEX=0"))
        #expect(try BatchShard.resolve(nil, shards: nil, environment: [:]) == nil)
        for (flag, shards, environment, message) in [
            ("5/4", nil, [:], "K must be from 1 to N"), ("x", nil, [:], "is not K/N"),
            (nil, nil, ["JOB_COMPLETION_INDEX": "1"], "give --shards N"), (nil, 2, ["JOB_COMPLETION_INDEX": "2"], "is not below --shards 2"),
            (nil, 4, [:], "needs JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX"), (nil, nil, ["AWS_BATCH_JOB_ARRAY_INDEX": "1"], "set AWS_BATCH_JOB_ARRAY_SIZE"),
        ] as [(String?, Int?, [String: String], String)] {
            #expect(throws: SSMLError.self) { try BatchShard.resolve(flag, shards: shards, environment: environment) }
            do { _ = try BatchShard.resolve(flag, shards: shards, environment: environment) } catch let error as SSMLError {
                #expect(error.message.contains(message), "\(error.message)")
            } catch {}
        }
    }

    @Test func sha256MatchesTheStandardVectors() throws {
        #expect(SHA256.hash("").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash("abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // A million a's, fed in pieces that straddle the 64-byte blocks.
        var hash = SHA256()
        let piece = String(repeating: "a", count: 1000)
        for _ in 0..<1000 { hash.update(piece) }
        #expect(hash.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
