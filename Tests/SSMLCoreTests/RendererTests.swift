import Foundation
import SSMLEngine
import SSMLTestSupport
import Testing
@testable import SSMLCore

@Suite struct RendererTests {
    func render(_ text: String, rate: Double = 8000) throws -> (samples: [Float], report: RenderReport) {
        let plan = try Planner().plan(text)
        let renderer = Renderer(synthesizer: FakeSynthesizer(), decoder: SndFileDecoder(), resamplers: SoxrResamplerFactory(), options: RenderOptions(sampleRate: rate))
        let sink = MemorySink()
        let report = try renderer.render(plan, into: sink)
        return (sink.samples, report)
    }

    @Test func breakIsExactInSamples() throws {
        let (samples, report) = try render("<speak>abc<break time=\"1250ms\"/>def</speak>")
        let pause = try #require(report.entries.first { $0.kind == .pause })
        #expect(pause.end - pause.start == 10_000)
        #expect(samples[pause.start..<pause.end].allSatisfy { $0 == 0 })
        #expect(report.sampleCount == samples.count)
    }

    @Test func volumeScalesTheLevel() throws {
        let loud = AudioAnalysis(samples: try render("<speak>abcdefghij</speak>").samples, sampleRate: 8000)
        let soft = AudioAnalysis(samples: try render("<speak><prosody volume=\"-6dB\">abcdefghij</prosody></speak>").samples, sampleRate: 8000)
        #expect(abs((loud.rmsDB - soft.rmsDB) - 6) < 0.2)
    }

    @Test func silentKeepsTheTimeButMakesNoSound() throws {
        let normal = try render("<speak>abcdefghij</speak>").samples
        let silent = try render("<speak><prosody volume=\"silent\">abcdefghij</prosody></speak>").samples
        #expect(silent.count == normal.count)
        #expect(silent.allSatisfy { $0 == 0 })
    }

    @Test func rateChangesTheEngineRate() throws {
        let normal = try render("<speak>abcdefghijabcdefghij</speak>").samples.count
        let slow = try render("<speak><prosody rate=\"50%\">abcdefghijabcdefghij</prosody></speak>").samples.count
        #expect(abs(Double(slow) / Double(normal) - 2) < 0.05)
    }

    @Test func limiterNeverReachesFullScale() {
        for x in stride(from: Float(-4), through: 4, by: 0.01) {
            let y = SoftLimiter.apply(x)
            #expect(abs(y) < 1)
            #expect(SoftLimiter.apply(.nan) == 0 && SoftLimiter.apply(.infinity) < 1)
            if abs(x) <= SoftLimiter.knee { #expect(y == x) }
        }
    }

    @Test func outputLimitStopsTheRender() throws {
        var options = RenderOptions(sampleRate: 8000)
        options.limits.maxOutputSeconds = 1
        let plan = try Planner().plan("<speak>a<break time=\"2s\"/>b</speak>")
        let renderer = Renderer(synthesizer: FakeSynthesizer(), decoder: SndFileDecoder(), resamplers: SoxrResamplerFactory(), options: options)
        #expect(throws: SSMLError.self) { try renderer.render(plan, into: MemorySink()) }
    }

    @Test func marksAndCallControlHaveTimes() throws {
        let report = try render("<speak>abc<mark name=\"here\"/>def<dtmf>press</dtmf></speak>").report
        let mark = try #require(report.entries.first { $0.kind == .mark })
        #expect(mark.detail == "here" && mark.start > 0)
        #expect(report.entries.contains { $0.kind == .callControl && $0.detail == "dtmf" })
    }
}
