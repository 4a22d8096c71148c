import Foundation
import SSMLEngine
import SSMLTestSupport
import Testing
@testable import SSMLCore

/// The dialect files of the checkout.
enum Dialects {
    static func load(_ name: String) throws -> Dialect {
        try Repository.dialect(name)
    }

    static let catalog = try? Repository.catalog()

    static func lint(_ text: String, _ name: String) throws -> [LintFinding] {
        Linter(dialect: try load(name), parser: LibXMLParser(), catalog: catalog).lint(text, file: "t.ssml")
    }
}

@Suite struct LintTests {
    /// A fault planted at a known place, and the dialects that must (and must not) report it.
    struct Planted: CustomStringConvertible, Sendable {
        var name: String
        var text: String
        var rule: String
        var line: Int
        var column: Int
        /// Dialect name -> expected severity.
        var reportedBy: [String: Diagnostic.Severity]
        var description: String { name }
    }

    static let planted: [Planted] = [
        Planted(
            name: "break over the cap", text: "<speak>\n  Hi <break time=\"25s\"/> there\n</speak>",
            rule: "break-cap", line: 2, column: 13, reportedBy: ["polly": .error, "azure": .warning]),
        Planted(
            name: "signed prosody rate", text: "<speak>\n  <prosody rate=\"+10%\">quick</prosody>\n</speak>",
            rule: "value", line: 2, column: 12, reportedBy: ["vonage": .warning, "w3c": .warning]),  // Polly's own whispered example slows with rate="-10%"
        Planted(
            name: "rate out of range", text: "<speak>\n  <prosody rate=\"300%\">quick</prosody>\n</speak>",
            rule: "range", line: 2, column: 12, reportedBy: ["polly": .error, "azure": .warning]),
        Planted(
            name: "region-gender voice name", text: "<speak>\n  <voice name=\"de-de-female\">Hallo</voice>\n</speak>",
            rule: "voice", line: 2, column: 10, reportedBy: ["azure": .error, "google": .warning]),
        Planted(
            name: "neural voice name", text: "<speak>\n  <voice name=\"de-DE-KatjaNeural\">Hallo</voice>\n</speak>",
            rule: "voice", line: 2, column: 10, reportedBy: ["seven": .warning, "google": .warning]),
        Planted(
            name: "mark", text: "<speak>\n  One <mark name=\"here\"/> two\n</speak>",
            rule: "element", line: 2, column: 7, reportedBy: ["azure": .warning, "seven": .warning, "vonage": .warning]),
        Planted(
            name: "voice element", text: "<speak>\n  <voice name=\"en-us-male\">Hi</voice>\n</speak>",
            rule: "element", line: 2, column: 3, reportedBy: ["polly": .error, "vonage": .warning]),
        Planted(
            name: "characters", text: "<speak>\n  Code <say-as interpret-as=\"characters\">A7</say-as>\n</speak>",
            rule: "value", line: 2, column: 16, reportedBy: ["vonage": .warning]),
        Planted(
            name: "ordinal", text: "<speak>\n  <say-as interpret-as=\"ordinal\">3</say-as>\n</speak>",
            rule: "value", line: 2, column: 11, reportedBy: ["seven": .warning]),
        Planted(
            name: "plain http audio", text: "<speak>\n  <p><audio src=\"http://example.com/a.mp3\">ding</audio></p>\n</speak>",
            rule: "audio", line: 2, column: 13, reportedBy: ["azure": .error, "google": .error]),
        Planted(
            name: "fragment", text: "Hello <break time=\"1s\"/> there",
            rule: "speak", line: 1, column: 1,
            reportedBy: ["vonage": .error, "polly": .error, "azure": .error, "google": .error, "w3c": .error]),
        Planted(
            name: "dB volume", text: "<speak>\n  <prosody volume=\"-6dB\">soft</prosody>\n</speak>",
            rule: "value", line: 2, column: 12, reportedBy: ["azure": .warning]),
    ]

    @Test(arguments: planted)
    func plantedFaultIsReportedWhereItIsAndOnlyByItsDialects(_ fault: Planted) throws {
        for name in Dialect.names {
            let findings = try Dialects.lint(fault.text, name).filter { $0.rule == fault.rule }
            if let severity = fault.reportedBy[name] {
                let finding = try #require(findings.first, "\(name) misses \(fault.name)")
                #expect(finding.location.line == fault.line && finding.location.column == fault.column, "\(name): \(finding)")
                #expect(finding.severity == severity, "\(name): \(finding)")
                #expect(finding.source?.isEmpty == false)
            } else {
                #expect(findings.isEmpty, "\(name) should not report \(fault.name): \(findings)")
            }
        }
    }

