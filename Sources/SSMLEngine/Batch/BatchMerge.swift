import Foundation
import SSMLCore

/// Joins the manifests of a sharded run (`manifest.shard-1-of-4.json` … `4-of-4`) into the manifest an unsharded
/// run of the same prompts writes, byte for byte.
///
/// Every part must come from one prompt manifest (same bytes), the same options, tool and espeak-ng version, and
/// be complete (its run finished); each shard must be there exactly once, and no output may be in two parts.
public enum BatchMerge {
    /// What a merge joined.
    public struct Result: Sendable, Equatable {
        public var shards: Int
        public var outputs: Int
        public var failures: Int
    }

    /// The shard manifests in `folder`, by shard.
    public static func parts(in folder: URL) throws -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw SSMLError(.usage, "cannot list \(folder.path): \(Posix.reason())")
        }
        let parts = names.filter { $0.hasPrefix("manifest.shard-") && $0.hasSuffix(".json") }.sorted()
        guard !parts.isEmpty else { throw SSMLError(.usage, "\(folder.path) holds no shard manifests (manifest.shard-K-of-N.json)") }
        return parts.map { folder.appendingPathComponent($0) }
    }

    /// Merges `parts` into `json` (and `csv`).
    public static func merge(_ parts: [URL], json: URL, csv: URL?) throws -> Result {
        guard !parts.isEmpty else { throw SSMLError(.usage, "no shard manifests to merge") }
        var reference: (header: OutputManifestHeader, url: URL)?
        var seen: [Int: URL] = [:]
        var failures: [FailureEntry] = []
        var store: EntryStore?
        var paths: [String: URL] = [:]
        var total = 0
        for part in parts {
            let contents = try OutputManifest.read(
                part,
                header: { header in
                    guard let shard = header.shard else {
                        throw SSMLError(.usage, "\(part.path) is not a shard's manifest (it has no shard); merge joins manifest.shard-K-of-N.json files")
                    }
                    if let reference {
                        let first = reference.header
                        func differ(_ what: String, _ a: String, _ b: String) -> SSMLError {
                            SSMLError(.usage, "\(part.lastPathComponent) and \(reference.url.lastPathComponent) are of different runs: \(what) \(b) and \(a)")
                        }
                        if header.manifestSHA256 != first.manifestSHA256 || header.manifest != first.manifest {
                            throw differ("the prompt manifest", "\(first.manifest) (\(first.manifestSHA256.prefix(12)))", "\(header.manifest) (\(header.manifestSHA256.prefix(12)))")
                        }
                        if header.options != first.options { throw differ("the options", first.options.prefix(12) + "…", header.options.prefix(12) + "…") }
                        if header.engine != first.engine { throw differ("espeak-ng", first.engine, header.engine) }
                        if header.tool != first.tool { throw differ("the tool", first.tool, header.tool) }
                        if shard.count != first.shard?.count { throw differ("the shard count", "\(first.shard?.count ?? 0)", "\(shard.count)") }
                        if header.outputsTotal != first.outputsTotal { throw differ("the output count", "\(first.outputsTotal)", "\(header.outputsTotal)") }
                    } else {
                        reference = (header, part)
                        store = try EntryStore(outputs: header.outputsTotal)
                    }
                    if let other = seen[shard.index] {
                        throw SSMLError(.usage, "shard \(shard.index)/\(shard.count) is given twice: \(other.path) and \(part.path)")
                    }
                    seen[shard.index] = part
                    guard header.complete else {
                        throw SSMLError(.usage, "\(part.path): the run of shard \(shard.index)/\(shard.count) did not finish; run it again, then merge")
                    }
                    total = header.outputsTotal
                },
                entry: { line, entry in
                    guard let store, entry.index >= 0 && entry.index < total else {
                        throw SSMLError(.usage, "\(part.path): output \(entry.index) (\(entry.path)) is not an output of the manifest")
                    }
                    if store.has(entry.index) || paths[entry.path] != nil {
                        throw SSMLError(.usage, "the output \(entry.path) is in two shards' manifests: \(paths[entry.path]?.path ?? "another part") and \(part.path)")
                    }
                    paths[entry.path] = part
                    try store.set(entry.index, line)
                })
            failures += contents.failures
        }
        guard let reference, let store, let count = reference.header.shard?.count else { throw SSMLError(.usage, "no shard manifests to merge") }
        let missing = (1...count).filter { seen[$0] == nil }
        if !missing.isEmpty {
            throw SSMLError(.usage, "shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) missing: every shard's manifest is needed")
        }
        var header = reference.header
        header.shard = nil
        failures.sort(by: FailureEntry.ordered)
        try OutputManifest.write(header: header, entries: { emit in try store.forEach(emit) }, failures: failures, json: json, csv: csv)
        return Result(shards: count, outputs: store.count, failures: failures.count)
    }
}
