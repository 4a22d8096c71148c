import Foundation
import SSMLCore

#if canImport(Glibc)
    import Glibc
#endif

/// A regular file written in place of `destination`: it appears whole, with the old file's permissions and owner,
/// or not at all, and the old file is untouched until then.
///
/// The content is written to an unnamed file in the destination's folder (Linux `O_TMPFILE`), which has no name a
/// killed process could leave behind; ``commit()`` gives it the destination's name (a new file), or a temporary
/// name that it renames over the destination in one step. Where the file system cannot make unnamed files, a
/// temporary name is created exclusively and never through a symbolic link (`O_CREAT | O_EXCL | O_NOFOLLOW`); such
/// names of dead processes are swept by the next write into the folder.
///
/// By default ``commit()`` flushes the content to the disk before the rename, so that the new name never points at
/// content a power loss could lose. A writer of many files that flushes them all at once later (a batch, before it
/// writes the manifest that lists them) passes `sync: false`: the file still appears whole or not at all to every
/// process, also after a `SIGKILL`.
///
/// Links: a symbolic link at `destination` is followed (also a dangling one: its target is created), so the link
/// stays a link and its target gets the content. A file with other hard links gets a new inode: the other names
/// keep the old content.
public final class AtomicFile {
    /// Where the content goes: the destination with symbolic links followed.
    public let destination: URL
    /// The open file to write to.
    public let descriptor: Int32
    /// The temporary name when the file system could not make an unnamed file.
    private var temporaryName: String?
    private var open = true
    private let existing: stat?
    private let sync: Bool

    /// The marker in the names of temporary files and folders, so that sweeps touch only ours.
    static let marker = ".ssml-tmp-"

    /// Opens a new file for `path`.
    /// - Parameters:
    ///   - force: replace a read-only file (otherwise refused).
    ///   - sync: flush the content to the disk before the rename (otherwise the caller flushes the file system).
    public init(_ path: URL, force: Bool = false, sync: Bool = true) throws {
        self.sync = sync
        destination = Self.followLinks(path)
        let target = destination.path
        let folder = destination.deletingLastPathComponent().path
        existing = Posix.status(target)
        if let existing {
            guard existing.st_mode & S_IFMT == S_IFREG else { throw SSMLError(.io, "\(target) is not a regular file") }
            // No write bit at all is read-only for everyone: root may write anything (access() says yes), but a
            // 444 file was made read-only on purpose.
            if !force && (existing.st_mode & 0o222 == 0 || access(target, W_OK) != 0) {
                throw SSMLError(.io, "\(target) is read-only; it is not replaced (force to replace it)", setting: .force)
            }
        }
        Self.sweep(folder: folder, stem: destination.lastPathComponent)
        if let fd = Posix.openUnnamed(in: folder) {
            descriptor = fd
        } else {
            let name = Self.temporaryName(for: destination)
            descriptor = try Posix.createExclusive(name)
            temporaryName = name
            Interruption.register(name)
        }
    }

    deinit { abandon() }

    /// A name for a temporary file or folder beside `destination`: hidden, marked, with this process's id.
    static func temporaryName(for destination: URL) -> String {
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        return destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent)\(marker)\(getpid())-\(random)").path
    }

    /// `path` with its symbolic links followed, also a final link whose target does not exist yet.
    static func followLinks(_ path: URL) -> URL {
        var current = path.standardizedFileURL
        for _ in 0..<32 {
            guard let status = Posix.lstatus(current.path), status.st_mode & S_IFMT == S_IFLNK, let target = Posix.readLink(current.path) else { break }
            current = (target.hasPrefix("/") ? URL(fileURLWithPath: target) : current.deletingLastPathComponent().appendingPathComponent(target)).standardizedFileURL
        }
        return current.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(current.lastPathComponent)
    }

    /// Removes temporary files and folders for `stem` in `folder` that dead processes left behind.
    static func sweep(folder: String, stem: String) {
        let prefix = ".\(stem)\(marker)"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ pid_t($0) }), pid != getpid(), !Posix.isAlive(pid) else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            // Only what we made: a regular file or a folder of regular files, never a link.
            guard let status = Posix.lstatus(path) else { continue }
            if status.st_mode & S_IFMT == S_IFREG {
                unlink(path)
            } else if status.st_mode & S_IFMT == S_IFDIR {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// Gives the file its final permissions and name, replacing what was there.
    public func commit() throws {
        guard open else { return }
        let mode = existing.map { $0.st_mode & 0o7777 } ?? (0o666 & ~Posix.creationMask)
        try Posix.setMode(descriptor, mode: mode, owner: existing.map { ($0.st_uid, $0.st_gid) })
        if sync { guard fsync(descriptor) == 0 || errno == EINVAL else { throw Posix.failure("cannot write \(destination.path)") } }
        if temporaryName == nil {
            // A new file: the unnamed file gets its final name at once, so that no other name is ever seen, even by a
            // process killed here (a batch's SIGKILL). Replacing a file takes a temporary name and a rename.
            if existing == nil, Posix.linkIfAbsent(descriptor, to: destination.path) {
                Posix.close(descriptor)
                open = false
                return
            }
            let name = Self.temporaryName(for: destination)
            try Posix.link(descriptor, to: name)
            temporaryName = name
            Interruption.register(name)
        }
        try Posix.rename(temporaryName!, to: destination.path)
        Interruption.unregister(temporaryName!)
        temporaryName = nil
        Posix.close(descriptor)
        open = false
    }

    /// Drops the file; the destination is untouched.
    public func abandon() {
        guard open else { return }
        open = false
        Posix.close(descriptor)
        if let temporaryName {
            unlink(temporaryName)
            Interruption.unregister(temporaryName)
        }
    }
}
