@testable import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

/// Every kind of mistake is reported at the exact line:column of the offending key or value, with a
/// suggestion when the mistake looks like a typo.
struct PolicyValidationTests {
    @Test func unknownTopLevelKey() {
        #expect(problems("profil: aks") == [#"policy.yaml:3:1: unknown key "profil" in the policy; did you mean "profile"?"#])
    }

    @Test func unknownKeyDeepInside() {
        #expect(
            problems(
                """
                exemptions:
                - rules: [pod-privileged]
                  namespace: [monitoring]
                """) == [
                    #"policy.yaml:5:3: unknown key "namespace" in an exemption; did you mean "namespaces"?"#,
                    "policy.yaml:4:3: an exemption needs at least one of namespaces, names, kinds, labelSelector, containers, images, users or groups (to turn a rule off everywhere, set its action to off)",
                ].sorted())
    }

    @Test func unknownKeyWithoutCloseMatchListsValidOnes() {
        #expect(
            problems("podTemplates: {verdict: warn}") == [
                #"policy.yaml:3:16: unknown key "verdict" in podTemplates; expected one of: action"#
            ])
    }

    @Test func unknownRule() {
        #expect(
            problems(
                """
                rules:
                  pod-privilegd: {action: warn}
                """) == [#"policy.yaml:4:3: unknown rule "pod-privilegd"; did you mean "pod-privileged"?"#])
        #expect(
            problems(
                """
                rules:
                  something-else: {action: warn}
                """) == [#"policy.yaml:4:3: unknown rule "something-else"; expected one of: pod-privileged, test-host-network, test-image-tag, test-optional, test-requester"#])
    }

    @Test func unknownRuleAgainstTheRegistry() {
        do {
            _ = try Policy.parse(header + "rules:\n  image-alowed-registry: {action: deny}\n  no-such-thing-at-all: {}\n")
            Issue.record("accepted")
        } catch {
            #expect(error.description == """
                policy.yaml:4:3: unknown rule "image-alowed-registry"; did you mean "image-allowed-registry"?
                policy.yaml:5:3: unknown rule "no-such-thing-at-all"; `gatehouse rules` lists every rule id
                """)
        }
    }

    @Test func crossObjectRulesAreConfigurable() throws {
        let policy = try Policy.parse(
            header + "rules:\n  netpol-namespace-missing: {action: warn, parameters: {includeEmpty: true}}\n")
        #expect(policy.rules["netpol-namespace-missing"]?.action == .warn)
        #expect(try CrossObjectEngine(policy: policy).activeRuleIDs.contains("netpol-namespace-missing"))
        do {
            _ = try Policy.parse(header + "rules:\n  netpol-namespace-missing:\n    parameters: {includeEmpty: 1, incldeEmpty: true}\n")
            Issue.record("accepted")
        } catch {
            #expect(error.description == """
                policy.yaml:5:32: parameter includeEmpty must be a boolean, found the number 1
                policy.yaml:5:35: unknown parameter "incldeEmpty" for rule "netpol-namespace-missing"; did you mean "includeEmpty"?
                """)
        }
    }

    @Test func unknownProfileActionSeverity() {
        #expect(problems("profile: pss-restricte") == [#"policy.yaml:3:10: unknown profile "pss-restricte"; did you mean "pss-restricted"?"#])
        #expect(
            problems(
                """
                rules:
                  pod-privileged:
                    action: dny
                    severity: hgh
                """) == [
                    #"policy.yaml:5:13: unknown action "dny"; did you mean "deny"?"#,
                    #"policy.yaml:6:15: unknown severity "hgh"; did you mean "high"?"#,
                ])
        #expect(problems("failOn: blocker") == [#"policy.yaml:3:9: unknown severity "blocker"; expected one of: info, low, medium, high, critical"#])
    }

    @Test func parameterTypes() {
        let found = problems(
            """
            rules:
              test-image-tag:
                parameters:
                  allowedTags: stable
                  pattern: 12
                  maxCount: "ten"
                  strict: "yes"
                  memory: 2 gigs
                  label: [a]
                  registries:
                  - {host: acr.io, port: "x"}
                  - {hots: acr.io}
                  - just-a-string
            """)
        #expect(
            found == [
                #"policy.yaml:6:20: parameter allowedTags must be a list of strings, found the string "stable""#,
                #"policy.yaml:7:16: parameter pattern must be a regular expression, found the number 12"#,
                #"policy.yaml:8:17: parameter maxCount must be an integer, found the string "ten""#,
                #"policy.yaml:9:15: parameter strict must be a boolean, found the string "yes""#,
                #"policy.yaml:10:15: parameter memory: "2 gigs" is not a valid quantity (expected a number with an optional suffix such as 500m, 1.5, 2Gi or 1e3)"#,
                #"policy.yaml:11:14: parameter label must be a string, found a list"#,
                #"policy.yaml:13:30: parameter registries.port must be an integer, found the string "x""#,
                #"policy.yaml:14:10: unknown field "hots" in parameter registries; did you mean "host"?"#,
                #"policy.yaml:15:9: parameter registries must be a list of mappings; this item is the string "just-a-string""#,
            ])
    }

    @Test func unknownParameter() {
        #expect(
            problems(
                """
                rules:
                  test-image-tag:
                    parameters: {maxCont: 3}
                """) == [#"policy.yaml:5:18: unknown parameter "maxCont" for rule "test-image-tag"; did you mean "maxCount"?"#])
        #expect(
            problems(
                """
                rules:
                  pod-privileged:
                    parameters: {allowed: true}
                """) == [#"policy.yaml:5:18: rule "pod-privileged" takes no parameters"#])
    }

    @Test func badRegex() {
        let found = problems(
            """
            rules:
              test-image-tag:
                parameters:
                  pattern: "a(b"
            """)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix(#"policy.yaml:6:16: parameter pattern: invalid regular expression "a(b""#) == true)
    }

    @Test func ruleRejectsItsParameters() {
        #expect(
            problems(
                """
                rules:
                  test-image-tag:
                    parameters:
                      maxCount: -1
                """) == [#"policy.yaml:6:17: rule "test-image-tag" parameter maxCount: must not be negative"#])
    }

    @Test func badGlobs() {
        #expect(
            problems(
                """
                excludedNamespaces: [kube-system, "Kube-*", ""]
                exemptions:
                - rules: ["pod-*"]
                  names: ["web[0-9]"]
                  containers: ["App"]
                - rules: ["nothing-*"]
                  namespaces: [x]
                """) == [
                    #"policy.yaml:3:35: namespace pattern "Kube-*" can never match: namespace names hold only lowercase letters, digits and '-'"#,
                    #"policy.yaml:3:45: empty namespace pattern"#,
                    #"policy.yaml:6:11: name pattern "web[0-9]": '[' is not supported; patterns use only * and ?"#,
                    #"policy.yaml:7:16: container pattern "App" can never match: container names hold only lowercase letters, digits and '-'"#,
                    #"policy.yaml:8:11: rule pattern "nothing-*" matches no rule"#,
                ])
    }

    @Test func badLabelSelector() {
        #expect(
            problems(
                """
                exemptions:
                - rules: ["*"]
                  labelSelector:
                    matchLabels: [app]
                    matchExpressions:
                    - {key: tier, operator: Inn, values: [a]}
                    - {key: tier, operator: Exists, values: [a]}
                    - {key: tier, operatr: In}
                """) == [
                    #"policy.yaml:6:18: matchLabels must be a mapping of label keys to values, found a list"#,
                    #"policy.yaml:8:29: unknown label selector operator "Inn"; did you mean "In"?"#,
                    #"policy.yaml:9:45: operator Exists takes no values"#,
                    #"policy.yaml:10:7: a matchExpressions entry needs operator: (In, NotIn, Exists or DoesNotExist)"#,
                    #"policy.yaml:10:19: unknown key "operatr" in a matchExpressions entry; did you mean "operator"?"#,
                ])
        #expect(
            problems(
                """
                exemptions:
                - rules: ["*"]
                  labelSelector:
                    matchExpressions:
                    - {key: tier, operator: In}
                """) == [#"policy.yaml:7:7: labelSelector: operator In needs values"#])
    }

    @Test func badKindsAndImages() {
        #expect(
            problems(
                """
                exemptions:
                - rules: ["*"]
                  kinds: [deployment, DaemonSet, Daemonset, MyCustomThing]
                  images: ["docker.io/*/nginx", "nginx:1.27", "myacr.azurecr.io/*"]
                """) == [
                    #"policy.yaml:5:11: kind "deployment" is not a Kubernetes kind (written as in manifests, e.g. Deployment); did you mean "Deployment"?"#,
                    #"policy.yaml:5:34: unknown kind "Daemonset"; did you mean "DaemonSet"? (kinds are case-sensitive)"#,
                    #"policy.yaml:6:12: image pattern "docker.io/*/nginx": only a trailing * is supported (e.g. myacr.azurecr.io/*)"#,
                ])
    }

    @Test func wrongShapes() {
        #expect(
            problems(
                """
                excludedNamespaces: kube-system
                pssVersion: "1.30"
                rules: [pod-privileged]
                exemptions: {rules: ["*"]}
                annotationExemptions: {allowed: "no"}
                """) == [
                    "policy.yaml:3:21: excludedNamespaces must be a list; write [kube-system]",
                    #"policy.yaml:4:13: pssVersion must be "latest" or "v1.<minor>" (e.g. v1.30), found "1.30""#,
                    #"policy.yaml:5:8: rules must be a mapping from rule id to settings, found a list"#,
                    #"policy.yaml:6:13: exemptions must be a list, found a mapping"#,
                    #"policy.yaml:7:33: allowed must be true or false, found the string "no""#,
                ])
    }

    @Test func exemptionNeedsRules() {
        #expect(
            problems(
                """
                exemptions:
                - namespaces: [monitoring]
                """) == [#"policy.yaml:4:3: an exemption needs rules: (rule ids, or ["*"] for every rule)"#])
    }

    @Test func namespaceOverrides() {
        #expect(
            problems(
                """
                rules:
                  pod-privileged:
                    namespaces:
                    - {match: "dev-*"}
                    - {match: "Dev", action: warn}
                """) == [
                    "policy.yaml:6:7: a namespace override needs action: (deny, warn, audit or off)",
                    #"policy.yaml:7:15: namespace pattern "Dev" can never match: namespace names hold only lowercase letters, digits and '-'"#,
                ])
    }

    @Test func duplicateKeys() {
        #expect(
            problems(
                """
                profile: aks
                profile: all
                rules:
                  pod-privileged: {action: warn}
                  pod-privileged: {action: deny}
                """) == [
                    #"policy.yaml:4:1: duplicate key "profile" in the policy"#,
                    #"policy.yaml:7:3: rule "pod-privileged" is configured twice"#,
                ])
    }

    @Test func headerAndDocumentProblems() {
        #expect(problems("profile: aks", header: "") == [
            "policy.yaml:1:1: missing apiVersion: gatehouse.io/v1", "policy.yaml:1:1: missing kind: Policy",
        ])
        #expect(
            problems("", header: "apiVersion: v1\nkind: Pod\n") == [
                #"policy.yaml:1:13: apiVersion must be gatehouse.io/v1, found the string "v1""#,
                #"policy.yaml:2:7: kind must be Policy, found the string "Pod""#,
            ])
        #expect(problems("", header: "") == ["policy.yaml: the policy file is empty; it needs at least apiVersion: gatehouse.io/v1 and kind: Policy"])
        #expect(problems("---\nprofile: aks\n").count == 1)
        #expect(problems("---\nprofile: aks\n").first?.hasPrefix("policy.yaml:4:1: the policy file holds 2 documents") == true)
        let broken = problems("rules: {pod-privileged: [}\n")
        #expect(broken.count == 1)
        #expect(broken.first?.hasPrefix("policy.yaml:3:") == true)
        #expect(problems("- a\n- b\n", header: "") == ["policy.yaml:1:1: the policy must be a mapping, found a list"])
    }

    @Test func reportsEveryProblemInFileOrder() {
        let found = problems(
            """
            profile: strict
            rules:
              pod-privileged: {action: block}
              test-optional: {severity: urgent}
            """)
        #expect(found.count == 3)
        #expect(found.map { $0.split(separator: ":")[1] } == ["3", "5", "6"])
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "pod-privilegd", in: ["pod-privileged", "pod-host-pid"]) == "pod-privileged")
        #expect(Suggestion.closest(to: "zzz", in: ["pod-privileged"]) == nil)
    }
}

struct EmptyMatcherTests {
    @Test func emptyListsAndSelectorsAreRejected() {
        #expect(
            problems(
                """
                exemptions:
                - rules: []
                  namespaces: []
                  labelSelector: {}
                """) == [
                    #"policy.yaml:4:10: rules is empty; name the rules to exempt, or ["*"] for every rule"#,
                    "policy.yaml:5:15: namespaces is empty; list at least one entry, or leave the key out to match any",
                    "policy.yaml:6:18: labelSelector is empty and would match every object; give matchLabels or matchExpressions",
                ])
    }
}
