import Foundation

/// The documented genders of Vonage talk styles (`Voices/vonage-styles.json`), used to pick one of our
/// voices for a `talk` action's `language` and `style`.
///
/// Vonage publishes its styles without genders; the file joins its legacy voice-name table (name to language
/// and style) with its voice-name gender table, and says so. A style without a row has no documented gender.
public struct VonageStyles: Sendable, Equatable {
    public struct Style: Sendable, Equatable {
        public var language: String
        public var style: Int
        public var gender: VoiceGender
        /// The deprecated `voiceName` that selected this style.
        public var voiceName: String
    }

    public var styles: [Style]

    public init(styles: [Style]) { self.styles = styles }

    /// The documented style, or nil. Languages compare case-insensitively (`de-de` = `de-DE`).
    public func style(language: String, style: Int) -> Style? {
        let key = language.lowercased()
        return styles.first { $0.language.lowercased() == key && $0.style == style }
    }

    /// The language and style the deprecated `voiceName` selected (case-insensitive); the first listed when
    /// a name served two languages.
    public func style(voiceName: String) -> Style? {
        let key = voiceName.lowercased()
        return styles.first { $0.voiceName.lowercased() == key }
    }
}
