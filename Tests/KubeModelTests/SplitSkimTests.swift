import Testing

@testable import KubeModel

/// The two-thread skim of a big `items` array finds the same end as the one-thread skim, on valid arrays and on
/// broken ones (cut off, a raw newline inside a string, unbalanced brackets), wherever the halves meet.
struct SplitSkimTests {
    /// A pretty-printed `{"items": [...], "kind": "List"}` with nested objects and arrays, and strings holding
    /// brackets, quotes and backslashes.
    private func export(_ random: inout SplitMix, items: Int) -> [UInt8] {
        func text() -> String {
            let pieces = ["a", "[", "]", "{", "}", "\\\"", "\\\\", " ", "é", "x:y", ","]
            return (0..<Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
        }
        func value(_ depth: Int, _ indent: String) -> String {
            switch random.next() % (depth > 3 ? 2 : 4) {
            case 0: return "\"\(text())\""
            case 1: return String(random.next() % 1000)
            case 2:
                let inner = indent + "    "
                let members = (0..<Int(random.next() % 4)).map { _ in "\(inner)\"\(text())\": \(value(depth + 1, inner))" }
                return members.isEmpty ? "{}" : "{\n" + members.joined(separator: ",\n") + "\n\(indent)}"
            default:
                let inner = indent + "    "
                let elements = (0..<Int(random.next() % 4)).map { _ in inner + value(depth + 1, inner) }
                return elements.isEmpty ? "[]" : "[\n" + elements.joined(separator: ",\n") + "\n\(indent)]"
            }
        }
        let body = (0..<items).map { _ in "        " + value(2, "        ") }.joined(separator: ",\n")
        return Array("{\n    \"items\": [\n\(body)\n    ],\n    \"kind\": \"List\"\n}\n".utf8)
    }

    private func ends(_ bytes: [UInt8]) -> (one: Int?, two: Int?) {
        let start = bytes.firstIndex(of: UInt8(ascii: "["))!
        return bytes.withUnsafeBufferPointer { buffer in
            let scanner = JSONScanner(base: buffer.baseAddress!, count: buffer.count, limits: .default)
            return (scanner.skipValue(from: start), scanner.skipArrayOnTwoThreads(from: start, minimumBytes: 0))
        }
    }

    @Test func validArraysEndWhereTheOneThreadSkimSays() {
        var random = SplitMix(seed: 7)
        for size in [1, 2, 3, 10, 50, 200] {
            let bytes = export(&random, items: size)
            let (one, two) = ends(bytes)
            #expect(one != nil)
            #expect(one == two, "items: \(size)")
        }
    }

    @Test func brokenArraysGetTheOneThreadAnswer() {
        var random = SplitMix(seed: 11)
        for round in 0..<300 {
            var bytes = export(&random, items: 1 + Int(random.next() % 40))
            let at = Int(random.next() % UInt64(bytes.count))
            switch round % 4 {
            case 0: bytes.removeSubrange(at...)  // cut off
            case 1: bytes.insert(0x0A, at: at)  // a raw newline, perhaps inside a string
            case 2: bytes.remove(at: at)  // a bracket or quote may go
            default: bytes.insert(UInt8(ascii: "]"), at: at)
            }
            guard bytes.contains(UInt8(ascii: "[")) else { continue }
            let (one, two) = ends(bytes)
            #expect(one == two, "round \(round), edit at \(at)")
        }
    }
}
