internal import CPosix
import Foundation
import SSMLCore

#if canImport(Glibc)
    import Glibc
#endif

/// The system calls the engine makes for files and processes, in one place; each failure becomes an
/// ``SSMLError`` naming what was being done, with the system's reason.
enum Posix {
    /// `errno` as a sentence (`No space left on device`).
    static func reason(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    static func failure(_ what: String, _ code: Int32 = errno) -> SSMLError {
        SSMLError(.io, "\(what): \(reason(code))")
    }

    // MARK: - Files

    /// An unnamed regular file in `directory` (`O_TMPFILE`): it has no name until ``link(_:to:)`` gives it one,
    /// so a killed process leaves nothing behind. Nil when the file system cannot make one.
    /// The corresponding C function is `open` with `O_TMPFILE`.
    static func openUnnamed(in directory: String) -> Int32? {
        let flag = ssml_o_tmpfile()
        guard flag >= 0 else { return nil }
        let fd = open(directory, flag | O_RDWR | O_CLOEXEC, mode_t(0o600))
        return fd >= 0 ? fd : nil
    }

    /// An anonymous file in memory, never on a disk (`memfd_create`); nil when the kernel cannot make one.
    static func openMemory(name: String) -> Int32? {
        let fd = ssml_memfd(name)
        return fd >= 0 ? fd : nil
    }

    /// Opens `path` for reading; nil with `errno` set when it cannot be opened. The corresponding C function is
    /// `open` with `O_RDONLY`.
    static func openForReading(_ path: String) -> Int32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    /// Creates `path` exclusively, never through a symbolic link. The corresponding C function is `open` with
    /// `O_CREAT | O_EXCL | O_NOFOLLOW`.
    static func createExclusive(_ path: String, mode: mode_t = 0o600) throws -> Int32 {
        let fd = open(path, O_CREAT | O_EXCL | O_NOFOLLOW | O_RDWR | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("cannot create \(path)") }
        return fd
    }

    /// Gives the unnamed file `fd` the name `path` (which must not exist). The corresponding C function is
    /// `linkat` through `/proc/self/fd`, which needs no privilege (unlike `AT_EMPTY_PATH`).
    static func link(_ fd: Int32, to path: String) throws {
        guard linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 else {
            throw failure("cannot create \(path)")
        }
    }

    /// Gives an open unnamed file the name `path` when nothing has that name; false when something has (or the
    /// link fails otherwise: the caller then takes the longer way, which reports the error); ``link(_:to:)`` without
    /// its error.
    static func linkIfAbsent(_ fd: Int32, to path: String) -> Bool {
        (try? link(fd, to: path)) != nil
    }

    /// Atomically replaces `destination` with `source`. The corresponding C function is `rename`.
    static func rename(_ source: String, to destination: String) throws {
        guard Glibc.rename(source, destination) == 0 else { throw failure("cannot move the output into \(destination)") }
    }

    /// The file's status, not following a final symbolic link; nil when nothing is there.
    /// The corresponding C function is `lstat`.
    static func lstatus(_ path: String) -> stat? {
        var status = stat()
        return lstat(path, &status) == 0 ? status : nil
    }

    /// The status of what `path` leads to; nil when nothing is there. The corresponding C function is `stat`.
    static func status(_ path: String) -> stat? {
        var status = stat()
        return stat(path, &status) == 0 ? status : nil
    }

    /// The status of an open file. The corresponding C function is `fstat`.
    static func status(_ fd: Int32) throws -> stat {
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw failure("cannot read the status of an open file") }
        return status
    }

    /// Where a symbolic link points; nil when `path` is not one. The corresponding C function is `readlink`.
    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// This process's executable, symbolic links resolved (Linux's `/proc/self/exe`), else `argv[0]`. Cheaper than
    /// `Bundle.main`, which lists the executable's folder to decide whether it is a bundle (a `.build/release`
    /// folder holds thousands of entries) and costs every `ssml` start.
    static var executableURL: URL {
        URL(fileURLWithPath: readLink("/proc/self/exe") ?? realPath(CommandLine.arguments[0]) ?? CommandLine.arguments[0])
    }

    /// The absolute path with every symbolic link, `.` and `..` resolved; nil when it does not exist. The
    /// corresponding C function is `realpath`.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Sets an open file's permission bits, and its owner when that is allowed (only root may give a file away).
    /// The corresponding C functions are `fchmod` and `fchown`.
    static func setMode(_ fd: Int32, mode: mode_t, owner: (uid_t, gid_t)?) throws {
        if let owner, fchown(fd, owner.0, owner.1) != 0, errno != EPERM {
            throw failure("cannot keep the output's owner")
        }
        guard fchmod(fd, mode & 0o7777) == 0 else { throw failure("cannot set the output's permissions") }
    }

