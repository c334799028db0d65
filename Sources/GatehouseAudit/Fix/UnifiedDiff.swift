/// A unified diff (`diff -u` format, three lines of context) between two versions of a file's lines.
///
/// The edit script is Myers' O(ND) shortest one, which stays fast on big files because fixes change few
/// lines (D is small).
enum UnifiedDiff {
    static func render(old: [String], new: [String], oldName: String, newName: String, context: Int = 3) -> String {
        let script = editScript(old, new)
        guard script.contains(where: { $0 != .keep }) else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        // Walks the script keeping line numbers, and cuts it into hunks around the changes.
        var hunks: [(start: Int, end: Int)] = []
        for (i, step) in script.enumerated() where step != .keep {
            if let last = hunks.last, i - last.end <= 2 * context {
                hunks[hunks.count - 1].end = i + 1
            } else {
                hunks.append((i, i + 1))
            }
        }
        // Line numbers before each script position.
        var oldLine = [Int](repeating: 0, count: script.count + 1)
        var newLine = [Int](repeating: 0, count: script.count + 1)
        for (i, step) in script.enumerated() {
            oldLine[i + 1] = oldLine[i] + (step == .insert ? 0 : 1)
            newLine[i + 1] = newLine[i] + (step == .delete ? 0 : 1)
        }
        for hunk in hunks {
            let start = max(0, hunk.start - context)
            let end = min(script.count, hunk.end + context)
            let oldCount = oldLine[end] - oldLine[start]
            let newCount = newLine[end] - newLine[start]
            out += "@@ -\(range(oldLine[start], oldCount)) +\(range(newLine[start], newCount)) @@\n"
            for i in start..<end {
                switch script[i] {
                case .keep: out += " " + old[oldLine[i]] + "\n"
                case .delete: out += "-" + old[oldLine[i]] + "\n"
                case .insert: out += "+" + new[newLine[i]] + "\n"
                }
            }
        }
        return out
    }

    /// `start,count` as diff writes it (1-based; an empty range names the line before it).
    private static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : count == 1 ? "\(start + 1)" : "\(start + 1),\(count)"
    }

    enum Step: Equatable {
        case keep, delete, insert
    }

    /// The shortest edit script from `a` to `b` (Myers 1986), deletions before insertions at each change. The
    /// lines both share at the start and the end are matched first; the trace keeps only the diagonals each
    /// round reached (memory grows with the number of changes, not with the file).
    static func editScript(_ a: [String], _ b: [String]) -> [Step] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        let middle = myers(Array(a[prefix..<(a.count - suffix)]), Array(b[prefix..<(b.count - suffix)]))
        return Array(repeating: .keep, count: prefix) + middle + Array(repeating: .keep, count: suffix)
    }

    private static func myers(_ a: [String], _ b: [String]) -> [Step] {
        let n = a.count
        let m = b.count
        let maximum = n + m
        var v = [Int](repeating: 0, count: 2 * maximum + 2)
        // trace[d] holds v[-d...d] as it was when round d began.
        var trace: [[Int]] = []
        var found = false
        for d in 0...maximum {
            trace.append(Array(v[(maximum - d)...(maximum + d)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[maximum + k - 1] < v[maximum + k + 1]) {
                    x = v[maximum + k + 1]
                } else {
                    x = v[maximum + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[maximum + k] = x
                if x >= n, y >= m {
                    found = true
                    break
                }
            }
            if found { break }
        }
        // Back through the trace, from the end to the start.
        var steps: [Step] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let round = trace[d]
            let at = { (k: Int) in round[k + d] }
            let k = x - y
            let previousK: Int
            if k == -d || (k != d && at(k - 1) < at(k + 1)) {
                previousK = k + 1
            } else {
                previousK = k - 1
            }
            let previousX = d == 0 ? 0 : at(previousK)
            let previousY = previousX - previousK
            while x > previousX && y > previousY {
                steps.append(.keep)
                x -= 1
                y -= 1
            }
            if d > 0 {
                steps.append(x == previousX ? .insert : .delete)
                x = previousX
                y = previousY
            }
        }
        return steps.reversed()
    }
}
