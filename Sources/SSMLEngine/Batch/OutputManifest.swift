import Foundation
import SSMLCore

/// One output in the output manifest (`manifest.json`, `manifest.csv`): what it is, where, and what it measures.
public struct OutputEntry: Sendable, Codable, Equatable {
    /// The output's number in manifest order.
    public var index: Int
    public var id: String
    public var voice: String
    public var locale: String
    /// The format's name (`vonage-stream`, `wav-8000-mulaw`).
    public var format: String
    /// Relative to the manifest's folder (the output folder).
    public var path: String
    /// The container, rate and encoding written.
    public var container: String
    public var rate: Int
    public var encoding: String
    public var bytes: Int
    public var sha256: String
    /// Seconds.
    public var duration: Double
    /// Integrated loudness (EBU R128); nil for silence.
    public var lufs: Double?
    /// dBTP; nil for digital silence.
    public var truePeak: Double?
    /// Planning's warnings, with their places.
    public var warnings: [String]
    /// The output step's warnings (a silent render under a loudness target, a target out of reach).
    public var outputWarnings: [String]?
    /// The `check-asset` verdict, when the batch was asked for one.
    public var check: AssetCheck?
    public var tags: [String]
    /// The row (`prompts.csv:14`).
    public var source: String
    /// The cache key (see ``BatchCacheKeys``).
    public var key: String

    /// A `check-asset` verdict.
    public struct AssetCheck: Sendable, Codable, Equatable {
        public var target: String
        public var fits: Bool
        /// `error: …` and `recommendation: …` lines.
        public var findings: [String]
    }
}

/// A row or output that failed, as the output manifest lists it.
public struct FailureEntry: Sendable, Codable, Equatable {
    public var row: Int
    public var output: Int?
    public var id: String?
    public var voice: String?
    public var format: String?
    public var path: String?
    /// `prompts.csv:14: error: …`
    public var message: String

    public init(_ failure: BatchFailure) {
        row = failure.row
        output = failure.output
        id = failure.id
        voice = failure.voice
        format = failure.format
        path = failure.path
        message = failure.description
    }

    /// Manifest order: by row, a whole row before its outputs.
    static func ordered(_ a: FailureEntry, _ b: FailureEntry) -> Bool {
        a.row != b.row ? a.row < b.row : (a.output ?? -1) < (b.output ?? -1)
    }
}

/// The output manifest's own fields.
public struct OutputManifestHeader: Sendable, Codable, Equatable {
    public static let formatName = "swift-ssml-batch-manifest"

    public var format = formatName
    public var version = 1
    /// False while the run that writes it is still going (or was stopped): the outputs listed exist and are whole,
    /// others may follow.
    public var complete: Bool
    /// The prompt manifest's file name and the hash of its bytes.
    public var manifest: String
    public var manifestSHA256: String
    /// A digest of the options the run was given.
    public var options: String
    public var tool: String
    public var engine: String
    /// Set in a shard's manifest (`manifest.shard-2-of-4.json`); `merge` joins them into one without it.
    public var shard: Shard?
    /// Outputs of every shard, and of this one (the number listed once complete, failures aside).
    public var outputsTotal: Int

    public struct Shard: Sendable, Codable, Equatable {
        public var index: Int
        public var count: Int
    }
}