    /// The process's file-creation mask. The corresponding C function is `umask` (called twice to read it).
    static var creationMask: mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }

    /// Writes all of `bytes` to `fd`. The corresponding C function is `write`.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, what: @autoclosure () -> String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write \(what())")
            }
            offset += written
        }
    }

    /// Reads up to `count` bytes; an empty result is the end. The corresponding C function is `read`.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, what: @autoclosure () -> String) throws -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw failure("cannot read \(what())") }
        }
    }

    /// Moves to `offset` from the start. The corresponding C function is `lseek`.
    static func seek(_ fd: Int32, to offset: Int) throws {
        guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else { throw failure("cannot seek in a temporary file") }
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Whether a process with this id is alive (or exists and is not ours to signal).
    static func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    // MARK: - Names inside one folder (the download cache)

    /// What `lstat` says about a name, in the terms the download cache needs.
    struct EntryStatus: Equatable {
        enum Kind { case regular, directory, symbolicLink, other }
        var kind: Kind
        var size: Int
        /// Seconds since 1970 of the last change of the contents.
        var modified: Double
        var device: UInt64
        var inode: UInt64
    }

    /// The status of the name `path` itself (a symbolic link is reported as one, never followed); nil when
    /// nothing has that name. The corresponding C function is `lstat`.
    static func entryStatus(_ path: String) -> EntryStatus? {
        guard let info = lstatus(path) else { return nil }
        let kind: EntryStatus.Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return EntryStatus(kind: kind, size: Int(info.st_size), modified: modified, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Sets the modification time of an open file to now. The corresponding C function is `futimens`.
    static func touch(_ fd: Int32) {
        _ = futimens(fd, nil)
    }

    /// The contents of a regular file of at most `limit` bytes; nil when it is missing, a link, a FIFO or a
    /// device (it never blocks on one), or larger than `limit` (it is not read into memory).
    /// The corresponding C functions are `open` with `O_NOFOLLOW | O_NONBLOCK`, `fstat` and `read`.
    static func readSmallFile(_ path: String, limit: Int) -> Data? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size <= limit else { return nil }
        var data = Data(count: Int(info.st_size) + 1)
        var total = 0
        let complete: Bool = data.withUnsafeMutableBytes { buffer in
            while total < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + total, buffer.count - total)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return false }
                if n == 0 { return true }
                total += n
            }
            // One byte more than its size said: the file grew while it was read.
            return false
        }
        return complete ? data.prefix(total) : nil
    }

    /// Renames within one file system; a link at `destination` is replaced, never followed.
    /// The corresponding C function is `rename`.
    static func moveName(_ source: String, to destination: String) throws {
        guard Glibc.rename(source, destination) == 0 else { throw failure("cannot rename \(source) to \(destination)") }
    }

    /// A second name for the file `source` names; a symbolic link at `source` is linked as the link itself.
    /// The corresponding C function is `linkat` without `AT_SYMLINK_FOLLOW`.
    static func hardLink(_ source: String, to destination: String) throws {
        guard linkat(AT_FDCWD, source, AT_FDCWD, destination, 0) == 0 else { throw failure("cannot link \(source) to \(destination)") }
    }

    /// Removes a name (a file or a link, never a folder); a missing name is not an error.
    /// The corresponding C function is `unlink`.
    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// Removes an empty folder; anything else is left as it is. The corresponding C function is `rmdir`.
    static func removeEmptyDirectory(_ path: String) {
        _ = rmdir(path)
    }

    /// Creates a folder (not its parents); an existing folder is not an error, anything else of that name is
    /// (a link is not followed). The corresponding C function is `mkdir`.
    static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws {
        if mkdir(path, mode) == 0 { return }
        let code = errno
        if code == EEXIST, entryStatus(path)?.kind == .directory { return }
        throw failure("cannot create \(path)", code)
    }

    /// The names in a folder, without `.` and `..`; empty when it cannot be read.
    static func names(in directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// This process's id. The corresponding C function is `getpid`.
    static var processID: pid_t { getpid() }

    /// When process `pid` started, in clock ticks since boot (field 22 of `/proc/PID/stat`); nil when no such
    /// process exists. A reused pid has another start time.
    static func processStart(_ pid: pid_t) -> UInt64? {
        guard pid > 0, let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/stat") else { return nil }
        defer { try? handle.close() }
        // `/proc` files report a size of 0, so they are read plainly.
        guard let data = try? handle.read(upToCount: 4096) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (the state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// The inode of this process's pid namespace (`/proc/self/ns/pid`): a pid means something only within one.
    static var pidNamespace: UInt64 {
        guard let target = readLink("/proc/self/ns/pid"), let open = target.firstIndex(of: "["), let close = target.firstIndex(of: "]"), open < close else {
            return 0
        }
        return UInt64(target[target.index(after: open)..<close]) ?? 0
    }

    // MARK: - Processes

    /// Asks the kernel to send `signal` to this process when the thread that started it ends; returns false when
    /// the parent is already gone (the check closes the race of a parent that died before the call).
    /// The corresponding C function is `prctl(PR_SET_PDEATHSIG)`.
    static func dieWithParent(expectedParent: pid_t, signal: Int32 = SIGKILL) -> Bool {
        _ = ssml_set_parent_death_signal(signal)
        return getppid() == expectedParent
    }

    /// Has malloc keep the memory a process frees, and serve allocations up to 32 MB from its heap, instead of
    /// handing memory back to the kernel and mapping big buffers afresh: for a render process, whose every new
    /// page is a page fault (a forked copy starts with none of its own). Returns false when glibc refuses.
    /// The corresponding C function is `mallopt(M_TRIM_THRESHOLD / M_MMAP_THRESHOLD)`.
    @discardableResult
    static func keepFreedMemory() -> Bool {
        ssml_malloc_keep(Int32.max, 32 << 20) != 0
    }

    /// Whether ``withFlushToZero(_:)`` can set the processor's flush-to-zero mode (x86).
    static var flushToZeroAvailable: Bool { ssml_flush_to_zero_available() != 0 }

    /// Runs `body` with flush-to-zero on (results too small to be normal floating-point numbers become 0), then
    /// restores the mode. `body` should call a function that is not inlined, so that no arithmetic moves across
    /// the switch. The corresponding C functions are `_mm_getcsr` and `_mm_setcsr`.
    static func withFlushToZero<T>(_ body: () throws -> T) rethrows -> T {
        let mode = ssml_flush_to_zero_begin()
        defer { ssml_flush_to_zero_end(mode) }
        return try body()
    }

    /// Forks the calling (single-threaded) process. The corresponding C function is `fork`.
    static func fork() throws -> pid_t {
        let pid = Glibc.fork()
        guard pid >= 0 else { throw failure("cannot start a render process") }
        return pid
    }

    /// How a child ended.
    enum Exit: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Waits for the child `pid`. The corresponding C function is `waitpid`.
    static func wait(_ pid: pid_t) throws -> Exit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw failure("cannot wait for process \(pid)") }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
        return status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }

    /// Threads of this process, from `/proc/self/task`.
    static var threadCount: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }

    /// Whether every thread but the calling one is blocked in the kernel (state `S` in `/proc/self/task/*/stat`),
    /// so that a fork copies no thread in the middle of its work.
    static var otherThreadsAreAsleep: Bool {
        let me = pid_t(ssml_gettid())
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return false }
        for task in tasks where pid_t(task) != me {
            guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            // `pid (comm) S ...`: the state follows the command name, which may itself hold spaces or parentheses.
            let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
            if state != "S" { return false }
        }
        return true
    }

    /// Flushes every written file of the file system `fd` is on to the disk (a batch, before its manifest lists
    /// them). The corresponding C function is `syncfs`.
    static func syncFileSystem(_ fd: Int32, what: String) throws {
        guard ssml_syncfs(fd) == 0 else { throw failure("cannot write \(what)") }
    }

    /// A pipe, both ends close-on-exec. The corresponding C function is `pipe2`.
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard ssml_pipe_cloexec(&fds) == 0 else { throw failure("cannot make a pipe") }
        return (fds[0], fds[1])
    }

    /// Makes the pipe at `fd` hold `bytes` (rounded up to pages; at most `/proc/sys/fs/pipe-max-size`, 1 MB by
    /// default); false when the kernel refuses, and the pipe keeps its size. The corresponding C function is
    /// `fcntl(F_SETPIPE_SZ)`.
    @discardableResult
    static func setPipeSize(_ fd: Int32, _ bytes: Int) -> Bool {
        ssml_set_pipe_size(fd, Int32(clamping: bytes)) > 0
    }

    /// Starts `executable` with `arguments`, its standard input and output the given descriptors, standard error
    /// inherited, and no other descriptor of this process: not a server's listening sockets, nor the pipe another
    /// thread has just made for a child of its own (its reader would wait for an end of file as long as the worker
    /// lives). The corresponding C functions are `posix_spawn` and `posix_spawn_file_actions_addclosefrom_np`.
    static func spawn(_ executable: String, arguments: [String], environment: [String: String], stdin: Int32, stdout: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        let closing = ssml_spawn_close_from(&actions, 3)
        guard closing == 0 else { throw failure("cannot start \(executable)", closing) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard status == 0 else { throw failure("cannot start \(executable)", status) }
        return pid
    }
}
