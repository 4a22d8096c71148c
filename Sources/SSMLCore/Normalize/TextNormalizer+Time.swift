import Foundation

/// The parts of a date that are present (`format="my"` has no day).
public struct DateParts: Sendable, Equatable {
    public var year: Int?
    public var month: Int?
    public var day: Int?

    public init(year: Int? = nil, month: Int? = nil, day: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The field order of a format: "dmy", "yyyymmdd" → "ymd", "dd.mm.yyyy" → "dmy".
    static func order(of format: String) -> String {
        var order = ""
        for letter in format.lowercased() where "dmy".contains(letter) && order.last != letter { order.append(letter) }
        return order
    }

    /// Parses `raw` in `format` (field order from its letters, `ymd` inferred for ISO dates, `dmy`/`mdy`
    /// inferred when only one of them gives a real date) and checks that the date exists.
    static func parse(_ raw: String, format: String?, lexicon: Lexicon?) throws(NormalizationError) -> DateParts {
        var order: String?
        if let format {
            let o = Self.order(of: format)
            let letters = format.lowercased().filter(\.isLetter)
            guard !o.isEmpty, Set(o).count == o.count, letters.allSatisfy({ "dmy".contains($0) }) else {
                throw NormalizationError("date format \"\(format)\" is not a date format (use mdy, dmy, ymd, md, dm, ym, my, d, m, y or yyyymmdd)", attribute: "format")
            }
            order = o
        }
        let text = raw.trimmingWhitespace()
        var tokens = text.split(whereSeparator: { "/-. ,".contains($0) }).map(String.init)
        // Compact digits ("20230304"): cut by the widths of the format's fields.
        // Vonage's yyyymmdd takes `?` for a field left out: `????0310` is March 10th.
        if tokens.count == 1, let only = tokens.first, only.contains("?"), only.allSatisfy({ $0.isASCIIDigit || $0 == "?" }),
            format.map({ Self.order(of: $0) == "ymd" }) ?? true, only.count == 8
        {
            // Without a format, eight digits and `?` can only be Vonage's yyyymmdd.
            let fields = [("y", only.prefix(4)), ("m", only.dropFirst(4).prefix(2)), ("d", only.suffix(2))]
            let kept = fields.filter { !$0.1.contains("?") }
            guard kept.allSatisfy({ $0.1.allSatisfy(\.isASCIIDigit) }), !kept.isEmpty else {
                throw NormalizationError("date \"\(raw)\" leaves part of a field unknown (write ? for a whole field: ????0310)")
            }
            return try parse(kept.map { String($0.1) }.joined(separator: "-"), format: kept.map(\.0).joined(), lexicon: lexicon)
        }
        if tokens.count == 1, let only = tokens.first, only.allSatisfy(\.isASCIIDigit), only.count > 2 {
            let fields = order ?? (only.count == 8 ? "ymd" : "")
            let yearWidth = format.map { $0.lowercased().filter { $0 == "y" }.count == 2 ? 2 : 4 } ?? 4
            let widths = fields.map { $0 == "y" ? yearWidth : 2 }
            guard !fields.isEmpty, widths.reduce(0, +) == only.count else {
                throw NormalizationError("date \"\(raw)\" does not match \(format.map { "format \"\($0)\"" } ?? "any date format; give a format attribute")")
            }
            var index = only.startIndex
            tokens = widths.map { width in
                let end = only.index(index, offsetBy: width)
                defer { index = end }
                return String(only[index..<end])
            }
            order = fields
        }
        guard !tokens.isEmpty else { throw NormalizationError("say-as date is empty") }
        let months = (lexicon?.months ?? []) + English(british: false).lexicon.months
        func monthName(_ token: String) -> Int? {
            guard token.count >= 3, token.allSatisfy(\.isLetter) else { return nil }
            let lower = token.lowercased()
            return months.firstIndex { $0.lowercased().hasPrefix(lower) }.map { $0 % 12 + 1 }
        }
        func build(_ order: String) -> DateParts? {
            guard order.count == tokens.count else { return nil }
            var parts = DateParts()
            for (field, rawToken) in zip(order, tokens) {
                if field == "m", let month = monthName(rawToken) { parts.month = month; continue }
                // A day may carry its ordinal ending: "March 3rd", "1er mai", "1º de maio".
                let ending = rawToken.drop { $0.isASCIIDigit }.lowercased()
                let token =
                    field == "d" && ["st", "nd", "rd", "th", "er", "e", "º", "o"].contains(ending) && rawToken.first?.isASCIIDigit == true
                    ? String(rawToken.prefix { $0.isASCIIDigit }) : rawToken
                guard token.allSatisfy(\.isASCIIDigit), let value = Int(token) else { return nil }
                switch field {
                case "y":
                    guard token.count == 4 || token.count == 2 else { return nil }
                    // Two-digit years: 00-49 are 2000-2049, 50-99 are 1950-1999.
                    parts.year = token.count == 2 ? (value < 50 ? 2000 + value : 1900 + value) : value
                case "m": guard token.count <= 2 else { return nil }; parts.month = value
                default: guard token.count <= 2 else { return nil }; parts.day = value
                }
            }
            return parts
        }
        if let order {
            guard let parts = build(order) else {
                throw NormalizationError("date \"\(raw)\" does not match format \"\(format ?? order)\"")
            }
            try parts.validate(raw)
            return parts
        }
        // No format: the ISO order, a month name's position, or the one reading that exists.
        if tokens.count == 3, tokens[0].count == 4, tokens.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), let parts = build("ymd") {
            try parts.validate(raw)
            return parts
        }
        let candidates = tokens.count == 3 ? ["ymd", "dmy", "mdy"] : tokens.count == 2 ? ["dm", "md", "my", "ym"] : ["y"]
        let valid = candidates.compactMap { candidate -> (String, DateParts)? in
            guard let parts = build(candidate), (try? parts.validate(raw)) != nil else { return nil }
            if candidate.hasPrefix("y"), tokens.first?.count != 4 { return nil }
            if candidate == "y", tokens.first?.count != 4 { return nil }
            return (candidate, parts)
        }
        if valid.count == 1 { return valid[0].1 }
        if valid.isEmpty { throw NormalizationError("\"\(raw)\" is not a date (a format attribute such as format=\"dmy\" says how to read it)") }
        if let named = valid.first(where: { _ in tokens.contains { monthName($0) != nil } }) { return named.1 }
        throw NormalizationError(
            "date \"\(raw)\" is ambiguous: give format=\"\(valid.map(\.0).joined(separator: "\" or format=\""))\"",
            attribute: nil)
    }

    func validate(_ raw: String) throws(NormalizationError) {
        if let month, !(1...12).contains(month) { throw NormalizationError("date \"\(raw)\" has no month \(month)") }
        if let day {
            let limit = month.map { DateParts.days(in: $0, year: year) } ?? 31
            guard (1...limit).contains(day) else {
                let monthName = month.map { English(british: false).lexicon.months[$0 - 1] + (year.map { " \($0)" } ?? "") }
                throw NormalizationError("date \"\(raw)\" does not exist" + (monthName.map { ": \($0) has \(limit) days" } ?? ""))
            }
        }
    }

    static func days(in month: Int, year: Int?) -> Int {
        switch month {
        case 2:
            guard let year else { return 29 }
            return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `detail`: absent or "1" reads the date alone, "2" adds the weekday (when year, month and day are known).
    static func weekday(for date: DateParts, detail: String?) throws(NormalizationError) -> Int? {
        switch detail?.trimmingWhitespace() {
        case nil, "", "1": return nil
        case "2":
            guard let year = date.year, let month = date.month, let day = date.day else { return nil }
            // Sakamoto's method, Monday = 0.
            let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
            let y = month < 3 ? year - 1 : year
            let sunday0 = (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
            return (sunday0 + 6) % 7
        default:
            throw NormalizationError("date detail \"\(detail ?? "")\" is not 1 (date) or 2 (with the weekday)", attribute: "detail")
        }
    }
}

/// A time of day: 24-hour, or 12-hour with a.m./p.m. (then `hour` is stored 0...23).
public struct ClockTime: Sendable, Equatable {
    public enum Meridiem: Sendable { case am, pm }
    public var hour: Int
    public var minute: Int
    public var second: Int?
    public var meridiem: Meridiem?

    /// Parses "14:30", "14:30:05", "2:30pm", "2.30 p.m.", "14h30", "9 am". `format` hms12 requires an hour
    /// from 1 to 12, hms24 one from 0 to 23.
    static func parse(_ raw: String, format: String?) throws(NormalizationError) -> ClockTime {
        let twelve: Bool?
        switch format?.lowercased().trimmingWhitespace() {
        case nil, "": twelve = nil
        case "hms12", "hm12", "h12", "12": twelve = true
        case "hms24", "hm24", "h24", "24", "hms", "hm": twelve = false
        default: throw NormalizationError("time format \"\(format!)\" is not hms12 or hms24", attribute: "format")
        }
        var text = raw.lowercased().trimmingWhitespace()
        var meridiem: Meridiem?
        for (suffix, value) in [("a.m.", Meridiem.am), ("p.m.", .pm), ("am", .am), ("pm", .pm), ("a", .am), ("p", .pm)] where text.hasSuffix(suffix) {
            meridiem = value
            text = String(text.dropLast(suffix.count)).trimmingWhitespace()
            break
        }
        if text.hasSuffix("h") { text.removeLast() }
        let fields = text.split(omittingEmptySubsequences: false, whereSeparator: { ":.h".contains($0) })
        let fail = NormalizationError("time \"\(raw)\" is not a time (write it like 14:30, 14:30:05 or 2:30 pm)")
        guard (1...3).contains(fields.count), fields.allSatisfy({ field in !field.isEmpty && field.count <= 2 && field.allSatisfy { $0.isASCIIDigit } }) else { throw fail }
        let numbers = fields.compactMap { Int($0) }
        guard fields.dropFirst().allSatisfy({ $0.count == 2 }) else { throw fail }
        let hour = numbers[0], minute = numbers.count > 1 ? numbers[1] : 0, second = numbers.count > 2 ? numbers[2] : nil
        guard minute < 60, (second ?? 0) < 60 else { throw NormalizationError("time \"\(raw)\" has minutes or seconds above 59") }
        if meridiem != nil || twelve == true {
            guard (1...12).contains(hour) else { throw NormalizationError("time \"\(raw)\" is not a 12-hour time (hours 1 to 12)") }
        } else {
            guard hour < 24 else { throw NormalizationError("time \"\(raw)\" has no hour \(hour) (hours 0 to 23)") }
        }
        guard fields.count > 1 || meridiem != nil || raw.lowercased().contains("h") else { throw fail }
        var time = ClockTime(hour: hour, minute: minute, second: second, meridiem: meridiem)
        if let meridiem { time.hour = hour % 12 + (meridiem == .pm ? 12 : 0) }
        return time
    }
}

/// A length of time: "1:30:05", "2h 5m", "90 min", "1 d 3 h".
struct DurationParts: Equatable {
    /// (unit key, amount) in order; keys are d, h, min, s, ms.
    var parts: [(String, DecimalNumber)]

    static func == (a: DurationParts, b: DurationParts) -> Bool { a.parts.map(\.0) == b.parts.map(\.0) && a.parts.map(\.1) == b.parts.map(\.1) }

    static let unitNames: [String: String] = [
        "d": "d", "day": "d", "days": "d", "tag": "d", "tage": "d", "j": "d",
        "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "std": "h", "stunden": "h", "stunde": "h",
        "m": "min", "min": "min", "mins": "min", "minute": "min", "minutes": "min", "minuten": "min", "′": "min", "'": "min",
        "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s", "sek": "s", "sekunden": "s", "″": "s", "\"": "s",
        "ms": "ms", "msec": "ms",
    ]

    static func parse(_ raw: String, format: String?) throws(NormalizationError) -> DurationParts {
        let text = raw.trimmingWhitespace()
        let fail = NormalizationError("duration \"\(raw)\" is not a duration (write it like 1:30:05, 1:30 or 2h 5m)")
        if text.contains(":") {
            let fields = text.split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(fields.count), fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) && $0.count <= 6 }) else { throw fail }
            let letters = format.map { String($0.lowercased().filter(\.isLetter)) }
            if let letters, !["hms", "hm", "ms", "hhmmss", "hhmm", "mmss"].contains(letters) {
                throw NormalizationError("duration format \"\(format ?? "")\" is not hms, hm or ms", attribute: "format")
            }
            let keys = fields.count == 3 ? ["h", "min", "s"] : (letters == "ms" || letters == "mmss") ? ["min", "s"] : ["h", "min"]
            let values = fields.compactMap { Int($0) }
            guard values.dropFirst().allSatisfy({ $0 < 60 }) else { throw NormalizationError("duration \"\(raw)\" has minutes or seconds above 59") }
            return DurationParts(parts: zip(keys, values).filter { $0.1 > 0 || values.allSatisfy { $0 == 0 } }.map { ($0.0, DecimalNumber(integer: $0.1)) })
        }
        // Amount-unit pairs: "2h 5m", "2 h 5 min", "1.5 hours".
        var parts: [(String, DecimalNumber)] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            rest = rest.drop(while: { $0 == " " || $0 == "," })
            let amount = rest.prefix { $0.isASCIIDigit || $0 == "." || $0 == "," }
            rest = rest.dropFirst(amount.count).drop(while: { $0 == " " })
            let unit = rest.prefix { $0.isLetter || "′″'\"".contains($0) }
            rest = rest.dropFirst(unit.count)
            if amount.isEmpty && unit.isEmpty && rest.isEmpty { break }
            guard !amount.isEmpty, let key = unitNames[unit.lowercased()],
                let value = TextNormalizer.parseNumber(String(amount), decimalComma: true), value.integer <= NumberWords.maximum
            else { throw fail }
            parts.append((key, value))
        }
        guard !parts.isEmpty else { throw fail }
        return DurationParts(parts: parts)
    }
}

extension TextNormalizer {
    func duration(_ value: DurationParts) -> String {
        let phrases = value.parts.map { key, amount in
            quantity(amount, key == "d" ? lexicon!.day : lexicon!.units[key]!)
        }
        guard phrases.count > 1 else { return phrases.joined() }
        return phrases.dropLast().joined(separator: ", ") + " " + lexicon!.and + " " + phrases.last!
    }
}
