/// Applies the fixes lint offers, pass after pass, until nothing fixable is left.
///
/// Safe fixes (escaping, `<speak>`, clamping to what the service plays anyway) always apply; drops
/// (markup the service rejects) apply only to errors. Each applied fix becomes a note, so nothing changes
/// silently; what cannot be fixed stays a finding.
public enum LintFixer {
    public struct Result: Sendable {
        public var original: String
        public var fixed: String
        /// One note per applied fix, at the place it was found (in the text of the pass that found it).
        public var notes: [LintFinding]
        /// What lint still reports on the fixed text.
        public var remaining: [LintFinding]

        public var changed: Bool { original != fixed }
    }

    /// Lints, fixes and lints again, at most `passes` times (a fix such as escaping lets the next pass parse).
    public static func fix(_ text: String, file: String, linter: Linter, passes: Int = 4) -> Result {
        var current = text
        var notes: [LintFinding] = []
        var findings = linter.lint(current, file: file)
        for _ in 0..<passes {
            let (next, applied) = apply(findings, to: current)
            guard !applied.isEmpty, next != current else { break }
            notes += applied.map { finding in
                LintFinding(.note, "fixed", "fixed: \(finding.fix?.description ?? finding.message)", at: finding.location, source: finding.source)
            }
            current = next
            findings = linter.lint(current, file: file)
        }
        return Result(original: text, fixed: current, notes: notes, remaining: findings)
    }

    /// Applies every applicable fix whose edits do not overlap one already taken; returns the new text
    /// and the findings whose fixes were applied.
    public static func apply(_ findings: [LintFinding], to text: String) -> (String, [LintFinding]) {
        var taken: [TextEdit] = []
        var applied: [LintFinding] = []
        for finding in findings {
            guard let fix = finding.fix, fix.kind == .safe || finding.severity == .error else { continue }
            let overlaps = fix.edits.contains { edit in
                taken.contains { other in
                    edit.range.overlaps(other.range)
                        || (edit.range.isEmpty && other.range.contains(edit.range.lowerBound))
                        || (other.range.isEmpty && edit.range.contains(other.range.lowerBound))
                }
            }
            if overlaps { continue }
            taken += fix.edits
            applied.append(finding)
        }
        var bytes = Array(text.utf8)
        // Back to front, so earlier offsets stay valid; inserts at one offset keep their order.
        for edit in taken.enumerated().sorted(by: { ($0.element.range.lowerBound, $0.offset) > ($1.element.range.lowerBound, $1.offset) }).map(\.element) {
            let lower = min(edit.range.lowerBound, bytes.count), upper = min(edit.range.upperBound, bytes.count)
            bytes.replaceSubrange(lower..<upper, with: Array(edit.replacement.utf8))
        }
        return (String(decoding: bytes, as: UTF8.self), applied)
    }
}

/// A unified diff of two texts, line by line, as `diff -u` prints it.
public enum UnifiedDiff {
    /// The diff between `old` and `new` with `context` lines around each change; empty when equal.
    public static func make(_ old: String, _ new: String, oldName: String, newName: String, context: Int = 3) -> String {
        guard old != new else { return "" }
        let a = lines(old), b = lines(new)
        let script = editScript(a, b)
        var out = "--- \(oldName)\n+++ \(newName)\n"
        // Group changes into hunks with context.
        var index = 0
        while index < script.count {
            guard let firstChange = script[index...].firstIndex(where: { $0.kind != .same }) else { break }
            var hunkStart = max(index, firstChange - context)
            if hunkStart < index { hunkStart = index }
            var end = firstChange
            var lastChange = firstChange
            while end < script.count {
                if script[end].kind != .same { lastChange = end }
                if end - lastChange > 2 * context { break }
                end += 1
            }
            let hunkEnd = min(script.count, lastChange + context + 1)
            let hunk = script[hunkStart..<hunkEnd]
            let oldStart = (hunk.first { $0.kind != .insert }?.oldIndex ?? (script[hunkStart].oldIndex)) + 1
            let newStart = (hunk.first { $0.kind != .delete }?.newIndex ?? (script[hunkStart].newIndex)) + 1
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            out += "@@ -\(oldCount == 0 ? oldStart - 1 : oldStart),\(oldCount) +\(newCount == 0 ? newStart - 1 : newStart),\(newCount) @@\n"
            for step in hunk {
                switch step.kind {
                case .same: out += " " + a[step.oldIndex] + "\n"
                case .delete: out += "-" + a[step.oldIndex] + "\n"
                case .insert: out += "+" + b[step.newIndex] + "\n"
                }
            }
            index = hunkEnd
        }
        return out
    }

    private static func lines(_ text: String) -> [String] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if result.last == "" { result.removeLast() }
        return result
    }

    private struct Step {
        enum Kind { case same, delete, insert }
        var kind: Kind
        var oldIndex: Int
        var newIndex: Int
    }

    /// Longest-common-subsequence edit script; beyond a size where the table would be large, the common
    /// prefix and suffix are kept and the middle is replaced wholesale.
    private static func editScript(_ a: [String], _ b: [String]) -> [Step] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let midA = Array(a[prefix..<a.count - suffix]), midB = Array(b[prefix..<b.count - suffix])
        var steps = (0..<prefix).map { Step(kind: .same, oldIndex: $0, newIndex: $0) }
        // Past 4 M table cells the middle is shown as all removed, then all added.
        var i = 0, j = 0
        for pair in SequenceAlignment.lcs(midA, midB) {
            switch pair {
            case (_?, _?):
                steps.append(Step(kind: .same, oldIndex: prefix + i, newIndex: prefix + j)); i += 1; j += 1
            case (_?, nil):
                steps.append(Step(kind: .delete, oldIndex: prefix + i, newIndex: prefix + j)); i += 1
            default:
                steps.append(Step(kind: .insert, oldIndex: prefix + i, newIndex: prefix + j)); j += 1
            }
        }
        steps += (0..<suffix).map { Step(kind: .same, oldIndex: a.count - suffix + $0, newIndex: b.count - suffix + $0) }
        return steps
    }
}
