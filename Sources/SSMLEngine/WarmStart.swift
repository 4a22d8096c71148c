import Foundation
import Synchronization

/// Prepares ``Engine/standard(data:fetcher:)`` on a thread of its own while the caller does something else (the
/// command line is parsed), so a one-sentence `ssml render` does not wait for both one after the other.
///
/// What it prepares is what the first `Engine.standard()` would do anyway, in the same order: find the data
/// files, read the voice catalog and the Vonage style table, initialise espeak-ng (``EspeakSynthesizer/shared()``
/// is locked, so it runs exactly once, whichever thread asks first). Nothing is synthesised, so the state every
/// render starts from is the same as without it, and so are the bytes. It is taken only for the same data files;
/// when it failed, `Engine.standard` does the work again and reports the error itself, with its place.
///
/// Only a process that will not fork without exec may begin it (a thread of its own must not be inside espeak-ng
/// when a child is forked): the `ssml` command, never the render worker.
public enum WarmStart {
    private final class Slot: Sendable {
        let outcome = Mutex<Engine?>(nil)
        /// Entered before the thread starts, left when it has stored its outcome; waiting on it again returns at once.
        let running = DispatchGroup()

        func wait() -> Engine? {
            running.wait()
            return outcome.withLock { $0 }
        }
    }

    private static let slot = Mutex<Slot?>(nil)

    /// Starts preparing the standard engine for the data files `DataFiles.locate()` finds (no-op when begun before).
    public static func begin() {
        let slot = Slot()
        guard
            Self.slot.withLock({ current in
                guard current == nil else { return false }
                current = slot
                return true
            })
        else { return }
        slot.running.enter()
        let thread = Thread {
            let engine = try? Engine.load(data: DataFiles.locate())
            slot.outcome.withLock { $0 = engine }
            slot.running.leave()
        }
        thread.name = "warm start"
        thread.start()
    }

    /// The prepared engine when ``begin()`` was called and succeeded for `data` (nil: whatever it found), waiting
    /// for it if it is still at work; nil otherwise.
    static func engine(for data: DataFiles?) -> Engine? {
        guard let slot = slot.withLock({ $0 }), let engine = slot.wait() else { return nil }
        if let data, data != engine.data { return nil }
        return engine
    }

    /// The data files the prepared engine uses, as `DataFiles.locate()` would find them; nil when nothing was begun
    /// or finding them failed.
    public static func dataFiles() -> DataFiles? { engine(for: nil)?.data }

    /// Waits until the preparation is over, if one was begun: before the process exits, so no thread of its own is
    /// inside espeak-ng or a file read while it does.
    public static func finish() { _ = slot.withLock({ $0 })?.wait() }
}
