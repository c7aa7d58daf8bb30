import Foundation
import MBCAnalysis
import Testing

@testable import MBCEngine
@testable import MBCScenario

/// Do the 95% confidence intervals mbc reports for simulated means cover the exact values?
///
/// The fixed-parameter outreach model (`fixedOutreach`) has exact expectations (``HandTrace``).
/// Each of D = 200 seeds simulates R = 40 runs with the individual engine and forms the
/// interval mean ± 1.959964·MCSE (MCSE = sd/√R) for the total net saving (from the metric
/// matrix, as summary.csv does) and for the discounted total cost of year 2 of usual care
/// (from the streamed outputs over time, as cashflow.csv does). A run's value is a sum over 100
/// clients, close to normal, so the coverage is about P(|t₃₉| ≤ 1.959964) = 0.9428 (numerical
/// integration of the t density).
/// The number of covering seeds is Binomial(200, p): ±4 SE = ±4·√(0.9428·0.0572/200) = ±0.066.
/// An interval built on the SD instead of the MCSE covers ≈ 1; one too narrow by √2 covers ≈ 0.83.
@Suite("Coverage of simulated means")
struct EngineCoverageTests {
  @Test("95% confidence intervals of the net saving and of a yearly cash flow cover the exact values")
  func test_coverage() throws {
    let m = try model(fixedOutreach)
    let hand = HandTrace()
    let exactNet = hand.cost[0].reduce(0, +) - hand.cost[1].reduce(0, +)
    let exactYear2 = (12..<24).map { t in hand.cycleCost[0][t].reduce(0, +) }.reduce(0, +)
    let seeds = 200, runs = 40
    let column = m.layout.index(of: "net_saving.BZ.total")!
    var coveredNet = 0, coveredYear = 0
    for seed in 1...seeds {
      let (matrix, details) = try simulateDetails(m, runs: runs, seed: UInt64(seed), engine: .individual)
      let (mean, mcse) = meanAndMCSE(matrix, columns: m.layout.count, column: column)
      if abs(mean - exactNet) <= MetricSummary.z975 * mcse { coveredNet += 1 }
      let j = details.layout.cash(arm: 0, year: 1, payer: m.payerCount, basis: .discounted)
      if abs(details.moments.mean[j] - exactYear2) <= MetricSummary.z975 * details.moments.mcse(j) { coveredYear += 1 }
    }
    let band = (0.9428 - 0.066)...(0.9428 + 0.066)
    #expect(band.contains(Double(coveredNet) / Double(seeds)), "net saving: \(coveredNet) of \(seeds)")
    #expect(band.contains(Double(coveredYear) / Double(seeds)), "year 2 cost: \(coveredYear) of \(seeds)")
  }
}
