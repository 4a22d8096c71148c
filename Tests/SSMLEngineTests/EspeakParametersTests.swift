import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

/// How backend-neutral requests become espeak-ng parameters.
@Suite(.ownThread) struct EspeakParametersTests {
    let voice = try! Repository.catalog().entry(named: "en-us-male")!

    @Test func pitchScaleRoundTrips() {
        for parameter in stride(from: 0.0, through: 100, by: 5) {
            #expect(abs(PitchScale.parameter(PitchScale.factor(parameter)) - parameter) < 1e-6)
        }
        #expect(PitchScale.parameter(10) == 100)
        #expect(PitchScale.parameter(0.1) == 0)
    }

    @Test func engineRateFloorIsStretchedWithWordGaps() {
        let parameters = EspeakParameters(SpeechRequest(pieces: [.text("x")], voice: voice, rate: 0.3), engineRate: 22050)
        #expect(parameters.wordsPerMinute == 80)
        #expect(parameters.wordGap > 0)
    }

    @Test func factorsMoveTheParametersFromTheVoicesOwn() {
        let neutral = EspeakParameters(SpeechRequest(pieces: [.text("x")], voice: voice), engineRate: 22050)
        #expect(neutral.wordsPerMinute == voice.settings.rate && neutral.pitch == voice.settings.pitch && neutral.range == voice.settings.range)
        let faster = EspeakParameters(SpeechRequest(pieces: [.text("x")], voice: voice, rate: 1.5, pitch: 1.2, range: 0), engineRate: 22050)
        #expect(faster.wordsPerMinute == Int((Double(voice.settings.rate) * 1.5).rounded()))
        #expect(faster.pitch > neutral.pitch && faster.range == 0)
        #expect(neutral.voiceName == "en-us+m1" && neutral.sampleRate == 22050)
    }

    @Test func theChildVoiceIsSynthesisedSlowerAndPlayedBackFaster() throws {
        let child = try #require(try Repository.catalog().entry(named: "en-us-child"))
        let parameters = EspeakParameters(SpeechRequest(pieces: [.text("x")], voice: child), engineRate: 22050)
        #expect(parameters.sampleRate == 22050 * child.settings.tract && child.settings.tract > 1.2)
    }
}
