/// English: short scale, hyphenated tens, "and" after hundreds in British usage.
struct English: LanguageRules {
    var british: Bool

    static let ones = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    static let scales = ["", "thousand", "million", "billion", "trillion", "quadrillion"]

    func below100(_ n: Int) -> String {
        n < 20 ? Self.ones[n] : Self.tens[n / 10] + (n % 10 > 0 ? "-" + Self.ones[n % 10] : "")
    }

    func below1000(_ n: Int) -> String {
        let hundreds = n / 100, rest = n % 100
        var words = hundreds > 0 ? Self.ones[hundreds] + " hundred" : ""
        if rest > 0 { words += (hundreds > 0 ? (british ? " and " : " ") : "") + below100(rest) }
        return words
    }

    func cardinal(_ n: Int, form: NumberForm) -> String {
        if n == 0 { return "zero" }
        let parts = groups(n)
        return parts.enumerated().map { index, group in
            let words = below1000(group.value) + (group.power > 0 ? " " + Self.scales[group.power] : "")
            // "one thousand and five"
            let and = british && index > 0 && group.power == 0 && group.value < 100 ? "and " : ""
            return and + words
        }.joined(separator: " ")
    }

    func ordinal(_ n: Int) -> String {
        let words = cardinal(n, form: .standalone)
        let cut = words.lastIndex(where: { $0 == " " || $0 == "-" }).map { words.index(after: $0) } ?? words.startIndex
        let last = String(words[cut...])
        let irregular = ["one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth", "twelve": "twelfth"]
        let ordinal = irregular[last] ?? (last.hasSuffix("y") ? last.dropLast() + "ieth" : last + "th")
        return words[..<cut] + ordinal
    }

    func year(_ n: Int) -> String {
        guard (1000...9999).contains(n), !(2000...2009).contains(n), n % 1000 != 0 else { return cardinal(n, form: .standalone) }
        let high = n / 100, low = n % 100
        if low == 0 { return below100(high) + " hundred" }
        return below100(high) + " " + (low < 10 ? "oh " + Self.ones[low] : below100(low))
    }

    func fractionDigits(_ digits: String) -> String { digitByDigit(digits) }

    func fraction(whole: Int?, numerator: Int, denominator: Int) -> String {
        let plural = numerator != 1
        let name: String
        switch denominator {
        case 2: name = plural ? "halves" : "half"
        case 4: name = plural ? "quarters" : "quarter"
        default: name = ordinal(denominator) + (plural ? "s" : "")
        }
        guard let whole else { return cardinal(numerator, form: .standalone) + " " + name }
        return cardinal(whole, form: .standalone) + " and " + (plural ? cardinal(numerator, form: .standalone) : "a") + " " + name
    }

    func date(_ date: DateParts, weekday: Int?) -> String {
        let l = lexicon
        var words: [String] = []
        if let weekday { words.append(l.weekdays[weekday] + ",") }
        let month = date.month.map { l.months[$0 - 1] }
        let day = date.day.map { ordinal($0) }
        switch (day, month) {
        case let (day?, month?): words += british ? ["the", day, "of", month] : [month, day]
        case let (day?, nil): words += ["the", day]
        case let (nil, month?): words.append(month)
        case (nil, nil): break
        }
        if let year = date.year {
            if date.day != nil && !british { words[words.count - 1] += "," }
            words.append(self.year(year))
        }
        return words.joined(separator: " ")
    }

    func clock(_ time: ClockTime) -> String {
        // English speakers read 24-hour times on the 12-hour clock too: "09:00" is "nine a.m." (not "nine
        // hundred", a number), "13:00" "one p.m.", "12:00" "twelve noon", "00:00" "twelve midnight".
        let hour = time.hour % 12 == 0 ? 12 : time.hour % 12
        var words = cardinal(hour, form: .standalone)
        if time.minute > 0 { words += " " + (time.minute < 10 ? "oh " + Self.ones[time.minute] : below100(time.minute)) }
        if time.meridiem == nil, time.minute == 0, time.second == nil, time.hour % 12 == 0 {
            words += time.hour == 12 ? " noon" : " midnight"
        } else {
            words += time.hour < 12 ? " a.m." : " p.m."
        }
        if let second = time.second {
            words += " and " + cardinal(second, form: .standalone) + (second == 1 ? " second" : " seconds")
        }
        return words
    }

