extension Policy {
    /// The embedded default policy written out as a policy file: what `Policy()` means, for users who want to
    /// start from it (the annotated `examples/policy.yaml` explains every key). A test checks the two agree.
    public static let defaultDocument = """
        apiVersion: gatehouse.io/v1
        kind: Policy
        # Microsoft Defender for Cloud / Azure Policy recommendations for AKS.
        profile: aks
        pssVersion: latest
        # The namespaces Azure Policy for AKS excludes.
        excludedNamespaces:
        - kube-system
        - gatekeeper-system
        - azure-arc
        - azure-extensions-usage-system
        # Objects may exempt themselves from any rule with gatehouse.io/exempt, if they say why in
        # gatehouse.io/exempt-reason.
        annotationExemptions:
          allowed: true
          rules: ["*"]
          requireReason: true
        rules: {}
        exemptions: []

        """
}
