import Foundation
import MBCRandom
import Testing

@testable import MBCEngine

@Suite("Poisson table")
struct PoissonTableTests {
  /// The engine's table lookup must return exactly what sequential inversion returns, for
  /// every uniform: the table is an optimisation, not an approximation.
  @Test("the table gives the same count as sequential inversion", arguments: [0.0, 1e-6, 0.01, 0.3, 1, 2.5, 10, 50, 700])
  func test_table_matchesInversion(mean: Double) throws {
    let yaml = """
      format: mbc/1
      horizon: {value: 1, source: t}
      clients: {value: 1, source: t}
      payers: [p]
      states: [A]
      start: A
      parameters:
        lambda: {value: \(mean), source: t}
      arms:
        only: {}
      events:
        e: {rate: {A: lambda}}
      """
    let m = try model(yaml)
    let tables = RunTables(m)
    try tables.setParametersToMeans()
    try tables.evaluateTables(run: 0)
    var g = Xoshiro256PlusPlus(seed: 99)
    let p0 = Foundation.exp(-mean)
    let edge = [0.0, p0, p0.nextDown, p0.nextUp, 1 - 0x1p-53]
    for i in 0..<20_000 {
      let u = i < edge.count ? edge[i] : g.nextDouble()
      let viaTable = RunTables.poissonCount(uniform: u, cdf: tables.poissonCDF, mean: mean, expMinusMean: p0)
      let viaInversion = Poisson.inverse(uniform: u, mean: mean, expMinusMean: p0)
      #expect(viaTable == viaInversion, "mean \(mean), u \(u)")
      if viaTable != viaInversion { break }
    }
  }
}
