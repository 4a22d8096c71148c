import Foundation
import SSMLCore
import Synchronization

/// The content hash that decides whether an output is up to date.
///
/// It covers everything the output's bytes depend on: the input text (a `file` row's content), every job option
/// (voice, dialect, fallback, strict, empty inputs, rate, encoding, container, bit rate, frames, loudness), the
/// bytes of the voice catalog (and, for NCCOs, of the Vonage style table) and of the dialect table used, the bytes
/// of every audio file the prompt plays (a downloaded one as cached), the tool's version (`SSMLVersion`) and
/// espeak-ng's. The manifest's name and the row's place do not count: moving a row or renaming the manifest
/// re-renders nothing.
public final class BatchCacheKeys: Sendable {
    public let tool: String
    public let engine: String
    private let catalog: String
    private let styles: String
    private let dialectFolder: URL?
    private let dialects = Mutex<[String: String]>([:])
    private let clips = Mutex<[String: ClipHash]>([:])

    private struct ClipHash {
        var size: Int
        var modified: Double
        var digest: String
    }

    /// - Parameters:
    ///   - data: the data folders the engine reads (nil: no data files, as in tests with a catalog in memory).
    ///   - engine: espeak-ng's version as the render workers report it.
    public init(data: DataFiles?, engine: String, tool: String = SSMLVersion.tool) throws {
        self.tool = tool
        self.engine = engine
        func digest(_ url: URL?) throws -> String {
            guard let url else { return "none" }
            do { return SHA256.hash(try Data(contentsOf: url)).hex } catch {
                throw SSMLError(.io, "cannot read \(url.path) for the batch cache: \(Posix.reason())")
            }
        }
        catalog = try digest(data?.voices.appendingPathComponent("catalog.json"))
        styles =
            FileManager.default.fileExists(atPath: data?.voices.appendingPathComponent("vonage-styles.json").path ?? "")
            ? try digest(data?.voices.appendingPathComponent("vonage-styles.json")) : "none"
        dialectFolder = data?.dialects
    }

    /// The key of `job`, whose resolved plan is `plan` (its clips' files are hashed).
    public func key(_ job: RenderJob, plan: [Segment]) throws -> String {
        var hash = SHA256()
        // Every field on a line of its own, the text last with its length, so no two jobs make the same lines.
        let output = job.output
        var head = "swift-ssml batch key 2\n\(tool)\n\(engine)\ncatalog \(catalog)\n"
        if job.input.kind == .ncco { head += "styles \(styles)\n" }
        if let dialect = job.dialect { head += "dialect \(dialect) \(try dialectDigest(dialect))\n" }
        head += "voice \(job.voice)\nfallback \(job.voiceFallback) strict \(job.strict) empty \(job.allowEmpty)\n"
        head += "output \(output.format.rawValue) \(output.rate) \(output.encoding.rawValue) \(output.bitrate.map(String.init) ?? "-") frames \(output.frames)"
        head += " loudness \(output.loudness.map { "\($0.integrated) \($0.truePeakCeiling)" } ?? "-")\n"
        for file in Self.clipFiles(plan) { head += "clip \(try clipDigest(file))\n" }
        head += "\(job.input.kind.rawValue) \(job.input.text.utf8.count)\n"
        hash.update(head)
        hash.update(job.input.text)
        return hash.finalize().hex
    }

    /// The local files a resolved plan plays, in order.
    static func clipFiles(_ plan: [Segment]) -> [String] {
        plan.compactMap { segment in
            if case .audio(let clip) = segment { return clip.file }
            return nil
        }
    }

    private func dialectDigest(_ name: String) throws -> String {
        if let known = dialects.withLock({ $0[name] }) { return known }
        guard let folder = dialectFolder else { return "none" }
        let url = folder.appendingPathComponent("\(name).json")
        let digest: String
        do { digest = SHA256.hash(try Data(contentsOf: url)).hex } catch {
            throw SSMLError(.io, "cannot read the dialect \(url.path) for the batch cache: \(Posix.reason())")
        }
        dialects.withLock { $0[name] = digest }
        return digest
    }

    /// A clip's content hash, computed once per run for each file (a clip shared by many prompts is read once).
    private func clipDigest(_ path: String) throws -> String {
        guard let status = Posix.status(path) else { throw SSMLError(.audioSource, "cannot read \(path): \(Posix.reason())") }
        let size = Int(status.st_size)
        let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
        if let known = clips.withLock({ $0[path] }), known.size == size, known.modified == modified { return known.digest }
        let digest = try SHA256.hash(fileAt: path).digest.hex
        clips.withLock { $0[path] = ClipHash(size: size, modified: modified, digest: digest) }
        return digest
    }
}
