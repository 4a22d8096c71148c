import Foundation
import SSMLCore
import Yams

extension BatchManifest {
    /// A YAML manifest: the same shape as JSON (a list of prompts, or a map with `prompts`, `defaults`, `presets`).
    ///
    /// ```yaml
    /// defaults:
    ///   voices: [en-us-female, de-de-male]
    /// prompts:
    ///   - id: welcome
    ///     text: |
    ///       <speak>Welcome to <emphasis>Acme</emphasis>.</speak>
    /// ```
    ///
    /// Parsed by Yams (libyaml): its errors keep their line and column. Anchors and aliases are resolved; a text
    /// repeated through an alias is located at its anchor.
    static func parseYAML(_ text: String, file: String) throws -> BatchManifest {
        var manifest = BatchManifest(file: file, syntax: .yaml)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.locate(error, file: file)
        }
        guard let node else { throw SSMLError(.usage, "\(file) is empty: a manifest needs a list of prompts", at: SourceLocation(file: file, line: 1, column: 1)) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func location(_ node: Node) -> SourceLocation {
            SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        }
        func convert(_ node: Node) throws -> ManifestValue {
            switch node {
            case .scalar(let scalar):
                let at = location(node)
                if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return ManifestValue(.text(""), at: at) }
                switch scalar.style {
                case .literal, .folded:
                    // The text starts on the line after the indicator, at the block's indentation.
                    let first = at.line + 1
                    let indent =
                        lines.dropFirst(at.line).first { !$0.trimmingWhitespace().isEmpty }
                        .map { $0.prefix { $0 == " " }.count } ?? 0
                    return ManifestValue(.text(scalar.string), at: at, placement: .yamlBlock(firstLine: first, indent: indent))
                case .singleQuoted, .doubleQuoted:
                    return ManifestValue(.text(scalar.string), at: at, placement: .yamlInline(offset: 1))
                default:
                    return ManifestValue(.text(scalar.string), at: at, placement: .yamlInline(offset: 0))
                }
            case .sequence(let sequence):
                return ManifestValue(.list(try sequence.map(convert)), at: location(node))
            case .mapping(let mapping):
                var fields: [ManifestField] = []
                for (key, value) in mapping {
                    guard case .scalar(let name) = key else {
                        throw SSMLError(.usage, "a key must be a plain name", at: location(key))
                    }
                    fields.append(ManifestField(key: name.string, keyLocation: location(key), value: try convert(value)))
                }
                return ManifestValue(.map(fields), at: location(node))
            case .alias:
                throw SSMLError(.usage, "an alias here cannot be resolved", at: location(node))
            }
        }
        try manifest.read(try convert(node), path: "$")
        return manifest
    }

    /// A Yams error as an error at its place.
    static func locate(_ error: YamlError, file: String) -> SSMLError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return SSMLError(.usage, "invalid YAML: \(prefix)\(problem)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
        case .reader(let problem, _, _, _):
            return SSMLError(.usage, "invalid YAML: \(problem)", at: SourceLocation(file: file, line: 1, column: 1))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SSMLError(
                .usage, "invalid YAML: the key \(duplicates.first.map { "\"\($0)\"" } ?? "") is given twice in one map",
                at: SourceLocation(file: file, line: max(1, context.mark.line), column: max(1, context.mark.column)))
        default:
            return SSMLError(.usage, "invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }
}
