import KubeModel
import Testing

struct QuantityTests {
    @Test(arguments: [
        "500m", "1.5", "2Gi", "1e3", "128974848", "100Ki", "1E", "+1", ".5", "1.", "0", "-1", "1E3", "1e-3",
        "1.5e+2", "12n", "7u", "64M", "1Ei", "0.000", "1.G",
    ])
    func accepts(_ text: String) {
        #expect(Quantity(text) != nil, "\(text) should parse")
    }

    @Test(arguments: [
        "", "1.5.5", "Gi", "1 Gi", " 1", "1 ", "2gi", "2GI", "2KI", "1K", "1e", "1e+", "1e1.5", "1Gib", "1mi", "abc",
        ".", "+", "-", "1,5", "0x10", "1i", "--1", "1e3Gi",
    ])
    func rejects(_ text: String) {
        #expect(Quantity(text) == nil, "\(text) should be rejected")
    }

    @Test(arguments: [
        ("500m", "0.5"), ("1", "1000m"), ("1e3", "1k"), ("1E3", "1000"), ("1Ki", "1024"), ("2Gi", "2147483648"),
        ("128974848", "128974848"), ("129e6", "129M"), (".5", "500m"), ("+1", "1"), ("0", "-0"), ("0Gi", "0m"),
        ("100Ki", "102400"), ("1E", "1e18"), ("1.5", "1500m"), ("1000n", "1u"),
    ])
    func equal(_ a: String, _ b: String) throws {
        #expect(try #require(Quantity(a)) == (try #require(Quantity(b))))
    }

    @Test(arguments: [
        ("999m", "1"), ("1Gi", "1073741825"), ("1073741823", "1Gi"), ("1G", "1Gi"), ("-2", "-1"), ("-1", "0"),
        ("0.1", "101m"), ("1Ei", "1.2E"), ("99999999999999999999", "1e20"), ("1n", "1m"),
        ("123456789012345678901234567890", "123456789012345678901234567891"),
    ])
    func lessThan(_ a: String, _ b: String) throws {
        let x = try #require(Quantity(a))
        let y = try #require(Quantity(b))
        #expect(x < y)
        #expect(!(y < x))
        #expect(x != y)
    }

    @Test func exactWhereDoubleIsNot() throws {
        // 2^53 + 1 is not representable as a Double; the two must still differ.
        let a = try #require(Quantity("9007199254740993"))
        let b = try #require(Quantity("9007199254740992"))
        #expect(b < a)
        #expect(try #require(Quantity("0.3")) == (try #require(Quantity("300m"))))
    }

    @Test func milliValueRoundsUp() throws {
        #expect(try #require(Quantity("1")).milliValue == 1000)
        #expect(try #require(Quantity("250m")).milliValue == 250)
        #expect(try #require(Quantity("1.0001")).milliValue == 1001)
        #expect(try #require(Quantity("1Ki")).value == 1024)
        #expect(try #require(Quantity("1e30")).value == nil)
    }

    @Test func outOfRangeIsAnErrorNotAHang() {
        #expect(throws: Quantity.ParseError.outOfRange("1e999999999")) { try Quantity(parsing: "1e999999999") }
        #expect(throws: Quantity.ParseError.empty) { try Quantity(parsing: "") }
    }
}
