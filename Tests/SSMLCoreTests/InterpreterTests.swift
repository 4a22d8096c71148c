import Foundation
import SSMLEngine
import SSMLTestSupport
import Testing
@testable import SSMLCore

extension Segment {
    var pauseSeconds: Double? { if case .pause(let s, _, _) = self { s } else { nil } }
}

@Suite struct InterpreterTests {
    @Test func adjacentTextInOneVoiceIsOneSegment() throws {
        let plan = try Planner().plan("<speak>Hello <sub alias=\"World Wide Web\">WWW</sub> fans</speak>")
        #expect(plan.count == 1)
        #expect(plan[0].speech?.pieces == [.text("Hello"), .text("World Wide Web"), .text("fans")])
    }

    @Test func breaksTimesAndStrengths() throws {
        let plan = try Planner().plan("<speak>a<break time=\"1.5s\"/>b<break strength=\"x-strong\"/>c<break/>d</speak>")
        #expect(plan.compactMap(\.pauseSeconds) == [1.5, 1.2, 0.5])
    }

    @Test func longBreakIsClampedWithAWarning() throws {
        let planner = try Planner()
        let plan = try planner.plan("<speak>a<break time=\"300s\"/>b</speak>")
        #expect(plan.compactMap(\.pauseSeconds) == [60])
        #expect(planner.log.warnings.first?.location?.description == "t.ssml:1:16")
    }

    @Test func sentenceAndParagraphPausesMergeAndTrim() throws {
        let plan = try Planner().plan("<speak><p><s>One.</s><s>Two.</s></p><p>Three.</p></speak>")
        #expect(plan.compactMap(\.pauseSeconds) == [BreakValue.sentencePause, BreakValue.paragraphPause])
        #expect(plan.compactMap(\.speech).map(\.displayText) == ["One.", "Two.", "Three."])
    }

    @Test func voiceLoopRepeatsWithLoopInfoBetweenPasses() throws {
        let plan = try Planner().plan("<speak><voice name=\"de-de-female\" loop=\"3\" loop-info=\"Ich wiederhole\">Code 1 2 3</voice></speak>")
        let texts = plan.compactMap(\.speech).map(\.displayText)
        #expect(texts == ["Code 1 2 3", "Ich wiederhole", "Code 1 2 3", "Ich wiederhole", "Code 1 2 3"])
        #expect(plan.compactMap(\.speech).allSatisfy { $0.voice.name == "de-de-female" })
    }

    @Test func loopAboveTheLimitIsAnError() {
        #expect(throws: SSMLError.self) { try Planner().plan("<speak><voice name=\"en-us-male\" loop=\"51\">x</voice></speak>") }
        #expect(throws: SSMLError.self) { try Planner().plan("<speak><voice name=\"en-us-male\" loop=\"0\">x</voice></speak>") }
    }

    @Test func sayAsCharactersAndTelephone() throws {
        let plan = try Planner().plan("<speak>Code <say-as interpret-as=\"characters\">p4 X</say-as> and <say-as interpret-as=\"telephone\">+49 170-123</say-as></speak>")
        #expect(plan[0].speech?.pieces == [.text("Code"), .characters("p4X"), .text("and"), .text("plus four nine,"), .text("one seven zero,"), .text("one two three")])
    }

    @Test func unknownElementWarnsAndStillSpeaks() throws {
        let planner = try Planner()
        let plan = try planner.plan("<speak>\n  <shout loud=\"yes\">Hey</shout>\n</speak>")
        #expect(plan[0].speech?.displayText == "Hey")
        #expect(planner.log.warnings.map { $0.location!.description } == ["t.ssml:2:3"])
    }

