import Foundation
import SSMLCore
import SSMLEngine
import Synchronization

/// How `ssml batch` shows a run: a progress bar on a terminal, a line per output otherwise, JSON events for other
/// tools, or errors only.
final class BatchProgress: Sendable {
    enum Mode: Sendable {
        /// A bar redrawn in place on standard error: done/total, rate, time left, the current output.
        case bar
        /// One line per finished output on standard error.
        case lines
        /// One JSON object per event on standard output.
        case json
        /// Errors only, at the end.
        case quiet
    }

    let mode: Mode
    private let state = Mutex(State())

    private struct State {
        var total = 0
        var done = 0
        var startedAt: Date?
        var current = ""
        var lastDraw = Date.distantPast
        var barShown = false
        var printedWarnings: Set<String> = []
    }

    init(mode: Mode) { self.mode = mode }

    func handle(_ event: BatchEvent) {
        if mode == .json { return emit(Self.json(event)) }
        state.withLock { state in
            switch event {
            case .problem(let failure):
                if mode != .quiet { say(Self.describe(failure), &state) }
            case .warning(let message):
                if mode != .quiet { say("warning: \(message)", &state) }
            case .planned(let start):
                state.total = start.toRender
                state.startedAt = Date()
                if mode != .quiet { say(Self.plannedLine(start), &state) }
            case .started(let output):
                state.current = "\(output.id) (\(output.voice), \(output.format))"
                if mode == .bar { draw(&state, force: false) }
            case .finished(let output):
                state.done = output.done
                for warning in output.warnings where mode != .quiet && state.printedWarnings.insert(warning).inserted { say(warning, &state) }
                switch (mode, output.status) {
                case (.lines, .rendered):
                    say("[\(output.done)/\(output.total)] \(output.path) (\(String(format: "%.2f", output.seconds ?? 0)) s)", &state)
                case (.lines, .failed), (.bar, .failed):
                    say("[\(output.done)/\(output.total)] failed: \(output.error ?? "")", &state)
                case (.bar, _):
                    draw(&state, force: output.done == output.total)
                default:
                    break
                }
            case .retrying(let failure):
                if mode != .quiet { say("\(Self.describe(failure)); rendering it once more", &state) }
            case .manifestWritten:
                break
            }
        }
    }

    /// Prints the summary: counts, time, the manifest, and every failure with its place.
    func finish(_ summary: BatchSummary, dryRun: Bool) {
        if mode == .json {
            emit(Self.summaryJSON(summary, dryRun: dryRun))
            return
        }
        state.withLock { state in
            clearBar(&state)
            if mode != .quiet {
                var line = "\(summary.outputs) output\(summary.outputs == 1 ? "" : "s"): "
                if dryRun {
                    line += "\(summary.outputs - summary.upToDate) to render, \(summary.upToDate) up to date (dry run: nothing was written)"
                } else {
                    // Counted in outputs, so the three add up; one failing row can cost several outputs (voices, formats).
                    let failed = max(0, summary.outputs - summary.rendered - summary.upToDate)
                    line += "\(summary.rendered) rendered, \(summary.upToDate) up to date, \(failed) failed"
                    if summary.failures.count != failed { line += " (\(summary.failures.count) problem\(summary.failures.count == 1 ? "" : "s"))" }
                    line += " in \(String(format: "%.1f", summary.seconds)) s"
                }
                if let manifest = summary.manifest { line += "; manifest: \(Self.display(manifest))" }
                CommandSupport.printLine(line)
            }
            if !summary.failures.isEmpty {
                CommandSupport.printLine("\(summary.failures.count) failure\(summary.failures.count == 1 ? "" : "s"):")
                for failure in summary.failures { CommandSupport.printLine("  " + Self.describe(failure)) }
            }
            if !summary.misfits.isEmpty {
                CommandSupport.printLine("\(summary.misfits.count) output\(summary.misfits.count == 1 ? " does" : "s do") not fit the check (see the manifest's check field):")
                for path in summary.misfits.prefix(20) { CommandSupport.printLine("  \(path)") }
                if summary.misfits.count > 20 { CommandSupport.printLine("  … and \(summary.misfits.count - 20) more") }
            }
            if let stopped = summary.stopped {
                CommandSupport.printLine("error: \(stopped.message)")
                CommandSupport.printLine("the run stopped; \(summary.manifest.map(Self.display) ?? "the manifest") lists every output finished (\(summary.rendered + summary.upToDate)); run again to go on")
            }
        }
    }

    // MARK: - Text

    /// A path relative to the current folder when inside it, as the user typed the output folder.
    static func display(_ url: URL) -> String {
        let folder = FileManager.default.currentDirectoryPath
        let path = url.standardizedFileURL.path
        return path.hasPrefix(folder + "/") ? String(path.dropFirst(folder.count + 1)) : path
    }

