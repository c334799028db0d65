import Glibc

/// SIGINT and SIGTERM as a request to stop a loop that polls and sleeps (`alerts --follow`).
///
/// The handler only writes a byte to a pipe (async-signal-safe); ``wait(seconds:orReadable:)`` sleeps in
/// `poll(2)` on that pipe, so a signal ends the sleep at once, whichever thread it was delivered to. A second
/// signal after the first restores the default action, so a stuck process still dies on a second Ctrl-C.
enum StopSignals {
    nonisolated(unsafe) private static var pipeEnds: (read: Int32, write: Int32) = (-1, -1)

    static func install() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // The handler must never block on a full pipe.
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        pipeEnds = (ends[0], ends[1])
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            var byte = UInt8(truncatingIfNeeded: signal)
            _ = write(StopSignals.pipeEnds.write, &byte, 1)
            Glibc.signal(signal, SIG_DFL)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        // A blocked signal mask is inherited across exec: a parent that blocks these (a test runner, some
        // supervisors) would otherwise leave the process deaf to them.
        var stops = sigset_t()
        sigemptyset(&stops)
        sigaddset(&stops, SIGINT)
        sigaddset(&stops, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stops, nil)
    }

    /// Whether a stop signal has arrived.
    static var requested: Bool { ready(wait: 0, for: nil).stop }

    /// Sleeps up to `seconds`, ending early when a stop signal arrives or `descriptor` becomes readable.
    /// Returns whether a stop signal has arrived.
    static func wait(seconds: Double, orReadable descriptor: Int32?) -> Bool {
        ready(wait: Int32(seconds * 1000), for: descriptor).stop
    }

    private static func ready(wait milliseconds: Int32, for descriptor: Int32?) -> (stop: Bool, readable: Bool) {
        var entries = [pollfd(fd: pipeEnds.read, events: Int16(POLLIN), revents: 0)]
        if let descriptor { entries.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)) }
        guard Glibc.poll(&entries, nfds_t(entries.count), milliseconds) > 0 else { return (false, false) }
        return (entries[0].revents != 0, entries.count > 1 && entries[1].revents != 0)
    }
}
