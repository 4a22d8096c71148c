import Foundation

/// seven.io's `<dtmf>`: its prompt is spoken; its settings are checked and reported.
extension Interpreter {
    func dtmf(_ element: XMLElement, frame: Frame) throws {
        let place = element.location.with(element: "dtmf")
        var attributes: [String: String] = [:]
        for attribute in element.attributes { attributes[attribute.name] = attribute.value }
        for name in ["min", "max", "wait"] {
            if let attribute = element.attribute(name), Int(attribute.value).map({ $0 < 0 }) ?? true {
                throw SSMLError(.invalidValue, "dtmf \(name) \"\(attribute.value)\" is not a whole number of \(name == "wait" ? "seconds" : "digits")", at: attribute.location.with(element: "dtmf", attribute: name))
            }
        }
        // `tries` (how often invalid input is asked again) is read by the call simulator; seven.io's callback
        // answer takes the same field.
        if let tries = element.attribute("tries"), Int(tries.value).map({ $0 < 1 }) ?? true {
            throw SSMLError(.invalidValue, "dtmf tries \"\(tries.value)\" is not a whole number of 1 or more", at: tries.location.with(element: "dtmf", attribute: "tries"))
        }
        if let min = element.attribute("min").flatMap({ Int($0.value) }), let max = element.attribute("max").flatMap({ Int($0.value) }), min > max {
            throw SSMLError(.invalidValue, "dtmf min \(min) is greater than max \(max)", at: place)
        }
        if let digits = element.attribute("digits"), (try? NSRegularExpression(pattern: digits.value)) == nil {
            throw SSMLError(.invalidValue, "dtmf digits \"\(digits.value)\" is not a valid regular expression", at: digits.location.with(element: "dtmf", attribute: "digits"))
        }
        try visitChildren(element, frame: frame)
        flush()
        segments.append(.callControl(CallControl(kind: .dtmf, attributes: attributes, location: place)))
        let settings = attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        log.note("<dtmf> collects keys on a live call after its prompt (\(settings)); locally the prompt is spoken and nothing waits", at: place)
    }
}
