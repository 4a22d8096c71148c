import Foundation
import SSMLEngine
import Testing
@testable import SSMLCore

@Suite struct DocumentTests {
    let parser = LibXMLParser()

    @Test func classifiesInput() {
        #expect(SSMLInput.classify("Hello & welcome, 3 < 4") == .plainText("Hello & welcome, 3 < 4"))
        #expect(SSMLInput.classify("Hi <break time=\"1s\"/> there") == .fragment("Hi <break time=\"1s\"/> there"))
        #expect(SSMLInput.classify("  <speak>x</speak>") == .document("  <speak>x</speak>"))
        #expect(SSMLInput.classify("<?xml version=\"1.0\"?><speak/>") == .document("<?xml version=\"1.0\"?><speak/>"))
        #expect(SSMLInput.classify("a <b> c") == .plainText("a <b> c"))
        #expect(SSMLInput.classify("<!-- TODO: the prompt -->\n") == .fragment("<!-- TODO: the prompt -->\n"))
        #expect(SSMLInput.classify("Hello <shout>there</shout>") == .fragment("Hello <shout>there</shout>"))
        // A namespace-prefixed root is a document: the prefix is an XML name, then `:speak` and a space, `>` or `/`.
        for document in ["<ssml:speak>x</ssml:speak>", "<s_1.a-b:speak\n xmlns:s_1.a-b=\"u\"/>", "<_x:speak/>"] {
            #expect(SSMLInput.classify(document) == .document(document))
        }
        for other in ["<1x:speak>x</1x:speak>", "<a b:speak>x", "<ssml:speaker>x</ssml:speaker>", "<ssml:speak", "note: speak up"] {
            #expect(SSMLInput.classify(other) != .document(other), "\(other)")
        }
    }

    @Test func plainTextKeepsMarkupCharactersAsWords() throws {
        let root = try SSMLDocument.load("if a<b then & c", file: "t", parser: parser)
        #expect(root.textContent == "if a<b then & c")
    }

    @Test func elementAndAttributeLocations() throws {
        let text = "<speak>\n  <prosody rate=\"slow\"\n           pitch=\"+5%\">x</prosody>\n</speak>"
        let root = try SSMLDocument.load(text, file: "p.ssml", parser: parser)
        guard case .element(let prosody) = root.children[1] else { Issue.record("no element"); return }
        #expect(prosody.location.line == 2 && prosody.location.column == 3)
        #expect(prosody.attribute("rate")?.location.description == "p.ssml:2:12")
        #expect(prosody.attribute("pitch")?.location.description == "p.ssml:3:12")
    }

    @Test func fragmentLinesMatchTheUsersFile() throws {
        let text = "Hello\n<break time=\"1s\"/> there\n  <voice name=\"x\">a</voice>"
        let root = try SSMLDocument.load(text, file: "f.ssml", parser: parser)
        let elements = root.children.compactMap { node -> SSMLCore.XMLElement? in
            if case .element(let e) = node { return e }
            return nil
        }
        #expect(elements.map(\.location.description) == ["f.ssml:2:1", "f.ssml:3:3"])
        #expect(elements[1].attribute("name")?.location.description == "f.ssml:3:10")
    }

    @Test func malformedXMLNamesThePlace() {
        let text = "<speak>\n  <s>Hello</p>\n</speak>"
        #expect {
            try SSMLDocument.load(text, file: "bad.ssml", parser: parser)
        } throws: { error in
            guard let error = error as? SSMLError else { return false }
            return error.kind == .malformedXML && error.location?.line == 2 && error.description.hasPrefix("bad.ssml:2:")
        }
    }

    @Test func undefinedEntityIsAnError() {
        #expect(throws: SSMLError.self) { try SSMLDocument.load("<speak>a &nope; b</speak>", file: "e", parser: parser) }
    }

    @Test func billionLaughsIsRefusedAtTheDeclaration() {
        let bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            ]>
            <speak>&lol3;</speak>
            """
        #expect {
            try SSMLDocument.load(bomb, file: "bomb.ssml", parser: parser)
        } throws: { error in
            let error = error as? SSMLError
            // At the first declaration (the DOCTYPE itself is allowed: it may declare no entity).
            return error?.kind == .forbiddenDeclaration && error?.location?.line == 3 && error?.location?.column == 3
        }
    }

    @Test func externalEntityIsRefused() {
        let xxe = "<!DOCTYPE speak [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<speak>&x;</speak>"
        #expect(throws: SSMLError.self) { try SSMLDocument.load(xxe, file: "xxe", parser: parser) }
    }

    @Test func doctypeInsideACommentIsHarmless() throws {
        let root = try SSMLDocument.load("<speak><!-- <!DOCTYPE x> -->Hi</speak>", file: "c", parser: parser)
        #expect(root.textContent == "Hi")
    }

    @Test func nonSpeakRootIsWrapped() throws {
        let root = try SSMLDocument.load("<?xml version=\"1.0\"?><voice name=\"a\">Hi</voice>", file: "v", parser: parser)
        #expect(root.name == "speak")
        #expect(root.textContent == "Hi")
    }

    @Test func oversizedInputIsRefused() {
        var limits = Limits()
        limits.maxInputBytes = 10
        #expect(throws: SSMLError.self) { try SSMLDocument.load("0123456789abc", file: "big", parser: parser, limits: limits) }
    }
}