    @Test func rawScanFindsEveryBareCharacterAndTheParserTheStructuralFault() throws {
        let text = "<speak>\n  <p>Tom & Jerry, 3 < 4</p>\n  <audio src=\"https://x.org/a.mp3?a=1&b=2\"/>\n  <p>Call <break time=\"2s\"> now</p>\n</speak>"
        for name in Dialect.names {
            let findings = try Dialects.lint(text, name)
            let escapes = findings.filter { $0.rule == "escape" }.map { "\($0.location.line):\($0.location.column)" }
            #expect(escapes == ["2:10", "2:21", "3:38"], "\(name): \(findings)")
            let xml = try #require(findings.first { $0.rule == "xml" }, "\(name)")
            #expect(xml.location.line == 4 && xml.severity == .error, "\(xml)")
        }
    }

    @Test func undefinedEntityIsReportedWithoutAGuess() throws {
        let findings = try Dialects.lint("<speak>A&nbsp;B</speak>", "seven")
        let finding = try #require(findings.first)
        #expect(finding.rule == "escape" && finding.location.column == 9 && finding.fix == nil)
    }

    @Test func plainTextIsWordsNotMarkup() throws {
        #expect(try Dialects.lint("Tom & Jerry: 3 < 4", "polly").isEmpty)
    }

    static let clean: [(String, String)] = [
        (
            "azure",
            """
            <speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">
              <voice name="en-US-JennyNeural">Hello <break time="750ms"/> <prosody rate="+10%" volume="-5">there</prosody></voice>
            </speak>
            """
        ),
        ("polly", "<speak>Hello <break time=\"3s\"/> <prosody rate=\"80%\" volume=\"-6dB\">there</prosody> <say-as interpret-as=\"characters\">A7</say-as></speak>"),
        ("vonage", "<speak><p>Hello.</p><p>How are <prosody rate=\"slow\" pitch=\"+10%\">you</prosody>?</p><say-as interpret-as=\"spell-out\">RSVP</say-as></speak>"),
        ("google", "<speak><voice name=\"en-US-Wavenet-A\">Here are <say-as interpret-as=\"characters\">SSML</say-as> samples. <audio src=\"https://example.com/a.mp3\">a sound</audio></voice></speak>"),
        ("w3c", "<speak version=\"1.1\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"en-US\"><s>Hi <break time=\"1s\"/> there</s></speak>"),
    ]

    @Test func cleanDocumentsHaveNoFindings() throws {
        for (name, text) in Self.clean {
            let findings = try Dialects.lint(text, name)
            #expect(findings.isEmpty, "\(name): \(findings)")
        }
    }

    @Test func sevenSamplesAreCleanForSeven() throws {
        let samples = try FileManager.default.contentsOfDirectory(atPath: Repository.root.appendingPathComponent("Samples").path)
            .filter { $0.hasPrefix("seven-") || $0 == "audio-between-sentences.ssml" }
        #expect(samples.count >= 5)
        for sample in samples {
            let text = try String(contentsOf: Repository.root.appendingPathComponent("Samples/\(sample)"), encoding: .utf8)
            #expect(try Dialects.lint(text, "seven").isEmpty, "\(sample)")
        }
    }

    @Test func textLimitsCountWhatEachServiceCounts() throws {
        let words = String(repeating: "word ", count: 320)  // 1,600 characters of text.
        let document = "<speak><prosody rate=\"slow\">\(words)</prosody></speak>"
        #expect(try Dialects.lint(document, "vonage").contains { $0.rule == "text-length" && $0.severity == .error })
        #expect(try !Dialects.lint(document, "polly").contains { $0.rule == "text-length" })
        let long = "<speak>\(String(repeating: "word ", count: 700))</speak>"  // 3,500 characters: over Polly's billed 3,000.
        #expect(try Dialects.lint(long, "polly").contains { $0.rule == "text-length" })
        #expect(try !Dialects.lint(long, "seven").contains { $0.rule == "text-length" })
        #expect(try Dialects.lint(String(repeating: "ü", count: 2600), "google").contains { $0.rule == "text-length" })  // 5,200 bytes.
    }

