import Foundation
import SSMLCore

/// A manifest checked and expanded: every prompt with its voices and formats, every output with its path.
///
/// Problems are of two kinds, and all of them are found here, before any rendering:
/// - the manifest's own (a bad template or header setting, a duplicate id, two outputs with one path): nothing
///   can run, ``BatchPlanError`` lists them all;
/// - a row's (no text, an unknown voice, a format that is not one): the row is reported in ``problems`` at its
///   place and the other rows still run.
///
/// Outputs are numbered in manifest order (rows, then voices, then formats): the number orders the output
/// manifest, so a sharded run merges into the very manifest an unsharded one writes.
public struct BatchPlan: Sendable {
    /// The manifest's name in messages and its folder.
    public let file: String
    public let directory: URL
    public let manifestSHA256: String
    public let template: OutputTemplate
    /// Every distinct format (with the loudness target its rows ask for), shared by the prompts.
    public private(set) var formats: [Format] = []
    public private(set) var prompts: [Prompt] = []
    /// Rows that cannot run, in manifest order.
    public private(set) var problems: [BatchFailure] = []
    /// Outputs of all prompts (of every shard).
    public private(set) var outputCount = 0
    public let strict: Bool
    public let voiceFallback: Bool
    public let allowEmpty: Bool
    public let check: AssetTarget?
    /// A digest of the front end's options: shard manifests made with other options do not merge.
    public let optionsSHA256: String

    /// A resolved format: its name and the settings an output in it is written with.
    public struct Format: Sendable, Equatable {
        public var name: String
        public var settings: OutputSettings
    }

    /// A voice of a prompt.
    public struct Voice: Sendable, Equatable {
        /// As the manifest names it (`Joanna`, `de-de-female`): the job's voice, `{voice}` and the manifest's field.
        public var name: String
        public var locale: String
        public var gender: String
    }

    /// One row that can run.
    public struct Prompt: Sendable {
        public enum Input: Sendable {
            /// SSML, a fragment, plain text or an NCCO written in the manifest.
            case text(ManifestValue)
            /// A file, relative to the manifest's folder, and where it was named.
            case file(String, SourceLocation)
        }

        public var row: Int
        public var id: String
        /// The row's place (`prompts.csv:14`).
        public var place: SourceLocation
        public var input: Input
        public var dialect: String?
        public var voices: [Voice]
        /// Indexes into ``BatchPlan/formats``.
        public var formats: [Int]
        public var tags: [String]
        /// The number of the prompt's first output; the others follow (voices, then formats).
        public var firstOutput: Int
        public var outputCount: Int { voices.count * formats.count }
    }