    /// A failure with the remedy a flag offers (`--allow-empty renders it anyway`).
    static func describe(_ failure: BatchFailure) -> String {
        var failure = failure
        if let setting = failure.error.setting, let remedy = FlagNames.remedies[setting] { failure.error.message += " (\(remedy))" }
        return failure.description
    }

    static func plannedLine(_ start: BatchStart) -> String {
        var line = "\(start.outputs) output\(start.outputs == 1 ? "" : "s") of \(start.prompts) prompt\(start.prompts == 1 ? "" : "s")"
        if let shard = start.shard { line += " in shard \(shard)" + (start.shardSource.map { " (\($0))" } ?? "") }
        line += ": \(start.toRender) to render, \(start.upToDate) up to date"
        if start.problems > 0 { line += ", \(start.problems) row problem\(start.problems == 1 ? "" : "s")" }
        if start.toRender > 0 { line += "; \(start.jobs) worker\(start.jobs == 1 ? "" : "s")" }
        return line
    }

    /// Prints a line above the bar.
    private func say(_ text: String, _ state: inout State) {
        clearBar(&state)
        CommandSupport.printLine(text)
        if mode == .bar && state.startedAt != nil && state.done < state.total { draw(&state, force: true) }
    }

    private func clearBar(_ state: inout State) {
        guard state.barShown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        state.barShown = false
    }

    /// `[#######.........] 1234/2000  62%  41.3/s  ETA 0:18  welcome (de-de-female, vonage-stream)`, at most 10
    /// times a second.
    private func draw(_ state: inout State, force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(state.lastDraw) >= 0.1, state.total > 0 else { return }
        state.lastDraw = now
        let fraction = Double(state.done) / Double(state.total)
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = now.timeIntervalSince(state.startedAt ?? now)
        let rate = elapsed > 0 ? Double(state.done) / elapsed : 0
        var line = "[\(bar)] \(state.done)/\(state.total) \(String(format: "%3.0f%%", fraction * 100))"
        line += rate > 0 ? String(format: "  %.1f/s", rate) : "  -/s"
        if rate > 0 && state.done < state.total { line += "  ETA " + Self.clock(Double(state.total - state.done) / rate) }
        if state.done < state.total { line += "  " + state.current }
        if line.count > 110 { line = String(line.prefix(109)) + "…" }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        state.barShown = true
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60) : String(format: "%d:%02d", total / 60, total % 60)
    }

    // MARK: - JSON

    private func emit(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func json(_ event: BatchEvent) -> [String: Any] {
        func object(_ value: some Encodable) -> [String: Any] {
            guard let data = try? JSONEncoder().encode(value), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
            return object
        }
        func failure(_ failure: BatchFailure) -> [String: Any] {
            var result: [String: Any] = ["row": failure.row, "message": describe(failure)]
            if let id = failure.id { result["id"] = id }
            if let output = failure.output { result["output"] = output }
            if let voice = failure.voice { result["voice"] = voice }
            if let format = failure.format { result["format"] = format }
            if let path = failure.path { result["path"] = path }
            if let location = failure.error.location ?? Optional(failure.place) {
                result["place"] = ["file": location.file, "line": location.line, "column": location.column]
            }
            return result
        }
        var result: [String: Any]
        switch event {
        case .problem(let value): result = failure(value).merging(["event": "problem"]) { $1 }
        case .warning(let message): result = ["event": "warning", "message": message]
        case .planned(let start): result = object(start).merging(["event": "planned"]) { $1 }
        case .started(let output): result = object(output).merging(["event": "started"]) { $1 }
        case .finished(let output): result = object(output).merging(["event": "finished"]) { $1 }
        case .retrying(let value): result = failure(value).merging(["event": "retrying"]) { $1 }
        case .manifestWritten(let url): result = ["event": "manifest", "path": url.path]
        }
        return result
    }

    static func summaryJSON(_ summary: BatchSummary, dryRun: Bool) -> [String: Any] {
        var result: [String: Any] = [
            "event": "summary", "outputs": summary.outputs, "rendered": summary.rendered, "upToDate": summary.upToDate,
            "failed": summary.failures.count, "seconds": (summary.seconds * 1000).rounded() / 1000, "succeeded": summary.succeeded && summary.misfits.isEmpty,
            "dryRun": dryRun, "misfits": summary.misfits,
            "failures": summary.failures.map { describe($0) },
        ]
        if let manifest = summary.manifest { result["manifest"] = manifest.path }
        if let stopped = summary.stopped { result["stopped"] = stopped.message }
        return result
    }
}
