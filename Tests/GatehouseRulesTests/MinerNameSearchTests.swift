import Testing

@testable import GatehouseRules

/// The miner deny-list's plain search must agree with its default regex on every name.
struct MinerNameSearchTests {
    static let names = [
        "docker.io/xmrig/xmrig", "docker.io/library/xmrig", "ghcr.io/someone/XMRig-proxy", "docker.io/library/nginx",
        "myacr.azurecr.io/mining-reports", "quay.io/a/xmrigs", "quay.io/a/myxmrig", "quay.io/a/my_xmrig",
        "quay.io/a/t-rex.b", "quay.io/a/t-rexx", "x.io/ETHMINER", "x.io/a/gminer", "x.io/a/nbgminer",
        "x.io/a/monero-miner", "x.io/a/monero-minerd", "x.io/minerd-x", "x.io/a/x-cpuminer_b", "x.io/a/cpuminer@",
        "x.io/a/teamredminer:", "xmrig", "", "x.io/a/xmr-stak", "x.io/a/xmr_stak", "x.io/a/claymore.", "a-nicehash",
    ]

    @Test(arguments: names)
    func agreesWithTheRegex(_ name: String) throws {
        let regex = try RulePattern(ImageMinerDenylist.defaultPattern)
        #expect(MinerNameSearch().found(in: name) == regex.found(in: name))
    }

    @Test func leavesNonASCIINamesToTheRegex() {
        #expect(MinerNameSearch().found(in: "x.io/a/xmrig\u{301}") == nil)
        #expect(MinerNameSearch().found(in: "x.io/a/xm rig") == nil)
    }
}
