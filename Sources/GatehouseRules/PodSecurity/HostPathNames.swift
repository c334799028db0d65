/// Host paths compared the way the node resolves them, so that spelling a path differently does not get it
/// past a list: `/var//run/./docker.sock/`, `/var/log/../run/docker.sock` and `/run/docker.sock` all name the
/// Docker socket.
enum HostPathNames {
    /// The path's components with empty and `.` components removed and `..` applied (never above `/`). A
    /// relative path is read from `/`, as the kubelet (whose working directory is `/`) would.
    static func components(_ path: String) -> [Substring] {
        var result: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !result.isEmpty { result.removeLast() }
                continue
            }
            result.append(part)
        }
        return result
    }

    /// The names a node gives the same directory: `/var/run` is a symlink to `/run` on every current
    /// distribution, and the kubelet follows it when it mounts a host path, so `/run/crio/crio.sock` and
    /// `/var/run/crio/crio.sock` are one socket. Returns `components` and, when it is under one of the two, its
    /// name under the other.
    static func spellings(of components: [Substring]) -> [[Substring]] {
        if components.count >= 2, components[0] == "var", components[1] == "run" {
            return [components, ["run"] + components[2...]]
        }
        if components.first == "run" {
            return [components, ["var", "run"] + components[1...]]
        }
        return [components]
    }
}
