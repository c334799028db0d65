/// The structural skim: finds where a JSON value ends by looking only at strings and brackets, with no tree and
/// no validation (the parse that follows validates). It answers, ahead of the parse, whether a big `items`
/// array belongs to a `kind: List` (``JSONScanner/listAhead(from:kindSoFar:)``), and a big array may be
/// skimmed on two threads at once (``JSONScanner/skipArrayOnTwoThreads(from:minimumBytes:)``).
extension JSONScanner {
    /// Index of the first byte at or after `start` that is not JSON whitespace (or `end`).
    func skipSpace(from start: Int) -> Int {
        var i = start
        while i < end, ByteText.isJSONWhitespace(p[i]) { i += 1 }
        return i
    }

    /// Index after the string starting at `"` `start`, without decoding; `nil` if unterminated.
    func skipString(from start: Int) -> Int? {
        var i = start + 1
        while true {
            i = scanPlainString(from: i)
            guard i < end else { return nil }
            let c = p[i]
            if c == 0x22 { return i + 1 }
            if c == 0x5C {
                i += 2
            } else {
                i += 1  // control or non-ASCII bytes: the real parse judges them
            }
        }
    }

    /// Index of the first byte at or after `start` that is `"`, `{`, `}`, `[` or `]`: the only bytes the skim
    /// of a container looks at. Eight bytes at a time; pretty-printed exports are mostly indentation.
    @inline(__always)
    private func scanStructural(from start: Int) -> Int {
        WordBytes.firstStop(
            in: p, from: start, to: end,
            flags: { x in
                // `[` and `]` are `{` and `}` without the 0x20 bit: fold them together.
                let folded = x | (WordBytes.ones &* 0x20)
                return WordBytes.matching(x, 0x22) | WordBytes.matching(folded, 0x7B) | WordBytes.matching(folded, 0x7D)
            },
            stops: { c in c == 0x22 || c == 0x7B || c == 0x7D || c == 0x5B || c == 0x5D })
    }

    /// Index after the value starting at `start` (a container is skipped by bracket counting); `nil` if the
    /// input ends first.
    func skipValue(from start: Int) -> Int? {
        if case .ended(let next) = skim(from: start, to: end) { return next }
        return nil
    }

    /// Where the skim of the value at `start` stops before `limit` (see ``SkimStop``).
    private func skim(from start: Int, to limit: Int) -> SkimStop {
        var i = start
        var depth = 0
        var released = start
        while i < limit {
            // Inside a container only strings and brackets matter (a comma only ends a scalar at depth 0).
            if depth > 0 {
                i = scanStructural(from: i)
                if i >= limit { return .open(depth: depth) }
            }
            switch p[i] {
            case UInt8(ascii: "\""):
                guard let next = skipString(from: i) else { return .unterminated }
                if next > limit { return .insideString }
                i = next
                if depth == 0 { return .ended(i) }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                releaseSkimmed(from: &released, to: i)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return .ended(i) }
                depth -= 1
                if depth == 0 { return .ended(i + 1) }
            case UInt8(ascii: ","):
                if depth == 0 { return .ended(i) }
            default:
                break
            }
            i += 1
        }
        return .open(depth: depth)
    }

    /// Gives back the pages behind the skim, which reads ahead of the parse: on a huge list it would otherwise
    /// make the whole file resident before the first item is parsed.
    @inline(__always)
    private func releaseSkimmed(from released: inout Int, to i: Int) {
        if let releaser, i - released >= PageReleaser.step {
            releaser.release(from: released, to: i)
            released = i
        }
    }

    /// Arrays smaller than this are skimmed on one thread: a thread costs more than it saves.
    static let splitSkimBytes = 16 << 20

    /// ``skipValue(from:)`` for the array at `start`, its second half skimmed on another thread.
    ///
    /// The halves meet just after a newline: in valid JSON a newline is never inside a string, so the second
    /// half can be skimmed without knowing what came before. It records where its closing brackets first
    /// close containers opened before it (the first time its depth falls to -1, -2...). The first half,
    /// skimmed here, gives the depth at the meeting point, which picks the one that closes the array. When
    /// the first half ends inside a string (a raw newline in a string: invalid JSON, which the parse will
    /// reject), the array is skimmed again on one thread, so the answer is always the one-thread answer.
    func skipArrayOnTwoThreads(from start: Int, minimumBytes: Int = splitSkimBytes) -> Int? {
        guard p[start] == UInt8(ascii: "["), end - start >= max(minimumBytes, 2) else { return skipValue(from: start) }
        var split = start + (end - start) / 2
        while split < end, p[split] != 0x0A { split += 1 }
        guard split + 1 < end else { return skipValue(from: start) }
        let tailStart = split + 1
        let input = SkimInput(base: p, count: end, limits: limits, releaser: releaser)
        let tail = BackgroundWork.start { input.skimTail(from: tailStart) }
        let head = skim(from: start, to: tailStart)
        let closings = tail?.wait() ?? input.skimTail(from: tailStart)
        switch head {
        case .ended(let next):
            return next
        case .open(let depth):
            // The array closes where the second half's depth first reaches -depth; nil: the input ends first.
            return depth <= closings.count ? closings[depth - 1] + 1 : nil
        case .insideString, .unterminated:
            return skipValue(from: start)
        }
    }

    /// Where a skim stopped.
    enum SkimStop {
        /// The value ended here (before the limit).
        case ended(Int)
        /// At the limit, outside strings, `depth` containers deep.
        case open(depth: Int)
        /// A string runs over the limit.
        case insideString
        /// The input ended in a string.
        case unterminated
    }

    /// The second half of ``skipArrayOnTwoThreads(from:)``, from just after a newline to the end of the input:
    /// where its depth first falls to -1, -2... (closing brackets of containers opened before it). Stops at an
    /// unterminated string.
    func skimTail(from start: Int) -> [Int] {
        var closings: [Int] = []
        var depth = 0
        var i = start
        var released = start
        while true {
            i = scanStructural(from: i)
            guard i < end else { return closings }
            switch p[i] {
            case UInt8(ascii: "\""):
                guard let next = skipString(from: i) else { return closings }
                i = next
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                releaseSkimmed(from: &released, to: i)
            default:
                depth -= 1
                if -depth > closings.count { closings.append(i) }
            }
            i += 1
        }
    }
}

/// The input of a two-thread skim, as the thread skimming its second half reads it.
struct SkimInput: @unchecked Sendable {
    // @unchecked: the input bytes are only read.
    let base: UnsafePointer<UInt8>
    let count: Int
    let limits: LoadLimits
    let releaser: PageReleaser?

    /// ``JSONScanner/skimTail(from:)`` on a scanner of its own.
    func skimTail(from start: Int) -> [Int] {
        var scanner = JSONScanner(base: base, count: count, limits: limits)
        scanner.releaser = releaser
        return scanner.skimTail(from: start)
    }
}
