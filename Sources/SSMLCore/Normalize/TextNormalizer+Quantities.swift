import Foundation

extension TextNormalizer {
    /// "three kilograms", "ein Kilogramm", "vingt et une heures", "1,5 Stunden".
    func quantity(_ amount: DecimalNumber, _ noun: Noun) -> String {
        let words = self.words!
        let singular = amount.isOne || (language?.code == .fr && abs(amount.value) < 2)
        var count = words.decimal(amount, form: noun.gender, style: .spoken)
        if amount.fraction.isEmpty, amount.integer >= 1_000_000, amount.integer % 1_000_000 == 0, let of = lexicon?.millionOf {
            // "un millón de euros", "un million d'euros"
            let name = noun.plural
            count += of == "de" && language?.code == .fr && name.first.map({ "aeiouhéè".contains($0) }) == true ? " d'" + name : " " + of + " " + name
            return count
        }
        let name = singular ? noun.singular : noun.plural
        // Italian elides "una" before a vowel: "un'ora", "un'oncia".
        if language?.code == .it, count.hasSuffix("una"), count.split(separator: " ").last == "una", name.first.map({ "aeiouAEIOU".contains($0) }) == true {
            return count.dropLast() + "'" + name
        }
        return count + " " + name
    }

    /// Splits an amount from a currency code or symbol before or after it: "EUR 13.50", "13,50 €", "$5", "R$ 10".
    static func splitCurrency(_ text: String) -> (code: String, amount: String)? {
        let symbols = CurrencySymbols.symbols.keys.sorted { $0.count > $1.count }
        for symbol in symbols {
            if text.hasPrefix(symbol) { return (CurrencySymbols.symbols[symbol]!, String(text.dropFirst(symbol.count))) }
            if text.hasSuffix(symbol) { return (CurrencySymbols.symbols[symbol]!, String(text.dropLast(symbol.count))) }
        }
        let words = text.split(separator: " ")
        func isCode(_ word: Substring?) -> Bool { word.map { $0.count == 3 && $0.allSatisfy { $0.isASCII && $0.isUppercase } } ?? false }
        if words.count == 2, isCode(words.first) { return (String(words[0]), String(words[1])) }
        if words.count == 2, isCode(words.last) { return (String(words[1]), String(words[0])) }
        // "EUR13.50", "13.50EUR"
        let letters = text.prefix { $0.isLetter }, tail = text.reversed().prefix { $0.isLetter }
        if letters.count == 3, isCode(letters) { return (String(letters), String(text.dropFirst(3))) }
        if tail.count == 3, isCode(Substring(tail.reversed())) { return (String(tail.reversed()), String(text.dropLast(3))) }
        return nil
    }

    func currency(_ text: String) throws(NormalizationError) -> [SpeechPiece] {
        var body = text.trimmingWhitespace()
        var negative = false
        if body.hasPrefix("-") || body.hasPrefix("−") { negative = true; body.removeFirst() }
        guard let (code, amountText) = Self.splitCurrency(body.trimmingWhitespace()) else {
            throw NormalizationError("\"\(text)\" is not an amount of money (write it like EUR 13.50, 13,50 €, $5 or USD 1,000.00)")
        }
        var amountString = amountText.trimmingWhitespace()
        // "13,-" and "13.–": whole amounts
        for dash in [",-", ".-", ",–", ".–"] where amountString.hasSuffix(dash) { amountString.removeLast(2) }
        var amount = try number(amountString)
        amount.negative = amount.negative != negative
        let minus = amount.negative ? lexicon!.minus + " " : ""
        amount.negative = false
        guard let names = lexicon!.currencies[code] else {
            // An unknown code: the amount in words, the code spelled.
            return [.text(minus + words!.decimal(amount, style: .spoken)), .characters(code)]
        }
        let cents = amount.fraction.count <= 2 ? Int(amount.fraction.padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0 : nil
        guard let cents, let sub = names.sub else {
            return [.text(minus + quantity(amount, names.main))]
        }
        let whole = DecimalNumber(integer: amount.integer)
        if amount.integer == 0 && cents > 0 { return [.text(minus + quantity(DecimalNumber(integer: cents), sub))] }
        var phrase = quantity(whole, names.main)
        if cents > 0 {
            let join = lexicon!.subunitJoin
            phrase += (join.isEmpty ? " " : " " + join + " ") + words!.cardinal(cents, form: sub.gender, style: .spoken)
            // "ein", "un", "um" cannot end the phrase, nor a lone "one": "einundzwanzig Euro ein Cent", "con un céntimo".
            if cents == 1 || words!.cardinal(cents, form: sub.gender) != words!.cardinal(cents, form: .standalone) {
                phrase += " " + (cents == 1 ? sub.singular : sub.plural)
            }
        }
        return [.text(minus + phrase)]
    }

    /// Unit symbols as people also write them, to the lexicon's keys.
    static let unitAliases: [String: String] = [
        "kmh": "km/h", "km/std": "km/h", "kph": "km/h", "° c": "°C", "℃": "°C", "° f": "°F", "℉": "°F", "grad": "°",
        "sec": "s", "secs": "s", "hr": "h", "hrs": "h", "std": "h", "mins": "min", "kb": "kB", "kwh": "kWh",
        "l": "l", "ltr": "l", "lt": "l", "kilo": "kg", "kilos": "kg", "gr": "g", "sek": "s",
        // Units written as words, as in Vonage's `1meter` and Google's `10 foot`: read as the unit, so the number
        // agrees with it ("ten feet"), as the services read them.
        "foot": "ft", "feet": "ft", "inch": "in", "inches": "in", "mile": "mi", "miles": "mi",
        "meter": "m", "meters": "m", "metre": "m", "metres": "m", "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km",
        "centimeter": "cm", "centimeters": "cm", "centimetre": "cm", "centimetres": "cm", "millimeter": "mm", "millimeters": "mm",
        "gram": "g", "grams": "g", "kilogram": "kg", "kilograms": "kg", "liter": "l", "liters": "l", "litre": "l", "litres": "l",
        "second": "s", "seconds": "s", "minute": "min", "minutes": "min", "hour": "h", "hours": "h",
    ]

    func unitKey(_ symbol: String) -> String? {
        let units = lexicon!.units
        if units[symbol] != nil { return symbol }
        if let alias = Self.unitAliases[symbol.lowercased()] { return alias }
        let matches = units.keys.filter { $0.lowercased() == symbol.lowercased() }
        return matches.count == 1 ? matches[0] : nil
    }

    func unit(_ text: String) throws(NormalizationError) -> String {
        let body = text.trimmingWhitespace()
        let numberEnd = body.firstIndex { !($0.isASCIIDigit || ".,-−+ '\u{00A0}\u{202F}".contains($0)) } ?? body.endIndex
        var amountText = String(body[..<numberEnd])
        // A space may end the number and begin the unit: keep trailing spaces out of the number.
        while amountText.hasSuffix(" ") { amountText.removeLast() }
        let symbol = body[numberEnd...].trimmingWhitespace()
        guard !amountText.isEmpty, !symbol.isEmpty else {
            throw NormalizationError("\"\(text)\" is not an amount with a unit (write it like 3.5 kg or 20 °C)")
        }
        guard let key = unitKey(symbol), let noun = lexicon!.units[key] else {
            // A unit without words here: the amount in words, the symbol as written for the engine.
            return words!.decimal(try number(amountText), style: .spoken) + " " + symbol
        }
        return quantity(try number(amountText), noun)
    }
}
