import Foundation
import SSMLCore
import SSMLEngine

/// Golden files: a test compares what it made with the file beside it, and `RECORD_SNAPSHOTS=1` (re)writes the
/// file instead of comparing. Golden files are only ever written by this switch, never by hand.
public enum Golden {
    public static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

    /// Nil when `made` matches the golden file at `url` (or was recorded); otherwise what differs, for the failure.
    public static func check(_ made: Data, against url: URL) throws -> String? {
        if recording {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try made.write(to: url, options: .atomic)
            return nil
        }
        guard let expected = try? Data(contentsOf: url) else {
            return "no golden file \(url.lastPathComponent); record it with RECORD_SNAPSHOTS=1 swift test --filter \(url.deletingPathExtension().lastPathComponent)"
        }
        guard expected != made else { return nil }
        let old = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let new = String(decoding: made, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let changes = new.difference(from: old).prefix(12).map { change -> String in
            switch change {
            case .insert(let offset, let line, _): "+\(offset + 1): \(line)"
            case .remove(let offset, let line, _): "-\(offset + 1): \(line)"
            }
        }
        return "\(url.lastPathComponent) differs (RECORD_SNAPSHOTS=1 re-records it if the change is meant):\n" + changes.joined(separator: "\n")
    }
}

/// Paths inside the checkout, for tests.
public enum Repository {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static var catalogURL: URL { root.appendingPathComponent("Voices/catalog.json") }

    /// The checkout's data folders.
    public static var data: DataFiles { DataFiles(voices: root.appendingPathComponent("Voices"), dialects: root.appendingPathComponent("Dialects")) }

    public static func catalog() throws -> VoiceCatalog { try data.catalog() }

    public static func vonageStyles() throws -> VonageStyles { try data.vonageStyles() }

    public static func dialect(_ name: String) throws -> Dialect { try data.dialect(name) }

    /// The built `ssml` command: beside the test bundle in the build folder.
    public static var ssmlBinary: URL {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("ssml")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/ssml")
    }

    /// A product built beside the test bundle (`ssml-worker`).
    public static func buildProduct(_ name: String) -> URL {
        ssmlBinary.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// A fresh empty directory in this test process's scratch folder, which is removed when the process exits
    /// (a run of the suite used to leave some 300 folders, and their audio, behind in /tmp).
    public static func scratchDirectory() throws -> URL {
        let url = scratchRoot.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `ssml-tests-<pid>` under the system temporary folder, made on first use, removed at exit.
    private static let scratchRoot: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ssml-tests-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        atexit {
            try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("ssml-tests-\(getpid())"))
        }
        return root
    }()
}

/// A deterministic stand-in for espeak-ng: a sine at the voice's F0 times the pitch factor, as long as the text
/// takes at the voice's rate, so interpreter and renderer tests run without the engine. Pronunciations are judged
/// by espeak-ng's phoneme tables, as the real synthesizer judges them.
public struct FakeSynthesizer: SpeechSynthesizer {
    public static let sampleRate = 22050.0
    public let languages: Set<String>
    public let version = "fake 1"
    /// Seconds of audio per character at 175 words per minute.
    public static let secondsPerCharacter = 0.06

    public static let defaultLanguages: Set<String> = ["en-us", "en-gb", "de", "fr", "es", "es-419", "pt-br", "pt"]

    public init(languages: Set<String> = FakeSynthesizer.defaultLanguages) { self.languages = languages }

    public func sampleRate(for request: SpeechRequest) -> Double { Self.sampleRate }

    /// The words per minute the request asks for (the voice's rate times the rate factor, within 80...450).
    public static func wordsPerMinute(_ request: SpeechRequest) -> Double {
        min(max(Double(request.voice.settings.rate) * request.rate / request.voice.settings.tract, 80), 450)
    }

