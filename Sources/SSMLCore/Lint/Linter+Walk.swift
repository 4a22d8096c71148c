import Foundation

/// One pass over the tree, collecting findings with fixes built from the raw tag ranges.
struct Walk {
    let linter: Linter
    let scan: RawScan
    let file: String
    var findings: [LintFinding] = []
    var counts: [String: [SourceLocation]] = [:]

    init(linter: Linter, scan: RawScan, file: String) {
        self.linter = linter
        self.scan = scan
        self.file = file
    }

    var dialect: Dialect { linter.dialect }

    func tagIndex(of element: XMLElement) -> Int? {
        scan.offset(line: element.location.line, column: element.location.column).flatMap { scan.tag(at: $0) }
    }

    func attributeRange(_ attribute: XMLAttribute, of element: XMLElement) -> RawScan.Attribute? {
        guard let index = tagIndex(of: element) else { return nil }
        return scan.tags[index].attributes.first { $0.name == attribute.qualifiedName }
    }

    /// Removes an element's tags and keeps what is inside.
    func unwrap(_ element: XMLElement, why: String) -> LintFix? {
        guard let index = tagIndex(of: element) else { return nil }
        var edits = [TextEdit(range: scan.tags[index].range, replacement: "")]
        if let partner = scan.tags[index].partner { edits.append(TextEdit(range: scan.tags[partner].range, replacement: "")) }
        let kept = scan.tags[index].kind == .empty ? "" : " (its content kept)"
        return LintFix(kind: .drop, description: "removed <\(element.qualifiedName)>\(kept): \(why)", edits: edits)
    }

    func dropAttribute(_ attribute: XMLAttribute, of element: XMLElement, why: String) -> LintFix? {
        guard let raw = attributeRange(attribute, of: element) else { return nil }
        return LintFix(kind: .drop, description: "removed \(attribute.qualifiedName)=\"\(attribute.value)\" from <\(element.qualifiedName)>: \(why)", edits: [TextEdit(range: raw.range, replacement: "")])
    }

    func replaceValue(_ attribute: XMLAttribute, of element: XMLElement, with value: String, why: String) -> LintFix? {
        guard let raw = attributeRange(attribute, of: element) else { return nil }
        return LintFix(kind: .safe, description: "\(element.qualifiedName) \(attribute.qualifiedName) \"\(attribute.value)\" -> \"\(value)\": \(why)", edits: [TextEdit(range: raw.valueRange, replacement: XMLEscaping.escape(value))])
    }


    mutating func add(_ severity: Diagnostic.Severity, _ rule: String, _ message: String, at location: SourceLocation, source: String?, fix: LintFix? = nil) {
        findings.append(LintFinding(severity, rule, message, at: location, source: source, fix: fix))
    }

    /// `<speak>`'s required attributes and namespace.
    mutating func checkSpeak(_ root: XMLElement) {
        let place = root.location.with(element: root.qualifiedName)
        let source = dialect.speak.attributesSource ?? dialect.source
        var missing: [String] = []
        for name in dialect.speak.requiredAttributes ?? [] {
            let parts = name.split(separator: ":").map(String.init)
            let present = parts.count == 2 ? root.attribute(parts[1], prefix: parts[0]) != nil : root.attribute(name) != nil
            if !present { missing.append(name) }
        }
        if let namespace = dialect.speak.namespace, root.namespace != namespace {
            missing.append("xmlns")
        }
        guard !missing.isEmpty else { return }
        var fix: LintFix?
        // version and xmlns have one right value; a language does not, so it is never guessed.
        let fixable = missing.filter { $0 == "version" || $0 == "xmlns" }
        if !fixable.isEmpty, let index = tagIndex(of: root), root.namespace == nil || !fixable.contains("xmlns") {
            let tag = scan.tags[index]
            let insertAt = tag.range.lowerBound + 1 + tag.name.utf8.count
            var added = ""
            if fixable.contains("version") { added += " version=\"1.0\"" }
            if fixable.contains("xmlns"), let namespace = dialect.speak.namespace { added += " xmlns=\"\(namespace)\"" }
            fix = LintFix(kind: .safe, description: "added\(added) to <speak>", edits: [TextEdit(range: insertAt..<insertAt, replacement: added)])
        }
        add(.error, "required-attribute", "<speak> lacks \(missing.joined(separator: ", ")), which \(dialect.title) requires", at: place, source: source, fix: fix)
    }

    /// The name the dialect tables use: `ssml:break` with the SSML namespace bound to `ssml` is `break`.
    static func ruleName(_ element: XMLElement) -> String {
        element.namespace == SSMLDocument.namespace ? element.name : element.qualifiedName
    }

