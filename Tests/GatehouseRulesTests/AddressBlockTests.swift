@testable import GatehouseRules
import Testing

/// Addresses and blocks as alert-suspicious-address reads them, with the spellings a caller could use to slip
/// past a list.
struct AddressBlockTests {
    @Test func ipv4BlocksMatchBothSpellingsOfAnAddress() throws {
        let block = try #require(AddressBlock("203.0.113.0/24"))
        for address in ["203.0.113.9", "::ffff:203.0.113.9", "[::ffff:203.0.113.9]", "::FFFF:CB00:7109"] {
            #expect(block.contains(address), "\(address)")
        }
        for address in ["203.0.114.9", "::203.0.113.9", "2001:db8::cb00:7109", "203.0.113", "203.0.113.9.1", ""] {
            #expect(!block.contains(address), "\(address)")
        }
    }

    @Test func ipv6BlocksAndSingleAddresses() throws {
        let block = try #require(AddressBlock("2001:db8:bad::/48"))
        #expect(block.contains("2001:db8:bad:1::7"))
        #expect(block.contains("2001:0DB8:0BAD:ffff::1"))
        #expect(block.contains("fe80::1%eth0") == false)
        #expect(!block.contains("2001:db8:bae::1"))
        let single = try #require(AddressBlock("198.51.100.7"))
        #expect(single.contains("198.51.100.7") && !single.contains("198.51.100.8"))
        let zone = try #require(AddressBlock("fe80::/10"))
        #expect(zone.contains("fe80::1%eth0"))
        #expect(try #require(AddressBlock("0.0.0.0/0")).contains("192.0.2.1"))
        #expect(try #require(AddressBlock("0.0.0.0/0")).contains("2001:db8::1") == false, "an IPv4 block holds no IPv6 address")
    }

    @Test func malformedEntriesAreRefused() {
        for written in ["203.0.113.0/33", "2001:db8::/129", "203.0.113.0/-1", "203.0.113.0/", "example.com", "10.0.0.1/8/8", "1.2.3.4 "] {
            #expect(AddressBlock(written) == nil, "\(written)")
        }
    }
}