    @Test func strictTurnsWarningsIntoErrors() {
        #expect {
            try Planner(strict: true).plan("<speak><prosody speed=\"2\">x</prosody></speak>")
        } throws: { error in
            (error as? SSMLError)?.location?.attribute == "speed"
        }
    }

    @Test func voiceNamesResolve() throws {
        let plan = try Planner().plan(
            """
            <speak><voice name="de-DE-KatjaNeural">a</voice><voice name="Matthew">b</voice>\
            <voice name="fr-fr-male">c</voice><voice gender="male">d</voice><voice age="8">e</voice></speak>
            """)
        let voices = plan.compactMap(\.speech).map { "\($0.voice.locale)/\($0.voice.gender)" }
        #expect(voices == ["de-DE/female", "en-US/male", "fr-FR/male", "en-US/male", "en-US/child"])
    }

    /// SSML's rule when a voice cannot be found is to pick another and go on: the voice in force reads it, with a
    /// warning that suggests the closest name; with --strict it is the located error.
    @Test func unknownVoiceSuggestsTheClosest() throws {
        let planner = try Planner()
        let plan = try planner.plan("<speak><voice name=\"de-de-femal\">x</voice></speak>")
        #expect(plan.compactMap(\.speech).map(\.voice.name) == ["en-us-female"])
        let warning = try #require(planner.log.warnings.first)
        #expect(warning.message.contains("unknown voice \"de-de-femal\"") && warning.message.contains("did you mean de-de-female?"))
        #expect(warning.location?.description == "t.ssml:1:15")
        #expect {
            try Planner(strict: true).plan("<speak><voice name=\"de-de-femal\">x</voice></speak>")
        } throws: { error in
            let error = error as? SSMLError
            return error?.kind == .unknownVoice && error?.message.contains("did you mean de-de-female?") == true
                && error?.location?.description == "t.ssml:1:15"
        }
    }

    @Test func xmlLangSwitchesLanguageKeepsGenderAndReturns() throws {
        let plan = try Planner().plan("<speak>Hello <s xml:lang=\"de-DE\">Guten Tag</s> again</speak>", voice: "en-gb-male")
        let voices = plan.compactMap(\.speech).map(\.voice.name)
        #expect(voices == ["en-gb-male", "de-de-male", "en-gb-male"])
    }

    @Test func languageTheEngineDoesNotSpeakIsAnError() {
        #expect {
            try Planner().plan("<speak><lang xml:lang=\"tlh\">Qapla</lang></speak>")
        } throws: { error in
            (error as? SSMLError)?.location?.description == "t.ssml:1:14"
        }
    }

    @Test func prosodyNests() throws {
        let plan = try Planner().plan("<speak><prosody rate=\"50%\" volume=\"-6dB\"><prosody rate=\"+100%\" volume=\"-6dB\">x</prosody></prosody></speak>")
        let prosody = try #require(plan[0].speech?.prosody)
        #expect(prosody.rate == 1)
        #expect(prosody.volumeDB == -12)
    }

    @Test func missingAudioWithoutFallbackIsAnError() {
        #expect {
            try Planner().plan("<speak>a <audio src=\"missing.wav\"/></speak>")
        } throws: { error in
            let error = error as? SSMLError
            return error?.kind == .audioSource && error?.location?.attribute == "src"
        }
    }

    @Test func missingAudioSpeaksItsFallback() throws {
        let planner = try Planner()
        let plan = try planner.plan("<speak>a <audio src=\"missing.wav\">the chime<desc>a bell</desc></audio></speak>")
        #expect(plan.compactMap(\.speech).map(\.displayText) == ["a the chime"])
        #expect(planner.log.warnings.count == 1)
    }

    @Test func remoteAudioIsNotFetched() throws {
        let planner = try Planner()
        _ = try planner.plan("<speak><audio src=\"http://127.0.0.1:9/x.mp3\">fallback</audio></speak>")
        #expect(planner.log.warnings.first?.message.contains("not fetched") == true)
    }

    @Test func callControlIsReportedNotDropped() throws {
        let planner = try Planner()
        let plan = try planner.plan("<speak><dtmf min=\"1\" max=\"4\" digits=\"[0-9]\">Enter your PIN</dtmf><bridge number=\"+4930123\" digit=\"9\"/></speak>")
        #expect(plan.compactMap(\.speech).map(\.displayText) == ["Enter your PIN"])
        let controls = plan.compactMap { segment -> CallControl.Kind? in
            if case .callControl(let control) = segment { return control.kind }
            return nil
        }
        #expect(controls == [.dtmf, .bridge])
        #expect(planner.log.diagnostics.filter { $0.severity == .note }.count == 2)
    }

    @Test func badDtmfValuesAreErrors() {
        #expect(throws: SSMLError.self) { try Planner().plan("<speak><dtmf min=\"3\" max=\"1\">x</dtmf></speak>") }
        #expect(throws: SSMLError.self) { try Planner().plan("<speak><dtmf digits=\"[0-\">x</dtmf></speak>") }
        #expect(throws: SSMLError.self) { try Planner().plan("<speak><bridge/></speak>") }
    }
}

@Suite struct VoiceResolverTests {
    let resolver: VoiceResolver