    mutating func visit(_ element: XMLElement, parent: XMLElement?) {
        let name = Walk.ruleName(element)
        let place = element.location.with(element: name)
        counts[name, default: []].append(place)
        if let prefix = element.prefix, element.namespace == nil, !(dialect.speak.undeclaredPrefixes ?? []).contains(prefix) {
            add(
                .error, "xml", "namespace prefix \(prefix) on <\(name)> is not declared: add xmlns:\(prefix)=\"…\" to <speak> (an XML parser rejects it)",
                at: place, source: "https://www.w3.org/TR/xml-names/#nsc-NSDeclared")
        }
        guard let rule = dialect.elements[name] else {
            let verdict = dialect.unknownElement
            var message = "<\(name)> is not SSML that \(dialect.title) reads: \(verdict.reason)"
            if let hint = hint(for: element) { message += "; \(hint)" }
            add(verdict.severity, "element", message, at: place, source: verdict.source, fix: unwrap(element, why: "\(dialect.title) does not support it"))
            // Markup of another vocabulary (MathML) is one finding, at its outermost element.
            if DialectTransform.isForeign(element) { return }
            for case .element(let child) in element.children { visit(child, parent: element) }
            return
        }
        if let caveat = rule.caveat {
            add(caveat.severity, "caveat", "<\(name)>: \(caveat.reason)", at: place, source: caveat.source)
        }
        if let local = rule.local {
            add(.note, "local", "<\(name)>: \(local)", at: place, source: rule.source)
        }
        for attribute in element.attributes {
            let qualified = attribute.qualifiedName
            // xsi:schemaLocation and friends belong to XML Schema, not to SSML: the W3C's own examples carry them,
            // and a processor that validates reads them as hints.
            if rule.attributes.contains(qualified) || attribute.isSchemaInstance { continue }
            let verdict = dialect.unknownAttribute
            add(
                verdict.severity, "attribute", "\(qualified) on <\(name)> is not an attribute \(dialect.title) reads: \(verdict.reason)",
                at: attribute.location.with(element: name, attribute: qualified), source: rule.source,
                fix: dropAttribute(attribute, of: element, why: "\(dialect.title) does not read it"))
        }
        for required in rule.required ?? [] where !element.attributes.contains(where: { $0.qualifiedName == required }) {
            add(.error, "required-attribute", "<\(name)> needs a \(required) attribute on \(dialect.title)", at: place, source: rule.source)
        }
        checkValues(element)
        if name == "break" { checkBreak(element) }
        if name == "voice" { checkVoice(element) }
        if name == "audio" { checkAudio(element) }
        if rule.foreign == true { return }  // MathML inside Azure's <math>: not SSML, not checked as SSML.
        checkChildren(of: element, qualifiedName: name)
        for case .element(let child) in element.children { visit(child, parent: element) }
    }

    /// Where a service does the same thing another way, say so.
    func hint(for element: XMLElement) -> String? {
        switch (dialect.name, Walk.ruleName(element)) {
        case ("polly", "voice"):
            let name = element.attribute("name")?.value ?? ""
            if let entry = linter.catalog?.entry(named: name), let polly = entry.aliases.first(where: { $0.lowercased() == name.lowercased() && !$0.contains("-") }) ?? entry.aliases.first(where: { !$0.contains("-") }) {
                return "choose the voice with SynthesizeSpeech's VoiceId (\(polly))"
            }
            return "Polly picks the voice with SynthesizeSpeech's VoiceId parameter"
        case ("vonage", "voice"): return "Vonage picks the voice with the talk action's language and style"
        case ("vonage", "audio"): return "play audio with an NCCO stream action"
        case ("vonage", "dtmf"): return "collect keys with an NCCO input action"
        case ("vonage", "bridge"): return "transfer the call with an NCCO connect action"
        case ("azure", "mark"): return "Azure's element for this is <bookmark mark=\"…\"/>"
        default: return nil
        }
    }

