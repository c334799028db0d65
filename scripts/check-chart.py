#!/usr/bin/env python3
"""Lint and render charts/gatehouse with Helm's own Go SDK, and check it against manifests/.

    python3 -m venv /tmp/chart-env && /tmp/chart-env/bin/pip install helm-python-sdk pyyaml kubernetes-validate
    /tmp/chart-env/bin/python scripts/check-chart.py            # check; exit 1 on any problem
    /tmp/chart-env/bin/python scripts/check-chart.py --write    # also regenerate Tests/Fixtures/chart-rendered/

helm-python-sdk binds Helm's Go library (no helm binary needed), so the chart is rendered exactly as
`helm template` would. Checks:
  1. `helm lint --strict` reports no warning or error;
  2. the default rendering (release and namespace `gatehouse`, a user-supplied TLS Secret) equals manifests/,
     apart from Helm's bookkeeping labels and the policy checksum annotation, and apart from the Namespace,
     which the chart does not create;
  3. the other configurations (cert-manager, the audit CronJob, failurePolicy Ignore...) render, pass
     kubernetes-validate (cert-manager's kinds excepted: no schema ships for them), and match the renderings
     kept in Tests/Fixtures/chart-rendered/, which `swift test` audits with Gatehouse's own rules;
  4. wrong values fail with a message: no caBundle without cert-manager, image tag `latest`, a failurePolicy
     that is neither Fail nor Ignore.
"""

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

try:
    import helm_python as helm
except ImportError:
    sys.exit("check-chart: needs helm-python-sdk (pip install helm-python-sdk pyyaml)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHART = os.path.join(ROOT, "charts", "gatehouse")
MANIFESTS = os.path.join(ROOT, "manifests")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "chart-rendered")
PLACEHOLDER_CA = "SET-ME-base64-PEM-CA-bundle"

# Configurations other than the default, each rendered into Tests/Fixtures/chart-rendered/<name>.yaml.
CONFIGURATIONS = {
    "cert-manager": {"certificates": {"certManager": {"enabled": True}}},
    "cert-manager-cluster-issuer": {
        "certificates": {"certManager": {"enabled": True, "issuerRef": {"kind": "ClusterIssuer", "name": "internal-ca"}}}
    },
    "audit": {
        "certificates": {"caBundle": PLACEHOLDER_CA},
        "audit": {"enabled": True},
    },
    "vulnerability-gate": {
        "certificates": {"caBundle": PLACEHOLDER_CA},
        "vulnerabilityReports": {"configMap": "scanner-reports"},
        "policy": "apiVersion: gatehouse.io/v1\nkind: Policy\nvulnerabilities:\n  reports: [/etc/gatehouse/vulns]\n"
                  "  denyAtOrAbove: CRITICAL\n  unscanned: warn\n",
    },
    "fail-open": {
        "certificates": {"caBundle": PLACEHOLDER_CA},
        "webhook": {"failurePolicy": "Ignore", "excludedNamespaces": ["kube-system", "cert-manager"]},
        "serve": {"onError": "allow"},
        "image": {"digest": "sha256:" + "0" * 64},
        "imagePullSecrets": [{"name": "registry-pull"}],
    },
}

# Values that must fail to render, and a piece of the message each must give.
MUST_FAIL = [
    ({}, "certificates.caBundle is required"),
    ({"certificates": {"caBundle": PLACEHOLDER_CA}, "image": {"tag": "latest"}}, "latest is not allowed"),
    ({"certificates": {"caBundle": PLACEHOLDER_CA}, "webhook": {"failurePolicy": "Maybe"}}, "Fail or Ignore"),
]

HELM_LABELS = ("helm.sh/chart", "app.kubernetes.io/managed-by")
HELM_ANNOTATIONS = ("checksum/policy",)


def render(values):
    chart = helm.Chart.load(CHART)
    rendered = chart.render(values, name="gatehouse", namespace="gatehouse", is_install=True)
    return "\n---\n".join(text for path, text in sorted(rendered.items()) if not path.endswith("NOTES.txt"))


def documents(text):
    return [doc for doc in yaml.safe_load_all(text) if doc]


