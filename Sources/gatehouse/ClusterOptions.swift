import ArgumentParser
import Foundation
import GatehouseKubeAPI
import GatehouseReports
import KubeModel

/// `audit --cluster` and how it reaches the API server.
struct ClusterOptions: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "Audit the live cluster: list every kind the rules read through the API, with kubectl's credentials "
            + "(--kubeconfig, $KUBECONFIG or ~/.kube/config, else the pod's service account), then audit what was listed."))
    var cluster = false

    @Option(help: ArgumentHelp("The kubeconfig file to use with --cluster.", valueName: "file"))
    var kubeconfig: String?

    @Option(help: ArgumentHelp("The kubeconfig context to use (default: its current-context).", valueName: "name"))
    var context: String?

    @Option(help: ArgumentHelp(
        "Keep what --cluster listed in this folder (one JSON List per resource); `gatehouse audit FOLDER` later "
            + "gives the same report.",
        valueName: "folder"))
    var exportTo: String?

    @Option(help: ArgumentHelp("Objects per list request with --cluster (the API's limit).", valueName: "n"))
    var chunkSize = 500

    @Flag(
        name: .customLong("write-policyreports"),
        help: ArgumentHelp(
        "With --cluster, also write the results into the cluster as wgpolicyk8s.io PolicyReports (one per namespace, "
            + "split when large) and a ClusterPolicyReport with the run's summary, by server-side apply; reports of "
            + "namespaces without findings any more are deleted."))
    var writePolicyReports = false

    func validate() throws {
        if !cluster, kubeconfig != nil || context != nil || exportTo != nil || writePolicyReports {
            throw ValidationError("--kubeconfig, --context, --export-to and --write-policyreports go with --cluster")
        }
        if chunkSize < 1 { throw ValidationError("--chunk-size must be at least 1") }
    }

    /// What was listed, and where; the client stays open for the PolicyReports.
    struct Snapshot {
        var client: KubeAPIClient
        var folder: String
        var temporary: Bool
        var files: [String]
        var errors: [LoadError]
        var objects: Int

        func removeIfTemporary() {
            if temporary { try? FileManager.default.removeItem(atPath: folder) }
        }
    }

    /// Lists the cluster into --export-to, or a temporary folder removed after the audit.
    func takeSnapshot(quiet: Bool) async throws -> Snapshot {
        let connection = try ClusterConnection.resolve(kubeconfig: kubeconfig, context: context)
        let client = try KubeAPIClient(connection)
        let temporary = exportTo == nil
        let folder = exportTo ?? NSTemporaryDirectory() + "gatehouse-cluster-" + UUID().uuidString
        var snapshot = ClusterSnapshot(client: client, folder: folder)
        snapshot.pageSize = chunkSize
        let outcome: ClusterSnapshot.Outcome
        do {
            outcome = try await snapshot.take()
        } catch {
            await client.shutdown()
            if temporary { try? FileManager.default.removeItem(atPath: folder) }
            throw error
        }
        if !quiet, isatty(2) == 1 {
            FileHandle.standardError.write(
                Data("listed \(outcome.objects) objects of \(outcome.files.count) kinds from \(connection.name)\n".utf8))
        }
        // In name order, as a walk of the folder gives them, so the report equals `gatehouse audit FOLDER`'s.
        return Snapshot(
            client: client, folder: folder, temporary: temporary, files: outcome.files.sorted(), errors: outcome.errors,
            objects: outcome.objects)
    }

    /// Applies the report's PolicyReports and says on standard error what changed (and what failed).
    func writePolicyReports(_ report: AuditReport, with client: KubeAPIClient) async -> PolicyReportApplier.Outcome {
        let outcome = await PolicyReportApplier(client: client).apply(
            report, annotations: PolicyReportApplier.runAnnotations(report))
        var text = outcome.summary + "\n"
        for failure in outcome.failures { text += "error: \(failure)\n" }
        FileHandle.standardError.write(Data(text.utf8))
        return outcome
    }
}