    /// Reads and checks a manifest.
    /// - Parameter resolver: the voices (a name of no form it knows is an unknown voice).
    public init(_ manifest: BatchManifest, overrides: BatchOverrides = BatchOverrides(), resolver: VoiceResolver) throws {
        file = manifest.file
        directory = manifest.directory
        manifestSHA256 = manifest.sha256
        optionsSHA256 = SHA256.hash(overrides.summary).hex
        var errors: [SSMLError] = []
        let defaults: BatchDefaults
        do { defaults = try BatchDefaults(manifest: manifest, overrides: overrides) } catch let error as SSMLError { throw BatchPlanError(errors: [error]) }
        strict = defaults.strict
        voiceFallback = defaults.voiceFallback
        allowEmpty = defaults.allowEmpty
        if let check = defaults.check {
            guard let target = AssetTarget(rawValue: check.value.lowercased()), target == .vonageStream else {
                throw BatchPlanError(errors: [check.origin.error("\(check.value) is not a check of batch outputs (use vonage-stream)")])
            }
            self.check = target
        } else {
            check = nil
        }
        do { template = try OutputTemplate(defaults.template.value, at: defaults.template.origin) } catch let error as SSMLError { throw BatchPlanError(errors: [error]) }
        if let dialect = defaults.dialect, !Dialect.names.contains(dialect.value) {
            errors.append(dialect.origin.error("\(dialect.value) is not a dialect (use \(Dialect.names.joined(separator: ", ")))"))
        }

        // Named formats, in the order written: one may build on an earlier one.
        var named: [String: BatchFormat] = [:]
        for preset in manifest.presets {
            do {
                let name = preset.key.trimmingWhitespace()
                guard !name.isEmpty, !name.contains("/") else { throw SSMLError(.usage, "a preset name must not be empty or hold a /", at: preset.keyLocation) }
                named[name] = try BatchFormat.definition(name, preset.value, presets: named)
            } catch let error as SSMLError { errors.append(error) }
        }
        var formatIndex: [String: Int] = [:]
        var formats: [Format] = []
        /// The index of a format with a loudness target; errors are the setting's.
        func format(_ item: ManifestItem, loudness: BatchSetting<Double>?, truePeak: BatchSetting<Double>?) throws -> Int {
            var chosen = try BatchFormat.parse(item.text, presets: named, at: item.origin)
            chosen.request.loudness = loudness?.value
            chosen.request.truePeak = truePeak?.value
            let key = "\(chosen.name)|\(loudness.map { "\($0.value)" } ?? "")|\(truePeak.map { "\($0.value)" } ?? "")"
            if let known = formatIndex[key] { return known }
            let settings: OutputSettings
            do { settings = try OutputSettings.resolved(chosen.request) } catch let error as SSMLError {
                let origin =
                    switch error.setting {
                    case .loudness: loudness?.origin ?? item.origin
                    case .truePeak: truePeak?.origin ?? item.origin
                    default: item.origin
                    }
                throw origin.error("format \(chosen.name): \(error.message)")
            }
            formats.append(Format(name: chosen.name, settings: settings))
            formatIndex[key] = formats.count - 1
            return formats.count - 1
        }
        // The header's formats are every row's: a bad one stops the run.
        var defaultFormats: [Int] = []
        for item in defaults.formats.value {
            do { defaultFormats.append(try format(item, loudness: defaults.loudness, truePeak: defaults.truePeak)) } catch let error as SSMLError { errors.append(error) }
        }
        if defaults.formats.value.isEmpty { errors.append(defaults.formats.origin.error("no formats: give at least one (wav, vonage-stream, …)")) }
        let defaultVoices: [Voice]
        do { defaultVoices = try Self.voices(defaults.voices, locales: defaults.locales, resolver: resolver) } catch let error as SSMLError {
            errors.append(error)
            defaultVoices = []
        }
        guard errors.isEmpty else { throw BatchPlanError(errors: errors) }

        var ids: [String: SourceLocation] = [:]
        var next = 0
        for row in manifest.rows {
            var prompt: Prompt
            do {
                prompt = try Self.prompt(row, manifest: manifest, defaults: defaults, defaultVoices: defaultVoices, resolver: resolver) { item, loudness, truePeak in
                    try format(item, loudness: loudness, truePeak: truePeak)
                } defaultFormats: {
                    defaultFormats
                }
            } catch let error as SSMLError {
                let id = row["id"]?.value.text?.trimmingWhitespace()
                problems.append(BatchFailure(row: row.index, place: row.place, id: id, error: error))
                if let id, let location = row["id"]?.value.location, ids[id] == nil { ids[id] = location }
                continue
            }
            if let first = ids[prompt.id] {
                errors.append(SSMLError(.usage, "the id \"\(prompt.id)\" is given twice (first at \(first.file):\(first.line))", at: row["id"]?.value.location ?? row.place))
                continue
            }
            ids[prompt.id] = row["id"]?.value.location ?? row.place
            prompt.firstOutput = next
            next += prompt.outputCount
            prompts.append(prompt)
        }
        self.formats = formats
        outputCount = next
        guard errors.isEmpty else { throw BatchPlanError(errors: errors) }
        try checkPaths()
    }

