import SSMLCore
import SSMLTestSupport
import Testing

/// The text each say-as value becomes, per language.
@Suite struct NormalizeSayAsTests {
    static func text(_ locale: String, _ kind: SayAsKind, _ value: String, format: String? = nil, detail: String? = nil) throws -> String {
        let reading = try TextNormalizer(locale: locale).reading(SayAs(kind, value, format: format, detail: detail))
        guard case .speech(let pieces) = reading else { return "<\(String(describing: reading))>" }
        return SpeechSegment(pieces: pieces, voice: try Repository.catalog().voices[0], prosody: .neutral, location: SourceLocation(file: "t", line: 1, column: 1)).displayText
    }

    static let cases: [(String, SayAsKind, String, String?, String)] = [
        // cardinal / number: both decimal conventions
        ("en-US", .cardinal, "1,234", nil, "one thousand two hundred thirty-four"),
        ("en-US", .cardinal, "1,000.50", nil, "one thousand point five zero"),
        ("en-US", .cardinal, "-3.5", nil, "minus three point five"),
        ("de-DE", .cardinal, "1234", nil, "tausend zweihundert vierunddreißig"),
        ("de-DE", .cardinal, "1.234", nil, "tausend zweihundert vierunddreißig"),
        ("de-DE", .cardinal, "13,50", nil, "dreizehn Komma fünf null"),
        ("fr-FR", .cardinal, "1 000 000", nil, "un million"),
        ("es-ES", .cardinal, "2,5", nil, "dos coma cinco"),
        // ordinal
        ("en-US", .ordinal, "21st", nil, "twenty-first"),
        ("de-DE", .ordinal, "3.", nil, "dritte"),
        ("fr-FR", .ordinal, "2e", nil, "deuxième"),
        ("es-ES", .ordinal, "3º", nil, "tercero"),
        ("it-IT", .ordinal, "28", nil, "ventottesimo"),
        // digits
        ("en-US", .digits, "4071", nil, "four zero seven one"),
        ("de-DE", .digits, "4071", nil, "vier null sieben eins"),
        // characters: punctuation named, letters spelled
        ("en-US", .characters, "AB-12", nil, "A B dash 1 2"),
        ("de-DE", .characters, "AB-12", nil, "A B Bindestrich 1 2"),
        ("fr-FR", .characters, "a.b@c", nil, "a point b arobase c"),
        // telephone
        ("en-US", .telephone, "+49 170 123", nil, "plus four nine, one seven zero, one two three"),
        ("de-DE", .telephone, "030-1234 ext. 56", nil, "null drei null, eins zwei drei vier, Durchwahl fünf sechs"),
        ("es-ES", .telephone, "+34 91", nil, "más tres cuatro, nueve uno"),
        // date
        ("en-US", .date, "2023-03-04", nil, "March fourth, twenty twenty-three"),
        ("en-GB", .date, "04/03/2023", "dmy", "the fourth of March twenty twenty-three"),
        ("en-US", .date, "03/04/2023", "mdy", "March fourth, twenty twenty-three"),
        ("de-DE", .date, "04.03.2023", "dmy", "vierter März zweitausend dreiundzwanzig"),
        ("de-DE", .date, "20230304", "yyyymmdd", "vierter März zweitausend dreiundzwanzig"),
        // Vonage's yyyymmdd with ? for a field left out, with its format or without one.
        ("en-US", .date, "????0310", "yyyymmdd", "March tenth"),
        ("en-US", .date, "????0310", nil, "March tenth"),
        ("fr-FR", .date, "01/05/2024", "dmy", "premier mai deux mille vingt-quatre"),
        ("es-ES", .date, "2024-05-01", nil, "uno de mayo de dos mil veinticuatro"),
        ("it-IT", .date, "25/12", "dm", "venticinque dicembre"),
        ("nl-NL", .date, "12-2023", "my", "december tweeduizend drieëntwintig"),
        ("pt-BR", .date, "2023-03-04", nil, "quatro de março de dois mil e vinte e três"),
        ("en-US", .date, "15/04/2023", nil, "April fifteenth, twenty twenty-three"),
        ("de-DE", .date, "4. März 2023", nil, "vierter März zweitausend dreiundzwanzig"),
        ("en-US", .date, "1999", "y", "nineteen ninety-nine"),
        // time
        ("en-US", .time, "14:30", nil, "two thirty p.m."),
        ("en-US", .time, "2:30pm", nil, "two thirty p.m."),
        ("en-US", .time, "09:05", "hms24", "nine oh five a.m."),
        ("de-DE", .time, "14:30", nil, "vierzehn Uhr dreißig"),
        ("de-DE", .time, "1:00", nil, "ein Uhr"),
        ("fr-FR", .time, "14h30", nil, "quatorze heures trente"),
        ("fr-FR", .time, "01:00", nil, "une heure"),
        ("es-ES", .time, "13:15", nil, "las trece y quince"),
        ("es-ES", .time, "1:05", nil, "la una y cinco"),
        ("it-IT", .time, "14:30", nil, "le quattordici e trenta"),
        ("nl-NL", .time, "14:30", nil, "veertien uur dertig"),
        ("pt-BR", .time, "14:30", nil, "quatorze horas e trinta"),
        ("de-DE", .time, "14:30:05", nil, "vierzehn Uhr dreißig und fünf Sekunden"),
        // duration
        ("en-US", .duration, "1:30:05", nil, "one hour, thirty minutes and five seconds"),
        ("de-DE", .duration, "2h 5m", nil, "zwei Stunden und fünf Minuten"),
        ("fr-FR", .duration, "1 h 1 min", nil, "une heure et une minute"),
        ("en-US", .duration, "4:30", "ms", "four minutes and thirty seconds"),
        // currency
        ("en-US", .currency, "EUR 13.50", nil, "thirteen euros fifty"),
        ("en-US", .currency, "$5", nil, "five dollars"),
        ("en-GB", .currency, "£3.20", nil, "three pounds twenty"),
        ("en-US", .currency, "USD 1,000.00", nil, "one thousand dollars"),
        ("en-US", .currency, "$0.99", nil, "ninety-nine cents"),
        ("en-US", .currency, "$1.01", nil, "one dollar one cent"),
        ("de-DE", .currency, "13,50 €", nil, "dreizehn Euro fünfzig"),
        ("de-DE", .currency, "1 €", nil, "ein Euro"),
        ("fr-FR", .currency, "21 €", nil, "vingt et un euros"),
        ("fr-FR", .currency, "1 000 000 €", nil, "un million d'euros"),
        ("es-ES", .currency, "21 €", nil, "veintiún euros"),
        ("es-ES", .currency, "13,50 €", nil, "trece euros con cincuenta"),
        ("es-ES", .currency, "£21", nil, "veintiuna libras"),
        ("it-IT", .currency, "EUR 2,50", nil, "due euro e cinquanta"),
        ("nl-NL", .currency, "€ 13,50", nil, "dertien euro vijftig"),
        ("pt-BR", .currency, "R$ 2,50", nil, "dois reais e cinquenta"),
        ("pt-PT", .currency, "2 €", nil, "dois euros"),
        ("en-US", .currency, "SEK 100", nil, "one hundred S E K"),
        // unit
        ("en-US", .unit, "3.5 kg", nil, "three point five kilograms"),
        ("en-US", .unit, "1 km", nil, "one kilometer"),
        ("en-GB", .unit, "2 km", nil, "two kilometres"),
        ("de-DE", .unit, "3,5 kg", nil, "drei Komma fünf Kilogramm"),
        ("de-DE", .unit, "1 h", nil, "eine Stunde"),
        ("de-DE", .unit, "120 km/h", nil, "hundert zwanzig Kilometer pro Stunde"),
        ("de-DE", .unit, "20 %", nil, "zwanzig Prozent"),
        ("fr-FR", .unit, "1,5 kg", nil, "un virgule cinq kilogramme"),
        ("fr-FR", .unit, "-5 °C", nil, "moins cinq degrés Celsius"),
        ("es-ES", .unit, "21 h", nil, "veintiuna horas"),
        ("it-IT", .unit, "2 l", nil, "due litri"),
        ("nl-NL", .unit, "5 min", nil, "vijf minuten"),
        ("pt-BR", .unit, "2 h", nil, "duas horas"),
        ("en-US", .unit, "500 MB", nil, "five hundred megabytes"),
        // fraction
        ("en-US", .fraction, "1/2", nil, "one half"),
        ("en-US", .fraction, "3/4", nil, "three quarters"),
        ("en-US", .fraction, "2 1/2", nil, "two and a half"),
        ("en-US", .fraction, "5/8", nil, "five eighths"),
        ("de-DE", .fraction, "2 1/2", nil, "zweieinhalb"),
        ("de-DE", .fraction, "3/4", nil, "drei Viertel"),
        ("de-DE", .fraction, "1/3", nil, "ein Drittel"),
        ("fr-FR", .fraction, "1/2", nil, "un demi"),
        ("fr-FR", .fraction, "2 1/2", nil, "deux et demi"),
        ("fr-FR", .fraction, "3/4", nil, "trois quarts"),
        ("es-ES", .fraction, "1/2", nil, "un medio"),
        ("es-ES", .fraction, "2/3", nil, "dos tercios"),
        ("it-IT", .fraction, "3/4", nil, "tre quarti"),
        ("nl-NL", .fraction, "3/4", nil, "drie kwart"),
        ("pt-BR", .fraction, "2½", nil, "dois e meio"),
        // address
        ("en-US", .address, "12 St James St, Apt 4", nil, "twelve Saint James Street, Apartment four"),
        ("en-US", .address, "1600 Pennsylvania Ave NW", nil, "one thousand six hundred Pennsylvania Avenue Northwest"),
        ("de-DE", .address, "Hauptstr. 12a, 10115 Berlin", nil, "Hauptstraße zwölf a , eins null eins eins fünf Berlin"),
        ("fr-FR", .address, "12 av. Victor Hugo", nil, "douze avenue Victor Hugo"),
        ("es-ES", .address, "C/ Mayor 5", nil, "calle Mayor cinco"),
        ("pt-BR", .address, "Av. Paulista, nº 1000", nil, "avenida Paulista, número mil"),
        // name: as written
        ("de-DE", .name, "Müller-Lüdenscheidt", nil, "Müller-Lüdenscheidt"),
    ]

