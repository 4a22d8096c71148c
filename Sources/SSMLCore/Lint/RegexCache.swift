import Foundation

/// Compiled dialect patterns: a long document checks the same few patterns thousands of times.
/// `@unchecked Sendable`: `compiled` is touched only under `lock`, and a compiled NSRegularExpression is immutable.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    private let lock = NSLock()
    private var compiled: [String: NSRegularExpression?] = [:]

    func regex(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let known = compiled[pattern] { return known }
        let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        compiled[pattern] = regex
        return regex
    }
}