    var lexicon: Lexicon {
        let metre = british ? "metre" : "meter", litre = british ? "litre" : "liter"
        func unit(_ word: String) -> Noun { Noun(word, word + "s") }
        return Lexicon(
            minus: "minus", decimalWord: "point", plus: "plus", and: "and", capital: "capital", extensionWord: "extension",
            months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
            weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            punctuation: [
                "-": "dash", ".": "dot", ",": "comma", "/": "slash", "_": "underscore", "@": "at", "#": "hash", "*": "star",
                "+": "plus", ":": "colon", "&": "and", "!": "exclamation mark", "?": "question mark", "(": "open bracket", ")": "close bracket",
            ],
            units: [
                "km": unit("kilo" + metre), "m": unit(metre), "cm": unit("centi" + metre), "mm": unit("milli" + metre),
                "kg": unit("kilogram"), "g": unit("gram"), "mg": unit("milligram"), "t": unit("tonne"),
                "l": unit(litre), "ml": unit("milli" + litre), "cl": unit("centi" + litre),
                "%": Noun("percent"), "°C": Noun("degree Celsius", "degrees Celsius"), "°F": Noun("degree Fahrenheit", "degrees Fahrenheit"),
                "°": unit("degree"), "km/h": Noun("kilo\(metre) per hour", "kilo\(metre)s per hour"), "m/s": Noun("\(metre) per second", "\(metre)s per second"),
                "mph": Noun("mile per hour", "miles per hour"), "mi": unit("mile"), "ft": Noun("foot", "feet"), "in": Noun("inch", "inches"),
                "kB": unit("kilobyte"), "MB": unit("megabyte"), "GB": unit("gigabyte"), "TB": unit("terabyte"),
                "kWh": unit("kilowatt hour"), "W": unit("watt"), "kW": unit("kilowatt"), "V": unit("volt"),
                "Hz": Noun("hertz"), "kHz": Noun("kilohertz"), "MHz": Noun("megahertz"), "GHz": Noun("gigahertz"),
                "h": unit("hour"), "min": unit("minute"), "s": unit("second"), "ms": unit("millisecond"),
            ],
            currencies: [
                "EUR": CurrencyNames(main: Noun("euro", "euros"), sub: Noun("cent", "cents")),
                "USD": CurrencyNames(main: Noun("dollar", "dollars"), sub: Noun("cent", "cents")),
                "GBP": CurrencyNames(main: Noun("pound", "pounds"), sub: Noun("penny", "pence")),
                "CHF": CurrencyNames(main: Noun("Swiss franc", "Swiss francs"), sub: Noun("centime", "centimes")),
                "JPY": CurrencyNames(main: Noun("yen"), sub: nil),
                "BRL": CurrencyNames(main: Noun("real", "reais"), sub: Noun("centavo", "centavos")),
            ],
            subunitJoin: "", millionOf: nil,
            address: [
                "st": "Street", "ave": "Avenue", "av": "Avenue", "rd": "Road", "blvd": "Boulevard", "dr": "Drive", "ln": "Lane",
                "ct": "Court", "pl": "Place", "sq": "Square", "hwy": "Highway", "pkwy": "Parkway", "apt": "Apartment", "ste": "Suite",
                "fl": "Floor", "no": "number", "bldg": "Building", "mt": "Mount", "ft": "Fort",
                "n": "North", "s": "South", "e": "East", "w": "West", "ne": "Northeast", "nw": "Northwest", "se": "Southeast", "sw": "Southwest",
            ],
            day: Noun("day", "days"))
    }
}
