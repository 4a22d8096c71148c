import ArgumentParser

/// An option whose value is one of fixed choices, spelled as the raw values: `--help` and shell completion list them.
///
/// ArgumentParser's own defaults for raw-value enums reach every raw value through a generic key path and describe
/// it by string interpolation, which costs a start several searches of all the executable's protocol conformances
/// (about 5 % of a one-sentence `ssml render`). These give the same strings directly.
protocol ChoiceArgument: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension ChoiceArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public var defaultValueDescription: String { rawValue }
    public static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    /// No value has a description of its own beside its spelling.
    public static var allValueDescriptions: [String: String] { [:] }
}
