import Foundation
import TestSupport

/// A Deployment with `privileged` containers named `name-0`, `name-1`...
func privilegedDeployment(_ name: String, namespace: String = "apps", containers: Int = 1) -> String {
    var text = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          template:
            spec:
              containers:

        """
    for i in 0..<containers {
        text += "      - {name: \(name)-\(i), image: nginx, securityContext: {privileged: true}}\n"
    }
    return text
}
