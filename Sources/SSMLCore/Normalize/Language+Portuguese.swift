/// Portuguese: "e" between hundreds, tens and units ("cento e vinte e um"), "cem"/"cento", feminine
/// "uma"/"duas"/"-entas"; Brazil uses the short scale ("bilhão") and "dezesseis", Portugal the long
/// scale ("mil milhões") and "dezasseis".
struct Portuguese: LanguageRules {
    var brazilian: Bool

    var ones: [String] {
        [
            "zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez", "onze", "doze", "treze",
            brazilian ? "quatorze" : "catorze", "quinze", brazilian ? "dezesseis" : "dezasseis", brazilian ? "dezessete" : "dezassete",
            "dezoito", brazilian ? "dezenove" : "dezanove",
        ]
    }
    static let tens = ["", "", "vinte", "trinta", "quarenta", "cinquenta", "sessenta", "setenta", "oitenta", "noventa"]
    static let hundreds = ["", "cento", "duzentos", "trezentos", "quatrocentos", "quinhentos", "seiscentos", "setecentos", "oitocentos", "novecentos"]

    func below100(_ n: Int) -> String {
        n < 20 ? ones[n] : Self.tens[n / 10] + (n % 10 > 0 ? " e " + ones[n % 10] : "")
    }

    func below1000(_ n: Int) -> String {
        let h = n / 100, rest = n % 100
        if h == 1 && rest == 0 { return "cem" }
        guard h > 0 else { return below100(rest) }
        return Self.hundreds[h] + (rest > 0 ? " e " + below100(rest) : "")
    }

    /// Scale words by power of a thousand (singular, plural); nil where the long scale says "mil" + the one below.
    var scales: [(String, String)?] {
        brazilian
            ? [nil, nil, ("milhão", "milhões"), ("bilhão", "bilhões"), ("trilhão", "trilhões"), ("quatrilhão", "quatrilhões")]
            : [nil, nil, ("milhão", "milhões"), nil, ("bilião", "biliões"), nil]
    }

    func cardinal(_ n: Int, form: NumberForm) -> String {
        if n == 0 { return "zero" }
        // Groups of three digits, with the long scale's "mil milhões" folded into six-digit groups.
        var parts: [(words: String, value: Int)] = []
        let list = groups(n)
        var index = 0
        while index < list.count {
            let group = list[index]
            index += 1
            var count = group.value, power = group.power
            if power >= 2, scales[power] == nil {
                // "mil milhões": this group times a thousand, plus the group below if it is the next power.
                power -= 1
                count *= 1000
                if index < list.count, list[index].power == power { count += list[index].value; index += 1 }
            }
            switch power {
            case 0:
                parts.append((below1000(count), count))
            case 1:
                parts.append((count == 1 ? "mil" : below1000(count) + " mil", count * 1000))
            default:
                let scale = scales[power]!
                let multiplier = count >= 1000 ? cardinal(count, form: .masculine) : below1000(count)
                parts.append((multiplier + " " + (count == 1 ? scale.0 : scale.1), Int.max))
            }
        }
        var words = ""
        for (position, part) in parts.enumerated() {
            var text = part.words
            if form == .feminine && part.value < 1_000_000 { text = feminine(text) }
            if position > 0 {
                // "mil e quinhentos", "mil duzentos e trinta": "e" before a last part below a hundred or of round hundreds.
                let last = position == parts.count - 1
                words += last && (part.value < 100 || (part.value < 1000 && part.value % 100 == 0)) ? " e " : " "
            }
            words += text
        }
        return words
    }

    func feminine(_ words: String) -> String {
        words.split(separator: " ").map { word -> String in
            switch word {
            case "um": "uma"
            case "dois": "duas"
            default: word.hasSuffix("entos") ? word.dropLast(2) + "as" : String(word)
            }
        }.joined(separator: " ")
    }

    static let unitOrdinals = ["", "primeiro", "segundo", "terceiro", "quarto", "quinto", "sexto", "sétimo", "oitavo", "nono"]
    static let tenOrdinals = ["", "décimo", "vigésimo", "trigésimo", "quadragésimo", "quinquagésimo", "sexagésimo", "septuagésimo", "octogésimo", "nonagésimo"]
    static let hundredOrdinals = [
        "", "centésimo", "ducentésimo", "trecentésimo", "quadringentésimo", "quingentésimo", "sexcentésimo",
        "septingentésimo", "octingentésimo", "nongentésimo",
    ]

    func ordinal(_ n: Int) -> String {
        if n == 0 { return "zero" }
        for (size, name) in [(1_000_000, "milionésimo"), (1000, "milésimo")] where n >= size {
            let count = n / size, rest = n % size
            let head = (count == 1 ? "" : cardinal(count, form: .standalone) + " ") + name
            return rest == 0 ? head : head + " " + ordinal(rest)
        }
        var words: [String] = []
        if n >= 100 { words.append(Self.hundredOrdinals[n / 100]) }
        if n % 100 >= 10 { words.append(Self.tenOrdinals[n % 100 / 10]) }
        if n % 10 > 0 { words.append(Self.unitOrdinals[n % 10]) }
        return words.joined(separator: " ")
    }

    func fractionDigits(_ digits: String) -> String { digitsAsNumber(digits) }

