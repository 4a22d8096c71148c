import Foundation
import SSMLCore

extension BatchManifest {
    /// A CSV manifest: `# key: value` settings before the header row (`# preset NAME: spec` names a format), the
    /// header row naming the columns, then one prompt per record. `#` lines after the header are comments, and so
    /// are `##` lines and `#` lines without a `key:` anywhere.
    ///
    /// ```
    /// # voices: en-us-female | de-de-male
    /// # formats: vonage-stream | sip
    /// # preset sip: wav-8000-mulaw
    /// id,text,tags
    /// welcome,"Welcome to <emphasis>Acme</emphasis>.",greeting
    /// ```
    static func parseCSV(_ data: Data, file: String, tab: Bool) throws -> BatchManifest {
        var manifest = BatchManifest(file: file, syntax: .csv)
        var reader = CSVReader(data, file: file, delimiter: tab ? 0x09 : nil)
        // The header section.
        while reader.atComment, let (text, line) = try reader.rawLine() {
            guard let setting = try headerSetting(text, line: line, file: file) else { continue }
            if setting.key.hasPrefix("preset ") {
                var preset = setting
                preset.key = String(setting.key.dropFirst("preset ".count))
                manifest.presets.append(preset)
            } else {
                manifest.settings.append(setting)
            }
        }
        guard let header = try reader.next() else { return manifest }
        var columns: [(key: String, location: SourceLocation)?] = []
        var seen: [String: SourceLocation] = [:]
        for field in header.fields {
            let location = SourceLocation(file: file, line: field.line, column: field.column)
            let name = field.value.trimmingWhitespace()
            if name.isEmpty {
                throw SSMLError(.usage, "the header row has an empty column name (the first row names the columns: id,text,…)", at: location)
            }
            if isPrivate(name) {
                columns.append(nil)
                continue
            }
            let key = canonicalKey(name)
            guard rowKeys.contains(key) else {
                throw SSMLError(
                    .usage, "unknown column \"\(name)\" (known: \(rowKeys.sorted().joined(separator: ", ")); columns starting with x- are ignored)", at: location)
            }
            if let first = seen[key] {
                throw SSMLError(.usage, "the column \"\(name)\" is given twice (first at column \(first.column))", at: location)
            }
            seen[key] = location
            columns.append((key, location))
        }
        guard seen["id"] != nil else {
            throw SSMLError(.usage, "the header row has no id column (the first row names the columns: id,text,…)", at: SourceLocation(file: file, line: header.line, column: 1))
        }
        while true {
            if reader.atComment {
                _ = try reader.rawLine()
                continue
            }
            guard let record = try reader.next() else { break }
            if record.fields.count != columns.count {
                throw SSMLError(
                    .usage, "this row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"); the header has \(columns.count) (a field holding the delimiter must be quoted)",
                    at: SourceLocation(file: file, line: record.line, column: 1))
            }
            var fields: [ManifestField] = []
            for (column, field) in zip(columns, record.fields) {
                guard let column else { continue }
                // An empty cell is a value not given: the setting's default applies.
                if field.value.trimmingWhitespace().isEmpty { continue }
                let location = SourceLocation(file: file, line: field.line, column: field.column)
                fields.append(ManifestField(key: column.key, keyLocation: column.location, value: ManifestValue(.text(field.value), at: location, placement: .csv(field))))
            }
            manifest.rows.append(ManifestRow(index: manifest.rows.count, place: SourceLocation(file: file, line: record.line, column: 0), fields: fields))
        }
        return manifest
    }

    /// A `# key: value` line of the header section; nil for a comment.
    static func headerSetting(_ text: String, line: Int, file: String) throws -> ManifestField? {
        guard !text.hasPrefix("##") else { return nil }
        let body = text.dropFirst()
        guard let colon = body.firstIndex(of: ":") else { return nil }
        let rawKey = body[..<colon].trimmingWhitespace()
        let keyColumn = text.unicodeScalars.count - body.drop { $0 == " " }.unicodeScalars.count + 1
        let keyLocation = SourceLocation(file: file, line: line, column: keyColumn)
        let valueStart = body[body.index(after: colon)...]
        let value = valueStart.trimmingWhitespace()
        let valueColumn = text.unicodeScalars.count - valueStart.drop { $0 == " " }.unicodeScalars.count + 1
        let valueLocation = SourceLocation(file: file, line: line, column: valueColumn)
        let words = rawKey.split(separator: " ")
        if words.count == 2, words[0].lowercased() == "preset" {
            let field = CSVReader.Field(value: value, line: line, column: valueColumn, quoted: false)
            return ManifestField(key: "preset \(words[1])", keyLocation: keyLocation, value: ManifestValue(.text(value), at: valueLocation, placement: .csv(field)))
        }
        // Prose with a colon ("# Note: …") is a comment only if it cannot be a setting's name.
        guard words.count == 1, rawKey.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "_" }) else { return nil }
        let key = canonicalKey(rawKey)
        guard settingKeys.contains(key) else {
            throw SSMLError(
                .usage,
                "unknown setting \"\(rawKey)\" (known: \(settingKeys.sorted().joined(separator: ", ")), and preset NAME; a comment line starts with ## or has no colon)",
                at: keyLocation)
        }
        let field = CSVReader.Field(value: value, line: line, column: valueColumn, quoted: false)
        return ManifestField(key: key, keyLocation: keyLocation, value: ManifestValue(.text(value), at: valueLocation, placement: .csv(field)))
    }
}
