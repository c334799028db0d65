import KubeModel

/// Encodes the AdmissionReview answer, in the request's API version, with the request's uid.
public enum AdmissionResponseEncoder {
    public static func encode(uid: String, version: AdmissionReviewVersion, decision: AdmissionDecision) -> [UInt8] {
        var w = JSONEmitter(style: .compact, capacity: 256 + (decision.message?.utf8.count ?? 0) + decision.warnings.count * 128)
        w.beginObject()
        w.field("apiVersion", version.rawValue)
        w.field("kind", "AdmissionReview")
        w.key("response")
        w.beginObject()
        w.field("uid", uid)
        w.field("allowed", decision.allowed)
        if !decision.allowed {
            w.key("status")
            w.beginObject()
            w.field("status", "Failure")
            w.field("code", decision.code ?? 403)
            w.field("reason", (decision.code ?? 403) == 400 ? "BadRequest" : "Forbidden")
            w.field("message", decision.message ?? "denied by gatehouse")
            w.endObject()
        }
        if !decision.warnings.isEmpty {
            w.field("warnings", decision.warnings)
        }
        if !decision.auditAnnotations.isEmpty {
            w.key("auditAnnotations")
            w.beginObject()
            for (k, v) in decision.auditAnnotations { w.field(k, v) }
            w.endObject()
        }
        w.endObject()
        w.endObject()
        return w.bytes
    }

    /// The body of an HTTP 400 answer: `{"error": "..."}`.
    public static func encodeError(_ message: String) -> [UInt8] {
        var w = JSONEmitter(style: .compact, capacity: 64 + message.utf8.count)
        w.beginObject()
        w.field("error", message)
        w.endObject()
        return w.bytes
    }
}