    func fraction(whole: Int?, numerator: Int, denominator: Int) -> String {
        if denominator == 2 && numerator == 1 {
            guard let whole else { return "um meio" }
            return cardinal(whole, form: .standalone) + " e meio"
        }
        let plural = numerator > 1
        let name: String
        switch denominator {
        case 2: name = "meio" + (plural ? "s" : "")
        case 3: name = plural ? "terços" : "terço"
        case 4...10, 100, 1000: name = ordinal(denominator) + (plural ? "s" : "")
        default: name = cardinal(denominator, form: .standalone) + " avos"
        }
        let part = cardinal(numerator, form: .masculine) + " " + name
        guard let whole else { return part }
        return cardinal(whole, form: .standalone) + " e " + part
    }

    func date(_ date: DateParts, weekday: Int?) -> String {
        var words: [String] = []
        if let weekday { words.append(lexicon.weekdays[weekday] + ",") }
        if let day = date.day { words.append(day == 1 ? "primeiro" : cardinal(day, form: .standalone)) }
        if let month = date.month { words += (date.day == nil ? [] : ["de"]) + [lexicon.months[month - 1]] }
        if let year = date.year { words += (date.day == nil && date.month == nil ? [] : ["de"]) + [self.year(year)] }
        return words.joined(separator: " ")
    }

    func clock(_ time: ClockTime) -> String {
        let hour = time.meridiem == nil ? time.hour : (time.hour % 12 == 0 ? 12 : time.hour % 12)
        var words = cardinal(hour, form: .feminine) + (hour == 1 ? " hora" : " horas")
        if time.minute > 0 { words += " e " + cardinal(time.minute, form: .standalone) }
        if let second = time.second { words += " e " + cardinal(second, form: .masculine) + (second == 1 ? " segundo" : " segundos") }
        if let meridiem = time.meridiem { words += meridiem == .am ? " da manhã" : (time.hour % 12 < 7 ? " da tarde" : " da noite") }
        return words
    }

    var lexicon: Lexicon {
        let f = NumberForm.feminine
        func unit(_ word: String, _ gender: NumberForm = .masculine) -> Noun { Noun(word, word + "s", gender) }
        let kilometre = brazilian ? "quilômetro" : "quilómetro"
        let cent = brazilian ? unit("centavo") : unit("cêntimo")
        return Lexicon(
            minus: "menos", decimalWord: "vírgula", plus: "mais", and: "e", capital: "maiúscula", extensionWord: "ramal",
            months: ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"],
            weekdays: ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"],
            punctuation: [
                "-": "hífen", ".": "ponto", ",": "vírgula", "/": "barra", "_": "sublinhado", "@": "arroba", "#": "cerquilha", "*": "asterisco",
                "+": "mais", ":": "dois pontos", "&": "e", "!": "ponto de exclamação", "?": "ponto de interrogação", "(": "abre parênteses", ")": "fecha parênteses",
            ],
            units: [
                "km": unit(kilometre), "m": unit("metro"), "cm": unit("centímetro"), "mm": unit("milímetro"),
                "kg": unit("quilograma"), "g": unit("grama"), "mg": unit("miligrama"), "t": unit("tonelada", f),
                "l": unit("litro"), "ml": unit("mililitro"), "cl": unit("centilitro"),
                "%": Noun("por cento"), "°C": Noun("grau Celsius", "graus Celsius"), "°F": Noun("grau Fahrenheit", "graus Fahrenheit"), "°": unit("grau"),
                "km/h": Noun("\(kilometre) por hora", "\(kilometre)s por hora"), "m/s": Noun("metro por segundo", "metros por segundo"),
                "mph": Noun("milha por hora", "milhas por hora", f), "mi": unit("milha", f), "ft": unit("pé"), "in": unit("polegada", f),
                "kB": unit("quilobyte"), "MB": unit("megabyte"), "GB": unit("gigabyte"), "TB": unit("terabyte"),
                "kWh": Noun("quilowatt-hora", "quilowatts-hora"), "W": unit("watt"), "kW": unit("quilowatt"), "V": unit("volt"),
                "Hz": Noun("hertz"), "kHz": Noun("quilohertz"), "MHz": Noun("megahertz"), "GHz": Noun("gigahertz"),
                "h": unit("hora", f), "min": unit("minuto"), "s": unit("segundo"), "ms": unit("milissegundo"),
            ],
            currencies: [
                "EUR": CurrencyNames(main: unit("euro"), sub: cent),
                "USD": CurrencyNames(main: Noun("dólar", "dólares"), sub: unit("centavo")),
                "GBP": CurrencyNames(main: unit("libra", f), sub: Noun("péni", "pence")),
                "CHF": CurrencyNames(main: Noun("franco suíço", "francos suíços"), sub: cent),
                "JPY": CurrencyNames(main: unit("iene"), sub: nil),
                "BRL": CurrencyNames(main: Noun("real", "reais"), sub: unit("centavo")),
            ],
            subunitJoin: "e", millionOf: "de",
            address: [
                "r": "rua", "av": "avenida", "avda": "avenida", "pç": "praça", "pça": "praça", "pc": "praça", "trav": "travessa", "tv": "travessa",
                "lg": "largo", "al": "alameda", "estr": "estrada", "rod": "rodovia", "nº": "número", "n": "número", "no": "número",
                "apto": "apartamento", "ap": "apartamento", "esq": "esquerdo", "dto": "direito", "dt": "direito", "bl": "bloco",
                "cj": "conjunto", "s/n": "sem número", "sn": "sem número", "cep": "CEP",
            ],
            day: unit("dia"))
    }
}
