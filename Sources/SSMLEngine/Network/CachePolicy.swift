import Foundation

/// `Cache-Control` as far as a private cache of audio files needs it: `max-age`, `no-cache`, `no-store`.
///
/// ```swift
/// CachePolicy(header: "public, max-age=3600").maxAge  // 3600
/// ```
struct CachePolicy: Equatable {
    var maxAge: Double?
    var noCache = false
    var noStore = false

    init(header: String?) {
        for directive in (header ?? "").split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace().lowercased() }
            switch parts.first {
            case "no-store": noStore = true
            case "no-cache": noCache = true
            case "max-age":
                if parts.count == 2, let seconds = Double(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))), seconds.isFinite, seconds >= 0 {
                    maxAge = seconds
                }
            default: break
            }
        }
    }
}
