#!/usr/bin/env python3
"""Rewrites Registry.rules sorted by rule id (the order RegistryTests demands), from the rule files' ids."""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
registry = root / "Sources/GatehouseRules/Core/Registry.swift"
ids = {}
for f in (root / "Sources/GatehouseRules").rglob("*.swift"):
    text = f.read_text()
    for m in re.finditer(r"public struct (\w+)\s*:\s*[^{]*\b\w*Rule\b[^{]*\{.*?\bid:\s*\"([a-z0-9-]+)\"", text, re.S):
        ids[m.group(1)] = m.group(2)
src = registry.read_text()
m = re.search(r"(public static let rules: \[any Rule\.Type\] = \[\n)(.*?)(\n    \])", src, re.S)
names = set(re.findall(r"(\w+)\.self", m.group(2)))
for n in names:
    if n not in ids:
        sys.exit(f"no rule id found for {n}")
body = "\n".join(f"        {n}.self," for n in sorted(names, key=lambda n: ids[n]))
registry.write_text(src[: m.start(2)] + body + src[m.end(2):])
print(f"{len(names)} rules sorted")
