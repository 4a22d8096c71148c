/// Spanish: one word up to thirty ("veintiuno"), "y" between tens and units, "cien"/"ciento",
/// irregular hundreds ("quinientos"), long scale ("mil millones", "billón"), "un"/"una" before nouns.
struct Spanish: LanguageRules {
    static let ones = [
        "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce", "trece",
        "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte", "veintiuno", "veintidós",
        "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve",
    ]
    static let tens = ["", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"]
    static let hundreds = ["", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos", "setecientos", "ochocientos", "novecientos"]

    func below100(_ n: Int) -> String {
        n < 30 ? Self.ones[n] : Self.tens[n / 10] + (n % 10 > 0 ? " y " + Self.ones[n % 10] : "")
    }

    func below1000(_ n: Int) -> String {
        let h = n / 100, rest = n % 100
        if h == 1 && rest == 0 { return "cien" }
        return [h > 0 ? Self.hundreds[h] : "", rest > 0 ? below100(rest) : ""].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Below a million: "veintiún mil" (a number before "mil" drops its final o).
    func belowMillion(_ n: Int) -> String {
        let thousands = n / 1000, rest = n % 1000
        var words: [String] = []
        if thousands == 1 { words.append("mil") } else if thousands > 1 { words.append(apocope(below1000(thousands)) + " mil") }
        if rest > 0 { words.append(below1000(rest)) }
        return words.joined(separator: " ")
    }

    /// "uno" → "un", "veintiuno" → "veintiún": the form before a noun or "mil"/"millones".
    func apocope(_ words: String) -> String {
        if words.hasSuffix("veintiuno") { return words.dropLast(9) + "veintiún" }
        if words == "uno" || words.hasSuffix(" uno") { return String(words.dropLast()) }
        return words
    }

    func cardinal(_ n: Int, form: NumberForm) -> String {
        if n == 0 { return "cero" }
        let trillions = n / 1_000_000_000_000, millions = n / 1_000_000 % 1_000_000, rest = n % 1_000_000
        var words: [String] = []
        if trillions > 0 { words.append(trillions == 1 ? "un billón" : apocope(belowMillion(trillions)) + " billones") }
        if millions > 0 { words.append(millions == 1 ? "un millón" : apocope(belowMillion(millions)) + " millones") }
        if rest > 0 {
            var last = belowMillion(rest)
            switch form {
            case .feminine:
                last = last.replacingOccurrences(of: "ientos", with: "ientas")
                if last.hasSuffix("uno") { last = last.dropLast() + "a" } else if last.hasSuffix("ún mil") { last = last.replacingOccurrences(of: "ún mil", with: "una mil") }
            case .masculine, .neuter: last = apocope(last)
            case .standalone: break
            }
            words.append(last)
        }
        return words.joined(separator: " ")
    }

    static let unitOrdinals = ["", "primero", "segundo", "tercero", "cuarto", "quinto", "sexto", "séptimo", "octavo", "noveno"]
    static let teenOrdinals = [
        "décimo", "undécimo", "duodécimo", "decimotercero", "decimocuarto", "decimoquinto", "decimosexto",
        "decimoséptimo", "decimoctavo", "decimonoveno",
    ]
    static let tenOrdinals = ["", "", "vigésimo", "trigésimo", "cuadragésimo", "quincuagésimo", "sexagésimo", "septuagésimo", "octogésimo", "nonagésimo"]
    static let hundredOrdinals = [
        "", "centésimo", "ducentésimo", "tricentésimo", "cuadringentésimo", "quingentésimo", "sexcentésimo",
        "septingentésimo", "octingentésimo", "noningentésimo",
    ]

    func ordinal(_ n: Int) -> String {
        if n == 0 { return "cero" }
        for (size, name) in [(1_000_000, "millonésimo"), (1000, "milésimo")] where n >= size {
            let count = n / size, rest = n % size
            let head = (count == 1 ? "" : apocope(cardinal(count, form: .standalone)).replacingOccurrences(of: " ", with: "")) + name
            return rest == 0 ? head : head + " " + ordinal(rest)
        }
        var words: [String] = []
        if n >= 100 { words.append(Self.hundredOrdinals[n / 100]) }
        let rest = n % 100
        if rest >= 10 && rest < 20 {
            words.append(Self.teenOrdinals[rest - 10])
        } else {
            if rest >= 20 { words.append(Self.tenOrdinals[rest / 10]) }
            if rest % 10 > 0 { words.append(Self.unitOrdinals[rest % 10]) }
        }
        return words.joined(separator: " ")
    }

    func fractionDigits(_ digits: String) -> String { digitsAsNumber(digits) }

    func fraction(whole: Int?, numerator: Int, denominator: Int) -> String {
        let plural = numerator > 1
        let name: String
        switch denominator {
        case 2: name = "medio"
        case 3: name = "tercio"
        case 4...10: name = ordinal(denominator)
        case 100: name = "centésimo"
        case 1000: name = "milésimo"
        default: name = cardinal(denominator, form: .standalone) + "avo"
        }
        if denominator == 2 && numerator == 1, let whole { return cardinal(whole, form: .standalone) + " y medio" }
        let part = cardinal(numerator, form: .masculine) + " " + name + (plural ? "s" : "")
        guard let whole else { return part }
        return cardinal(whole, form: .standalone) + " y " + part
    }

    func date(_ date: DateParts, weekday: Int?) -> String {
        var words: [String] = []
        if let weekday { words.append(lexicon.weekdays[weekday]) }
        if let day = date.day { words.append(cardinal(day, form: .standalone)) }
        if let month = date.month { words += (date.day == nil ? [] : ["de"]) + [lexicon.months[month - 1]] }
        if let year = date.year { words += (words.isEmpty ? [] : ["de"]) + [self.year(year)] }
        return words.joined(separator: " ")
    }

    func clock(_ time: ClockTime) -> String { clock(time, after: nil) }

    func clock(_ time: ClockTime, after previous: String?) -> String {
        let hour = time.meridiem == nil ? time.hour : (time.hour % 12 == 0 ? 12 : time.hour % 12)
        var words = (hour == 1 ? "la " : "las ") + cardinal(hour, form: .feminine)
        if ["la", "las"].contains(previous ?? "") { words = cardinal(hour, form: .feminine) }  // "a las catorce"
        words += time.minute == 0 ? (time.second == nil && time.meridiem == nil ? " en punto" : "") : " y " + cardinal(time.minute, form: .standalone)
        if let second = time.second {
            words += " con " + cardinal(second, form: .masculine) + (second == 1 ? " segundo" : " segundos")
        }
        if let meridiem = time.meridiem {
            words += meridiem == .am ? " de la mañana" : (time.hour % 12 < 8 ? " de la tarde" : " de la noche")
        }
        return words
    }

    var lexicon: Lexicon {
        let f = NumberForm.feminine
        func unit(_ word: String, _ gender: NumberForm = .masculine) -> Noun { Noun(word, word + "s", gender) }
        return Lexicon(
            minus: "menos", decimalWord: "coma", plus: "más", and: "y", capital: "mayúscula", extensionWord: "extensión",
            months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
            weekdays: ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
            punctuation: [
                "-": "guion", ".": "punto", ",": "coma", "/": "barra", "_": "guion bajo", "@": "arroba", "#": "almohadilla", "*": "asterisco",
                "+": "más", ":": "dos puntos", "&": "y", "!": "exclamación", "?": "interrogación", "(": "abre paréntesis", ")": "cierra paréntesis",
            ],
            units: [
                "km": unit("kilómetro"), "m": unit("metro"), "cm": unit("centímetro"), "mm": unit("milímetro"),
                "kg": unit("kilogramo"), "g": unit("gramo"), "mg": unit("miligramo"), "t": unit("tonelada", f),
                "l": unit("litro"), "ml": unit("mililitro"), "cl": unit("centilitro"),
                "%": Noun("por ciento"), "°C": Noun("grado Celsius", "grados Celsius"), "°F": Noun("grado Fahrenheit", "grados Fahrenheit"), "°": unit("grado"),
                "km/h": Noun("kilómetro por hora", "kilómetros por hora"), "m/s": Noun("metro por segundo", "metros por segundo"),
                "mph": Noun("milla por hora", "millas por hora", f), "mi": unit("milla", f), "ft": Noun("pie", "pies"), "in": unit("pulgada", f),
                "kB": unit("kilobyte"), "MB": unit("megabyte"), "GB": unit("gigabyte"), "TB": unit("terabyte"),
                "kWh": Noun("kilovatio hora", "kilovatios hora"), "W": unit("vatio"), "kW": unit("kilovatio"), "V": unit("voltio"),
                "Hz": unit("hercio"), "kHz": unit("kilohercio"), "MHz": unit("megahercio"), "GHz": unit("gigahercio"),
                "h": unit("hora", f), "min": unit("minuto"), "s": unit("segundo"), "ms": unit("milisegundo"),
            ],
            currencies: [
                "EUR": CurrencyNames(main: unit("euro"), sub: unit("céntimo")),
                "USD": CurrencyNames(main: Noun("dólar", "dólares"), sub: unit("centavo")),
                "GBP": CurrencyNames(main: unit("libra", f), sub: unit("penique")),
                "CHF": CurrencyNames(main: Noun("franco suizo", "francos suizos"), sub: unit("céntimo")),
                "JPY": CurrencyNames(main: Noun("yen", "yenes"), sub: nil),
                "BRL": CurrencyNames(main: Noun("real", "reales"), sub: unit("centavo")),
            ],
            subunitJoin: "con", millionOf: "de",
            address: [
                "c": "calle", "c/": "calle", "cl": "calle", "avda": "avenida", "av": "avenida", "pza": "plaza", "pl": "plaza", "plza": "plaza", "pº": "paseo",
                "ps": "paseo", "ctra": "carretera", "cno": "camino", "nº": "número", "no": "número", "núm": "número", "num": "número",
                "dcha": "derecha", "izq": "izquierda", "izqda": "izquierda", "pta": "puerta", "esc": "escalera", "bl": "bloque",
                "urb": "urbanización", "s/n": "sin número", "sn": "sin número", "apdo": "apartado", "ed": "edificio", "edif": "edificio",
            ],
            day: Noun("día", "días"))
    }
}