/// Writes and reads output manifests.
///
/// The JSON keeps one output per line (keys sorted), so a change to one prompt is a one-line diff and a manifest of
/// any size is read line by line without holding it all. Files are replaced atomically: a reader (or a killed run)
/// only ever sees a whole manifest.
public enum OutputManifest {
    /// `manifest.json`, or `manifest.shard-K-of-N.json`.
    public static func fileName(shard: BatchShard?, csv: Bool = false) -> String {
        "manifest" + (shard.map { ".shard-\($0.fileTag)" } ?? "") + (csv ? ".csv" : ".json")
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Encodes an entry as its manifest line.
    public static func line(_ entry: OutputEntry) throws -> Data { try encoder().encode(entry) }

    /// The entry's JSON line and CSV row.
    static func record(_ entry: OutputEntry, encoder: JSONEncoder) throws -> (json: Data, csv: String) {
        (try encoder.encode(entry), CSVManifest.row(entry))
    }

    /// Writes `manifest.json` and `manifest.csv` beside each other. `entries` yields the entry lines in order, each
    /// with its CSV row when known (else it is made from the line).
    public static func write(
        header: OutputManifestHeader, entries: (_ emit: (Data, String?) throws -> Void) throws -> Void, failures: [FailureEntry], json: URL, csv: URL?
    ) throws {
        let file = try AtomicFile(json)
        let csvFile = try csv.map { try AtomicFile($0) }
        do {
            var buffer = Data()
            func flush(_ fd: Int32, _ what: String, force: Bool = false) throws {
                guard force || buffer.count >= 1 << 16 else { return }
                try buffer.withUnsafeBytes { try Posix.write(fd, $0, what: what) }
                buffer.removeAll(keepingCapacity: true)
            }
            let encoder = encoder()
            func field(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
            var head = "{\n  \"format\": \(try field(header.format)),\n  \"version\": \(header.version),\n  \"complete\": \(header.complete),\n"
            head += "  \"manifest\": \(try field(header.manifest)),\n  \"manifestSHA256\": \(try field(header.manifestSHA256)),\n"
            head += "  \"options\": \(try field(header.options)),\n  \"tool\": \(try field(header.tool)),\n  \"engine\": \(try field(header.engine)),\n"
            if let shard = header.shard { head += "  \"shard\": \(try field(shard)),\n" }
            head += "  \"outputsTotal\": \(header.outputsTotal),\n  \"outputs\": ["
            buffer.append(Data(head.utf8))
            var csvBuffer = Data(CSVManifest.header.utf8)
            var first = true
            let decoder = JSONDecoder()
            try entries { line, row in
                buffer.append(Data((first ? "\n    " : ",\n    ").utf8))
                buffer.append(line)
                first = false
                try flush(file.descriptor, json.path)
                if let csvFile {
                    csvBuffer.append(Data((try row ?? CSVManifest.row(decoder.decode(OutputEntry.self, from: line))).utf8))
                    if csvBuffer.count >= 1 << 16 {
                        try csvBuffer.withUnsafeBytes { try Posix.write(csvFile.descriptor, $0, what: csv!.path) }
                        csvBuffer.removeAll(keepingCapacity: true)
                    }
                }
            }
            buffer.append(Data(((first ? "" : "\n  ") + "],\n  \"failures\": [").utf8))
            for (index, failure) in failures.enumerated() {
                buffer.append(Data(((index == 0 ? "\n    " : ",\n    ") + (try field(failure))).utf8))
            }
            buffer.append(Data(((failures.isEmpty ? "" : "\n  ") + "]\n}\n").utf8))
            try flush(file.descriptor, json.path, force: true)
            if let csvFile {
                try csvBuffer.withUnsafeBytes { try Posix.write(csvFile.descriptor, $0, what: csv!.path) }
                try csvFile.commit()
            }
            try file.commit()
        } catch {
            file.abandon()
            csvFile?.abandon()
            throw error
        }
    }

    /// What a manifest file holds.
    public struct Contents: Sendable {
        public var header: OutputManifestHeader
        public var failures: [FailureEntry]
    }

    /// Reads a manifest written by ``write(header:entries:failures:json:csv:)``, passing each entry's line and
    /// decoded entry to `entry` in order, a line at a time (never the whole file in memory). A manifest in
    /// another layout (reformatted by hand or by a tool) is decoded whole.
    /// `header` is called once, before the first entry.
    @discardableResult
    public static func read(_ url: URL, header: (OutputManifestHeader) throws -> Void = { _ in }, entry: (Data, OutputEntry) throws -> Void) throws -> Contents {
        let decoder = JSONDecoder()
        var number = 0
        return try scan(url, header: header) { line in
            number += 1
            let decoded: OutputEntry
            do { decoded = try decoder.decode(OutputEntry.self, from: line) } catch {
                throw SSMLError(.io, "\(url.path): output \(number) of the manifest is not an output entry: \(Snapshot.explain(error))")
            }
            try entry(line, decoded)
        }
    }

    /// The path of an entry line, read without decoding the line (nil when the path has escapes: decode it).
    static func path(inLine line: Data) -> String? {
        let marker = Array("\"path\":\"".utf8)
        return line.withUnsafeBytes { bytes -> String? in
            guard bytes.count > marker.count else { return nil }
            var index = 0
            search: while index + marker.count <= bytes.count {
                for offset in 0..<marker.count where bytes[index + offset] != marker[offset] {
                    index += 1
                    continue search
                }
                let start = index + marker.count
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "\"") {
                    if bytes[end] == UInt8(ascii: "\\") { return nil }
                    end += 1
                }
                return end < bytes.count ? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) : nil
            }
            return nil
        }
    }

