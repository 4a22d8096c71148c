import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// say-as through the interpreter: words in the voice's language, errors at the element or attribute.
@Suite struct NormalizeInterpreterTests {
    func text(_ body: String, voice: String = "en-us-female") throws -> String {
        try Planner().plan("<speak>\(body)</speak>", voice: voice).compactMap(\.speech).map(\.displayText).joined(separator: " | ")
    }

    @Test func wordsFollowTheVoiceLanguage() throws {
        #expect(try text("<say-as interpret-as=\"cardinal\">1234</say-as>", voice: "de-de-female") == "tausend zweihundert vierunddreißig")
        #expect(try text("Total <say-as interpret-as=\"currency\">13,50 €</say-as>", voice: "fr-fr-female") == "Total treize euros cinquante")
        #expect(try text("<voice xml:lang=\"es-ES\"><say-as interpret-as=\"ordinal\">3</say-as></voice> <say-as interpret-as=\"ordinal\">3</say-as>") == "tercero | third")
    }

    @Test func aWordTheTimeAlreadySaidIsNotRepeated() throws {
        #expect(
            try text("Kommen Sie um <say-as interpret-as=\"time\" format=\"hms24\">14:30</say-as> Uhr vorbei.", voice: "de-de-female")
                == "Kommen Sie um vierzehn Uhr dreißig vorbei.")
        // Only right after the element, and only a word the reading said.
        #expect(
            try text("Um <say-as interpret-as=\"time\" format=\"hms24\">9:00</say-as> beginnt es. Uhr", voice: "de-de-female")
                .hasSuffix("beginnt es. Uhr"))
    }

    @Test func aliasesOfTheCloudServicesAreAccepted() throws {
        #expect(try text("<say-as interpret-as=\"number\">7</say-as> <say-as interpret-as=\"number_digit\">42</say-as> <say-as interpret-as=\"spell-out\">ab</say-as>") == "seven four two a b")
    }

    @Test func expletiveBecomesABleepSegment() throws {
        let plan = try Planner().plan("<speak>Oh <say-as interpret-as=\"expletive\">darn</say-as> it</speak>")
        #expect(plan.count == 3)
        guard case .bleep(let word) = plan[1] else { Issue.record("no bleep in \(plan)"); return }
        #expect(word.pieces == [.text("darn")] && word.voice.name == "en-us-female")
    }

    static let errors: [(String, String, String)] = [
        ("<say-as interpret-as=\"date\">2023-02-30</say-as>", "t.ssml:1:8 <say-as>", "does not exist"),
        ("<say-as interpret-as=\"date\">03/04/2023</say-as>", "t.ssml:1:8 <say-as>", "ambiguous"),
        ("<say-as interpret-as=\"date\" format=\"mdy\">2023-03-04</say-as>", "t.ssml:1:8 <say-as>", "does not match"),
        ("<say-as interpret-as=\"date\" format=\"abc\">2023-03-04</say-as>", "t.ssml:1:36 <say-as format>", "not a date format"),
        ("<say-as interpret-as=\"date\" detail=\"9\">2023-03-04</say-as>", "t.ssml:1:36 <say-as detail>", "detail"),
        ("<say-as interpret-as=\"time\">24:10</say-as>", "t.ssml:1:8 <say-as>", "no hour"),
        ("<say-as interpret-as=\"cardinal\">twelve</say-as>", "t.ssml:1:8 <say-as>", "not a number"),
    ]

    @Test(arguments: errors)
    func refusedValuesAreLocatedErrors(body: String, place: String, message: String) throws {
        do {
            _ = try Planner().plan("<speak>\(body)</speak>")
            Issue.record("no error for \(body)")
        } catch let error as SSMLError {
            #expect(error.kind == .invalidValue)
            #expect(error.message.contains(message), "\(error.message)")
            let location = try #require(error.location)
            #expect("\(location.file):\(location.line):\(location.column) <say-as\(location.attribute.map { " " + $0 } ?? "")>" == place, "\(location)")
        }
    }

    @Test func unknownInterpretAsWarnsAndReadsAsWritten() throws {
        let planner = try Planner()
        #expect(try planner.plan("<speak><say-as interpret-as=\"vehicle\">AB 12</say-as></speak>")[0].speech?.displayText == "AB 12")
        #expect(planner.log.warnings.count == 1)
        #expect(throws: SSMLError.self) { try Planner(strict: true).plan("<speak><say-as interpret-as=\"vehicle\">AB 12</say-as></speak>") }
    }

    @Test func languagesWithoutRulesFallBackToTheEngineWithAWarning() throws {
        let catalog = try Repository.catalog()
        let resolver = VoiceResolver(catalog: catalog, languages: FakeSynthesizer().languages.union(["sv"]))
        let log = DiagnosticLog()
        let root = try SSMLDocument.load("<speak><say-as interpret-as=\"cardinal\">12</say-as> <say-as interpret-as=\"characters\">ab</say-as></speak>", file: "t.ssml", parser: LibXMLParser())
        let interpreter = Interpreter(resolver: resolver, log: log, capabilities: FakeSynthesizer())
        let voice = try #require(resolver.voice(locale: "sv-SE", gender: .female))
        let plan = try interpreter.plan(root, defaultVoice: voice)
        #expect(plan.first?.speech?.pieces == [.text("12"), .characters("ab")])
        #expect(log.warnings.count == 1)
        #expect(log.warnings.first?.location?.attribute == "interpret-as")
    }
}

@Suite struct NormalizeContextInterpreterTests {
    @Test func theTextBeforeTheElementIsItsContext() throws {
        let plan = { (body: String, voice: String) throws -> String in
            try Planner().plan("<speak>\(body)</speak>", voice: voice).compactMap(\.speech).map(\.displayText).joined(separator: " | ")
        }
        #expect(try plan("Gültig bis <say-as interpret-as=\"date\" format=\"dmy\">31.12.2024</say-as>", "de-de-female") == "Gültig bis einunddreißigsten Dezember zweitausend vierundzwanzig")
        #expect(try plan("a las <say-as interpret-as=\"time\">14:30</say-as>", "es-es-female") == "a las catorce y treinta")
    }
}