    /// A prompt from a row; errors are the row's.
    private static func prompt(
        _ row: ManifestRow, manifest: BatchManifest, defaults: BatchDefaults, defaultVoices: [Voice], resolver: VoiceResolver,
        format: (ManifestItem, BatchSetting<Double>?, BatchSetting<Double>?) throws -> Int, defaultFormats: () -> [Int]
    ) throws -> Prompt {
        guard let idField = row["id"], let written = idField.value.text else {
            throw SSMLError(.usage, "the row has no id")
        }
        let id = written.trimmingWhitespace()
        do { try OutputTemplate.check(id) } catch let error as SSMLError {
            throw SSMLError(.usage, "the id \"\(id)\" cannot name files: \(error.message.replacingOccurrences(of: "the output path \(id)", with: "it"))", at: idField.value.location)
        }
        let input: Prompt.Input
        switch (row["text"], row["file"]) {
        case (let text?, nil):
            guard let body = text.value.text else { throw SSMLError(.usage, "text must be a text, not \(text.value.typeName)", at: text.value.location) }
            guard !body.trimmingWhitespaceAndNewlines().isEmpty else { throw SSMLError(.usage, "the text is empty", at: text.value.location) }
            input = .text(text.value)
        case (nil, let file?):
            input = .file(try BatchDefaults.single(file), file.value.location)
        case (nil, nil):
            throw SSMLError(.usage, "the row has neither text nor file")
        case (_?, let file?):
            throw SSMLError(.usage, "the row has both text and file; give one", at: file.value.location)
        }
        var dialect = defaults.dialect?.value
        if let field = row["dialect"] {
            let name = try BatchDefaults.single(field)
            guard Dialect.names.contains(name) else {
                throw SSMLError(.usage, "\(name) is not a dialect (use \(Dialect.names.joined(separator: ", ")))", at: field.value.location)
            }
            dialect = name
        }
        var voices = defaultVoices
        let rowVoices = row["voices"] ?? row["voice"], rowLocales = row["locales"] ?? row["locale"]
        if rowVoices != nil || rowLocales != nil {
            let given = try rowVoices.map { BatchSetting(try BatchDefaults.items($0.value), .place($0.value.location)) }
            let locales = try rowLocales.map { BatchSetting(try BatchDefaults.items($0.value), .place($0.value.location)) }
            voices = try Self.voices(given ?? defaults.voices, locales: locales, resolver: resolver)
        }
        var loudness = defaults.loudness, truePeak = defaults.truePeak
        if let field = row["loudness"] { loudness = BatchSetting(try BatchDefaults.number(field), .place(field.value.location)) }
        if let field = row["truePeak"] { truePeak = BatchSetting(try BatchDefaults.number(field), .place(field.value.location)) }
        var formats: [Int]
        if let field = row["formats"] ?? row["format"] {
            formats = try BatchDefaults.items(field.value).map { try format($0, loudness, truePeak) }
            if formats.isEmpty { throw SSMLError(.usage, "no formats", at: field.value.location) }
        } else if row["loudness"] != nil || row["truePeak"] != nil {
            formats = try defaults.formats.value.map { try format($0, loudness, truePeak) }
        } else {
            formats = defaultFormats()
        }
        var unique: [Int] = []
        for index in formats where !unique.contains(index) { unique.append(index) }
        formats = unique
        let tags = try row["tags"].map { try BatchDefaults.items($0.value).map(\.text) } ?? []
        return Prompt(row: row.index, id: id, place: row.place, input: input, dialect: dialect, voices: voices, formats: formats, tags: tags, firstOutput: 0)
    }

    /// The voices a voice list means, with or without locales.
    ///
    /// Without locales every entry is a voice name. With locales every entry is a gender (a full name gives its
    /// gender) and each locale is spoken in each: `locales: de-DE|fr-FR` with `voices: female|male` is four voices.
    static func voices(_ given: BatchSetting<[ManifestItem]>, locales: BatchSetting<[ManifestItem]>?, resolver: VoiceResolver) throws -> [Voice] {
        var result: [Voice] = []
        func add(_ voice: Voice) { if !result.contains(voice) { result.append(voice) } }
        if let locales {
            let genders: [VoiceGender] = try (given.value.isEmpty ? [ManifestItem("female", .standard)] : given.value).map { item in
                if let gender = VoiceGender(rawValue: item.text.lowercased()) { return gender }
                if let voice = resolver.voice(named: item.text) { return voice.gender }
                throw item.origin.error("with locales, voices are genders (female, male, child); \"\(item.text)\" is not one", kind: .unknownVoice)
            }
            if locales.value.isEmpty { throw locales.origin.error("no locales") }
            for locale in locales.value {
                for gender in genders {
                    guard let voice = resolver.voice(locale: locale.text, gender: gender) else {
                        throw locale.origin.error("no voice speaks the locale \"\(locale.text)\" (see `ssml voices`)", kind: .unknownVoice)
                    }
                    add(Voice(name: "\(locale.text.lowercased())-\(gender.rawValue)", locale: voice.locale, gender: gender.rawValue))
                }
            }
            return result
        }
        if given.value.isEmpty { throw given.origin.error("no voices") }
        for item in given.value {
            if VoiceGender(rawValue: item.text.lowercased()) != nil {
                throw item.origin.error("the voice \"\(item.text)\" is a gender; give a voice (\(item.text.lowercased()) needs locales, or write en-us-\(item.text.lowercased()))", kind: .unknownVoice)
            }
            guard let voice = resolver.voice(named: item.text) else {
                let hint = resolver.suggestions(for: item.text).first.map { "; did you mean \($0)?" } ?? " (see `ssml voices`)"
                throw item.origin.error("unknown voice \"\(item.text)\"\(hint)", kind: .unknownVoice)
            }
            add(Voice(name: item.text, locale: voice.locale, gender: voice.gender.rawValue))
        }
        return result
    }

    // MARK: - Outputs

    /// The output of `prompt` in voice `voice` and format `format` (indexes into the prompt's lists).
    public func output(_ prompt: Prompt, voice: Int, format: Int) -> Output {
        let chosen = formats[prompt.formats[format]]
        return Output(number: prompt.firstOutput + voice * prompt.formats.count + format, voice: prompt.voices[voice], format: chosen, formatIndex: prompt.formats[format])
    }

