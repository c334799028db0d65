import KubeModel

/// The pod-level and per-container `securityContext.<field>.type` values a PSA check forbids, collected the way
/// PSA's `appArmorProfile` and `seccompProfile_baseline` checks collect them: who set them (`pod`,
/// `containers "a", "b"`), the bad values, and one spot per offending field for the findings.
struct PSSProfileTypeScan {
    var setters: [String] = []
    var values: [String] = []
    var spots: [PSSSpot] = []

    /// - Parameters:
    ///   - field: the securityContext field holding the profile (`appArmorProfile`, `seccompProfile`).
    ///   - wording: how a finding names the field (`AppArmor profile type`).
    ///   - allowed: whether a type passes.
    init(_ pod: PodTemplate, field: String, wording: String, allowed: (String) -> Bool) {
        let path = "securityContext.\(field).type"
        if let profile = PodFields.object(pod.securityContext, field) {
            let type = PodFields.string(profile, "type")
            if !allowed(type) {
                setters.append("pod")
                values.append(type)
                spots.append(
                    PSSSpot("pod must not set \(wording) to \"\(type)\"", path: pod.path(path), at: profile["type"] ?? profile))
            }
        }
        var containers: [String] = []
        for container in pod.containers {
            guard let profile = PodFields.object(container.securityContext, field) else { continue }
            let type = PodFields.string(profile, "type")
            guard !allowed(type) else { continue }
            containers.append(container.name)
            values.append(type)
            spots.append(
                PSSSpot(
                    "container \"\(container.name)\" must not set \(wording) to \"\(type)\"",
                    path: container.path(path), at: profile["type"] ?? profile, container: container))
        }
        if !containers.isEmpty { setters.append(PSSText.containers(containers)) }
    }
}