    mutating func checkValues(_ element: XMLElement) {
        let name = Walk.ruleName(element)
        for rule in dialect.values where rule.element == name {
            guard let attribute = element.attributes.first(where: { $0.qualifiedName == rule.attribute }) else { continue }
            let value = attribute.value.trimmingWhitespace()
            let place = attribute.location.with(element: name, attribute: rule.attribute)
            if let keywords = rule.keywords, keywords.contains(value.lowercased()) { continue }
            var matched = false
            for form in rule.forms ?? [] where Walk.matches(form.pattern, value) {
                matched = true
                guard let number = Walk.firstNumber(in: value) else { break }
                let low = form.min ?? -Double.infinity, high = form.max ?? Double.infinity
                if number.value < low || number.value > high {
                    let bound = number.value < low ? low : high
                    let clamped = Walk.replacing(number, in: value, with: bound)
                    let why = form.outsideReason ?? rule.reason
                    add(
                        form.outside ?? rule.severity, "range", "\(name) \(rule.attribute)=\"\(attribute.value)\" is out of range: \(why)",
                        at: place, source: rule.source, fix: replaceValue(attribute, of: element, with: clamped, why: "clamped to the range \(dialect.title) takes"))
                }
                break
            }
            if !matched {
                var message = "\(name) \(rule.attribute)=\"\(attribute.value)\": \(rule.reason)"
                var fix: LintFix?
                if let synonym = Walk.synonym(of: value, among: rule.keywords, element: name, attribute: rule.attribute) {
                    // Another service's spelling of a value this one has (Vonage's `character`): the fix names it
                    // the way this service does, so what is heard stays what was meant.
                    message += "; \(dialect.title) spells it \"\(synonym)\""
                    fix = replaceValue(attribute, of: element, with: synonym, why: "\(dialect.title)'s spelling of the same reading")
                } else if dialect.elements[name]?.required?.contains(rule.attribute) != true {
                    fix = dropAttribute(attribute, of: element, why: "\(dialect.title) does not take this value")
                }
                add(rule.severity, "value", message, at: place, source: rule.source, fix: fix)
            }
        }
    }

    mutating func checkBreak(_ element: XMLElement) {
        guard let time = element.attribute("time") else { return }
        let place = time.location.with(element: "break", attribute: "time")
        let seconds: Double
        do { seconds = try BreakValue.time(time.value) } catch {
            // A number without unit is read as seconds (Google documents `time="3"` as a 3 second pause, and that is
            // how it renders here): the fix writes the unit, so the pause stays as long as it is heard.
            if let number = BreakValue.unitlessSeconds(time.value) {
                let written = BreakValue.format(number)
                let fix = replaceValue(time, of: element, with: written, why: "a time needs its unit")
                if let unit = dialect.readings?.unitlessTime {
                    add(
                        .note, "break-time", "break time \"\(time.value)\" has no unit: \(dialect.title) reads it as \(written), other services refuse it; write \(written)",
                        at: place, source: unit.source, fix: fix)
                } else {
                    add(
                        .error, "break-time", "break time \"\(time.value)\" has no unit, which \(dialect.title) requires (SSML times are like 500ms or 3s); it renders here as \(written)",
                        at: place, source: Linter.breakSource, fix: fix)
                }
                return
            }
            add(
                .error, "break-time", error.message, at: place, source: Linter.breakSource,
                fix: dropAttribute(time, of: element, why: "not a time any service reads"))
            return
        }
        guard let cap = dialect.breakTime, seconds > cap.maxSeconds else { return }
        let capText = cap.maxSeconds == cap.maxSeconds.rounded() ? "\(Int(cap.maxSeconds))s" : "\(Int(cap.maxSeconds * 1000))ms"
        add(
            cap.severity, "break-cap", "break time \(time.value) is longer than \(dialect.title)'s \(capText): \(cap.reason)",
            at: place, source: cap.source, fix: replaceValue(time, of: element, with: capText, why: "\(dialect.title) plays at most \(capText)"))
    }

