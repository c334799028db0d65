/// Every rule Gatehouse knows, sorted by id. Adding a rule means adding its type here; a test checks that
/// the list is sorted, ids are unique and well formed, and every rule has examples and references.
public enum Registry {
    public static let rules: [any Rule.Type] = [
        AdmissionWebhookCreated.self,
        AksReservedLabels.self,
        CorednsConfigModified.self,
        DeprecatedApi.self,
        DockerIcc.self,
        EventsDeleted.self,
        ImageAllowedRegistry.self,
        ImageDigest.self,
        ImageMinerDenylist.self,
        ImagePullPolicy.self,
        ImagePullSecrets.self,
        ImageTagLatest.self,
        IngressHostRequired.self,
        IngressHttpsOnly.self,
        IngressWildcardHost.self,
        NetpolAllowAll.self,
        NsDefaultNamespace.self,
        NsKubeSystemWorkload.self,
        NsPssLabel.self,
        PodAllowPrivilegeEscalation.self,
        PodAppArmor.self,
        PodAutomountSaToken.self,
        PodCapSysAdmin.self,
        PodCapabilitiesBaseline.self,
        PodCapabilitiesDropAll.self,
        PodDefaultServiceAccount.self,
        PodHostIPC.self,
        PodHostNetwork.self,
        PodHostPID.self,
        PodHostPorts.self,
        PodHostPath.self,
        PodHostpathSensitive.self,
        PodNaked.self,
        PodPrivileged.self,
        PodProbeHost.self,
        PodProcMount.self,
        PodReadonlyRootfs.self,
        PodRunAsIds.self,
        PodRunAsNonRoot.self,
        PodRunAsUserRoot.self,
        PodSeccomp.self,
        PodSELinux.self,
        PodShareProcessNamespace.self,
        PodSysctls.self,
        PodVolumeTypes.self,
        PodWindowsContainerAdmin.self,
        PodWindowsHostProcess.self,
        PvHostpath.self,
        RbacAggregateToEditEndpoints.self,
        RbacClusterAdminBinding.self,
        RbacCreateWorkloads.self,
        RbacCsrApproval.self,
        RbacDeletePodLogs.self,
        RbacEscalateBindImpersonate.self,
        RbacHighPrivilegeRole.self,
        RbacManageNetworking.self,
        RbacNodesProxy.self,
        RbacPodExecAttach.self,
        RbacPrivilegedGroupsBinding.self,
        RbacPvCreate.self,
        RbacSaTokenCreate.self,
        RbacSecretsAccess.self,
        RbacWebhookConfig.self,
        RbacWildcard.self,
        ResourcesLimits.self,
        ResourcesRequests.self,
        SecretEnvVars.self,
        SecretInConfigmap.self,
        SecretPlainEnvLiteral.self,
        SvcAllowedPorts.self,
        SvcExternalIps.self,
        SvcExternalName.self,
        SvcLbInternal.self,
        SvcLbSourceRanges.self,
        SvcNodeport.self,
        SvcSensitiveExposure.self,
    ]

    /// The rule type with this id.
    public static func rule(id: String) -> (any Rule.Type)? {
        rules.first { $0.description.id == id }
    }

    public static var ids: [String] { rules.map { $0.description.id } }

    /// Ids of the rules a profile turns on.
    public static func ids(in profile: Profile) -> [String] {
        rules.filter { profile == .all || $0.description.profiles.contains(profile) }.map { $0.description.id }
    }
}