    @Test func azureCountsVoiceAndAudioElements() throws {
        let voices = (1...51).map { _ in "<voice name=\"en-US-JennyNeural\">Hi.</voice>" }.joined(separator: "\n")
        let document = "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"en-US\">\n\(voices)\n</speak>"
        let count = try #require(try Dialects.lint(document, "azure").first { $0.rule == "count" })
        #expect(count.location.line == 52 && count.severity == .error)
        #expect(try Dialects.lint(document, "google").allSatisfy { $0.rule != "count" })
    }

    @Test func fixedOutputLintsCleanAndPlans() throws {
        let text = "Tom & Jerry <break time=\"30s\"/> <prosody rate=\"300%\">fast</prosody> <mark name=\"m\"/> 3 < 4"
        for name in ["polly", "vonage", "google", "seven"] {
            let linter = Linter(dialect: try Dialects.load(name), parser: LibXMLParser(), catalog: Dialects.catalog)
            let result = LintFixer.fix(text, file: "t.ssml", linter: linter)
            #expect(result.remaining.filter { $0.severity == .error }.isEmpty, "\(name): \(result.remaining)")
            #expect(result.notes.allSatisfy { $0.severity == .note && $0.rule == "fixed" })
            #expect(!result.notes.isEmpty)
            let plan = try Planner().plan(result.fixed)
            #expect(plan.contains { if case .speech = $0 { true } else { false } })
        }
        let polly = LintFixer.fix(text, file: "t.ssml", linter: Linter(dialect: try Dialects.load("polly"), parser: LibXMLParser()))
        #expect(polly.fixed.hasPrefix("<speak>\n") && polly.fixed.contains("time=\"10s\"") && polly.fixed.contains("200%"))
        #expect(polly.fixed.contains("Tom &amp; Jerry") && polly.fixed.contains("3 &lt; 4"))
    }

    @Test func fixNeverGuessesALanguage() throws {
        let linter = Linter(dialect: try Dialects.load("azure"), parser: LibXMLParser(), catalog: Dialects.catalog)
        let result = LintFixer.fix("<speak><voice name=\"en-US-JennyNeural\">Hi</voice></speak>", file: "t", linter: linter)
        #expect(result.fixed.contains("version=\"1.0\"") && result.fixed.contains("xmlns=\"http://www.w3.org/2001/10/synthesis\""))
        #expect(!result.fixed.contains("xml:lang"))
        #expect(result.remaining.contains { $0.rule == "required-attribute" && $0.message.contains("xml:lang") })
    }

    @Test func renderTransformClampsBreaksAndReadsKeywordTables() throws {
        let text = "<speak>One <break time=\"30s\"/> two <break strength=\"x-strong\"/> three</speak>"
        func pauses(_ dialect: String?) throws -> [Double] {
            var root = try SSMLDocument.load(text, file: "t", parser: LibXMLParser())
            if let dialect { root = DialectTransform(dialect: try Dialects.load(dialect)).apply(root) }
            let planner = try Planner()
            let interpreter = Interpreter(resolver: planner.resolver, log: planner.log, capabilities: FakeSynthesizer())
            return try interpreter.plan(root, defaultVoice: try #require(planner.resolver.voice(named: "en-us-female"))).compactMap {
                if case .pause(let seconds, _, _) = $0 { seconds } else { nil }
            }
        }
        #expect(try pauses(nil) == [30, 1.2])
        #expect(try pauses("azure") == [20, 1.25])
        #expect(try pauses("polly") == [10, 1.2])
        #expect(try pauses("vonage") == [30, 0.6])
    }

    @Test func renderTransformDropsWhatTheServiceDoesNotRead() throws {
        let text = "<speak><voice name=\"de-de-female\"><prosody rate=\"1.5\">Hallo</prosody></voice></speak>"
        let root = DialectTransform(dialect: try Dialects.load("polly")).apply(try SSMLDocument.load(text, file: "t", parser: LibXMLParser()))
        guard case .element(let prosody) = root.children.first else { Issue.record("no element"); return }
        #expect(prosody.name == "prosody" && prosody.attributes.isEmpty)
    }

