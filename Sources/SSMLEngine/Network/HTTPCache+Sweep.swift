import Foundation

extension HTTPCache {
    /// How long leftovers are given before the sweep removes them.
    struct SweepBounds {
        /// A body that no record names: younger ones may be between their rename and their record.
        var orphanedBody: Double = 60
        /// A temporary name whose writer cannot be checked (another pid namespace) or that has not been
        /// written to for this long (no download may take longer than an hour).
        var staleTemporary: Double = 2 * 3600
        /// A `runs/` folder of a process that cannot be checked.
        var foreignRun: Double = 24 * 3600
    }

    /// Removes what dead or interrupted writers left: temporary names of processes that are gone, bodies
    /// that no record names, and `runs/` folders of processes that are gone. Only names of the forms this
    /// cache makes are touched, and only as names (`unlink`): a planted link is removed, never followed.
    func sweep(now: Date = Date(), bounds: SweepBounds = SweepBounds()) {
        let now = now.timeIntervalSince1970
        let folder = directory.path
        for name in Posix.names(in: folder) {
            let path = folder + "/" + name
            guard let status = Posix.entryStatus(path), status.kind == .regular || status.kind == .symbolicLink else { continue }
            let age = now - status.modified
            if let writer = Self.partToken(of: name) {
                switch writer.liveness {
                case .dead: Posix.remove(path)
                case .alive, .unknown: if age > bounds.staleTemporary { Posix.remove(path) }
                }
            } else if let key = Self.bodyKey(of: name), age > bounds.orphanedBody, recordedBody(forKey: key) != name {
                Posix.remove(path)
            }
        }
        let current = ProcessToken.current
        for name in Posix.names(in: runs.path) {
            guard let owner = ProcessToken(text: name), owner != current else { continue }
            let path = runs.path + "/" + name
            guard let status = Posix.entryStatus(path) else { continue }
            let gone: Bool
            switch owner.liveness {
            case .dead: gone = true
            case .alive: gone = false
            case .unknown: gone = now - status.modified > bounds.foreignRun
            }
            guard gone else { continue }
            switch status.kind {
            case .directory:
                // One level only, and only the names a run folder holds: bodies' links.
                for held in Posix.names(in: path) where Self.bodyKey(of: held) != nil {
                    let heldPath = path + "/" + held
                    if let kind = Posix.entryStatus(heldPath)?.kind, kind == .regular || kind == .symbolicLink { Posix.remove(heldPath) }
                }
                Posix.removeEmptyDirectory(path)
            case .symbolicLink, .regular:
                Posix.remove(path)
            case .other:
                break
            }
        }
    }

    /// The body name the record for `key` holds, read as loosely as possible: a body is only removed when
    /// no record could mean it.
    private func recordedBody(forKey key: String) -> String? {
        struct FileField: Decodable { var file: String }
        guard let data = Posix.readSmallFile(recordPath(forKey: key), limit: Self.recordLimit) else { return nil }
        return try? JSONDecoder().decode(FileField.self, from: data).file
    }
}