def strip_helm(obj):
    """Removes what only Helm adds: its labels and the policy checksum annotation."""
    def clean(metadata):
        for key, names in (("labels", HELM_LABELS), ("annotations", HELM_ANNOTATIONS)):
            values = metadata.get(key)
            if values is None:
                continue
            for name in names:
                values.pop(name, None)
            if not values:
                metadata.pop(key)

    clean(obj.setdefault("metadata", {}))
    template = obj.get("spec", {}).get("template")
    if isinstance(template, dict):
        clean(template.setdefault("metadata", {}))
    return obj


def keyed(objs):
    return {(o["kind"], o["metadata"]["name"]): o for o in objs}


def check_lint(problems):
    report = helm.lint(CHART, {"certificates": {"caBundle": PLACEHOLDER_CA}}, strict=True, namespace="gatehouse")
    for message in report.get("messages", []):
        if message.get("severity", 0) >= 2:
            problems.append(f"helm lint: {message['path']}: {message['error']}")
    problems.extend(f"helm lint: {error}" for error in report.get("errors", []))


def check_default_matches_manifests(problems):
    chart = keyed(strip_helm(o) for o in documents(render({"certificates": {"caBundle": PLACEHOLDER_CA}})))
    shipped = {}
    for name in sorted(os.listdir(MANIFESTS)):
        if name.endswith(".yaml"):
            with open(os.path.join(MANIFESTS, name)) as f:
                shipped.update(keyed(documents(f.read())))
    shipped.pop(("Namespace", "gatehouse"), None)
    for key in sorted(set(chart) | set(shipped)):
        if key not in chart:
            problems.append(f"{key[0]} {key[1]}: in manifests/ but not rendered by the chart")
        elif key not in shipped:
            problems.append(f"{key[0]} {key[1]}: rendered by the chart but not in manifests/")
        elif chart[key] != shipped[key]:
            a = yaml.safe_dump(shipped[key], sort_keys=True).splitlines()
            b = yaml.safe_dump(chart[key], sort_keys=True).splitlines()
            diff = "\n".join(difflib.unified_diff(a, b, "manifests/", "chart", lineterm=""))
            problems.append(f"{key[0]} {key[1]}: manifests/ and the chart's default rendering differ\n{diff}")


def validate(text, label, problems):
    tool = shutil.which("kubernetes-validate") or os.path.join(os.path.dirname(sys.executable), "kubernetes-validate")
    if not os.path.exists(tool):
        print(f"note: kubernetes-validate not installed; {label} not schema-checked")
        return
    objs = [o for o in documents(text) if not o.get("apiVersion", "").startswith("cert-manager.io/")]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump_all(objs, f)
    result = subprocess.run([tool, "--strict", "--quiet", f.name], capture_output=True, text=True)
    os.unlink(f.name)
    if result.returncode != 0:
        problems.append(f"kubernetes-validate {label}:\n{result.stdout}{result.stderr}")


def check_configurations(problems, write):
    if write:
        os.makedirs(FIXTURES, exist_ok=True)
    for name, values in CONFIGURATIONS.items():
        try:
            text = render(values)
        except helm.HelmError as error:
            problems.append(f"configuration {name}: does not render: {error}")
            continue
        validate(text, f"configuration {name}", problems)
        fixture = os.path.join(FIXTURES, name + ".yaml")
        content = (f"# charts/gatehouse rendered with {values}\n"
                   "# Generated by scripts/check-chart.py --write; audited by ShippedManifestsTests.\n---\n" + text)
        if write:
            with open(fixture, "w") as f:
                f.write(content)
        elif not os.path.exists(fixture) or open(fixture).read() != content:
            problems.append(f"{os.path.relpath(fixture, ROOT)} is out of date: run scripts/check-chart.py --write")


def check_failures(problems):
    for values, expected in MUST_FAIL:
        try:
            render(values)
            problems.append(f"values {values} rendered; they must fail with '{expected}'")
        except helm.HelmError as error:
            if expected not in str(error):
                problems.append(f"values {values} failed with '{error}', not '{expected}'")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="regenerate Tests/Fixtures/chart-rendered/")
    args = parser.parse_args()
    helm.disable_logging() if hasattr(helm, "disable_logging") else None
    problems = []
    check_lint(problems)
    check_default_matches_manifests(problems)
    check_configurations(problems, args.write)
    check_failures(problems)
    for problem in problems:
        print("check-chart:", problem, file=sys.stderr)
    print(f"check-chart: Helm {helm.helm_sdk_version()}: {len(problems)} problem(s); "
          f"{len(CONFIGURATIONS) + 1} configurations rendered, {len(MUST_FAIL)} bad value sets rejected")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
