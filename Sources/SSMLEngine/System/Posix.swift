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

    // MARK: - Processes

    /// Asks the kernel to send `signal` to this process when the thread that started it ends; returns false when
    /// the parent is already gone (the check closes the race of a parent that died before the call).
    /// The corresponding C function is `prctl(PR_SET_PDEATHSIG)`.
    static func dieWithParent(expectedParent: pid_t, signal: Int32 = SIGKILL) -> Bool {
        _ = ssml_set_parent_death_signal(signal)
        return getppid() == expectedParent
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

    /// A pipe, both ends close-on-exec. The corresponding C function is `pipe2`.
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard ssml_pipe_cloexec(&fds) == 0 else { throw failure("cannot make a pipe") }
        return (fds[0], fds[1])
    }

    /// Starts `executable` with `arguments`, its standard input and output the given descriptors, standard error
    /// inherited. The corresponding C function is `posix_spawn`.
    static func spawn(_ executable: String, arguments: [String], environment: [String: String], stdin: Int32, stdout: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
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
