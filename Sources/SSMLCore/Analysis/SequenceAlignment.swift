/// Longest-common-subsequence alignment of two sequences: what `lint --fix` diffs and snapshot
/// comparisons are built on.
public enum SequenceAlignment {
    /// Both sequences in order as pairs: `(i, j)` where `a[i] == b[j]` is kept, `(i, nil)` is only in `a`,
    /// `(nil, j)` only in `b`. Above `maxCells` (n × m) the table would be too large: everything in `a`
    /// is then paired with nothing, followed by everything in `b`.
    public static func lcs<T: Equatable>(_ a: [T], _ b: [T], maxCells: Int = 16_000_000) -> [(Int?, Int?)] {
        let n = a.count, m = b.count
        guard n * m <= maxCells else { return a.indices.map { ($0, nil) } + b.indices.map { (nil, $0) } }
        var table = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var result: [(Int?, Int?)] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                result.append((i, j))
                i += 1
                j += 1
            } else if j >= m || (i < n && table[i + 1][j] >= table[i][j + 1]) {
                result.append((i, nil))
                i += 1
            } else {
                result.append((nil, j))
                j += 1
            }
        }
        return result
    }
}
