import Foundation
import SSMLCore

#if canImport(Glibc)
    import Glibc
#endif

/// The system calls of the batch runner: its journal, its lock, reading files back by offset.
extension Posix {
    /// Opens `path` for reading, or says why not.
    static func openForReadingOrThrow(_ path: String) throws -> Int32 {
        guard let fd = openForReading(path) else { throw failure("cannot read \(path)") }
        return fd
    }

    /// Opens (creating it when missing) `path` for appending whole records. The corresponding C function is `open`
    /// with `O_WRONLY | O_APPEND | O_CREAT`.
    static func openForAppending(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode_t(0o666))
        guard fd >= 0 else { throw failure("cannot open \(path)") }
        return fd
    }

    /// Takes an exclusive lock on an open file without waiting; false when another process holds it.
    /// The corresponding C function is `flock` with `LOCK_EX | LOCK_NB`.
    static func tryLock(_ fd: Int32) throws -> Bool {
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw failure("cannot lock the batch's state")
    }

    /// Lets go of a lock taken with ``tryLock(_:)``. The corresponding C function is `flock` with `LOCK_UN`.
    static func unlock(_ fd: Int32) { _ = flock(fd, LOCK_UN) }

    /// Reads `count` bytes at `offset` (fewer only at the end of the file). The corresponding C function is `pread`.
    static func read(_ fd: Int32, at offset: Int, count: Int, what: @autoclosure () -> String) throws -> Data {
        var data = Data(count: count)
        var done = 0
        try data.withUnsafeMutableBytes { buffer in
            while done < count {
                let got = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot read \(what())")
                }
                if got == 0 { break }
                done += got
            }
        }
        return done == count ? data : data.prefix(done)
    }

    /// Empties an open file. The corresponding C function is `ftruncate`.
    static func truncate(_ fd: Int32) throws {
        guard ftruncate(fd, 0) == 0 else { throw failure("cannot empty the batch journal") }
    }

    /// Flushes an open file to the disk. The corresponding C function is `fsync`.
    static func sync(_ fd: Int32, what: String) throws {
        guard fsync(fd) == 0 || errno == EINVAL else { throw failure("cannot write \(what)") }
    }

    /// The device of the file system `path` is on (links followed), or nil when it cannot be read. The
    /// corresponding C function is `stat`.
    static func device(_ path: String) -> UInt64? {
        status(path).map { UInt64($0.st_dev) }
    }

    /// The size of a regular file, or nil when `path` is not one. The corresponding C function is `stat`.
    static func regularFileSize(_ path: String) -> Int? {
        guard let status = status(path), status.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(status.st_size)
    }

    /// Whether an error says the disk (or the user's quota) is full: the run stops rather than failing every
    /// output that follows the same way.
    static func isNoSpace(_ error: SSMLError) -> Bool {
        error.message.contains(reason(ENOSPC)) || error.message.contains(reason(EDQUOT))
    }
}
