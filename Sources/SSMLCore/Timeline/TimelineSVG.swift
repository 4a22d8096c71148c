import Foundation

/// Draws a timeline over its waveform as a standalone SVG: segments in coloured bands, the waveform with a
/// time grid, a tick and label per word, and marks, loop passes and call-control events as vertical lines.
public enum TimelineSVG {
    static let left = 70.0
    static let right = 30.0
    static let pixelsPerSecond = 160.0
    static let minimumWidth = 900.0
    static let maximumWidth = 30_000.0

    public static func render(_ timeline: Timeline, envelope: WaveformOutline, title: String) -> String {
        let duration = max(timeline.duration, 0.001)
        let plotWidth = min(max(duration * pixelsPerSecond, minimumWidth), maximumWidth)
        let width = left + plotWidth + right
        func x(_ time: Double) -> Double { left + time / duration * plotWidth }

        let segmentTop = 60.0, segmentHeight = 34.0
        let waveTop = segmentTop + segmentHeight + 12, waveHeight = 160.0
        let wordTop = waveTop + waveHeight + 8
        let eventTop = wordTop + 44
        let height = eventTop + 40

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="Helvetica, Arial, sans-serif" font-size="11">
            <title>\(XMLEscaping.escape(title))</title>
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(f(left))" y="22" font-size="15" font-weight="bold">\(XMLEscaping.escape(title))</text>
            <text x="\(f(left))" y="42" fill="#555">\(XMLEscaping.escape(summary(timeline)))</text>

            """

        // Segments.
        svg += "<g id=\"segments\">\n"
        svg += "<text x=\"8\" y=\"\(f(segmentTop + 21))\" fill=\"#555\">segments</text>\n"
        for segment in timeline.segments {
            let x0 = x(segment.start), x1 = max(x(segment.end), x0 + 1)
            let (fill, label) = style(segment)
            svg += "<g><title>\(XMLEscaping.escape(tooltip(segment)))</title>"
            svg += "<rect x=\"\(f(x0))\" y=\"\(f(segmentTop))\" width=\"\(f(x1 - x0))\" height=\"\(f(segmentHeight))\" fill=\"\(fill)\" stroke=\"#ffffff\" stroke-width=\"1\"/>"
            let room = Int((x1 - x0 - 6) / 6.2)
            if room >= 3 {
                svg += "<text x=\"\(f(x0 + 3))\" y=\"\(f(segmentTop + 14))\" fill=\"#111\">\(XMLEscaping.escape(truncate(label, room)))</text>"
                if let voice = segment.voice {
                    svg += "<text x=\"\(f(x0 + 3))\" y=\"\(f(segmentTop + 28))\" fill=\"#333\" font-size=\"9\">\(XMLEscaping.escape(truncate(voice, Int(Double(room) * 1.2))))</text>"
                }
            }
            svg += "</g>\n"
        }
        svg += "</g>\n"

        // Waveform with a time grid.
        let middle = waveTop + waveHeight / 2
        svg += "<g id=\"waveform\">\n<text x=\"8\" y=\"\(f(middle + 4))\" fill=\"#555\">audio</text>\n"
        svg += "<rect x=\"\(f(left))\" y=\"\(f(waveTop))\" width=\"\(f(plotWidth))\" height=\"\(f(waveHeight))\" fill=\"#f7f7f9\" stroke=\"#ddd\"/>\n"
        let step = gridStep(duration: duration, width: plotWidth)
        var tick = 0.0
        while tick <= duration + 1e-9 {
            svg += "<line x1=\"\(f(x(tick)))\" y1=\"\(f(waveTop))\" x2=\"\(f(x(tick)))\" y2=\"\(f(waveTop + waveHeight))\" stroke=\"#e2e2e8\"/>"
            svg += "<text x=\"\(f(x(tick)))\" y=\"\(f(waveTop - 2))\" fill=\"#888\" font-size=\"9\" text-anchor=\"middle\">\(timeLabel(tick))</text>\n"
            tick += step
        }
        svg += "<path d=\"\(wavePath(envelope, columns: Int(plotWidth), x0: left, middle: middle, halfHeight: waveHeight / 2 - 4))\" fill=\"#3b6fb6\" stroke=\"#3b6fb6\" stroke-width=\"0.6\"/>\n"
        svg += "</g>\n"

        // Words: a line through the waveform at each start, labels on two alternating rows.
        svg += "<g id=\"words\">\n<text x=\"8\" y=\"\(f(wordTop + 14))\" fill=\"#555\">words</text>\n"
        var rowEnds = [-Double.infinity, -Double.infinity]
        for word in timeline.words {
            let x0 = x(word.start)
            svg += "<line x1=\"\(f(x0))\" y1=\"\(f(waveTop))\" x2=\"\(f(x0))\" y2=\"\(f(wordTop + 4))\" stroke=\"#d9822b\" stroke-width=\"0.8\" opacity=\"0.7\"/>"
            let labelWidth = Double(word.text.count) * 6.2 + 4
            if let row = rowEnds.firstIndex(where: { $0 < x0 }) {
                svg +=
                    "<text x=\"\(f(x0 + 1))\" y=\"\(f(wordTop + 14 + Double(row) * 16))\" fill=\"#a35200\"><title>\(XMLEscaping.escape("\(word.text) \(timeLabel(word.start))–\(timeLabel(word.end))"))</title>\(XMLEscaping.escape(word.text))</text>"
                rowEnds[row] = x0 + labelWidth
            }
            svg += "\n"
        }
        svg += "</g>\n"

        // Events.
        svg += "<g id=\"events\">\n<text x=\"8\" y=\"\(f(eventTop + 14))\" fill=\"#555\">events</text>\n"
        for (number, event) in timeline.events.enumerated() {
            let x0 = x(event.time)
            let color = eventColor(event.kind)
            let label = event.kind == event.name ? event.kind : "\(event.kind): \(event.name)"
            svg += "<line x1=\"\(f(x0))\" y1=\"\(f(segmentTop))\" x2=\"\(f(x0))\" y2=\"\(f(eventTop + 4))\" stroke=\"\(color)\" stroke-width=\"1.4\" stroke-dasharray=\"4 3\"/>"
            // Near the right edge the label ends at its line instead of running off the image.
            let anchor = x0 > width - 160 ? " text-anchor=\"end\"" : ""
            svg +=
                "<text x=\"\(f(anchor.isEmpty ? x0 + 2 : x0 - 2))\" y=\"\(f(eventTop + 14 + Double(number % 2) * 14))\" fill=\"\(color)\"\(anchor)><title>\(XMLEscaping.escape(eventTooltip(event)))</title>\(XMLEscaping.escape(truncate(label, 40)))</text>\n"
        }
        svg += "</g>\n</svg>\n"
        return svg
    }

    // MARK: - Pieces

    /// Marks and loops in green and purple; a call's keys, webhooks and answers each in their own colour, so the
    /// moments the caller and the application acted stand out from the plan's call control (red).
    static func eventColor(_ kind: String) -> String {
        switch kind {
        case "mark": "#2a9d4b"
        case "loop": "#7b4bb3"
        case Timeline.CallEventKind.key.rawValue, Timeline.CallEventKind.speech.rawValue: "#e67e22"
        case Timeline.CallEventKind.webhook.rawValue: "#1f6fb2"
        case Timeline.CallEventKind.answer.rawValue: "#16a085"
        case Timeline.CallEventKind.bargeIn.rawValue: "#d35400"
        case Timeline.CallEventKind.call.rawValue: "#34495e"
        default: "#c0392b"
        }
    }

    static func summary(_ timeline: Timeline) -> String {
        let voices = Array(Set(timeline.segments.compactMap(\.voice))).sorted().joined(separator: ", ")
        if let call = timeline.call {
            return
                "\(call.service) call \(call.status) · \(timeLabel(timeline.duration)) at \(timeline.sampleRate) Hz · keys \(call.keys.isEmpty ? "none" : call.keys) · \(call.webhooks) webhooks · \(timeline.segments.count) segments · \(timeline.engine)"
        }
        return "\(timeLabel(timeline.duration)) at \(timeline.sampleRate) Hz · \(timeline.segments.count) segments · \(timeline.words.count) words · \(timeline.events.count) events · \(voices) · \(timeline.engine)"
    }

    static func style(_ segment: Timeline.Segment) -> (fill: String, label: String) {
        switch segment.kind {
        case "speech": ("#cfe0f7", segment.text)
        case "pause": ("#eeeeee", "\(segment.settings["seconds"] ?? "") s \(segment.text)")
        case "audio": ("#d6f0d2", "♪ " + (segment.text.split(separator: "/").last.map(String.init) ?? segment.text))
        default: ("#f6d7d2", "\(segment.kind): \(segment.text)")
        }
    }

    static func tooltip(_ segment: Timeline.Segment) -> String {
        var parts = ["\(segment.kind) \(timeLabel(segment.start))–\(timeLabel(segment.end))", segment.text]
        if let voice = segment.voice { parts.append(voice) }
        if !segment.settings.isEmpty { parts.append(segment.settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) }
        if let location = segment.location { parts.append(location) }
        if let step = segment.step { parts.append("step \(step)") }
        return parts.joined(separator: "\n")
    }

    static func eventTooltip(_ event: Timeline.Event) -> String {
        var parts = ["\(event.kind) at \(timeLabel(event.time))", event.name]
        if let step = event.step { parts.append("step \(step)") }
        if !event.settings.isEmpty { parts.append(event.settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) }
        if let location = event.location { parts.append(location) }
        return parts.joined(separator: "\n")
    }

    /// Min/max per pixel column as one closed outline.
    static func wavePath(_ envelope: WaveformOutline, columns: Int, x0: Double, middle: Double, halfHeight: Double) -> String {
        let bins = envelope.maximums.count
        guard bins > 0, columns > 0 else { return "M \(f(x0)) \(f(middle)) h 1" }
        var tops: [String] = [], bottoms: [String] = []
        tops.reserveCapacity(columns)
        for column in 0..<columns {
            let first = column * bins / columns
            let last = max(first + 1, (column + 1) * bins / columns)
            var low: Float = 0, high: Float = 0
            for bin in first..<min(last, bins) {
                low = min(low, envelope.minimums[bin])
                high = max(high, envelope.maximums[bin])
            }
            let px = x0 + Double(column) + 0.5
            tops.append("\(f(px)) \(f(middle - Double(high) * halfHeight))")
            bottoms.append("\(f(px)) \(f(middle - Double(low) * halfHeight))")
        }
        return "M " + tops.joined(separator: " L ") + " L " + bottoms.reversed().joined(separator: " L ") + " Z"
    }

    static func gridStep(duration: Double, width: Double) -> Double {
        let target = duration / max(width / 90, 1)
        for step in [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600] where step >= target { return step }
        return 3600
    }

    static func timeLabel(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.2f s", seconds) }
        let minutes = Int(seconds / 60)
        return String(format: "%d:%05.2f", minutes, seconds - Double(minutes * 60))
    }

    static func truncate(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(limit - 1, 1))) + "…"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

}
