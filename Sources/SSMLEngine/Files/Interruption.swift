import Dispatch
import Foundation
import Synchronization

/// Removes this process's temporary files when it is interrupted (SIGINT, SIGTERM, SIGHUP), so an
/// interrupted render leaves nothing behind, then exits with 128 + the signal number.
///
/// The handlers run on a dispatch queue, not in signal context, so they may take locks and touch files.
public enum Interruption {
    private static let paths = Mutex<Set<String>>([])
    // Written only by the one `install()` call that wins `installed` and never read: it only keeps the sources alive.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    private static let installed = Mutex(false)

    /// Installs the handlers once per process.
    public static func install() {
        let first = installed.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                paths.withLock { paths in
                    for path in paths { try? FileManager.default.removeItem(atPath: path) }
                }
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Marks a file or folder for removal if the process is interrupted.
    public static func register(_ path: String) {
        _ = paths.withLock { $0.insert(path) }
    }

    /// The file was committed or removed: no longer ours to clean up.
    public static func unregister(_ path: String) {
        _ = paths.withLock { $0.remove(path) }
    }
}