    @Test(arguments: cases)
    func reading(locale: String, kind: SayAsKind, value: String, format: String?, expected: String) throws {
        let actual = try Self.text(locale, kind, value, format: format)
        #expect(actual == expected)
    }

    @Test func detailTwoAddsTheWeekday() throws {
        #expect(try Self.text("en-US", .date, "2023-03-04", detail: "2") == "Saturday, March fourth, twenty twenty-three")
        #expect(try Self.text("de-DE", .date, "2024-02-29", detail: "2") == "Donnerstag, neunundzwanzigster Februar zweitausend vierundzwanzig")
    }

    @Test func caseIsSpokenOnlyWhenAsked() throws {
        #expect(try Self.text("en-US", .characters, "aB") == "a B")
        #expect(try Self.text("en-US", .characters, "aB", detail: "case") == "a capital B")
    }

    @Test func expletiveIsABleepOfTheWords() throws {
        #expect(try TextNormalizer(locale: "en-US").reading(SayAs(.expletive, "darn it")) == .bleep("darn it"))
    }

    @Test func languagesWithoutRulesLeaveWordsToTheEngine() throws {
        let sv = TextNormalizer(locale: "sv-SE")
        #expect(sv.language == nil)
        #expect(try sv.reading(SayAs(.cardinal, "12")) == nil)
        #expect(try sv.reading(SayAs(.date, "2023-03-04")) == nil)
        // Codes and phone numbers do not need words.
        #expect(try sv.reading(SayAs(.telephone, "+46 8 123")) == .speech([.characters("+46"), .characters("8"), .characters("123")]))
    }