    public func synthesize(_ request: SpeechRequest, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent] {
        let characters = request.pieces.reduce(0) { total, piece in
            switch piece {
            case .text(let text): total + text.count
            case .characters(let code): total + code.count * 3
            case .ipa(let ipa): total + ipa.count
            }
        }
        let seconds = Double(characters) * Self.secondsPerCharacter * 175 / Self.wordsPerMinute(request)
        let count = Int(seconds * Self.sampleRate)
        let frequency = request.voice.settings.baseHz * request.pitch
        var chunk: [Float] = []
        chunk.reserveCapacity(4096)
        for n in 0..<count {
            chunk.append(Float(0.5 * sin(2 * Double.pi * frequency * Double(n) / Self.sampleRate)))
            if chunk.count == 4096 {
                try onAudio(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { try onAudio(chunk) }
        return [SpeechEvent(kind: .word, sample: 0, textPosition: 1, length: 1)]
    }

    public func checkPronunciation(_ ipa: String, voice: VoiceSpec) -> PronunciationProblem? {
        EspeakSynthesizer.checkPronunciation(ipa, voice: voice)
    }

    public func rendition(of request: SpeechRequest) -> EngineRendition {
        EngineRendition(
            voice: request.voice.name, parameters: ["wordsPerMinute": Int(Self.wordsPerMinute(request).rounded())],
            text: request.pieces.map { "\($0)" }.joined(separator: " "))
    }
}

/// Runs a command and captures its output.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: String
}

/// Runs `executable` and captures its output; a run longer than `timeLimit` seconds is killed and reported as
/// status 124 with a message on its standard error, so a hung child never hangs the suite; output still open 10 s
/// after the child has ended (another process holds the pipe) is status 125.
public func run(_ executable: URL, _ arguments: [String], stdin: Data? = nil, in directory: URL? = nil, timeLimit: Double = 300) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    let pid = process.processIdentifier
    let deadline = DispatchWorkItem { kill(pid, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit, execute: deadline)
    defer { deadline.cancel() }
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Both pipes are read as their bytes come, so a chatty child cannot block on a full pipe; and not for ever: a
    // descriptor leaked into a process that lives on (a render worker held a test's pipe to `ssml render` once, and
    // the test waited for its end of file until CI ran out of time) would hold the pipe open after the child ends.
    var outData = Data(), errorData = Data()
    let outFD = out.fileHandleForReading.fileDescriptor, errFD = err.fileHandleForReading.fileDescriptor
    var reading = [outFD, errFD]
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var endedAt: Date?
    var heldOpen = false
    while !reading.isEmpty {
        var polled = reading.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&polled, nfds_t(polled.count), 200)
        if ready < 0 && errno != EINTR { break }
        for entry in polled where entry.revents != 0 {
            let count = read(entry.fd, &buffer, buffer.count)
            if count > 0 {
                if entry.fd == outFD { outData.append(contentsOf: buffer[0..<count]) } else { errorData.append(contentsOf: buffer[0..<count]) }
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                reading.removeAll { $0 == entry.fd }
            }
        }
        // Only when nothing came for 200 ms: while the child writes, it has not ended.
        if ready == 0 && hasEnded(pid) {
            let ended = endedAt ?? Date()
            endedAt = ended
            if Date().timeIntervalSince(ended) > 10 {
                heldOpen = true
                break
            }
        }
    }
    if heldOpen {
        // Not `waitUntilExit`: Foundation learns of the end through a socket the child inherits, which the process
        // left behind holds as well; the child stays a zombie until that one ends.
        return ProcessResult(
            status: 125, stdout: outData,
            stderr: String(decoding: errorData, as: UTF8.self) + "\n(its output was still open 10 s after it ended: another process holds the pipe)")
    }
    process.waitUntilExit()
    if process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL && deadline.isCancelled == false {
        return ProcessResult(status: 124, stdout: outData, stderr: String(decoding: errorData, as: UTF8.self) + "\n(killed after the test's time limit of \(timeLimit) s)")
    }
    return ProcessResult(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errorData, as: UTF8.self))
}

/// Whether the child `pid` has ended: it is a zombie, or gone (`/proc/<pid>/stat`). Not `waitpid`, which would reap it
/// from under Foundation's `Process`, whose `isRunning` stays true while another process holds what the child held.
private func hasEnded(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
    return stat[stat.index(after: close)...].drop { $0 == " " }.first == "Z"
}

/// The fields of a WAV header that matter for telephony.
public struct WAVHeader: Equatable, Sendable {
    /// 1 = PCM, 6 = A-law, 7 = mu-law.
    public var formatTag: Int
    public var channels: Int
    public var sampleRate: Int
    public var bitsPerSample: Int
    public var dataBytes: Int

    /// Parses RIFF/WAVE chunks; nil when the bytes are not a WAV file.
    public init?(_ data: Data) {
        let bytes = [UInt8](data)
        func u32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        guard bytes.count >= 44, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x41, 0x56, 0x45] else { return nil }
        guard u32(4) + 8 == bytes.count else { return nil }
        var offset = 12
        var format: (Int, Int, Int, Int)?
        var data: Int?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            if id == "fmt " { format = (u16(offset + 8), u16(offset + 10), u32(offset + 12), u16(offset + 22)) }
            if id == "data" { data = size }
            offset += 8 + size + (size & 1)
        }
        guard let format, let data else { return nil }
        (formatTag, channels, sampleRate, bitsPerSample) = format
        dataBytes = data
    }
}

/// Plans documents with the real catalog and parser, and a fake synthesizer's language list.
public struct Planner {
    public let resolver: VoiceResolver
    public let log: DiagnosticLog
    public let directory: URL

    public init(strict: Bool = false, directory: URL = URL(fileURLWithPath: "/nonexistent")) throws {
        resolver = VoiceResolver(catalog: try Repository.catalog(), languages: FakeSynthesizer().languages)
        log = DiagnosticLog(strict: strict)
        self.directory = directory
    }

    public func plan(_ text: String, voice: String = "en-us-female") throws -> [Segment] {
        let root = try SSMLDocument.load(text, file: "t.ssml", parser: LibXMLParser())
        let interpreter = Interpreter(resolver: resolver, log: log, capabilities: FakeSynthesizer())
        let plan = try interpreter.plan(root, defaultVoice: resolver.voice(named: voice)!)
        return try AudioResolver(baseDirectory: directory, decoder: SndFileDecoder()).resolve(plan, log: log)
    }
}


extension Segment {
    /// The speech segment, for tests that look into plans.
    public var speech: SpeechSegment? { if case .speech(let s) = self { s } else { nil } }
}
