import Foundation
import SSMLCore

/// Where each output of a batch goes, relative to the output folder: `{id}/{voice}.{ext}` by default.
///
/// Placeholders: `{id}`, `{voice}` (as the manifest names it), `{locale}` (`de-DE`), `{lang}` (`de`), `{gender}`,
/// `{format}` (the format's name), `{ext}` (its container's extension), `{rate}`, `{encoding}`. `{{` and `}}` are
/// literal braces. An id may contain `/` to make folders; in every other value a `/` becomes `-`. A path that leaves
/// the output folder (`..`, an absolute path) or has an empty part is an error.
public struct OutputTemplate: Sendable, Equatable {
    public enum Placeholder: String, Sendable, CaseIterable {
        case id, voice, locale, lang, gender, format, ext, rate, encoding
    }

    enum Piece: Sendable, Equatable {
        case literal(String)
        case placeholder(Placeholder)
    }

    public static let standard = "{id}/{voice}.{ext}"

    public let text: String
    let pieces: [Piece]

    public init(_ text: String, at origin: BatchOrigin = .standard) throws {
        self.text = text
        var pieces: [Piece] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "{" {
                if next < text.endIndex && text[next] == "{" {
                    literal.append("{")
                    index = text.index(after: next)
                    continue
                }
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw origin.error("the output template \(text) has a { without its }")
                }
                let name = String(text[next..<close])
                guard let placeholder = Placeholder(rawValue: name) else {
                    throw origin.error("the output template \(text) has an unknown placeholder {\(name)} (use \(Placeholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: " ")))")
                }
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = ""
                pieces.append(.placeholder(placeholder))
                index = text.index(after: close)
                continue
            }
            if character == "}" {
                guard next < text.endIndex && text[next] == "}" else { throw origin.error("the output template \(text) has a } without its {") }
                literal.append("}")
                index = text.index(after: next)
                continue
            }
            literal.append(character)
            index = next
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
        guard pieces.contains(.placeholder(.id)) else {
            throw origin.error("the output template \(text) has no {id}, so every prompt would be written to the same file")
        }
        if text.hasPrefix("/") { throw origin.error("the output template \(text) is an absolute path; it is relative to the output folder") }
    }

    /// The values of one output.
    public struct Values: Sendable {
        public var id: String
        public var voice: String
        public var locale: String
        public var gender: String
        public var format: String
        public var ext: String
        public var rate: Int
        public var encoding: String

        func value(_ placeholder: Placeholder) -> String {
            switch placeholder {
            case .id: id
            case .voice: voice
            case .locale: locale
            case .lang: String(locale.split(separator: "-").first ?? Substring(locale)).lowercased()
            case .gender: gender
            case .format: format
            case .ext: ext
            case .rate: String(rate)
            case .encoding: encoding
            }
        }
    }

    /// The path of one output, relative to the output folder; errors say what is wrong with it.
    public func path(_ values: Values) throws -> String {
        var path = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): path += text
            case .placeholder(let placeholder):
                let value = values.value(placeholder)
                path += placeholder == .id ? value : value.replacingOccurrences(of: "/", with: "-")
            }
        }
        try Self.check(path)
        return path
    }

    /// Refuses paths that leave the output folder or that a file system cannot hold.
    static func check(_ path: String) throws {
        if path.hasPrefix("/") { throw SSMLError(.invalidValue, "the output path \(path) is absolute") }
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            if part.isEmpty { throw SSMLError(.invalidValue, "the output path \(path) has an empty folder name") }
            if part == "." || part == ".." { throw SSMLError(.invalidValue, "the output path \(path) has \(part) in it; outputs stay inside the output folder") }
            if part.utf8.count > 255 { throw SSMLError(.invalidValue, "the output path \(path) has a name longer than 255 bytes") }
        }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw SSMLError(.invalidValue, "the output path \(path.debugDescription) has a control character in it")
        }
    }
}
