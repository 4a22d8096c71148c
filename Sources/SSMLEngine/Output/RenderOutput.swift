import Foundation
import SSMLCore

/// Where a render's audio goes, decided before anything is written.
///
/// A regular file (new or existing) is written beside itself and renamed into place, so it appears whole
/// or not at all. Standard output, devices and FIFOs (`-o -`, `-o /dev/null`) cannot be renamed over:
/// they get the finished file's bytes, copied in only after the render succeeded. A directory of 20 ms
/// frames (`--frames`) is filled beside itself and renamed into place whole.
public enum RenderOutput {
    case file(URL)
    case stream(path: String?)
    /// A new directory of frame files (``writeFrames(sampleRate:encoding:layout:_:)``).
    case directory(URL)

    /// Checks `path` (`-` for standard output) without touching anything.
    /// - Parameter option: the option that named `path`, for messages.
    public static func resolve(_ path: String, option: String = "-o") throws -> RenderOutput {
        if path == "-" { return .stream(path: nil) }
        let url = URL(fileURLWithPath: path)
        var status = stat()
        if stat(url.path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFDIR: throw SSMLError(.usage, "\(option) \(path) is a directory")
            case S_IFREG: return .file(url.resolvingSymlinksInPath())
            default: return .stream(path: url.path)
            }
        }
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SSMLError(.usage, "\(option) \(path): the folder \(directory.path) does not exist")
        }
        return .file(url)
    }

    /// Checks `path` as a directory of frames to create: it must not exist yet, its parent must.
    public static func resolveDirectory(_ path: String) throws -> RenderOutput {
        let url = URL(fileURLWithPath: path)
        var status = stat()
        if lstat(url.path, &status) == 0 {
            throw SSMLError(.usage, "-o \(path) already exists; --frames writes a new directory (remove it first)")
        }
        let parent = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SSMLError(.usage, "-o \(path): the folder \(parent.path) does not exist")
        }
        return .directory(url.standardizedFileURL)
    }

    /// Runs `render` against a writer for this output and puts the result in place only if it succeeds.
    /// - Parameter bitrate: the constant MP3 bit rate in kbit/s (nil: a default for the rate).
    public func write(
        sampleRate: Int, format: OutputFormat, encoding: OutputEncoding, bitrate: Int? = nil, _ render: (any AudioSink) throws -> Void
    ) throws {
        let destination: URL
        switch self {
        case .file(let url): destination = url
        case .stream: destination = FileManager.default.temporaryDirectory.appendingPathComponent("ssml-\(getpid())-\(UUID().uuidString).\(format.rawValue)")
        case .directory(let url): throw SSMLError(.usage, "-o \(url.path) is a directory of frames; only --frames writes one")
        }
        let writer = try AudioFileWriter(destination: destination, sampleRate: sampleRate, format: format, encoding: encoding, bitrate: bitrate)
        do {
            try render(writer)
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
        guard case .stream = self else { return }
        Interruption.register(destination.path)
        defer {
            try? FileManager.default.removeItem(at: destination)
            Interruption.unregister(destination.path)
        }
        try send(destination)
    }

    /// Copies a finished file to a ``stream(path:)`` output (standard output, or the path given); does nothing
    /// for other outputs.
    public func send(_ destination: URL) throws {
        guard case .stream(let path) = self else { return }
        let target: FileHandle? = path.map { FileHandle(forWritingAtPath: $0) } ?? FileHandle.standardOutput
        guard let target, let source = FileHandle(forReadingAtPath: destination.path) else {
            throw SSMLError(.io, "cannot open \(path ?? "standard output") for writing")
        }
        do {
            while let chunk = try source.read(upToCount: 1 << 16), !chunk.isEmpty {
                try target.write(contentsOf: chunk)
            }
        } catch {
            let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? error.localizedDescription
            throw SSMLError(.io, "cannot write to \(path ?? "standard output"): \(reason)")
        }
    }
}