    /// One file of the batch.
    public struct Output: Sendable {
        /// Its number in manifest order (of every shard).
        public var number: Int
        public var voice: Voice
        public var format: Format
        /// Index into ``BatchPlan/formats``.
        public var formatIndex: Int
    }

    /// The output's path relative to the output folder.
    public func path(_ prompt: Prompt, _ output: Output) throws -> String {
        let settings = output.format.settings
        let values = OutputTemplate.Values(
            id: prompt.id, voice: output.voice.name, locale: output.voice.locale, gender: output.voice.gender, format: output.format.name,
            ext: settings.format.rawValue, rate: settings.rate, encoding: settings.encoding.rawValue)
        return try template.path(values)
    }

    /// Every output of `prompt`, in order.
    public func outputs(of prompt: Prompt) -> [Output] {
        var result: [Output] = []
        for voice in prompt.voices.indices {
            for format in prompt.formats.indices { result.append(output(prompt, voice: voice, format: format)) }
        }
        return result
    }

    /// Names the manifest files take in the output folder; no output may take one.
    public static func isReserved(_ path: String) -> Bool {
        let first = path.split(separator: "/").first.map(String.init) ?? path
        if first == BatchState.folderName { return true }
        return !path.contains("/") && path.hasPrefix("manifest") && (path.hasSuffix(".json") || path.hasSuffix(".csv"))
    }

    /// Two outputs with one path, an output where another's folder is, a path the template cannot make: errors at
    /// the rows concerned, before anything is written.
    private mutating func checkPaths() throws {
        var errors: [SSMLError] = []
        var taken: [String: (prompt: Int, output: Output)] = [:]
        var folders: [String: Int] = [:]
        var broken: [Int] = []
        for (index, prompt) in prompts.enumerated() {
            for output in outputs(of: prompt) {
                let path: String
                do { path = try self.path(prompt, output) } catch let error as SSMLError {
                    problems.append(BatchFailure(row: prompt.row, place: prompt.place, id: prompt.id, error: SSMLError(error.kind, "the output template \(template.text): \(error.message)")))
                    broken.append(index)
                    break
                }
                if Self.isReserved(path) {
                    errors.append(SSMLError(.usage, "the output template \(template.text) gives \(path) for \(prompt.id), a name the batch keeps for its manifest", at: prompt.place))
                    continue
                }
                if let implied = OutputSettings.format(impliedBy: path), implied != output.format.settings.format {
                    errors.append(
                        SSMLError(
                            .usage, "the output template \(template.text) gives \(path) for \(prompt.id) in format \(output.format.name), which writes \(output.format.settings.format.rawValue) (use {ext})",
                            at: prompt.place))
                    continue
                }
                if let other = taken[path] {
                    let first = prompts[other.prompt]
                    let what = first.id == prompt.id ? "for two of its outputs" : "for \(first.id) (\(first.place.file):\(first.place.line)) and \(prompt.id)"
                    var hint = "add {voice} or {format} to the template"
                    if first.id == prompt.id && other.output.voice == output.voice { hint = "add {format} to the template" }
                    if first.id == prompt.id && other.output.formatIndex == output.formatIndex { hint = "add {voice} to the template" }
                    errors.append(SSMLError(.usage, "the output template \(template.text) gives \(path) \(what) (\(describe(other.output)) and \(describe(output))); \(hint)", at: prompt.place))
                    continue
                }
                taken[path] = (index, output)
                var folder = path
                while let slash = folder.lastIndex(of: "/") {
                    folder = String(folder[..<slash])
                    folders[folder] = index
                }
            }
        }
        for (folder, index) in folders.sorted(by: { $0.key < $1.key }) {
            if let other = taken[folder] {
                errors.append(
                    SSMLError(
                        .usage, "the output template \(template.text) gives \(folder) as a file for \(prompts[other.prompt].id) and as a folder for \(prompts[index].id)",
                        at: prompts[index].place))
            }
        }
        if !broken.isEmpty {
            let skip = Set(broken)
            prompts = prompts.enumerated().filter { !skip.contains($0.offset) }.map(\.element)
            problems.sort { $0.row < $1.row }
        }
        guard errors.isEmpty else { throw BatchPlanError(errors: errors) }
    }

    private func describe(_ output: Output) -> String { "\(output.voice.name), \(output.format.name)" }
}

/// The manifest cannot run: every problem, each at its place.
public struct BatchPlanError: Error, Sendable, CustomStringConvertible {
    public var errors: [SSMLError]

    public var description: String { errors.map(Self.describe).joined(separator: "\n") }

    /// `prompts.csv:14: error: …` for a row as a whole (its place has no column), else the error's own form.
    public static func describe(_ error: SSMLError) -> String {
        guard let location = error.location, location.column == 0 else { return error.description }
        return "\(location.file):\(location.line): error: \(error.message)"
    }
}
