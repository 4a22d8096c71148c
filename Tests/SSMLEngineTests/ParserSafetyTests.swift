import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// Entity attacks are refused by the parser itself, wherever they hide, with a located error; valid W3C
/// documents (a DOCTYPE without declarations, xsi:schemaLocation) are read.
@Suite(.ownThread) struct ParserSafetyTests {
    let parser = LibXMLParser()

    /// The parser alone (no pre-scan) must refuse `text` with a located forbidden-declaration error.
    func expectRefusedByParser(_ text: String, line: Int? = nil, column: Int? = nil, mentions: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            let root = try parser.parse(text, file: "x.ssml", lineOffset: 0)
            Issue.record("accepted: \(root.textContent.prefix(80))", sourceLocation: sourceLocation)
        } catch let error as SSMLError {
            #expect(error.kind == .forbiddenDeclaration, "\(error)", sourceLocation: sourceLocation)
            #expect(error.location != nil, sourceLocation: sourceLocation)
            if let line { #expect(error.location?.line == line, "\(error)", sourceLocation: sourceLocation) }
            if let column { #expect(error.location?.column == column, "\(error)", sourceLocation: sourceLocation) }
            if let mentions { #expect(error.message.contains(mentions), "\(error)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    /// And the whole loader too (pre-scan and parser): refused with a location, whatever the kind.
    func expectRefused(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            _ = try SSMLDocument.load(text, file: "x.ssml", parser: parser)
            Issue.record("accepted", sourceLocation: sourceLocation)
        } catch let error as SSMLError {
            #expect([.forbiddenDeclaration, .malformedXML].contains(error.kind), "\(error)", sourceLocation: sourceLocation)
            #expect(error.location != nil, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    static let laughs: String = {
        var declarations = "<!ENTITY l0 \"lol\">"
        for level in 1...9 {
            declarations += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">"
        }
        return "<?x <!-- ?><!DOCTYPE speak [\(declarations)]>\n<speak>&l9;</speak>"
    }()

    @Test func theProcessingInstructionTrickIsRefusedByTheParser() {
        // `<?x <!-- ?>` once hid the DOCTYPE from the text pre-scan; the parser sees through it.
        expectRefusedByParser(
            "<?x <!-- ?><!DOCTYPE s [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<speak>&b;</speak>",
            line: 1, column: 25, mentions: "<!ENTITY a>")
        expectRefused(Self.laughs)
    }

    @Test func billionLaughsNestedNineDeepIsRefusedAtTheFirstDeclaration() {
        expectRefusedByParser(Self.laughs, line: 1, column: 29)
    }

    @Test func aLargeEntityUsedManyTimesIsRefused() {
        let big = String(repeating: "word ", count: 10_000)
        let document = "<!DOCTYPE speak [\n<!ENTITY big \"\(big)\">\n]>\n<speak>" + String(repeating: "&big;", count: 100) + "</speak>"
        expectRefusedByParser(document, line: 2, column: 1)
        expectRefused(document)
    }

    @Test func markupBeforeTheDoctypeCannotHideIt() {
        let entity = "<!ENTITY e \"boom\">"
        let hiders = [
            "<?x <!-- ?>", "<?x <![CDATA[ ?>", "<!-- <?x -->", "<!-- ]]> -->", "<?x ?> <!-- --> <?y ]]>?>",
            "<?x '\"?>", "<!---->",
        ]
        for hider in hiders {
            let places = [
                "\(hider)<!DOCTYPE speak [\(entity)]><speak>&e;</speak>",
                "<?xml version=\"1.0\"?>\(hider)<!DOCTYPE speak [\(entity)]><speak>&e;</speak>",
                "<?xml version=\"1.0\"?>\n\(hider)\n\(hider)<!DOCTYPE speak [\(hider)\(entity)]><speak>&e;</speak>",
                "<!DOCTYPE speak [ \(hider) \(entity)]><speak>&e;</speak>",
            ]
            for text in places {
                // Some hiders are not allowed where they stand (CDATA in the prolog): any located refusal will do.
                expectRefused(text)
                do {
                    _ = try parser.parse(text, file: "x.ssml", lineOffset: 0)
                    Issue.record("the parser accepted \(text)")
                } catch let error as SSMLError {
                    #expect(error.location != nil)
                    #expect(!error.message.contains("boom"))
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
        // A CDATA-looking PI before the DOCTYPE, with a well-formed rest: refused at the declaration.
        expectRefusedByParser("<?x <![CDATA[ ?><!DOCTYPE speak [\(entity)]><speak>&e;</speak>", column: 34)
    }

    @Test func parameterEntitiesAreRefused() {
        expectRefusedByParser(
            "<!DOCTYPE speak [<!ENTITY % p \"<!ENTITY x 'y'>\"> %p;]><speak>&x;</speak>", line: 1, column: 18, mentions: "parameter entity")
        // A reference to a parameter entity nobody declared (with an external subset that is never read).
        expectRefusedByParser("<!DOCTYPE speak SYSTEM \"x.dtd\" [%p;]><speak>Hi</speak>", mentions: "%p;")
    }

    @Test func externalEntitiesAreNeverRead() throws {
        expectRefusedByParser(
            "<!DOCTYPE speak [\n  <!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n<speak>&x;</speak>", line: 2, column: 3, mentions: "/etc/passwd")
        expectRefusedByParser("<!DOCTYPE speak [<!ENTITY x PUBLIC \"-//x//EN\" \"http://127.0.0.1:9/x\">]><speak>&x;</speak>")
        expectRefusedByParser("<!DOCTYPE speak [<!ENTITY x SYSTEM \"a.png\" NDATA png>]><speak>Hi</speak>")
        // An external DTD that declares an entity is never read: the reference is refused, not expanded.
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dtd = directory.appendingPathComponent("evil.dtd")
        try Data("<!ENTITY leak \"LEAKED\">".utf8).write(to: dtd)
        expectRefusedByParser("<!DOCTYPE speak SYSTEM \"\(dtd.path)\">\n<speak>a &leak; b</speak>", line: 2, column: 10, mentions: "&leak;")
        expectRefusedByParser("<!DOCTYPE speak SYSTEM \"\(dtd.path)\">\n<speak xml:lang=\"&leak;\">a</speak>", line: 2, mentions: "&leak;")
    }

    @Test func xincludeIsRefused() {
        let document = "<speak xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n  <xi:include href=\"file:///etc/passwd\" parse=\"text\"/>\n</speak>"
        expectRefusedByParser(document, line: 2, column: 3, mentions: "XInclude")
        expectRefused(document)
        expectRefusedByParser("<include xmlns=\"http://www.w3.org/2001/XInclude\" href=\"x.ssml\"/>", line: 1, column: 1)
    }

    @Test func predefinedEntitiesAndCharacterReferencesAreRead() throws {
        let root = try SSMLDocument.load("<speak title=\"&quot;x&apos;\">a &amp; b &lt;&gt; &#233;&#x41;</speak>", file: "x", parser: parser)
        #expect(root.textContent == "a & b <> éA")
        #expect(root.attribute("title")?.value == "\"x'")
    }

    @Test func theW3CDoctypeIsAccepted() throws {
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE speak PUBLIC "-//W3C//DTD SYNTHESIS 1.0//EN"
                              "http://www.w3.org/TR/speech-synthesis/synthesis.dtd">
            <speak version="1.0"
                   xmlns="http://www.w3.org/2001/10/synthesis"
                   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                   xsi:schemaLocation="http://www.w3.org/2001/10/synthesis
                             http://www.w3.org/TR/speech-synthesis/synthesis.xsd"
                   xml:lang="en-US">
              <p>Hello <break time="300ms"/> world</p>
            </speak>
            """
        let root = try SSMLDocument.load(document, file: "w3c.ssml", parser: parser)
        #expect(root.name == "speak" && root.namespace == SSMLDocument.namespace)
        let schema = try #require(root.attribute("schemaLocation", prefix: "xsi"))
        #expect(schema.isSchemaInstance && schema.location.line == 7)
        // Planned without an "unknown attribute" warning for xsi:schemaLocation.
        let planner = try Planner()
        _ = try planner.plan(document)
        #expect(planner.log.warnings.isEmpty, "\(planner.log.warnings)")
        // With an internal subset that declares no entity, too.
        _ = try SSMLDocument.load("<!DOCTYPE speak [ <!-- nothing --> <!ELEMENT speak ANY> ]><speak>Hi</speak>", file: "x", parser: parser)
    }

    @Test func aBareAmpersandIsExplainedWhereItStands() {
        for (text, line, column) in [("<speak>\n  Tom & Jerry</speak>", 2, 7), ("<speak>a&</speak>", 1, 9), ("<speak>AT&T rocks</speak>", 1, 10)] {
            do {
                _ = try SSMLDocument.load(text, file: "a.ssml", parser: parser)
                Issue.record("accepted \(text)")
            } catch let error as SSMLError {
                #expect(error.message.contains("unescaped '&': write &amp;"), "\(error)")
                #expect(error.location?.line == line && error.location?.column == column, "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func fragmentsKeepTheirPlaces() {
        // A fragment is wrapped in <speak> on its own line; the refusal still points into the user's text.
        do {
            _ = try SSMLDocument.load("Hello <b>x</b> &nope; there", file: "f", parser: parser)
            Issue.record("accepted")
        } catch let error as SSMLError {
            #expect(error.location?.line == 1 && error.location?.column == 16, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