    static let refused: [(SayAsKind, String, String?, String?, String)] = [
        (.date, "2023-02-30", nil, nil, "does not exist"),
        (.date, "03/04/2023", nil, nil, "ambiguous"),
        (.date, "2023-03-04", "dmy", nil, "does not match"),
        (.date, "2023-03-04", "qq", "format", "not a date format"),
        (.date, "2023-03-04", nil, "detail", "detail"),
        (.date, "2023-13-01", nil, nil, "no month 13"),
        (.time, "25:00", nil, nil, "no hour"),
        (.time, "14:30", "hms12", nil, "12-hour"),
        (.time, "14:30", "weird", "format", "hms12"),
        (.cardinal, "12abc", nil, nil, "not a number"),
        (.currency, "13.50", nil, nil, "money"),
        (.fraction, "1/0", nil, nil, "zero"),
        (.fraction, "9999999999999999999 1/2", nil, nil, "not a fraction"),
        (.ordinal, "third", nil, nil, "ordinal"),
        (.duration, "soon", nil, nil, "duration"),
    ]

    @Test(arguments: refused)
    func refusedValues(kind: SayAsKind, value: String, format: String?, attribute: String?, message: String) {
        let detail = attribute == "detail" ? "7" : nil
        #expect {
            try TextNormalizer(locale: "en-US").reading(SayAs(kind, value, format: format, detail: detail))
        } throws: { error in
            guard let error = error as? NormalizationError else { return false }
            return error.attribute == attribute && error.message.contains(message)
        }
    }
}

