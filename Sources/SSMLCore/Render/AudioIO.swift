import Foundation

/// A decoded audio file read in chunks, downmixed to mono floats.
public protocol AudioSource: AnyObject {
    var sampleRate: Double { get }
    /// Frames in the file (per channel).
    var frameCount: Int { get }
    /// Moves to `frame` from the start.
    func seek(to frame: Int) throws
    /// Up to `maxFrames` mono frames; empty at the end.
    func read(maxFrames: Int) throws -> [Float]
}

/// Opens audio files of any format the implementation knows.
public protocol AudioDecoder: Sendable {
    func open(_ url: URL) throws -> any AudioSource
}

extension AudioDecoder {
    /// Why `url` cannot be played (missing, unreadable, not audio, empty), or nil when it can.
    public func problem(with url: URL) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return "no file at \(url.path)" }
        // A FIFO or device would block or never end; only regular files are played.
        guard attributes[.type] as? FileAttributeType == .typeRegular else { return "\(url.path) is not a regular file" }
        do {
            let source = try open(url)
            if source.frameCount == 0 { return "the file holds no audio" }
            return nil
        } catch let error as SSMLError {
            return error.message
        } catch {
            return "\(error)"
        }
    }
}

/// A streaming sample-rate converter; each instance converts one stream.
public protocol Resampler: AnyObject {
    func process(_ input: [Float]) throws -> [Float]
    /// Drains what is still buffered at the end of the stream.
    func flush() throws -> [Float]
}

/// Makes resamplers for a rate pair.
public protocol ResamplerFactory: Sendable {
    func make(from inputRate: Double, to outputRate: Double) throws -> any Resampler
}

/// Where rendered mono float samples (-1...1) go, in order.
public protocol AudioSink: AnyObject {
    func write(_ samples: [Float]) throws
}

/// A sink that keeps everything in memory; for tests and short previews.
public final class MemorySink: AudioSink {
    public private(set) var samples: [Float] = []
    public init() {}
    public func write(_ samples: [Float]) throws { self.samples.append(contentsOf: samples) }
}
