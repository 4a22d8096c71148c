/// Where each line of a UTF-8 text starts, to turn byte offsets into the line:column users see
/// (columns count Unicode scalars, as libxml2 and editors do).
///
/// Lookups take O(log n + K) whatever the line length: besides the line starts, the index keeps, every
/// ``checkpointStride`` bytes, how many scalars start before that byte. A column is then the difference
/// of two such counts, each finished by a scan of at most K bytes, so a one-line document of 100,000
/// tags costs no more per tag than one with a tag per line.
public struct LineIndex: Sendable {
    /// Byte offset where each line starts.
    public let lineStarts: [Int]
    private let bytes: [UInt8]
    /// `scalarsBefore[k]` is the number of scalars that start before byte `k * checkpointStride`.
    private let scalarsBefore: [Int]

    /// Bytes between two scalar-count checkpoints (the longest scan of a lookup).
    public static let checkpointStride = 512

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        var counts: [Int] = []
        counts.reserveCapacity(bytes.count / Self.checkpointStride + 1)
        var scalars = 0
        for (index, byte) in bytes.enumerated() {
            if index % Self.checkpointStride == 0 { counts.append(scalars) }
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if byte == UInt8(ascii: "\n") { starts.append(index + 1) }
        }
        if bytes.count % Self.checkpointStride == 0 { counts.append(scalars) }
        lineStarts = starts
        scalarsBefore = counts
    }

    public init(_ text: String) { self.init(Array(text.utf8)) }

    /// The number of bytes of the text.
    public var count: Int { bytes.count }

    /// The number of scalars that start before byte `offset` (0...count).
    private func scalars(before offset: Int) -> Int {
        let block = offset / Self.checkpointStride
        var total = scalarsBefore[block]
        var index = block * Self.checkpointStride
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { total += 1 }
            index += 1
        }
        return total
    }

    /// The 0-based line holding byte `offset` (clamped).
    public func line(of offset: Int) -> Int {
        let clamped = min(max(offset, 0), bytes.count)
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// 1-based line and column of a byte offset (clamped to the text).
    public func position(of offset: Int) -> (line: Int, column: Int) {
        let clamped = min(max(offset, 0), bytes.count)
        let line = line(of: clamped)
        return (line + 1, scalars(before: clamped) - scalars(before: lineStarts[line]) + 1)
    }

    /// The byte offset of a 1-based line and scalar column, or nil when the line has no such column (the
    /// column just past the line's last character, where its newline or the end of the text is, counts).
    public func offset(line: Int, column: Int) -> Int? {
        guard line >= 1, line <= lineStarts.count, column >= 1 else { return nil }
        let start = lineStarts[line - 1]
        let end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        let target = scalars(before: start) + column - 1
        guard target <= scalars(before: end) else { return nil }
        // The last checkpoint at or before the target scalar, then a short scan.
        var low = start / Self.checkpointStride, high = end / Self.checkpointStride
        while low < high {
            let mid = (low + high + 1) / 2
            if scalarsBefore[mid] <= target { low = mid } else { high = mid - 1 }
        }
        var index = max(start, low * Self.checkpointStride)
        var seen = scalars(before: index)
        while index < end {
            if bytes[index] & 0xC0 != 0x80 {
                if seen == target { return index }
                seen += 1
            }
            index += 1
        }
        return seen == target ? end : nil
    }

    /// The byte range of 1-based line `line`, without its newline (nor a `\r` before it).
    public func lineRange(_ line: Int) -> Range<Int> {
        guard line >= 1, line <= lineStarts.count else { return bytes.count..<bytes.count }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<max(start, end)
    }

    /// A window of the line holding byte `offset`: at most `width` scalars on each side of it, with the
    /// column of `offset` inside the window (1-based), and whether text was cut before or after. Messages
    /// show this instead of the whole line, so a finding on a 2 MB line prints a few dozen characters.
    public func excerpt(around offset: Int, width: Int = 60) -> (text: String, column: Int, cutBefore: Bool, cutAfter: Bool) {
        let clamped = min(max(offset, 0), bytes.count)
        let range = lineRange(line(of: clamped) + 1)
        let at = min(max(clamped, range.lowerBound), range.upperBound)
        var start = at, before = 0
        while start > range.lowerBound && before < width {
            start -= 1
            while start > range.lowerBound && bytes[start] & 0xC0 == 0x80 { start -= 1 }
            before += 1
        }
        var end = at, after = 0
        while end < range.upperBound && after < width {
            end += 1
            while end < range.upperBound && bytes[end] & 0xC0 == 0x80 { end += 1 }
            after += 1
        }
        return (
            String(decoding: bytes[start..<end], as: UTF8.self), before + 1,
            start > range.lowerBound, end < range.upperBound
        )
    }
}
