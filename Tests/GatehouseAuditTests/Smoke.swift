import GatehouseAudit
import Testing

@Test func gatehouseAuditBuilds() {}
