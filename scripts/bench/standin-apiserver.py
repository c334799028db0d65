#!/usr/bin/env python3
"""A loopback HTTPS server that stands in for the Kubernetes API server for scripts/bench-cluster-list.sh.

It serves discovery (/api, /api/v1, /apis) and paged lists of N generated pods (limit and continue, as
kube-apiserver pages), generating each page when asked, so that its own memory stays small. It is not a test
double for correctness (the Swift tests have their own); it only gives the client something large to list.

    standin-apiserver.py --pods N --cert CERT --key KEY --token TOKEN --port-file FILE
"""
import argparse
import http.server
import json
import ssl
import urllib.parse


def pod(i):
    ns = f"team-{i % 50}"
    return {
        "metadata": {"name": f"web-{i}", "namespace": ns, "uid": f"00000000-0000-0000-0000-{i:012d}",
                     "labels": {"app": f"web-{i % 200}"}, "resourceVersion": str(1000 + i)},
        "spec": {
            "serviceAccountName": "default",
            "containers": [{
                "name": "app", "image": f"registry.example.com/team/app:{i % 7}.0",
                "ports": [{"containerPort": 8080}],
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": i % 3 != 0},
            }],
        },
        "status": {"phase": "Running"},
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def send_json(self, status, body):
            data = json.dumps(body, separators=(",", ":")).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.headers.get("Authorization") != f"Bearer {args.token}":
                return self.send_json(401, {"kind": "Status", "message": "Unauthorized", "code": 401})
            url = urllib.parse.urlparse(self.path)
            query = urllib.parse.parse_qs(url.query)
            if url.path == "/api":
                return self.send_json(200, {"kind": "APIVersions", "versions": ["v1"]})
            if url.path == "/apis":
                return self.send_json(200, {"kind": "APIGroupList", "groups": []})
            if url.path == "/api/v1":
                return self.send_json(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                    {"name": "pods", "namespaced": True, "kind": "Pod", "verbs": ["get", "list", "watch"]}]})
            if url.path == "/api/v1/pods":
                limit = int(query.get("limit", ["500"])[0])
                start = int(query.get("continue", ["0"])[0])
                end = min(args.pods, start + limit)
                metadata = {"resourceVersion": "4711"}
                if end < args.pods:
                    metadata["continue"] = str(end)
                return self.send_json(200, {"kind": "PodList", "apiVersion": "v1", "metadata": metadata,
                                            "items": [pod(i) for i in range(start, end)]})
            return self.send_json(404, {"kind": "Status", "message": "not found", "code": 404})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(args.port_file, "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
