import Foundation

/// One case of a snapshot test run, for reports.
public struct SnapshotCaseReport: Sendable {
    public enum Status: String, Sendable {
        case passed, changed, new, recorded, engineChanged = "engine-changed", failed
        /// Whether CI should fail on it.
        public var fails: Bool { self == .changed || self == .new || self == .failed }
    }

    public var name: String
    public var status: Status
    public var changes: [String]
    public var notes: [String]
    /// Why the case could not be rendered or compared.
    public var error: String?
    public var old: Snapshot?
    public var oldAudio: (data: Data, mime: String)?
    public var new: Snapshot?
    public var newAudio: (data: Data, mime: String)?
    public var seconds: Double

    public init(
        name: String, status: Status, changes: [String] = [], notes: [String] = [], error: String? = nil, old: Snapshot? = nil, oldAudio: (data: Data, mime: String)? = nil, new: Snapshot? = nil, newAudio: (data: Data, mime: String)? = nil,
        seconds: Double = 0
    ) {
        self.name = name
        self.status = status
        self.changes = changes
        self.notes = notes
        self.error = error
        self.old = old
        self.oldAudio = oldAudio
        self.new = new
        self.newAudio = newAudio
        self.seconds = seconds
    }

    /// The lines printed under the case's name.
    public var details: [String] { (error.map { [$0.contains("error:") ? $0 : "error: \($0)"] } ?? []) + changes + notes.map { "note: \($0)" } }
}

/// The reports of a snapshot run: one HTML page to look and listen, and JUnit XML for CI.
public enum SnapshotReport {
    /// One self-contained page: every case's verdict, and for each changed case the old and new renders
    /// side by side, each with an audio player and its waveform with segments and words.
    public static func html(_ cases: [SnapshotCaseReport], title: String, showAll: Bool = false) -> String {
        let failing = cases.filter { $0.status.fails }.count
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(XMLEscaping.escape(title))</title>
            <style>
            body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
            table.summary td, table.summary th { padding: 3px 10px; text-align: left; }
            .passed { color: #2a7d3b; } .changed, .failed, .new { color: #b3261e; } .engine-changed, .recorded { color: #8a6d00; }
            .case { border-top: 1px solid #ddd; padding-top: 8px; }
            .sides { display: flex; gap: 16px; } .side { flex: 1 1 0; min-width: 0; }
            .side h3 { font-size: 13px; margin: 6px 0; } .wave { overflow-x: auto; border: 1px solid #eee; }
            audio { width: 100%; } ul.changes li { margin: 2px 0; } .note { color: #666; }
            </style></head><body>
            <h1>\(XMLEscaping.escape(title))</h1>
            <p>\(cases.count) cases · \(failing) failing · \(cases.filter { $0.status == .passed }.count) passed</p>
            <table class="summary"><tr><th>case</th><th>result</th><th>what changed</th></tr>

            """
        for (index, item) in cases.enumerated() {
            let first = item.details.first ?? ""
            page +=
                "<tr><td><a href=\"#case\(index)\">\(XMLEscaping.escape(item.name))</a></td><td class=\"\(item.status.rawValue)\">\(item.status.rawValue)</td><td>\(XMLEscaping.escape(first))\(item.details.count > 1 ? " (+\(item.details.count - 1) more)" : "")</td></tr>\n"
        }
        page += "</table>\n"
        for (index, item) in cases.enumerated() where showAll || item.status != .passed {
            page += "<div class=\"case\" id=\"case\(index)\"><h2>\(XMLEscaping.escape(item.name)) — <span class=\"\(item.status.rawValue)\">\(item.status.rawValue)</span></h2>\n"
            if let error = item.error { page += "<p class=\"failed\">\(XMLEscaping.escape(error))</p>\n" }
            if !item.changes.isEmpty {
                page += "<ul class=\"changes\">" + item.changes.map { "<li>\(XMLEscaping.escape($0))</li>" }.joined() + "</ul>\n"
            }
            for note in item.notes { page += "<p class=\"note\">\(XMLEscaping.escape(note))</p>\n" }
            page += "<div class=\"sides\">\n"
            page += side("snapshot", item.old, item.oldAudio, missing: "no snapshot recorded")
            page += side("this render", item.new, item.newAudio, missing: "not rendered")
            page += "</div></div>\n"
        }
        // The two waveforms of a case scroll together, so the same moment stays side by side.
        page += """
            <script>
            for (const sides of document.querySelectorAll('.sides')) {
              const waves = [...sides.querySelectorAll('.wave')];
              for (const wave of waves) wave.addEventListener('scroll', () => {
                for (const other of waves) if (other !== wave && Math.abs(other.scrollLeft - wave.scrollLeft) > 1) other.scrollLeft = wave.scrollLeft;
              });
            }
            </script>
            </body></html>

            """
        return page
    }

    static func side(_ heading: String, _ snapshot: Snapshot?, _ audio: (data: Data, mime: String)?, missing: String) -> String {
        var html = "<div class=\"side\"><h3>\(XMLEscaping.escape(heading))"
        guard let snapshot else { return html + "</h3><p class=\"note\">\(missing)</p></div>\n" }
        html += " · \(XMLEscaping.escape(snapshot.engine)) · \(String(format: "%.2f s", snapshot.audio.duration))</h3>\n"
        if let audio {
            html += "<audio controls preload=\"metadata\" src=\"data:\(audio.mime);base64,\(audio.data.base64EncodedString())\"></audio>\n"
        } else {
            html += "<p class=\"note\">no audio recorded with this snapshot</p>\n"
        }
        let svg = TimelineSVG.render(snapshot.timeline, envelope: snapshot.waveform, title: snapshot.input)
        html += "<div class=\"wave\">\(svg)</div></div>\n"
        return html
    }

    /// JUnit XML: one testcase per file, a failure per failing case with every change in its text.
    public static func junit(_ cases: [SnapshotCaseReport], suite: String) -> String {
        let failures = cases.filter { $0.status == .changed || $0.status == .new }.count
        let errors = cases.filter { $0.status == .failed }.count
        let time = cases.reduce(0) { $0 + $1.seconds }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(String(format: "%.3f", time))\">\n"
        xml += "  <testsuite name=\"\(XMLEscaping.escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\" time=\"\(String(format: "%.3f", time))\">\n"
        for item in cases {
            xml += "    <testcase classname=\"\(XMLEscaping.escape(suite))\" name=\"\(XMLEscaping.escape(item.name))\" time=\"\(String(format: "%.3f", item.seconds))\""
            let body = item.details.joined(separator: "\n")
            switch item.status {
            case .changed, .new:
                xml += ">\n      <failure message=\"\(XMLEscaping.escape(item.details.first ?? item.status.rawValue))\" type=\"\(item.status.rawValue)\">\(XMLEscaping.escape(body))</failure>\n    </testcase>\n"
            case .failed:
                xml += ">\n      <error message=\"\(XMLEscaping.escape(item.error ?? "failed"))\" type=\"render\">\(XMLEscaping.escape(body))</error>\n    </testcase>\n"
            case .engineChanged, .recorded:
                xml += ">\n      <system-out>\(XMLEscaping.escape(body))</system-out>\n    </testcase>\n"
            case .passed:
                xml += "/>\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

}
