import Synchronization

/// Who made a temporary name: pid namespace, pid and start time, written into the name so that a later run
/// can tell the leftovers of a dead writer from the files of a live one.
///
/// A pid alone is not enough: pids are reused, and a cache shared between containers sees pids of other
/// namespaces, which mean nothing here. Such names are judged by their age instead.
struct ProcessToken: Equatable, Sendable {
    var namespace: UInt64
    var pid: Int32
    var start: UInt64

    /// `NAMESPACE.PID.START`, digits and dots only.
    var text: String { "\(namespace).\(pid).\(start)" }

    init(namespace: UInt64, pid: Int32, start: UInt64) {
        self.namespace = namespace
        self.pid = pid
        self.start = start
    }

    init?(text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 20 && $0.allSatisfy(\.isASCIIDigit) }),
            let namespace = UInt64(parts[0]), let pid = Int32(parts[1]), let start = UInt64(parts[2])
        else { return nil }
        self.init(namespace: namespace, pid: pid, start: start)
    }

    private static let cached = Mutex<ProcessToken?>(nil)

    /// This process. Computed again after a fork (the pid differs), so a forked worker never writes names
    /// that look like its parent's.
    static var current: ProcessToken {
        cached.withLock { token in
            let pid = Posix.processID
            if let token, token.pid == pid { return token }
            let made = ProcessToken(namespace: Posix.pidNamespace, pid: pid, start: Posix.processStart(pid) ?? 0)
            token = made
            return made
        }
    }

    enum Liveness { case alive, dead, unknown }

    /// Whether the writer still runs: unknown for another pid namespace (another container).
    var liveness: Liveness {
        let here = ProcessToken.current
        guard namespace == here.namespace else { return .unknown }
        if namespace == 0 && start == 0 { return Posix.isAlive(pid) ? .alive : .dead }
        guard let running = Posix.processStart(pid) else { return .dead }
        return running == start ? .alive : .dead
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    /// Lowercase hexadecimal digits only.
    var isLowercaseHex: Bool { !isEmpty && allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) } }
}
