extension VoiceCatalog {
    /// The catalog as `Voices/catalog.json` writes it (`about` is documentation and ignored). An entry without
    /// `settings` takes `templates[gender]`; names are kept lowercase.
    public init(json: JSONValue) throws {
        let templatesValue = try json.required("templates", in: "the catalog")
        var templates: [String: VoiceSettings] = [:]
        for member in try templatesValue.members("templates") {
            templates[member.key] = try VoiceSettings(json: member.value, what: "templates.\(member.key)")
        }
        var voices: [VoiceSpec] = []
        for (index, entry) in try json.required("voices", in: "the catalog").elements("voices").enumerated() {
            let what = "voices[\(index)]"
            let name = try entry.required("name", in: what).string("\(what).name")
            let gender = try VoiceGender(json: entry.required("gender", in: what), what: "\(what).gender")
            let settings: VoiceSettings
            if let written = entry["settings"] {
                settings = try VoiceSettings(json: written, what: "\(what).settings")
            } else if let template = templates[gender.rawValue] {
                settings = template
            } else {
                throw SSMLError(.invalidValue, "\(name) has no settings and no \(gender) template", at: entry.location)
            }
            voices.append(
                VoiceSpec(
                    name: name.lowercased(), locale: try entry.required("locale", in: what).string("\(what).locale"), gender: gender,
                    espeak: try entry.required("espeak", in: what).string("\(what).espeak"), settings: settings,
                    aliases: try entry["aliases"]?.strings("\(what).aliases") ?? []))
        }
        self.init(voices: voices, templates: templates, localeMap: try json["localeMap"]?.stringMap("localeMap") ?? [:])
        samples = try json["samples"]?.stringMap("samples") ?? [:]
        primaryRegions = try json["primaryRegions"]?.stringMap("primaryRegions") ?? [:]
        if let google = json["google"] {
            self.google.source = try google["source"]?.string("google.source") ?? ""
            for member in try google["voices"]?.members("google.voices") ?? [] {
                self.google.voices[member.key] = try member.value.stringMap("google.voices.\(member.key)")
            }
            self.google.chirp3HD = try google["chirp3HD"]?.stringMap("google.chirp3HD") ?? [:]
            self.google.chirpHD = try google["chirpHD"]?.stringMap("google.chirpHD") ?? [:]
        }
    }
}

extension VoiceSettings {
    init(json: JSONValue, what: String) throws {
        self.init(
            variant: try json.required("variant", in: what).string("\(what).variant"),
            pitch: try json.required("pitch", in: what).int("\(what).pitch"),
            range: try json.required("range", in: what).int("\(what).range"),
            rate: try json.required("rate", in: what).int("\(what).rate"),
            tract: try json.required("tract", in: what).double("\(what).tract"),
            baseHz: try json.required("baseHz", in: what).double("\(what).baseHz"))
    }
}

extension VoiceGender {
    init(json: JSONValue, what: String) throws {
        let text = try json.string(what)
        guard let gender = VoiceGender(rawValue: text) else {
            throw SSMLError(
                .invalidValue, "\(what) must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(text)\"",
                at: json.location)
        }
        self = gender
    }
}

extension VonageStyles {
    /// The table as `Voices/vonage-styles.json` writes it (`about` is documentation and ignored).
    public init(json: JSONValue) throws {
        let rows = try json.required("styles", in: "the style table").elements("styles")
        self.init(
            styles: try rows.enumerated().map { index, row in
                let what = "styles[\(index)]"
                return Style(
                    language: try row.required("language", in: what).string("\(what).language"),
                    style: try row.required("style", in: what).int("\(what).style"),
                    gender: try VoiceGender(json: row.required("gender", in: what), what: "\(what).gender"),
                    voiceName: try row.required("voiceName", in: what).string("\(what).voiceName"))
            })
    }
}
