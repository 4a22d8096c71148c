import Foundation
import SSMLCore

#if canImport(Glibc)
    import Glibc
#endif

/// Where a job's audio goes, decided (and checked) before anything is rendered.
///
/// A regular file (new or existing) is an ``AtomicFile``: it appears whole, keeps the old file's permissions, or
/// is not touched. Standard output, devices and FIFOs cannot be renamed over: they get the finished bytes, copied
/// in only after the render succeeded. A directory of 20 ms frames is filled beside itself and renamed into place
/// whole. Memory returns the bytes in the result.
public enum JobDestination: Sendable, Equatable {
    case file(URL)
    case standardOutput
    /// A device or FIFO, opened for writing when the bytes are ready.
    case device(String)
    /// A new directory of frame files.
    case frameDirectory(URL)
    case memory

    /// Checks `path` (`-` is standard output) without touching anything.
    /// - Parameters:
    ///   - setting: the setting that named the path, for messages.
    ///   - input: the job's input file, which must not be overwritten.
    public static func resolve(_ path: String, setting: JobSetting? = .output, input: String? = nil) throws -> JobDestination {
        if path == "-" { return .standardOutput }
        let url = URL(fileURLWithPath: path)
        if let status = Posix.status(url.path) {
            switch status.st_mode & S_IFMT {
            case S_IFDIR: throw SSMLError(.usage, "\(path) is a directory", setting: setting)
            case S_IFREG:
                if let input, input != "-", let inputStatus = Posix.status(input), inputStatus.st_dev == status.st_dev, inputStatus.st_ino == status.st_ino {
                    throw SSMLError(.usage, "\(path) is the input file; it would be overwritten", setting: setting)
                }
                return .file(url)
            default: return .device(url.path)
            }
        }
        let folder = url.deletingLastPathComponent()
        guard let status = Posix.status(folder.path), status.st_mode & S_IFMT == S_IFDIR else {
            throw SSMLError(.usage, "\(path): the folder \(folder.path) does not exist", setting: setting)
        }
        return .file(url)
    }

    /// Checks `path` as a directory of frames to create: it must not exist yet, its folder must.
    public static func resolveFrameDirectory(_ path: String) throws -> JobDestination {
        let url = URL(fileURLWithPath: path)
        if Posix.lstatus(url.path) != nil {
            throw SSMLError(.usage, "\(path) already exists; frames go to a new directory (remove it first)", setting: .output)
        }
        let parent = url.deletingLastPathComponent()
        guard let status = Posix.status(parent.path), status.st_mode & S_IFMT == S_IFDIR else {
            throw SSMLError(.usage, "\(path): the folder \(parent.path) does not exist", setting: .output)
        }
        return .frameDirectory(url.standardizedFileURL)
    }

    /// The destination's name in messages.
    public var name: String {
        switch self {
        case .file(let url), .frameDirectory(let url): url.path
        case .standardOutput: "standard output"
        case .device(let path): path
        case .memory: "memory"
        }
    }
}

/// Writes `data` to `path` the way audio outputs are written (`-` is standard output): a report file, a
/// timeline, a fixed document.
public enum ReportFile {
    public static func write(_ data: Data, to path: String, setting: JobSetting?, force: Bool = false) throws {
        switch try JobDestination.resolve(path, setting: setting) {
        case .file(let url):
            let file = try AtomicFile(url, force: force)
            do {
                try data.withUnsafeBytes { try Posix.write(file.descriptor, $0, what: url.path) }
                try file.commit()
            } catch {
                file.abandon()
                throw error
            }
        case .standardOutput:
            try data.withUnsafeBytes { try Posix.write(1, $0, what: "standard output") }
        case .device(let device):
            try OutputTarget.writeToDevice(device) { fd in try data.withUnsafeBytes { try Posix.write(fd, $0, what: device) } }
        case .frameDirectory, .memory:
            throw SSMLError(.usage, "\(path) is not a file", setting: setting)
        }
    }
}

/// The open file a render is being encoded into for one destination; ``complete()`` puts it where it goes.
///
/// ``begin()`` may be called more than once (a lossy file corrected for loudness is encoded again): each call
/// starts a fresh file and drops the previous one.
final class OutputTarget {
    let destination: JobDestination
    let force: Bool
    /// Whether a file is flushed to the disk before it is renamed into place (see ``AtomicFile``).
    let sync: Bool
    private var atomic: AtomicFile?
    private var scratch: ScratchFile?

    init(_ destination: JobDestination, force: Bool, sync: Bool = true) {
        self.destination = destination
        self.force = force
        self.sync = sync
    }

    /// A fresh file to encode into.
    func begin() throws -> Int32 {
        atomic?.abandon()
        atomic = nil
        scratch = nil
        if case .file(let url) = destination {
            let file = try AtomicFile(url, force: force, sync: sync)
            atomic = file
            return file.descriptor
        }
        // Audio that ends up in memory is encoded in memory: a file on disk would be created, written, read back
        // and freed for every render of a server (measured: a tenth of `ssml serve`'s CPU per short prompt).
        let purpose = "the output for \(destination.name)"
        let file: ScratchFile
        if case .memory = destination { file = try ScratchFile(inMemory: purpose) } else { file = try ScratchFile(purpose: purpose) }
        scratch = file
        return file.descriptor
    }

    /// A path that reads the current file (for measuring it), valid until ``complete()``.
    var readablePath: String? {
        (atomic?.descriptor ?? scratch?.descriptor).map { "/proc/self/fd/\($0)" }
    }

    /// Puts the finished file in place; for memory, returns its bytes.
    func complete() throws -> Data? {
        switch destination {
        case .file:
            try atomic?.commit()
            atomic = nil
        case .standardOutput:
            try scratch?.copy(to: 1, name: "standard output")
        case .device(let path):
            if let scratch { try Self.writeToDevice(path) { fd in try scratch.copy(to: fd, name: path) } }
        case .memory:
            guard let scratch else { return Data() }
            try scratch.rewind()
            var data = Data()
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
            defer { buffer.deallocate() }
            while true {
                let count = try scratch.read(into: buffer)
                if count == 0 { break }
                data.append(contentsOf: buffer[..<count])
            }
            return data
        case .frameDirectory:
            break
        }
        return nil
    }

    func abandon() {
        atomic?.abandon()
        atomic = nil
        scratch = nil
    }

    /// Opens a device or FIFO for writing (never creating or truncating anything) and passes its descriptor.
    static func writeToDevice(_ path: String, _ body: (Int32) throws -> Void) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw Posix.failure("cannot open \(path) for writing") }
        defer { Posix.close(fd) }
        try body(fd)
    }
}
