import Foundation
import SSMLCore
import Testing

@Suite struct LookaheadLimiterTests {
    /// A burst far above the ceiling inside a quiet tone: speech-like peaks.
    func signal() -> [Float] {
        (0..<16000).map { n in
            let tone = Float(0.2 * sin(Double(n) * 0.3))
            return n >= 8000 && n < 8400 ? tone * 5 : tone
        }
    }

    @Test func holdsTheCeilingAndKeepsTheLength() {
        let limiter = LookaheadLimiter(ceiling: 0.5, sampleRate: 16000)
        let input = signal()
        var output: [Float] = []
        for start in stride(from: 0, to: input.count, by: 1000) { output += limiter.process(Array(input[start..<min(start + 1000, input.count)])) }
        output += limiter.flush()
        #expect(output.count == input.count)
        #expect(output.map(abs).max()! <= 0.5)
        #expect(limiter.deepestGain < 0.55 && limiter.deepestGain > 0.45)
        // Before the burst's look-ahead the quiet tone passes untouched (only delayed).
        let untouched = 8000 - limiter.lookahead
        #expect(zip(output[..<untouched], input[..<untouched]).allSatisfy { $0 == $1 })
    }

    @Test func quietSignalPassesUnchanged() {
        let limiter = LookaheadLimiter(ceiling: 0.9, sampleRate: 8000)
        let input = (0..<500).map { Float(0.3 * sin(Double($0))) }
        #expect(limiter.process(input) + limiter.flush() == input)
        #expect(limiter.deepestGain == 1)
    }
}

@Suite struct AssetRequirementsTests {
    func file(_ container: AudioFileProperties.Container, _ encoding: AudioFileProperties.Encoding, rate: Int = 16000, channels: Int = 1, bytes: Int = 32000, mode: AudioFileProperties.BitrateMode? = nil) -> AudioFileProperties {
        AudioFileProperties(
            containerName: container.rawValue.uppercased(), container: container, encodingName: encoding.rawValue, encoding: encoding, sampleRate: rate,
            channels: channels, frames: rate, fileBytes: bytes, bitrateMode: mode, integratedLUFS: -19, loudnessRangeLU: 3, samplePeakDBFS: -3, truePeakDBTP: -2.8)
    }

    func severities(_ target: AssetTarget, _ file: AudioFileProperties) -> [AssetFinding.Severity] { target.check(file, name: "a.wav").map(\.severity) }

    @Test func streamWAV() {
        #expect(severities(.vonageStream, file(.wav, .pcm16)).isEmpty)
        #expect(severities(.vonageStream, file(.wav, .pcm16, rate: 8000)).isEmpty)
        #expect(severities(.vonageStream, file(.wav, .pcm16, rate: 44100, channels: 2)) == [.error, .error])
        #expect(severities(.vonageStream, file(.wav, .pcm24)) == [.error])
        #expect(severities(.vonageStream, file(.wav, .mulaw, rate: 8000)) == [.error])
        #expect(severities(.vonageStream, file(.flac, .pcm16)) == [.error])
        let resample = AssetTarget.vonageStream.check(file(.wav, .pcm16, rate: 22050), name: "in.wav")
        #expect(resample.first?.message.contains("resample to 16000 Hz") == true)
        #expect(resample.first?.fix?.contains("sox in.wav -r 16000 -c 1 -b 16") == true)
    }

    @Test func streamMP3DetailsAreRecommendations() {
        #expect(severities(.vonageStream, file(.mp3, .mp3, mode: .constant)).isEmpty)
        #expect(severities(.vonageStream, file(.mp3, .mp3, rate: 44100, channels: 2, mode: .variable)) == [.recommendation, .recommendation, .recommendation])
    }

    @Test func loudPeaksAndSilenceAreRecommendations() {
        var loud = file(.wav, .pcm16)
        loud.truePeakDBTP = 0.4
        #expect(severities(.vonageStream, loud) == [.recommendation])
        var silent = file(.wav, .pcm16)
        silent.integratedLUFS = nil
        #expect(severities(.vonageStream, silent) == [.recommendation])
        // Under one 0.4 s block BS.1770 gives no loudness: that is not silence.
        var short = file(.wav, .pcm16)
        short.integratedLUFS = nil
        short.frames = short.sampleRate / 10
        #expect(short.tooShortForLoudness && severities(.vonageStream, short).isEmpty)
        var empty = file(.wav, .pcm16)
        empty.frames = 0
        #expect(severities(.vonageStream, empty) == [.error])
    }

    @Test func websocket() {
        #expect(severities(.vonageWebsocket, file(.raw, .pcm16, bytes: 6400)).isEmpty)
        #expect(severities(.vonageWebsocket, file(.raw, .pcm16, bytes: 6402)) == [.recommendation])
        #expect(severities(.vonageWebsocket, file(.wav, .pcm16)) == [.error])
        #expect(severities(.vonageWebsocket, file(.raw, .pcm16, rate: 22050)) == [.error])
    }
}
