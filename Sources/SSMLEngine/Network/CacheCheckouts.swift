import Foundation
import SSMLCore
import Synchronization

/// The cached bodies this process is using, as hard links in `runs/TOKEN/` of the cache: another render
/// may replace a URL's body or sweep it at any time, and the link keeps the bytes readable here until this
/// process lets them go.
///
/// Links are shared and counted within the process: two fetchers (two jobs of one server, say) that use the
/// same body get the same path, and the link goes when the last of them releases it. The folder is
/// removed when empty, and on interruption; the folder of a process that died is swept by the next run.
enum CacheCheckouts {
    private struct Folder {
        var path: String
        var counts: [String: Int] = [:]
    }

    private struct State {
        /// The process the state belongs to: a forked child starts afresh instead of releasing its parent's links.
        var pid: Int32 = 0
        /// By `runs/` folder.
        var folders: [String: Folder] = [:]
    }

    private static let state = Mutex(State())

    /// Holds the body at `path` (whose `lstat` was `expected`) and returns the held path.
    static func hold(_ path: String, expecting expected: Posix.EntryStatus, runs: String) throws -> URL {
        let name = (path as NSString).lastPathComponent
        return try state.withLock { state in
            var folder = try self.folder(runs, in: &state)
            defer { state.folders[runs] = folder }
            let held = folder.path + "/" + name
            if let count = folder.counts[name], count > 0 {
                if let status = Posix.entryStatus(held), status.kind == .regular, status.inode == expected.inode, status.device == expected.device {
                    folder.counts[name] = count + 1
                    return URL(fileURLWithPath: held)
                }
                // Same random name, other bytes: cannot happen unless someone replaced the link.
                throw Posix.failure("cannot hold \(path) as \(held)", EEXIST)
            }
            // A leftover of an earlier holder in this process that was not counted: replace it.
            if Posix.entryStatus(held) != nil { Posix.remove(held) }
            try Posix.hardLink(path, to: held)
            guard let status = Posix.entryStatus(held), status.kind == .regular, status.inode == expected.inode, status.device == expected.device else {
                // The name was swapped between the check and the link.
                Posix.remove(held)
                throw Posix.failure("cannot hold \(path)", ESTALE)
            }
            folder.counts[name] = 1
            return URL(fileURLWithPath: held)
        }
    }

    /// Moves a file this process made (a body the server said not to store) into its run folder, held once.
    static func adopt(_ file: URL, runs: String) throws -> URL {
        let name = file.lastPathComponent
        return try state.withLock { state in
            var folder = try self.folder(runs, in: &state)
            defer { state.folders[runs] = folder }
            let held = folder.path + "/" + name
            try Posix.moveName(file.path, to: held)
            folder.counts[name] = 1
            return URL(fileURLWithPath: held)
        }
    }

    /// Lets go of one hold of `held`; the last one removes the link.
    static func release(_ held: URL) {
        let name = held.lastPathComponent
        let runs = held.deletingLastPathComponent().deletingLastPathComponent().path
        state.withLock { state in
            guard state.pid == Posix.processID, var folder = state.folders[runs], let count = folder.counts[name] else { return }
            if count > 1 {
                folder.counts[name] = count - 1
                state.folders[runs] = folder
                return
            }
            folder.counts[name] = nil
            Posix.remove(folder.path + "/" + name)
            if folder.counts.isEmpty {
                Posix.removeEmptyDirectory(folder.path)
                Interruption.unregister(folder.path)
                state.folders[runs] = nil
            } else {
                state.folders[runs] = folder
            }
        }
    }

    /// This process's folder in `runs`, created if needed (never through a link planted at its name).
    private static func folder(_ runs: String, in state: inout State) throws -> Folder {
        let pid = Posix.processID
        if state.pid != pid { state = State(pid: pid) }
        if let folder = state.folders[runs], Posix.entryStatus(folder.path)?.kind == .directory { return folder }
        let path = runs + "/" + ProcessToken.current.text
        try Posix.makeDirectory(path)
        Interruption.register(path)
        return Folder(path: path)
    }
}
