import GatehouseReports
import Testing

@Test func gatehouseReportsBuilds() {}