    /// Like ``read(_:header:entry:)``, passing each entry's line undecoded.
    @discardableResult
    static func scan(_ url: URL, header: (OutputManifestHeader) throws -> Void = { _ in }, line entry: (Data) throws -> Void) throws -> Contents {
        let decoder = JSONDecoder()
        // Our layout (its first lines say so): the entries between `  "outputs": [` and `  ],`, one per line;
        // without them the file is a small JSON document of the header and the failures.
        let signature = Data("  \"format\": \"\(OutputManifestHeader.formatName)\",".utf8)
        var skeleton = Data()
        var inOutputs = false
        var ours = false
        var number = 0
        try LineReader.lines(of: url.path) { line in
            number += 1
            if number == 2 { ours = line.elementsEqual(signature) }
            guard number <= 2 || ours else { return }
            if inOutputs && line.starts(with: Data("    {".utf8)) {
                var body = Data(line.dropFirst(4))
                if body.last == UInt8(ascii: ",") { body.removeLast() }
                try entry(body)
                return
            }
            let opening = line.elementsEqual(Data("  \"outputs\": [".utf8)) || line.elementsEqual(Data("  \"outputs\": [],".utf8))
            if inOutputs && line.starts(with: Data("  ]".utf8)) { inOutputs = false }
            if opening {
                // The header is all that comes before the outputs.
                var head = skeleton
                head.append(Data("\"outputs\": []}".utf8))
                do { try header(try decoder.decode(Whole.self, from: head).header) } catch let error as SSMLError { throw error } catch {
                    throw SSMLError(.io, "\(url.path) is not an ssml batch manifest: \(Snapshot.explain(error))")
                }
                inOutputs = line.last == UInt8(ascii: "[")
            }
            skeleton.append(line)
            skeleton.append(UInt8(ascii: "\n"))
        }
        if ours {
            do {
                let whole = try decoder.decode(Whole.self, from: skeleton)
                return Contents(header: whole.header, failures: whole.failures ?? [])
            } catch {
                throw SSMLError(.io, "\(url.path) is not a whole ssml batch manifest: \(Snapshot.explain(error))")
            }
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw SSMLError(.io, "cannot read \(url.path): \(Posix.reason())") }
        let whole: Whole
        do { whole = try decoder.decode(Whole.self, from: data) } catch {
            throw SSMLError(.io, "\(url.path) is not an ssml batch manifest: \(Snapshot.explain(error))")
        }
        guard whole.format == OutputManifestHeader.formatName else {
            throw SSMLError(.io, "\(url.path) is not an ssml batch manifest (its format is \(whole.format))")
        }
        try header(whole.header)
        let encoder = encoder()
        for item in whole.outputs { try entry(try encoder.encode(item)) }
        return Contents(header: whole.header, failures: whole.failures ?? [])
    }

    /// A whole manifest file, as decoded when it is not in our line layout.
    private struct Whole: Decodable {
        var format: String
        var version: Int
        var complete: Bool
        var manifest: String
        var manifestSHA256: String
        var options: String
        var tool: String
        var engine: String
        var shard: OutputManifestHeader.Shard?
        var outputsTotal: Int
        var outputs: [OutputEntry]
        var failures: [FailureEntry]?

        var header: OutputManifestHeader {
            OutputManifestHeader(
                format: format, version: version, complete: complete, manifest: manifest, manifestSHA256: manifestSHA256, options: options, tool: tool,
                engine: engine, shard: shard, outputsTotal: outputsTotal)
        }
    }
}

/// Reads a file line by line in 64 KiB pieces.
enum LineReader {
    /// Passes each line (without its line break) to `body`; a last line without a break is passed too.
    static func lines(of path: String, _ body: (Data) throws -> Void) throws {
        let fd = try Posix.openForReadingOrThrow(path)
        defer { Posix.close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        var carry = Data()
        while true {
            let count = try Posix.read(fd, into: buffer, what: path)
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            var start = 0
            for index in 0..<count where chunk[index] == 0x0A {
                carry.append(contentsOf: chunk[start..<index])
                try body(carry)
                carry.removeAll(keepingCapacity: true)
                start = index + 1
            }
            carry.append(contentsOf: chunk[start..<count])
        }
        if !carry.isEmpty { try body(carry) }
    }
}

/// The output manifest as CSV, for spreadsheets: one row per output.
enum CSVManifest {
    static let columns = ["id", "voice", "locale", "format", "path", "sha256", "bytes", "duration", "lufs", "true_peak", "check", "warnings", "tags", "source"]
    static let header = columns.joined(separator: ",") + "\r\n"

    static func row(_ entry: OutputEntry) -> String {
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        let check = entry.check.map { $0.fits ? "fits" : "does not fit: " + $0.findings.filter { $0.hasPrefix("error") }.joined(separator: "; ") } ?? ""
        let fields = [
            entry.id, entry.voice, entry.locale, entry.format, entry.path, entry.sha256, "\(entry.bytes)", "\(entry.duration)", number(entry.lufs),
            number(entry.truePeak), check, (entry.warnings + (entry.outputWarnings ?? [])).joined(separator: "\n"), entry.tags.joined(separator: "|"), entry.source,
        ]
        return fields.map(quote).joined(separator: ",") + "\r\n"
    }

    /// RFC 4180 quoting: a field with a comma, quote or line break is quoted, its quotes doubled.
    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