    @Test func reportsParseAsJSONAndJUnit() throws {
        let dialect = try Dialects.load("polly")
        let bad = "<speak>\n  <voice name=\"Joanna\">Hi & bye</voice>\n  <break time=\"12s\"/>\n</speak>"
        let linter = Linter(dialect: dialect, parser: LibXMLParser(), catalog: Dialects.catalog)
        let files = [
            LintReport.File(name: "bad.ssml", text: bad, findings: linter.lint(bad, file: "bad.ssml")),
            LintReport.File(name: "good.ssml", text: "<speak>Hi</speak>", findings: linter.lint("<speak>Hi</speak>", file: "good.ssml")),
        ]
        let report = LintReport(dialect: dialect, files: files, failOn: .error)
        #expect(report.count(.error) == 3 && report.failed)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(json["errors"] as? Int == 3 && json["dialect"] as? String == "polly")
        let jsonFiles = try #require(json["files"] as? [[String: Any]])
        let findings = try #require(jsonFiles.first?["findings"] as? [[String: Any]])
        #expect(findings.count == 3 && findings.first?["line"] as? Int == 2 && findings.first?["column"] as? Int == 3)

        let junit = try LibXMLParser().parse(report.junit(), file: "junit.xml", lineOffset: 0)
        #expect(junit.name == "testsuites" && junit.attribute("failures")?.value == "3" && junit.attribute("tests")?.value == "4")
        let suites = junit.children.compactMap { if case .element(let e) = $0 { e } else { nil } }
        #expect(suites.count == 2)
        let cases = suites.flatMap { $0.children.compactMap { if case .element(let e) = $0, e.name == "testcase" { e } else { nil } } }
        #expect(cases.count == 4)
        let failures = cases.filter { $0.children.contains { if case .element(let e) = $0 { e.name == "failure" } else { false } } }
        #expect(failures.count == 3)

        let text = report.text()
        #expect(text.contains("bad.ssml:2:3: error: <voice>") && text.contains("\n      ^\n"))
    }

    @Test func unifiedDiffHasHunksWithContext() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
        let diff = UnifiedDiff.make(old, new, oldName: "a/x", newName: "b/x")
        #expect(diff == "--- a/x\n+++ b/x\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n")
        #expect(UnifiedDiff.make(old, old, oldName: "a", newName: "b").isEmpty)
    }

    @Test func everyRuleCitesASource() throws {
        for name in Dialect.names {
            let dialect = try Dialects.load(name)
            #expect(dialect.name == name)
            #expect(dialect.elements.values.allSatisfy { !$0.source.isEmpty })
            #expect(dialect.values.allSatisfy { !$0.source.isEmpty } && dialect.textLimits.allSatisfy { !$0.source.isEmpty })
            #expect(dialect.children.allSatisfy { !$0.source.isEmpty } && dialect.tables.allSatisfy { !$0.source.isEmpty })
            for rule in dialect.values { for form in rule.forms ?? [] { #expect((try? NSRegularExpression(pattern: form.pattern)) != nil) } }
        }
    }

    /// Polly's pages write `<amazon:effect>` without declaring the prefix; that is clean Polly, not malformed XML.
    @Test func pollyAmazonPrefixNeedsNoDeclaration() throws {
        let text = "<speak>\n  <amazon:effect name=\"whispered\">secret</amazon:effect>\n  <prosody amazon:max-duration=\"2s\">x</prosody>\n</speak>"
        #expect(try Dialects.lint(text, "polly").filter { $0.severity != .note }.isEmpty)
        let others = try Dialects.lint(text, "google").filter { $0.rule == "xml" }
        #expect(others.count == 1 && others.first?.location.line == 2 && others.first?.location.column == 3)
    }

    /// Idiomatic documents seen in each service's own pages give no warnings or errors.
    @Test func idiomaticDocumentsAreClean() throws {
        let google = "<speak><audio src=\"https://e.com/a.ogg\"><desc>a cat</desc>meow</audio></speak>"
        #expect(try Dialects.lint(google, "google").isEmpty)
        let azure = """
            <speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US"><voice name="en-US-JennyNeural">\
            <p><s>A <emphasis level="strong">big</emphasis> <bookmark mark="b"/> <lang xml:lang="de-DE">Tag</lang>.</s></p></voice></speak>
            """
        #expect(try Dialects.lint(azure, "azure").filter { $0.severity != .note }.isEmpty)
    }

    /// A dB volume no renderer plays is reported, and --fix clamps it to a value `ssml render` takes.
    @Test func hugeDecibelVolumeIsClampedByFix() throws {
        let text = "<speak>\n  <prosody volume=\"+200dB\">y</prosody>\n</speak>"
        for name in ["polly", "vonage", "w3c"] {
            let finding = try #require(try Dialects.lint(text, name).first { $0.rule == "range" }, "\(name)")
            #expect(finding.severity == .error && finding.location.line == 2 && finding.location.column == 12)
        }
        let result = LintFixer.fix(text, file: "t.ssml", linter: Linter(dialect: try Dialects.load("polly"), parser: LibXMLParser()))
        #expect(result.fixed.contains("volume=\"+40dB\""))
    }
}