    mutating func checkVoice(_ element: XMLElement) {
        guard let rule = dialect.voices, let attribute = element.attribute("name") else { return }
        let name = attribute.value.trimmingWhitespace()
        let place = attribute.location.with(element: "voice", attribute: "name")
        let entry = linter.catalog?.entry(named: name)
        switch rule.style {
        case "catalog-names":
            let shaped = Walk.matches(rule.pattern ?? "^[a-z]{2,3}-[a-z]{2,4}-(female|male|child)$", name)
            if shaped {
                if let catalog = linter.catalog, !catalog.voices.contains(where: { $0.name == name.lowercased() }) {
                    add(rule.unknown.severity, "voice", "voice \"\(name)\": \(rule.unknown.reason)", at: place, source: rule.unknown.source)
                }
                return
            }
            let hint = entry.map { "; the region-gender name for it is \($0.name)" } ?? ""
            add(rule.malformed.severity, "voice", "voice \"\(name)\": \(rule.malformed.reason)\(hint)", at: place, source: rule.malformed.source)
        case "azure":
            let key = VoiceCatalog.spellings(of: name).last ?? name
            let longForm = name.lowercased().hasPrefix("microsoft server speech text to speech voice (")
            if longForm || Walk.matches(rule.pattern ?? "", name) {
                if let match = linter.resolver?.resolve(name), let why = match.approximation, !key.contains(":") {
                    add(rule.unknown.severity, LintFinding.unlistedVoiceRule, "voice \"\(name)\": \(rule.unknown.reason) (locally \(why))", at: place, source: rule.unknown.source)
                }
                return
            }
            // Another service's name (a Google one): suggest the Microsoft voice of the same locale and gender.
            if let voice = linter.resolver?.resolve(name)?.voice, let neural = Walk.neuralName(for: voice, in: linter.catalog) {
                add(rule.malformed.severity, "voice", "voice \"\(name)\": \(rule.malformed.reason); did you mean \(neural)?", at: place, source: rule.malformed.source)
                return
            }
            if let custom = rule.custom {
                add(custom.severity, "voice", "voice \"\(name)\": \(custom.reason)", at: place, source: custom.source)
                return
            }
            add(rule.malformed.severity, "voice", "voice \"\(name)\": \(rule.malformed.reason)", at: place, source: rule.malformed.source)
        case "google":
            if Walk.matches(rule.pattern ?? ".*", name) {
                if let match = linter.resolver?.resolve(name), let why = match.approximation {
                    add(rule.unknown.severity, LintFinding.unlistedVoiceRule, "voice \"\(name)\": \(rule.unknown.reason) (locally \(why))", at: place, source: rule.unknown.source)
                }
                return
            }
            var message = "voice \"\(name)\": \(rule.malformed.reason)"
            if let voice = linter.resolver?.resolve(name)?.voice, let google = Walk.googleName(for: voice, in: linter.catalog) {
                message += "; did you mean \(google)?"
            }
            add(rule.malformed.severity, "voice", message, at: place, source: rule.malformed.source)
        default:
            if !Walk.matches(rule.pattern ?? ".*", name) {
                add(rule.malformed.severity, "voice", "voice \"\(name)\": \(rule.malformed.reason)", at: place, source: rule.malformed.source)
            }
        }
    }

    /// A Microsoft neural name of this voice's locale and gender, for suggestions.
    static func neuralName(for voice: VoiceSpec, in catalog: VoiceCatalog?) -> String? {
        let entry = catalog?.voices.first { $0.locale == voice.locale && $0.gender == voice.gender } ?? voice
        return entry.aliases.first { $0.hasSuffix("Neural") }
    }

    /// A Google voice of this voice's locale and gender (Neural2 or WaveNet first), for suggestions.
    static func googleName(for voice: VoiceSpec, in catalog: VoiceCatalog?) -> String? {
        guard let voices = catalog?.google.voices[voice.locale] else { return nil }
        let code = voice.gender == .male ? "m" : "f"
        let names = voices.filter { $0.value == code }.keys.sorted { a, b in
            let rank = { (name: String) in name.hasPrefix("Neural2") ? 0 : name.hasPrefix("Wavenet") ? 1 : 2 }
            return rank(a) != rank(b) ? rank(a) < rank(b) : a < b
        }
        return names.first.map { "\(voice.locale)-\($0)" }
    }

    mutating func checkAudio(_ element: XMLElement) {
        guard let rule = dialect.audio, let src = element.attribute("src") else { return }
        let place = src.location.with(element: "audio", attribute: "src")
        let value = src.value.trimmingWhitespace()
        let scheme = value.range(of: "://").map { value[..<$0.lowerBound].lowercased() } ?? (value.lowercased().hasPrefix("file:") ? "file" : "")
        if let schemes = rule.schemes, !schemes.contains(scheme) {
            let what = scheme.isEmpty ? "a relative path" : "a \(scheme): URL"
            add(rule.schemeSeverity, "audio", "audio src \"\(src.value)\" is \(what): \(rule.schemeReason)", at: place, source: rule.source)
        }
        if let extensions = rule.extensions {
            let path = value.split(separator: "?").first.map(String.init) ?? value
            let ext = (path as NSString).pathExtension.lowercased()
            if !extensions.contains(ext) {
                add(rule.extensionSeverity ?? .warning, "audio", "audio src \"\(src.value)\": \(rule.extensionReason ?? "not a format the service plays")", at: place, source: rule.source)
            }
        }
    }

