#!/bin/sh
# Benchmark the audit with and without cross-object rules on a generated 100,000-object export
# (10,000 RBAC objects, 2,000 NetworkPolicies). Prints figures; asserts nothing.
#
# usage: scripts/bench-cluster.sh [NAMESPACES]   (default 500 -> 100,000 objects)
set -eu
cd "$(dirname "$0")/.."
namespaces="${1:-500}"
corpus=".build/bench-cluster-$namespaces"
if [ ! -d "$corpus" ]; then
    python3 scripts/gen-cluster.py "$corpus" --namespaces "$namespaces"
fi
swift build -c release --product gatehouse-bench >/dev/null
"$(swift build -c release --show-bin-path)/gatehouse-bench" cluster "$corpus" --runs 3
