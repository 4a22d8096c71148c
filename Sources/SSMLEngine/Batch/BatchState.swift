import Foundation
import SSMLCore
import Synchronization

/// What a batch keeps in the output folder besides the outputs and their manifest: a lock, so two runs never write
/// one folder's manifest at once, and a journal of the outputs finished since the manifest was last written.
///
/// The journal makes a killed run restart exactly where it stopped: each output, once its file is in place, gets
/// one line (its manifest entry, written with a single `write`), and the next run replays the lines after reading
/// the manifest. A line cut short by the kill is ignored (its output is rendered again). Everything lives in
/// `.ssml-batch/` inside the output folder; one journal and lock per shard, so shards may share a folder.
///
/// Outputs are renamed into place without a flush of their own (a killed process leaves whole files either way);
/// each manifest rewrite first flushes the file systems outputs were written to (`syncfs`), so the manifest on the
/// disk lists only files that a power loss keeps. An output the journal lists but the loss cut short has another
/// size than its entry says, and is rendered again.
final class BatchState: Sendable {
    static let folderName = ".ssml-batch"

    let folder: URL
    let journal: URL
    private let lockDescriptor: Int32
    private let journalDescriptor: Int32
    private let writeLock = Mutex(())
    /// An open folder on each file system outputs were written to, by device, flushed before each manifest rewrite.
    private let written = Mutex<[UInt64: Int32]>([:])

    /// Takes the lock for `output` (and shard), or says which run holds it.
    init(output: URL, shard: BatchShard?) throws {
        folder = output.appendingPathComponent(Self.folderName)
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw SSMLError(.io, "cannot create \(folder.path): \(Posix.reason())")
        }
        let tag = shard.map { "-\($0.fileTag)" } ?? ""
        let lock = folder.appendingPathComponent("lock\(tag)")
        lockDescriptor = try Posix.openForAppending(lock.path)
        guard try Posix.tryLock(lockDescriptor) else {
            Posix.close(lockDescriptor)
            throw SSMLError(.usage, "another ssml batch is writing \(output.path)\(shard.map { " (shard \($0))" } ?? ""); wait for it to finish")
        }
        journal = folder.appendingPathComponent("journal\(tag).jsonl")
        do { journalDescriptor = try Posix.openForAppending(journal.path) } catch {
            Posix.close(lockDescriptor)
            throw error
        }
    }

    /// Lets another run take the folder, once this run has written its last manifest.
    ///
    /// Called by the run itself, not left to `deinit`: the render threads' closures keep this object until those
    /// threads are torn down, which a loaded machine does a while after they have finished their work, and a second
    /// run in that while was refused as "another ssml batch is writing" (seen in the test suite under load).
    func release() { Posix.unlock(lockDescriptor) }

    deinit {
        Posix.close(journalDescriptor)
        Posix.close(lockDescriptor)
        for fd in written.withLock({ Array($0.values) }) { Posix.close(fd) }
    }

    /// Notes a folder outputs are written to, so that its file system is flushed before the next manifest rewrite.
    func writes(into folder: String) throws {
        guard let device = Posix.device(folder), written.withLock({ $0[device] == nil }) else { return }
        let fd = try Posix.openForReadingOrThrow(folder)
        let kept = written.withLock { open in
            if open[device] != nil { return false }
            open[device] = fd
            return true
        }
        if !kept { Posix.close(fd) }
    }

    /// Records a finished output: its entry line, in one write.
    func record(_ line: Data) throws {
        var record = line
        record.append(UInt8(ascii: "\n"))
        try writeLock.withLock { _ in try record.withUnsafeBytes { try Posix.write(journalDescriptor, $0, what: journal.path) } }
    }

    /// The journal's entry lines, in the order written; a line cut short by a kill (not a whole JSON object) is
    /// skipped.
    func replay(_ body: (Data) throws -> Void) throws {
        let decoder = JSONDecoder()
        try LineReader.lines(of: journal.path) { line in
            guard line.first == UInt8(ascii: "{"), line.last == UInt8(ascii: "}"), (try? decoder.decode(OutputEntry.self, from: line)) != nil else { return }
            try body(line)
        }
    }

    /// Runs `write` (which writes the manifest from every entry so far) with the journal held, then empties the
    /// journal: no output finished meanwhile can fall between the two. The outputs' file systems are flushed first,
    /// so the manifest never lists a file that is not on the disk.
    ///
    /// They are flushed twice: once before the journal is held, which writes almost everything (80 to 100 ms every
    /// 2 s in a batch of short prompts, during which the render threads, each recording its outputs in the journal,
    /// used to wait and leave the workers idle), then again while it is held, for the outputs finished meanwhile.
    func checkpoint(_ write: () throws -> Void) throws {
        try flushOutputs()
        try writeLock.withLock { _ in
            try flushOutputs()
            try write()
            try Posix.truncate(journalDescriptor)
        }
    }

    private func flushOutputs() throws {
        for (_, fd) in written.withLock({ $0 }) { try Posix.syncFileSystem(fd, what: "the outputs in \(folder.deletingLastPathComponent().path)") }
    }
}

/// The manifest entries of one run, kept in an unnamed scratch file rather than in memory: a run of a hundred
/// thousand outputs holds sixteen bytes per output, and writing the manifest reads the entries back in order.
///
/// Each record is the entry's JSON line and, when known, its CSV row, so writing both manifests decodes nothing.
final class EntryStore: @unchecked Sendable {
    // `@unchecked Sendable`: the file's end, the table and the descriptor are only touched under `lock`.
    private let scratch: ScratchFile
    private var end = 0
    /// Per output number: where its record is, the JSON line's length (-1: none) and the CSV row's.
    private var table: [(offset: Int, json: Int32, csv: Int32)]
    private let lock = NSLock()

    init(outputs: Int) throws {
        scratch = try ScratchFile(purpose: "the batch's manifest entries")
        table = Array(repeating: (0, -1, 0), count: outputs)
    }

    /// Keeps `json` (and its CSV row) as the entry of output `number`, replacing an earlier one.
    func set(_ number: Int, _ json: Data, csv: String? = nil) throws {
        var record = json
        let row = csv.map { Data($0.utf8) } ?? Data()
        record.append(row)
        lock.lock()
        defer { lock.unlock() }
        try record.withUnsafeBytes { try scratch.write($0) }
        table[number] = (end, Int32(json.count), Int32(row.count))
        end += record.count
    }

    func has(_ number: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return table[number].json >= 0
    }

    /// The entry line of output `number` and its CSV row (nil when not known), if kept.
    func record(_ number: Int) throws -> (json: Data, csv: String?)? {
        lock.lock()
        let place = table[number]
        lock.unlock()
        guard place.json >= 0 else { return nil }
        let data = try Posix.read(scratch.descriptor, at: place.offset, count: Int(place.json) + Int(place.csv), what: scratch.purpose)
        let json = data.prefix(Int(place.json))
        return (Data(json), place.csv > 0 ? String(decoding: data.dropFirst(Int(place.json)), as: UTF8.self) : nil)
    }

    /// The entry line of output `number`, if kept.
    func line(_ number: Int) throws -> Data? { try record(number)?.json }

    /// How many outputs have an entry.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return table.reduce(0) { $0 + ($1.json >= 0 ? 1 : 0) }
    }

    /// Every kept record, in output order.
    func forEach(_ body: (Data, String?) throws -> Void) throws {
        for number in 0..<table.count {
            if let record = try record(number) { try body(record.json, record.csv) }
        }
    }
}
