import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The system calls of the download cache, in one place: files are created exclusively and never through
/// a symbolic link, statuses are taken of the name itself (`lstat`), and renames and hard links never
/// follow links. Each result becomes a ``Posix/Failure`` right after the call.
///
/// The cache is shared data (CI caches travel between jobs), so these are the only ways the network code
/// touches it.
enum Posix {
    /// A failed system call, with the path it was about.
    struct Failure: Error, CustomStringConvertible {
        var call: String
        var path: String
        var code: Int32

        var description: String { "\(path): \(Posix.errorText(code))" }
    }

    /// The system's words for an `errno` value ("Connection refused").
    ///
    /// The corresponding C function is `strerror`.
    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// What `lstat` says about a name.
    struct Status: Equatable {
        enum Kind { case regular, directory, symbolicLink, other }
        var kind: Kind
        var size: Int
        /// Seconds since 1970 of the last change of the contents.
        var modified: Double
        var device: UInt64
        var inode: UInt64
    }

    /// The status of `path` itself (a symbolic link is reported as one, not followed); nil when absent.
    ///
    /// The corresponding C function is `lstat`.
    static func status(_ path: String) -> Status? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let kind: Status.Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return Status(kind: kind, size: Int(info.st_size), modified: modified, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Creates `path` for writing; fails if any file or link already has that name.
    ///
    /// The corresponding C function is `open` with `O_CREAT | O_EXCL | O_NOFOLLOW`.
    static func createExclusive(_ path: String, mode: mode_t = 0o600) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(call: "open", path: path, code: errno) }
        return fd
    }

    /// Writes all of `bytes`, retrying short writes and interruptions.
    ///
    /// The corresponding C function is `write`.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(call: "write", path: path, code: errno)
            }
            offset += written
        }
    }

    /// Writes all of `data`.
    static func write(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { try write(fd, $0, path: path) }
    }

    /// Sets the modification time of an open file to now: the sweep of orphaned bodies goes by it.
    ///
    /// The corresponding C function is `futimens`.
    static func touch(_ fd: Int32) {
        _ = futimens(fd, nil)
    }

    /// The corresponding C function is `close`.
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// The contents of a regular file of at most `limit` bytes; nil when it is missing, a link, a FIFO or a
    /// device (never blocks on one), or larger than `limit` (never read into memory).
    static func readSmallFile(_ path: String, limit: Int) -> Data? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size <= limit else { return nil }
        var data = Data(count: Int(info.st_size) + 1)
        var total = 0
        let complete: Bool = data.withUnsafeMutableBytes { buffer in
            while total < buffer.count {
                let n = read(fd, buffer.baseAddress! + total, buffer.count - total)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return false }
                if n == 0 { return true }
                total += n
            }
            // One byte more than the size said: the file grew while it was read.
            return false
        }
        guard complete else { return nil }
        return data.prefix(total)
    }

    /// Renames within one file system; a link at `to` is replaced, never followed.
    ///
    /// The corresponding C function is `rename`.
    static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw Failure(call: "rename", path: to, code: errno) }
    }

    /// A second name for the file `from` names; a symbolic link at `from` is linked as the link itself.
    ///
    /// The corresponding C function is `linkat` without `AT_SYMLINK_FOLLOW`.
    static func link(_ from: String, to: String) throws {
        guard linkat(AT_FDCWD, from, AT_FDCWD, to, 0) == 0 else { throw Failure(call: "link", path: to, code: errno) }
    }

    /// Removes a name (a file or a link, never a folder); a missing name is not an error.
    ///
    /// The corresponding C function is `unlink`.
    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// Removes an empty folder; anything else is left as it is.
    ///
    /// The corresponding C function is `rmdir`.
    static func removeEmptyDirectory(_ path: String) {
        _ = rmdir(path)
    }

    /// Creates a folder (not its parents); an existing folder is not an error, anything else with that name is.
    ///
    /// The corresponding C function is `mkdir`.
    static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws {
        if mkdir(path, mode) == 0 { return }
        let code = errno
        if code == EEXIST, status(path)?.kind == .directory { return }
        throw Failure(call: "mkdir", path: path, code: code)
    }

    /// The names in a folder, without `.` and `..`; empty when it cannot be read.
    static func names(in directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// This process's id.
    ///
    /// The corresponding C function is `getpid`.
    static var processID: Int32 { getpid() }

    /// When process `pid` started, in clock ticks since boot (field 22 of `/proc/PID/stat`); nil when no
    /// such process exists. A pid that is reused gets a different start time.
    static func processStart(_ pid: Int32) -> UInt64? {
        guard pid > 0, let data = procStat(pid) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (the state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// `/proc` files report a size of 0, so `readSmallFile`'s size check cannot apply; they are read plainly.
    private static func procStat(_ pid: Int32) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/stat") else { return nil }
        defer { try? handle.close() }
        return try? handle.read(upToCount: 4096)
    }

    /// The inode of this process's pid namespace (`/proc/self/ns/pid`): pids mean something only within one.
    static var pidNamespace: UInt64 {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid"),
            let open = target.firstIndex(of: "["), let close = target.firstIndex(of: "]"), open < close
        else { return 0 }
        return UInt64(target[target.index(after: open)..<close]) ?? 0
    }

    /// Whether a process with this id exists (for systems without `/proc`).
    ///
    /// The corresponding C function is `kill` with signal 0.
    static func processExists(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}
