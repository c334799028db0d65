import KubeModel
import Testing

@Test func kubeModelBuilds() {}
