/// Alignment of two sequences by their longest common subsequence: what `lint --fix` diffs and snapshot
/// comparisons are built on. It is the standard library's `difference(from:)` (Myers' algorithm: time and memory
/// grow with the lengths and the number of differences, not with their product).
public enum SequenceAlignment {
    /// Both sequences in order as pairs: `(i, j)` where `a[i] == b[j]` is kept, `(i, nil)` is only in `a`,
    /// `(nil, j)` only in `b`. At one place, what left `a` comes before what arrived in `b`.
    public static func lcs<T: Equatable>(_ a: [T], _ b: [T]) -> [(Int?, Int?)] {
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in b.difference(from: a) {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var result: [(Int?, Int?)] = []
        result.reserveCapacity(a.count + inserted.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) {
                result.append((i, nil))
                i += 1
            } else if j < b.count, inserted.contains(j) {
                result.append((nil, j))
                j += 1
            } else {
                result.append((i, j))
                i += 1
                j += 1
            }
        }
        return result
    }
}
