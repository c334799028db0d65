#!/usr/bin/env python3
"""Writes a Docker host export with N containers, for scripts/bench-docker.sh.

The containers are copies of the ones recorded from a real daemon (Tests/Fixtures/docker/host-export:
privileged, loose, hardened, published ports), each with a new id and name, so the audit judges the same
spread of settings at any size. info.json, version.json, images.json and networks.json are copied as they are.

    python3 scripts/gen-docker-export.py --out DIR --containers 1000
"""
import argparse
import hashlib
import json
import os
import shutil

SOURCE = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "docker", "host-export")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--containers", type=int, default=1000)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in ("info.json", "version.json", "images.json", "networks.json"):
        shutil.copy(os.path.join(SOURCE, name), os.path.join(args.out, name))
    with open(os.path.join(SOURCE, "containers.json")) as f:
        recorded = json.load(f)
    containers = []
    for i in range(args.containers):
        c = json.loads(json.dumps(recorded[i % len(recorded)]))
        c["Id"] = hashlib.sha256(f"container-{i}".encode()).hexdigest()
        c["Name"] = f"/{c['Name'].lstrip('/')}-{i}"
        containers.append(c)
    with open(os.path.join(args.out, "containers.json"), "w") as f:
        json.dump(containers, f, indent=4)
        f.write("\n")


if __name__ == "__main__":
    main()
