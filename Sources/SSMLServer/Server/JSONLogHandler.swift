import Foundation
import Logging
import Synchronization

/// Writes each log entry as one JSON object on a line (`time`, `level`, `label`, `message`, then the metadata),
/// for log collectors; `ssml serve --log-format json`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String
    private let output: FileHandle
    private static let lock = Mutex(())

    public init(label: String, output: FileHandle = .standardError) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: JSONBody.Value] = [
            "time": .string(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
            "level": .string(event.level.rawValue),
            "label": .string(label),
            "message": .string(event.message.description),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) where fields[key] == nil {
            fields[key] = .string(value.description)
        }
        let line = JSONBody.serialise(.object(fields)) + "\n"
        Self.lock.withLock { _ in output.write(Data(line.utf8)) }
    }
}
