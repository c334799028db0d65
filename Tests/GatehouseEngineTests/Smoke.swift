import GatehouseEngine
import Testing

@Test func gatehouseEngineBuilds() {}
