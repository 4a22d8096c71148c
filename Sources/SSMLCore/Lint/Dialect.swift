import Foundation

/// What one voice service accepts in SSML, loaded from `Dialects/<name>.json`.
///
/// Every rule carries the `source` it was taken from (a documentation URL or a section of the
/// project's dialect notes), so a finding can say why it exists. Nothing here is code: a new service,
/// or a service that changes its rules, is a data edit.
public struct Dialect: Sendable, Decodable, Equatable {
    /// The name used on the command line: `seven`, `vonage`, `azure`, `polly`, `google`, `w3c`.
    public var name: String
    /// The service's name for messages: "Amazon Polly".
    public var title: String
    /// The main page documenting the service's SSML.
    public var source: String
    public var speak: SpeakRule
    /// Supported elements by qualified name as written (`break`, `mstts:express-as`, `amazon:effect`).
    public var elements: [String: ElementRule]
    /// What the service does with an element missing from ``elements``.
    public var unknownElement: Verdict
    /// What the service does with an attribute missing from its element's list.
    public var unknownAttribute: Verdict
    public var values: [ValueRule]
    public var breakTime: BreakRule?
    public var textLimits: [TextLimit]
    public var elementCounts: [CountRule]
    public var children: [ChildRule]
    public var voices: VoiceRule?
    public var audio: AudioRule?
    /// How the service reads keywords, as values our renderer understands (`rate="x-fast"` is `2` on Azure).
    public var tables: [ValueTable]
    /// Readings where the service departs from W3C SSML (percent semantics, the bare `<break/>`, a time without
    /// unit, say-as spellings); `render --dialect` applies them, `lint` explains them.
    public var readings: Readings?

    /// A documented fact with its source.
    public struct Sourced<Value: Sendable & Decodable & Equatable>: Sendable, Decodable, Equatable {
        public var value: Value
        public var source: String
    }

    /// Where the service reads SSML differently from W3C SSML 1.1.
    public struct Readings: Sendable, Decodable, Equatable {
        /// `<prosody>` attributes whose unsigned `N%` the service reads as a change of +N% (Azure: `rate="50%"` is
        /// 1.5 times); W3C reads `rate="50%"` as half the normal rate.
        public var relativePercent: Sourced<[String]>?
        /// The time of a `<break/>` without attributes (Azure: 750ms, its medium strength).
        public var bareBreak: Sourced<String>?
        /// The unit the service reads a `<break time>` without unit in (`3` -> `s`).
        public var unitlessTime: Sourced<String>?
    }

    /// A severity with the reason a finding gives and where the rule comes from.
    public struct Verdict: Sendable, Decodable, Equatable {
        public var severity: Diagnostic.Severity
        public var reason: String
        public var source: String
        /// Whether `render --dialect` removes such markup (the service does not read it).
        public var drop: Bool?
    }

    /// `<speak>`: whether the service needs it, and what `--fix` wraps a fragment in.
    public struct SpeakRule: Sendable, Decodable, Equatable {
        /// When set, markup without a `<speak>` root is a finding of this kind.
        public var required: Verdict?
        /// Attributes `<speak>` must carry (`version`, `xml:lang`).
        public var requiredAttributes: [String]?
        /// When set, `<speak>` must declare this namespace.
        public var namespace: String?
        public var attributesSource: String?
        /// The start tag `--fix` wraps a fragment in.
        public var wrapper: String
        /// Prefixes the service reads without an `xmlns:` declaration (Polly's `amazon:`); any other
        /// undeclared prefix is an XML namespace error.
        public var undeclaredPrefixes: [String]?
    }

    public struct ElementRule: Sendable, Decodable, Equatable {
        public var attributes: [String]
        /// Attributes the service requires on this element.
        public var required: [String]?
        /// A supported element that still reads differently (for example only on some voices).
        public var caveat: Verdict?
        public var source: String
        /// How this project renders the element (for vendor elements); lint shows it as a note.
        public var local: String?
        /// The element holds markup of another vocabulary (MathML in Azure's `<math>`), not checked as SSML.
        public var foreign: Bool?
    }

    /// The forms a value may take: keywords, or patterns each with an optional numeric range.
    public struct ValueRule: Sendable, Decodable, Equatable {
        public var element: String
        public var attribute: String
        public var keywords: [String]?
        public var forms: [Form]?
        public var severity: Diagnostic.Severity
        public var reason: String
        public var source: String

        public struct Form: Sendable, Decodable, Equatable {
            /// A regular expression over the whole value (case-insensitive).
            public var pattern: String
            /// Bounds on the first number in the value.
            public var min: Double?
            public var max: Double?
            /// How bad a value outside the bounds is (default: the rule's severity).
            public var outside: Diagnostic.Severity?
            public var outsideReason: String?
        }
    }

    /// The longest `<break>` the service plays.
    public struct BreakRule: Sendable, Decodable, Equatable {
        public var maxSeconds: Double
        public var severity: Diagnostic.Severity
        public var reason: String
        public var source: String
    }

    /// A length limit on the request text.
    public struct TextLimit: Sendable, Decodable, Equatable {
        /// `characters` (the whole text, tags included), `text-characters` (tags excluded) or `bytes` (UTF-8, tags included).
        public var measure: String
        public var max: Int
        public var severity: Diagnostic.Severity
        public var reason: String
        public var source: String
    }

    /// A limit on how many of some elements a document may hold.
    public struct CountRule: Sendable, Decodable, Equatable {
        public var elements: [String]
        public var max: Int
        public var severity: Diagnostic.Severity
        public var reason: String
        public var source: String
    }

    /// Which children an element may hold.
    public struct ChildRule: Sendable, Decodable, Equatable {
        public var parent: String
        /// Allowed child elements; nil means any.
        public var allowed: [String]?
        /// Whether non-blank text may appear directly inside.
        public var text: Bool
        /// Child elements the parent must contain at least one of.
        public var requires: [String]?
        public var severity: Diagnostic.Severity
        public var reason: String
        public var source: String
    }

    /// How `<voice name>` is checked.
    public struct VoiceRule: Sendable, Decodable, Equatable {
        /// `catalog-names` (`de-de-female`), `azure` (Microsoft neural names), `google` (`en-US-Wavenet-A`).
        public var style: String
        /// For names of the right shape that no list knows.
        public var unknown: Verdict
        /// For names of the wrong shape altogether.
        public var malformed: Verdict
        /// A regular expression a name of the right shape matches (for `azure` and `google`).
        public var pattern: String?
        /// The service's voice-name grammar in words, and where its genders come from.
        public var grammar: String?
        public var genders: String?
        /// For names of no known form (custom or personal voices): what lint says.
        public var custom: Verdict?
    }

    /// What `<audio src>` the service fetches.
    public struct AudioRule: Sendable, Decodable, Equatable {
        public var schemes: [String]?
        public var schemeSeverity: Diagnostic.Severity
        public var schemeReason: String
        public var extensions: [String]?
        public var extensionSeverity: Diagnostic.Severity?
        public var extensionReason: String?
        public var source: String
    }

    /// A keyword table: how the service reads `attribute` values of `element`.
    public struct ValueTable: Sendable, Decodable, Equatable {
        public var element: String
        public var attribute: String
        /// When set, the value moves to this attribute (a break strength becomes a time).
        public var target: String?
        public var map: [String: String]
        public var source: String
    }

    /// Every dialect name the project ships.
    public static let names = ["seven", "vonage", "azure", "polly", "google", "w3c"]
}

extension Diagnostic.Severity: Decodable {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let value = Diagnostic.Severity(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "severity \"\(raw)\" is not error, warning or note"))
        }
        self = value
    }
}
