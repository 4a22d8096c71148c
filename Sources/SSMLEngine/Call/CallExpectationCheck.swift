import Foundation
import SSMLCore

/// Checks a finished call against a scenario's `expect`.
struct CallExpectationCheck {
    let recording: CallRecording

    func failures(_ expect: CallExpectations) -> [String] {
        var failures: [String] = []
        // Padded, so a phrase matches whole words only ("press 1" is not in "press 12").
        let spoken = " " + Self.normalized(recording.spokenText) + " "
        // Phrases must be heard in the order written.
        var cursor = spoken.startIndex
        for phrase in expect.heard {
            let wanted = " " + Self.normalized(phrase) + " "
            if let range = spoken.range(of: wanted, range: cursor..<spoken.endIndex) {
                cursor = spoken.index(before: range.upperBound)
            } else if spoken.contains(wanted) {
                failures.append("expected to hear '\(phrase)' after the phrase before it, but it came earlier")
            } else {
                failures.append("expected to hear '\(phrase)'; the caller heard: '\(Self.excerpt(recording.spokenText))'")
            }
        }
        for phrase in expect.notHeard where spoken.contains(" " + Self.normalized(phrase) + " ") {
            failures.append("expected not to hear '\(phrase)', but it was spoken")
        }
        if let status = expect.status, status != recording.summary.status {
            failures.append("expected the call to end \(status), it ended \(recording.summary.status)")
        }
        if let duration = expect.duration, abs(recording.summary.duration - duration.seconds) > duration.tolerance {
            failures.append(String(format: "expected the call to last %.2f s (±%.2f), it lasted %.2f s", duration.seconds, duration.tolerance, recording.summary.duration))
        }
        // Webhooks in order; others may come between.
        var next = 0
        let exchanges = recording.exchanges
        for expected in expect.webhooks {
            var matched = false
            var closest: (CallExchange, String)?
            while next < exchanges.count {
                let exchange = exchanges[next]
                next += 1
                if let mismatch = Self.mismatch(expected, exchange) {
                    if closest == nil, expected.path.map({ Self.pathMatches($0, exchange) }) ?? true { closest = (exchange, mismatch) }
                    continue
                }
                matched = true
                break
            }
            if !matched {
                let hint = closest.map { " (nearest: \($0.0.request.method) \($0.0.path) \($0.0.purpose): \($0.1))" } ?? ""
                failures.append("expected webhook \(Self.describe(expected)) (\(expected.origin)) did not arrive\(hint)")
                next = 0
            }
        }
        return failures
    }

    static func pathMatches(_ path: String, _ exchange: CallExchange) -> Bool {
        path.contains("://") ? exchange.request.url.hasPrefix(path) : exchange.path == path
    }

    /// Why `exchange` is not the expected webhook, or nil when it is.
    static func mismatch(_ expected: CallExpectations.Webhook, _ exchange: CallExchange) -> String? {
        if let path = expected.path, !pathMatches(path, exchange) { return "path \(exchange.path)" }
        if let method = expected.method, method != exchange.request.method { return "method \(exchange.request.method)" }
        for (field, value) in expected.fields {
            guard let actual = exchange.payload.value(at: field) else { return "no field \(field)" }
            switch (value, actual) {
            case (.string(let a), .string(let b)) where a == b: continue
            case (.number(let a), .number(let b)) where abs(a - b) < 1e-9: continue
            case (.bool(let a), .bool(let b)) where a == b: continue
            case (.null, .null): continue
            default: return "\(field) is \(actual.text())"
            }
        }
        return nil
    }

    static func describe(_ webhook: CallExpectations.Webhook) -> String {
        let fields = webhook.fields.map { "\($0.0)=\(describe($0.1))" }.joined(separator: " ")
        return [webhook.method, webhook.path ?? "any URL", fields.isEmpty ? nil : fields].compactMap { $0 }.joined(separator: " ")
    }

    static func describe(_ value: CallExpectations.Webhook.Value) -> String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .number(let number): number.rounded() == number ? String(Int(number)) : String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        }
    }

    /// Lowercase words without punctuation, single spaces.
    static func normalized(_ text: String) -> String {
        let words = text.lowercased().unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : " " }
        return String(words).split(separator: " ").joined(separator: " ")
    }

    static func excerpt(_ text: String) -> String {
        text.count > 200 ? String(text.prefix(199)) + "…" : text
    }
}
