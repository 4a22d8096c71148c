import Foundation

/// Threads of their own for the work of a batch or a test run: each takes jobs, waits for a render worker, then
/// writes and measures what came back, so there are more of them than workers.
enum Lanes {
    /// Runs `body` on `count` threads of their own and waits for them all.
    ///
    /// Not `DispatchQueue.concurrentPerform`: it runs no more iterations at once than there are cores, so the threads
    /// beyond that (the ones meant to keep the workers fed) would only start when others had finished all their work.
    static func run(_ count: Int, name: String, _ body: @escaping @Sendable () -> Void) {
        let group = DispatchGroup()
        for lane in 0..<max(1, count) {
            group.enter()
            let thread = Thread {
                body()
                group.leave()
            }
            thread.name = "\(name)-\(lane)"
            thread.start()
        }
        group.wait()
    }
}