    /// Nesting rules for `element` (or for the loader's wrapper when `qualifiedName` is nil).
    mutating func checkChildren(of element: XMLElement, qualifiedName: String?) {
        let name = qualifiedName ?? "speak"
        for rule in dialect.children where rule.parent == name {
            if qualifiedName == nil && rule.parent == "speak" && dialect.speak.required != nil { continue }
            var sawRequired = false
            var previous: XMLElement?
            for child in element.children {
                switch child {
                case .element(let inner):
                    let innerName = Walk.ruleName(inner)
                    if rule.requires?.contains(innerName) == true { sawRequired = true }
                    if let allowed = rule.allowed, !allowed.contains(innerName) {
                        add(
                            rule.severity, "nesting", "<\(innerName)> inside <\(name)>: \(rule.reason)",
                            at: inner.location.with(element: innerName), source: rule.source)
                    }
                case .text(let text, let location):
                    if !rule.text, !text.trimmingWhitespaceAndNewlines().isEmpty {
                        let place = textStart(after: previous, in: qualifiedName == nil ? nil : element) ?? location
                        add(rule.severity, "nesting", "text directly inside <\(name)>: \(rule.reason)", at: place.with(element: name), source: rule.source)
                    }
                }
                if case .element(let inner) = child { previous = inner }
            }
            if let requires = rule.requires, !sawRequired {
                add(
                    rule.severity, "nesting", "<\(name)> holds no <\(requires.joined(separator: "> or <"))>: \(rule.reason)",
                    at: element.location.with(element: name), source: rule.source)
            }
        }
    }

    /// Where a run of text really starts: its first non-blank character after the tag before it (the end of the
    /// previous sibling, or of the parent's start tag; the file's start for a fragment's wrapper), from the raw scan.
    func textStart(after previous: XMLElement?, in parent: XMLElement?) -> SourceLocation? {
        var offset = 0
        if let previous {
            guard let index = tagIndex(of: previous) else { return nil }
            let tag = scan.tags[index]
            offset = tag.kind == .empty ? tag.range.upperBound : (tag.partner.map { scan.tags[$0].range.upperBound } ?? tag.range.upperBound)
        } else if let parent {
            guard let index = tagIndex(of: parent) else { return nil }
            offset = scan.tags[index].range.upperBound
        }
        // Skip blanks and comments, as the parser does.
        while offset < scan.bytes.count {
            let byte = scan.bytes[offset]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { offset += 1; continue }
            if scan.bytes[offset...].starts(with: Array("<!--".utf8)) {
                var end = offset + 4
                while end + 2 < scan.bytes.count, !scan.bytes[end...].starts(with: Array("-->".utf8)) { end += 1 }
                offset = end + 3
                continue
            }
            break
        }
        let place = scan.position(of: offset)
        return SourceLocation(file: file, line: place.line, column: place.column)
    }

    func countFindings() -> [LintFinding] {
        dialect.elementCounts.compactMap { rule in
            let places = rule.elements.flatMap { counts[$0] ?? [] }.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            guard places.count > rule.max else { return nil }
            let names = rule.elements.map { "<\($0)>" }.joined(separator: " and ")
            return LintFinding(rule.severity, "count", "\(places.count) \(names) elements; \(rule.reason)", at: places[rule.max], source: rule.source)
        }
    }

    // MARK: - Values

    /// The keyword among `keywords` that means the same say-as reading as `value` (`characters` for Vonage's
    /// `character`, `digits` for Azure's `number_digit`), when `value` itself is not among them.
    static func synonym(of value: String, among keywords: [String]?, element: String, attribute: String) -> String? {
        guard element == "say-as", attribute == "interpret-as", let keywords,
            !keywords.contains(value.lowercased()), let kind = SayAsKind(interpretAs: value)
        else { return nil }
        return keywords.first { SayAsKind(interpretAs: $0) == kind }
    }

    static func matches(_ pattern: String, _ value: String) -> Bool {
        guard let regex = RegexCache.shared.regex(pattern) else { return false }
        return regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }

    struct Number {
        var value: Double
        var range: Range<String.Index>
        var signed: Bool
    }

    static func firstNumber(in value: String) -> Number? {
        guard let range = value.range(of: "[+-]?[0-9]*\\.?[0-9]+", options: .regularExpression),
            let number = Double(value[range])
        else { return nil }
        return Number(value: number, range: range, signed: value[range].first == "+" || value[range].first == "-")
    }

    static func replacing(_ number: Number, in value: String, with bound: Double) -> String {
        var text = bound == bound.rounded() ? String(Int(bound)) : String(bound)
        if number.signed && bound >= 0 { text = "+" + text }
        var result = value
        result.replaceSubrange(number.range, with: text)
        return result
    }
}