/// Readings a native speaker corrected after trying prompts in the seven languages.
@Suite struct NormalizeNativeReadingTests {
    static let cases: [(String, SayAsKind, String, String?, String)] = [
        // English reads 24-hour times on the 12-hour clock ("nine hundred" is a number).
        ("en-GB", .time, "09:00", nil, "nine a.m."),
        ("en-US", .time, "13:00", "hms24", "one p.m."),
        ("en-US", .time, "12:00", nil, "twelve noon"),
        ("en-US", .time, "00:05", nil, "twelve oh five a.m."),
        // A day with its ordinal ending.
        ("en-US", .date, "March 3rd 2024", "mdy", "March third, twenty twenty-four"),
        ("fr-FR", .date, "1er/05/2024", "dmy", "premier mai deux mille vingt-quatre"),
        // Feminine ordinals.
        ("es-ES", .ordinal, "2ª", nil, "segunda"),
        ("it-IT", .ordinal, "21ª", nil, "ventunesima"),
        ("pt-BR", .ordinal, "1ª", nil, "primeira"),
        // "º" is an ordinal indicator in addresses, not a house-number letter.
        ("es-ES", .address, "C/ Mayor 5, 3º izq.", nil, "calle Mayor cinco, tercero izquierda"),
        ("pt-PT", .address, "Av. Paulista 1000, 5º andar", nil, "avenida Paulista mil, quinto andar"),
        ("de-DE", .address, "Am Markt 1, 2. OG", nil, "Am Markt eins, zweite Obergeschoss"),
        ("nl-NL", .address, "Kalverstr. 12, 1012 PX Amsterdam", nil, "Kalverstraat twaalf, één nul één twee P X Amsterdam"),
        ("pt-PT", .address, "R. Augusta 12, 1100-053 Lisboa", nil, "rua Augusta doze, um um zero zero, zero cinco três Lisboa"),
        ("fr-FR", .address, "3 bd St-Michel", nil, "trois boulevard Saint-Michel"),
        // A gendered "one" cannot end an amount.
        ("de-DE", .currency, "21,01 €", nil, "einundzwanzig Euro ein Cent"),
        ("es-ES", .currency, "21,01 €", nil, "veintiún euros con un céntimo"),
        ("it-IT", .currency, "21,01 €", nil, "ventuno euro e un centesimo"),
        ("pt-BR", .currency, "R$ 21,01", nil, "vinte e um reais e um centavo"),
        // Dutch "één": espeak-ng reads "een" before a word as the article.
        ("nl-NL", .currency, "1 €", nil, "één euro"),
        ("nl-NL", .date, "01-05-2024", "dmy", "één mei tweeduizend vierentwintig"),
        ("nl-NL", .fraction, "1/4", nil, "een kwart"),
        // Italian elision.
        ("it-IT", .duration, "1:30:05", nil, "un'ora, trenta minuti e cinque secondi"),
    ]

    @Test(arguments: cases)
    func reading(locale: String, kind: SayAsKind, value: String, format: String?, expected: String) throws {
        #expect(try NormalizeSayAsTests.text(locale, kind, value, format: format) == expected)
    }

    static func text(_ locale: String, _ kind: SayAsKind, _ value: String, format: String? = nil, detail: String? = nil, after previous: String) throws -> String {
        let reading = try TextNormalizer(locale: locale).reading(SayAs(kind, value, format: format, detail: detail, previousWord: previous))
        guard case .speech(let pieces) = reading, case .text(let words)? = pieces.first, pieces.count == 1 else { return "<\(String(describing: reading))>" }
        return words
    }

    @Test func theWordBeforeDecidesCaseAndArticle() throws {
        #expect(try Self.text("de-DE", .date, "24.12.2024", format: "dmy", after: "am") == "vierundzwanzigsten Dezember zweitausend vierundzwanzig")
        #expect(try Self.text("de-DE", .date, "3.10.", format: "dm", after: "der") == "dritte Oktober")
        #expect(try Self.text("de-DE", .date, "1.3.2023", format: "dmy", detail: "2", after: "Am") == "Mittwoch, den ersten März zweitausend dreiundzwanzig")
        #expect(try Self.text("de-DE", .ordinal, "3.", after: "im") == "dritten")
        #expect(try Self.text("de-DE", .ordinal, "3.", after: "der") == "dritte")
        #expect(try Self.text("es-ES", .time, "14:30", after: "las") == "catorce y treinta")
        #expect(try Self.text("it-IT", .time, "14:30", after: "alle") == "quattordici e trenta")
        #expect(try Self.text("es-ES", .ordinal, "2", after: "La") == "segunda")
        #expect(try Self.text("es-ES", .ordinal, "2", after: "el") == "segundo")
    }
}
