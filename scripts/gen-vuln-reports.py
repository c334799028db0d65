#!/usr/bin/env python3
"""Writes N Trivy JSON reports (SchemaVersion 2, as `trivy image --format json` writes them) for the
vulnerability benchmark: distinct images across a few registries and repositories, each with a repo tag, a
repo digest and an image ID, and 0 to 300 vulnerabilities drawn from a fixed pool (OS and language packages,
every severity, some without a fix). Deterministic for a given N.

    scripts/gen-vuln-reports.py --out .build/bench-vulns/reports --reports 10000
"""
import argparse, hashlib, json, os, random

def digest(text):
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--reports", type=int, default=10000)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(15)
    severities = ["CRITICAL", "HIGH", "MEDIUM", "MEDIUM", "LOW", "LOW", "UNKNOWN"]
    packages = [("openssl", "os-pkgs"), ("libc6", "os-pkgs"), ("zlib1g", "os-pkgs"), ("curl", "os-pkgs"),
                ("busybox", "os-pkgs"), ("lodash", "lang-pkgs"), ("jackson-databind", "lang-pkgs"),
                ("requests", "lang-pkgs"), ("golang.org/x/net", "lang-pkgs")]
    registries = ["myacr.azurecr.io", "ghcr.io", "docker.io", "registry.example.com:5000"]
    for i in range(a.reports):
        registry = registries[i % len(registries)]
        repo = f"team{i % 97}/service{i % 1013}"
        tag = f"1.{i // 1013}.{i % 7}"
        name = f"{registry}/{repo}"
        vulns = []
        for v in range(rng.randint(0, 300)):
            pkg, cls = packages[rng.randrange(len(packages))]
            fixed = "" if rng.random() < 0.25 else f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
            vulns.append({
                "VulnerabilityID": f"CVE-20{rng.randint(10, 25)}-{rng.randint(1000, 49999)}",
                "PkgName": pkg, "InstalledVersion": f"0.{v}.{rng.randint(0, 9)}", "FixedVersion": fixed,
                "Status": "fixed" if fixed else "affected", "Severity": rng.choice(severities),
                "PrimaryURL": "https://avd.aquasec.com/nvd/cve", "Title": f"{pkg}: a vulnerability", "_class": cls,
            })
        results = []
        for cls in ("os-pkgs", "lang-pkgs"):
            found = [dict((k, x) for k, x in v.items() if k != "_class") for v in vulns if v["_class"] == cls]
            if found:
                results.append({"Target": f"{name}:{tag} (debian 12.5)" if cls == "os-pkgs" else "app/package-lock.json",
                                "Class": cls, "Type": "debian" if cls == "os-pkgs" else "npm", "Vulnerabilities": found})
        report = {
            "SchemaVersion": 2, "CreatedAt": "2024-05-02T09:14:07Z", "ArtifactName": f"{name}:{tag}",
            "ArtifactType": "container_image",
            "Metadata": {"OS": {"Family": "debian", "Name": "12.5"}, "ImageID": digest(f"config {i}"),
                         "RepoTags": [f"{name}:{tag}"], "RepoDigests": [f"{name}@{digest(f'manifest {i}')}"]},
            "Results": results,
        }
        with open(os.path.join(a.out, f"report-{i:05d}.json"), "w") as f:
            json.dump(report, f, indent=2)

if __name__ == "__main__":
    main()
