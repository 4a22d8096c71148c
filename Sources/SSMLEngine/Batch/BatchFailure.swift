import Foundation
import SSMLCore

/// A row, or one output of it, that did not render: where it is in the manifest and why.
public struct BatchFailure: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The row's position among the manifest's rows.
    public var row: Int
    /// The row's place (line; column 0 for the row as a whole).
    public var place: SourceLocation
    public var id: String?
    /// The output's number, voice, format and path, when one output failed rather than the whole row.
    public var output: Int?
    public var voice: String?
    public var format: String?
    public var path: String?
    public var error: SSMLError

    public init(row: Int, place: SourceLocation, id: String?, output: Int? = nil, voice: String? = nil, format: String? = nil, path: String? = nil, error: SSMLError) {
        self.row = row
        self.place = place
        self.id = id
        self.output = output
        self.voice = voice
        self.format = format
        self.path = path
        self.error = error
    }

    /// `prompts.csv:14: error: welcome (de-de-female, vonage-stream): …`, or the error's own place when it has one
    /// (a cell, a place inside the prompt's text).
    public var description: String {
        var subject = id.map { "\($0)" } ?? ""
        let details = [voice, format].compactMap { $0 }
        if !details.isEmpty { subject += " (\(details.joined(separator: ", ")))" }
        let message = subject.isEmpty ? error.message : "\(subject): \(error.message)"
        return "\(Self.describe(error.location ?? place)): error: \(message)"
    }

    /// `file:line:column`, or `file:line` for a whole row.
    static func describe(_ location: SourceLocation) -> String {
        location.column > 0 ? location.description : "\(location.file):\(location.line)"
    }
}