    init() throws {
        resolver = VoiceResolver(catalog: try Repository.catalog(), languages: ["en-us", "en-gb", "de", "fr-fr", "fr-be", "es", "es-419", "pt", "pt-br", "it", "nl", "cmn", "ja", "ru", "ar", "hr"])
    }

    @Test(arguments: [
        ("fr-fr-female", "fr-FR", VoiceGender.female), ("en-gb-child", "en-GB", .child), ("de-DE-KatjaNeural", "de-DE", .female),
        ("en-US-GuyNeural", "en-US", .male), ("Joanna", "en-US", .female), ("Hans", "de-DE", .male), ("Celine", "fr-FR", .female),
        ("Microsoft Server Speech Text to Speech Voice (de-DE, ConradNeural)", "de-DE", .male),
        ("en-US-AvaMultilingualNeural", "en-US", .female), ("es-MX-JorgeNeural", "es-MX", .male), ("Mizuki", "ja-JP", .female),
        ("pt-br-male", "pt-BR", .male), ("hr-hr-child", "hr-HR", .child), ("ar-sa-male", "ar-SA", .male),
    ])
    func namesResolveToLanguageAndGender(name: String, locale: String, gender: VoiceGender) throws {
        let voice = try #require(resolver.voice(named: name))
        #expect(voice.locale == locale && voice.gender == gender)
    }

    @Test func regionVariantsUseTheirOwnEspeakLanguage() {
        #expect(resolver.voice(named: "es-mx-female")?.espeak == "es-419")
        #expect(resolver.voice(named: "pt-br-female")?.espeak == "pt-br")
        #expect(resolver.voice(named: "fr-be-male")?.espeak == "fr-be")
        #expect(resolver.voice(named: "zh-cn-female")?.espeak == "cmn")
    }

    @Test func catalogCoversFortyLocalesInThreeGenders() throws {
        let catalog = try Repository.catalog()
        let byLocale = Dictionary(grouping: catalog.voices, by: \.locale)
        let complete = byLocale.filter { Set($0.value.map(\.gender)) == Set(VoiceGender.allCases) }
        #expect(complete.count >= 40)
        #expect(Set(catalog.voices.map(\.name)).count == catalog.voices.count, "names are unique")
        let aliases = catalog.voices.flatMap(\.aliases).map { $0.lowercased() }
        #expect(Set(aliases).count == aliases.count, "an alias names one voice")
    }

    @Test func unknownNamesAreNotGuessed() {
        #expect(resolver.voice(named: "en-us-robot") == nil)
        #expect(resolver.voice(named: "xx-yy-female") == nil)
        #expect(resolver.suggestions(for: "de-de-femal") == ["de-de-female"])
    }
}

@Suite struct FallbackAndClampTests {
    @Test func voiceFallbackKeepsTheSurroundingVoice() throws {
        let planner = try Planner()
        let root = try SSMLDocument.load("<speak>Hi <lang xml:lang=\"tlh\">Qapla</lang></speak>", file: "t.ssml", parser: LibXMLParser())
        let interpreter = Interpreter(resolver: planner.resolver, log: planner.log, capabilities: FakeSynthesizer())
        interpreter.voiceFallback = true
        let plan = try interpreter.plan(root, defaultVoice: planner.resolver.voice(named: "en-gb-male")!)
        #expect(plan.compactMap(\.speech).map(\.voice.name) == ["en-gb-male"])
        #expect(planner.log.warnings.first?.location?.description == "t.ssml:1:17")
    }

    @Test func absurdRatesAreClampedWithAWarning() throws {
        let planner = try Planner()
        let plan = try planner.plan("<speak><prosody rate=\"0.001\">slow</prosody><prosody rate=\"x-slow\"><prosody rate=\"x-slow\"><prosody rate=\"x-slow\">x</prosody></prosody></prosody></speak>")
        #expect(plan.compactMap(\.speech).map(\.prosody.rate) == [0.25])
        #expect(plan[0].speech?.pieces == [.text("slow"), .text("x")])
        #expect(planner.log.warnings.count == 2)
    }
}

@Suite struct PauseMergingTests {
    @Test func explicitBreakReplacesStructuralPauses() throws {
        let plan = try Planner().plan("<speak><p>One two.</p><break time=\"1.5s\"/><p>Three four.</p><s>Five.</s><break time=\"1s\"/></speak>")
        #expect(plan.compactMap(\.pauseSeconds) == [1.5, BreakValue.paragraphPause, 1])
    }
}
