import CLibFuzzer
import GatehouseFuzzTargets

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// `gatehouse-fuzz TARGET [libFuzzer flags and corpus folders]`: runs one of `FuzzTarget.all` under libFuzzer;
// `gatehouse-fuzz --list` lists them for scripts/fuzz.sh.
// Built only with GATEHOUSE_FUZZ=1 and `-sanitize=fuzzer,address -parse-as-library` (scripts/fuzz.sh), so
// SwiftPM links it with `--defsym main=GatehouseFuzz_main`. The target's name is also accepted from
// GATEHOUSE_FUZZ_TARGET, and is passed on through it, because libFuzzer re-runs its own command line without
// the first argument when it minimizes a crash.

/// The selected target, set once before libFuzzer starts calling back.
nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("GatehouseFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var arguments = Array(UnsafeMutableBufferPointer(start: argv, count: Int(argc)))
    if arguments.count == 2, let first = arguments[1], String(cString: first) == "--list" {
        // For scripts/fuzz.sh: name, max_len, seed extensions, seed marker; tab-separated.
        for target in FuzzTarget.all {
            let extensions = target.seeds.extensions.joined(separator: ",")
            print("\(target.name)\t\(target.maxLength)\t\(extensions)\t\(target.seeds.marker ?? "")")
        }
        return 0
    }
    var name = getenv("GATEHOUSE_FUZZ_TARGET").map { String(cString: $0) }
    if arguments.count > 1, let first = arguments[1], first.pointee != 0x2D,
        FuzzTarget.named(String(cString: first)) != nil
    {
        name = String(cString: first)
        arguments.remove(at: 1)
    }
    guard let name, let target = FuzzTarget.named(name) else {
        var usage = "usage: gatehouse-fuzz TARGET [libFuzzer flags] [corpus folders]\ntargets:\n"
        for target in FuzzTarget.all {
            usage += "  \(target.name): \(target.summary) (max_len \(target.maxLength))\n"
        }
        _ = usage.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        return 2
    }
    setenv("GATEHOUSE_FUZZ_TARGET", name, 1)
    selected = target
    var count = Int32(arguments.count)
    arguments.append(nil)
    return arguments.withUnsafeMutableBufferPointer { buffer in
        var pointer = buffer.baseAddress
        return LLVMFuzzerRunDriver(&count, &pointer, fuzzOneInput)
    }
}

/// libFuzzer's callback. Exported under the conventional name too: the runtime's archive carries its own
/// `main` (unused here, `main` is this driver's), whose object refers to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected!.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
