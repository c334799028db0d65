import ServiceLifecycle

/// Runs `body` every `interval` until the service group shuts down gracefully or the task is cancelled: the
/// loop of the services that watch files (the serving certificate, the scanner reports).
func everyInterval(_ interval: Duration, _ body: () -> Void) async {
    while !Task.isCancelled {
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        } catch {
            return
        }
        if Task.isShuttingDownGracefully { return }
        body()
    }
}
