import Testing

@testable import KubeModel

/// The backward read of a list's `kind` from the end of the input gives the forward skim's answer whenever it
/// answers at all, and a wrong guess (possible only in a stream of values) stops the load instead of misreading.
struct ListTailReadTests {
    /// Random JSON text, with strings holding brackets, quotes, backslashes and escapes.
    private struct Writer {
        var random: SplitMix

        mutating func pick<T>(_ choices: [T]) -> T { choices[Int(random.next() % UInt64(choices.count))] }

        mutating func string() -> String {
            let pieces = ["a", "[", "]", "{", "}", "\\\"", "\\\\", " ", "é", "x:y", ",", "\\u006b", "List", "\\\\\\\""]
            return "\"" + (0..<Int(random.next() % 6)).map { _ in pick(pieces) }.joined() + "\""
        }

        mutating func value(_ depth: Int = 0) -> String {
            switch random.next() % (depth > 2 ? 3 : 5) {
            case 0: return string()
            case 1: return pick(["0", "-1.5e3", "true", "false", "null", "42"])
            case 2: return pick(["[]", "{}"])
            case 3:
                let members = (0..<Int(1 + random.next() % 3)).map { _ in "\(string()): \(value(depth + 1))" }
                return "{" + members.joined(separator: ", ") + "}"
            default:
                return "[" + (0..<Int(1 + random.next() % 3)).map { _ in value(depth + 1) }.joined(separator: ",\n ") + "]"
            }
        }

        /// A member for around `items`, and what it says about the object's kind (nil: nothing).
        mutating func member() -> (text: String, kind: Bool?) {
            switch random.next() % 6 {
            case 0: return ("\"kind\": \"List\"", true)
            case 1: return ("\"kind\": \"PodList\"", true)
            case 2: return ("\"kind\": \"Pod\"", false)
            case 3: return ("\"kind\": 3", false)
            case 4: return ("\"\\u006bind\": \"List\"", nil)  // an escaped key: neither read may trust it
            default: return ("\(string()): \(value())", nil)
            }
        }

        /// `{before..., "items": [...], after...}` and the last `kind` before `items`.
        mutating func object(itemBytes: Int) -> (bytes: [UInt8], kindSoFar: Bool?) {
            var kindSoFar: Bool?
            var members: [String] = []
            for _ in 0..<Int(random.next() % 3) {
                let m = member()
                members.append(m.text)
                if m.text.hasPrefix("\"kind\"") { kindSoFar = m.kind }
            }
            var items: [String] = []
            var size = 0
            repeat {
                let item = value()
                items.append(item)
                size += item.utf8.count
            } while size < itemBytes
            members.append("\"items\": [\n" + items.joined(separator: ",\n") + "\n]")
            for _ in 0..<Int(random.next() % 4) { members.append(member().text) }
            return (Array(("{\n" + members.joined(separator: ",\n") + "\n}" + pick(["", "\n", "  \n"])).utf8), kindSoFar)
        }
    }

    private func readings(_ bytes: [UInt8], kindSoFar: Bool?) -> (tail: JSONScanner.TailReading, skim: Bool) {
        let start = bytes.firstIndex(of: UInt8(ascii: "["))!
        return bytes.withUnsafeBufferPointer { buffer in
            let scanner = JSONScanner(base: buffer.baseAddress!, count: buffer.count, limits: .default)
            return (
                scanner.readListFromEnd(itemsAt: start, kindSoFar: kindSoFar),
                scanner.listAhead(from: start, kindSoFar: kindSoFar)
            )
        }
    }

    @Test func theTailReadGivesTheSkimsAnswerOnValidObjects() throws {
        var writer = Writer(random: SplitMix(seed: 23))
        var answered = 0
        var rounds = 0
        for itemBytes in [0, 1, 200, 5_000, 70_000, 200_000] {
            for _ in 0..<(itemBytes > 10_000 ? 40 : 300) {
                var (bytes, kindSoFar) = writer.object(itemBytes: itemBytes)
                // The generator's first `[` must be the items array's: keep members before it free of arrays.
                guard let start = bytes.firstIndex(of: UInt8(ascii: "[")),
                    String(decoding: bytes[..<start], as: UTF8.self).hasSuffix("\"items\": ")
                else { continue }
                rounds += 1
                let (tail, skim) = readings(bytes, kindSoFar: kindSoFar)
                switch tail {
                case .certain(let isList):
                    #expect(isList == skim, "\(String(decoding: bytes, as: UTF8.self).suffix(300))")
                    answered += 1
                case .likely:
                    #expect(skim, "\(String(decoding: bytes, as: UTF8.self).suffix(300))")
                    answered += 1
                case .unknown:
                    break
                }
                bytes.removeAll()
            }
        }
        #expect(rounds > 800)
        // Most generated objects end in plain members the walk reads back over.
        #expect(answered * 2 > rounds, "\(answered) of \(rounds)")
    }

    /// A kubectl export larger than the walk's budget, and the API server's own order (kind first, items
    /// last), are read as lists from their end.
    @Test func longExportsAreListsFromTheirEnd() throws {
        let item = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labels": {"x": "[{\""}}}"#
        let items = Array(repeating: item, count: 2_000).joined(separator: ",\n")
        let kubectl = "{\n\"apiVersion\": \"v1\",\n\"items\": [\n\(items)\n],\n\"kind\": \"List\",\n\"metadata\": {\"resourceVersion\": \"\"}\n}\n"
        let api = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[\(items)]}"
        for (text, kindSoFar) in [(kubectl, nil), (api, true)] as [(String, Bool?)] {
            let bytes = Array(text.utf8)
            #expect(readings(bytes, kindSoFar: kindSoFar).tail == .likely)
            var delivered = 0
            let problem = bytes.withUnsafeBytes { JSONLoader.stream($0) { _, place in
                if place.item != nil { delivered += 1 }
            } }
            #expect(problem == nil)
            #expect(delivered == 2_000)
        }
    }

    /// In a stream, a long non-list object followed by a long list: the end of the input names a list, the
    /// first object's own kind does not, and the load stops there with an error saying so.
    @Test func aWrongGuessInAStreamStopsWithAnError() throws {
        let item = #"{"kind": "Pod", "metadata": {"name": "a"}}"#
        let items = Array(repeating: item, count: 2_000).joined(separator: ",\n")
        let text = "{\"items\": [\n\(items)\n], \"kind\": \"Thing\"}\n{\"items\": [\n\(items)\n], \"kind\": \"List\"}\n"
        let problem = Array(text.utf8).withUnsafeBytes { JSONLoader.stream($0) { _, _ in } }
        let p = try #require(problem)
        #expect(p.message.contains("own last `kind` is not a list"))
        #expect(p.position == SourcePosition(line: 1, column: 11))
    }
}
