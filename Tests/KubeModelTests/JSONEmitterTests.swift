import KubeModel
import Testing

@Suite("JSON emitter")
struct JSONEmitterTests {
    static func text(_ json: JSONEmitter) -> String { String(decoding: json.bytes, as: UTF8.self) }

    @Test("compact: no spaces, commas inserted, keys in the order written")
    func compact() {
        var json = JSONEmitter(style: .compact)
        json.beginObject()
        json.field("z", "a\"b\\c\nd\te\u{01}é")
        json.field("a", [String]())
        json.key("n")
        json.beginArray()
        json.int(-12)
        json.bool(true)
        json.null()
        json.double(1.5)
        json.double(.nan)
        json.endArray()
        json.field("o", nil as Int?)
        json.endObject()
        #expect(Self.text(json) == #"{"z":"a\"b\\c\nd\te\u0001é","a":[],"n":[-12,true,null,1.5,null],"o":null}"#)
    }

    @Test("spaced, with multiline containers: items two spaces a level, closing line only when not empty")
    func multiline() {
        var json = JSONEmitter(style: .spaced)
        json.beginObject(multiline: true)
        json.field("tool", ["a", "b"])
        json.key("files")
        json.beginArray(multiline: true)
        json.string("x")
        json.beginObject()
        json.field("k", 1)
        json.lineBreak(indent: 5)
        json.field("l", 2)
        json.endObject()
        json.endArray()
        json.key("empty")
        json.beginArray(multiline: true)
        json.endArray()
        json.endObject()
        json.newline()
        #expect(Self.text(json) == """
            {
              "tool": ["a", "b"],
              "files": [
                "x",
                {"k": 1,
                 "l": 2}
              ],
              "empty": []
            }

            """)
    }

    @Test("Foundation's pretty layout: spaced colons, empty containers span lines")
    func foundationPretty() {
        var json = JSONEmitter(style: .foundationPretty)
        json.beginArray(multiline: true)
        json.beginObject(multiline: true)
        json.key("a")
        json.beginArray(multiline: true)
        json.endArray()
        json.field("b", 1)
        json.endObject()
        json.endArray()
        #expect(Self.text(json) == "[\n  {\n    \"a\" : [\n\n    ],\n    \"b\" : 1\n  }\n]")
    }

    @Test("drained bytes leave the layout in place; items appended by other means count as items")
    func drainAndDirectItems() {
        var json = JSONEmitter(style: .spaced)
        var out: [UInt8] = []
        json.beginObject(multiline: true)
        json.key("findings")
        json.beginArray(multiline: true)
        json.drain { out.append(contentsOf: $0) }
        out.append(contentsOf: Array("\n    1,\n    2".utf8))
        json.itemsAppendedDirectly(hasItems: true)
        json.endArray()
        json.field("next", true)
        json.endObject()
        json.drain { out.append(contentsOf: $0) }
        #expect(json.bytes.isEmpty)
        #expect(String(decoding: out, as: UTF8.self) == "{\n  \"findings\": [\n    1,\n    2\n  ],\n  \"next\": true\n}")
    }
}
