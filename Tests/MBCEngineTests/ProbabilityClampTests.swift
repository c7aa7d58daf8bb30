import Foundation
import MBCRandom
import MBCScenario
import Testing

@testable import MBCEngine

/// `invalid_probabilities: clamp`: probabilities clamped into [0, 1], rows scaled down to 1,
/// and the counts, for both engines.
@Suite("Clamping invalid probabilities")
struct ProbabilityClampTests {
  /// One arm, Well → Sick with a normal probability that exceeds 1 in ~16% of runs.
  static func scenario(clamp: Bool, row: String = "{Sick: p}", horizon: Int = 24) -> String {
    """
    format: mbc/1
    \(clamp ? "invalid_probabilities: clamp" : "")
    horizon: {value: \(horizon), source: t}
    clients: {value: 20, source: t}
    payers: [municipality]
    states: [Well, Sick, Dead]
    start: Well
    parameters:
      p: {dist: normal, mean: 0.9, sd: 0.1, source: t}
      q: {dist: beta, mean: 0.3, sd: 0.1, source: t}
    transitions:
      Well: \(row)
      Sick: {Dead: q}
    arms:
      UC: {}
    costs:
      sick: {per: cycle, states: Sick, amount: 100, payer: municipality}
    """
  }

  /// The matrix and the clamp counts of `runs` runs.
  func run(_ m: CompiledModel, runs: Int, engine: EngineKind, threads: Int = 2, chunkSize: Int = 256) throws(SimulationError) -> ([Double], ProbabilityClamps) {
    var out = [Double](repeating: .nan, count: runs * m.layout.count)
    let clamps = ProbabilityClamps()
    let sim = Simulation(model: m, seed: 11, threads: threads, chunkSize: chunkSize, engine: engine)
    try out.withUnsafeMutableBufferPointer { (b) throws(SimulationError) in try sim.run(runs: runs, into: b, clamps: clamps) }
    return (out, clamps)
  }

  /// The drawn values of p, run by run (as the engines draw them).
  func drawsOfP(_ m: CompiledModel, runs: Int) -> [Double] {
    let sim = Simulation(model: m, seed: 11, threads: 1)
    return (0..<runs).map { r in sim.parameterValues(run: r).first { $0.name == "p" }!.value }
  }

  @Test("by default a drawn probability above 1 stops the run; the option is parsed", arguments: [EngineKind.individual, .cohort])
  func test_defaultStops(engine: EngineKind) throws {
    let m = try model(Self.scenario(clamp: false))
    #expect(m.scenario.invalidProbabilities == .stop)
    #expect(throws: SimulationError.self) { _ = try run(m, runs: 200, engine: engine) }
    #expect(try model(Self.scenario(clamp: true)).scenario.invalidProbabilities == .clamp)
  }

  @Test("the clamped runs equal runs with min(1, p) written out, and every clamped value is counted", arguments: [EngineKind.individual, .cohort])
  func test_clampEqualsExplicitMinimum(engine: EngineKind) throws {
    let runs = 2000
    let clamped = try model(Self.scenario(clamp: true))
    let explicit = try model(Self.scenario(clamp: false, row: "{Sick: \"min(1, p)\"}"))
    let (a, counts) = try run(clamped, runs: runs, engine: engine)
    let (b, none) = try run(explicit, runs: runs, engine: engine)
    #expect(a.elementsEqual(b), "clamping must give exactly the model with min(1, p)")
    #expect(none.runsAffected == 0 && none.valuesClamped == 0 && none.firstRun == nil)

    // Counted independently from the draws: one value per run in which p > 1 (the row does not
    // depend on the cycle, so it is evaluated once per run).
    let p = drawsOfP(clamped, runs: runs)
    let expected = p.filter { $0 > 1 }.count
    #expect(counts.runsAffected == expected)
    #expect(counts.valuesClamped == expected)
    #expect(counts.firstRun == p.firstIndex { $0 > 1 })
    // And against the distribution: P(p > 1) = 1 − Φ(1) = 0.158655; the count is binomial
    // (n = 2000): sd = √(n·π·(1 − π)) = 16.3, so 4 sd = 65.
    let pi = 1 - StandardNormal.cdf(1)
    let sd = (Double(runs) * pi * (1 - pi)).squareRoot()
    #expect(abs(Double(counts.runsAffected) - Double(runs) * pi) <= 4 * sd)
  }

  @Test("a time-dependent probability counts one value per cycle clamped; negative values are clamped to 0", arguments: [EngineKind.individual, .cohort])
  func test_perCycleCounts(engine: EngineKind) throws {
    let runs = 500
    let horizon = 24
    let m = try model(Self.scenario(clamp: true, row: "{Sick: \"p * (1 + cycle / 10) - 0.95\"}", horizon: horizon))
    let (a, counts) = try run(m, runs: runs, engine: engine)
    let explicit = try model(Self.scenario(clamp: false, row: "{Sick: \"max(0, min(1, p * (1 + cycle / 10) - 0.95))\"}", horizon: horizon))
    let (b, _) = try run(explicit, runs: runs, engine: engine)
    #expect(a.elementsEqual(b))
    let p = drawsOfP(m, runs: runs)
    var values = 0
    var affected = 0
    for x in p {
      let n = (0..<horizon).filter { t in let v = x * (1 + Double(t) / 10) - 0.95; return v < 0 || v > 1 }.count
      values += n
      affected += n > 0 ? 1 : 0
    }
    #expect(counts.valuesClamped == values)
    #expect(counts.runsAffected == affected)
  }

  @Test("a row whose moves sum above 1 is scaled down to 1 (stay 0) and counted once per row", arguments: [EngineKind.individual, .cohort])
  func test_rowScaledDown(engine: EngineKind) throws {
    let runs = 1000
    let row = "{Sick: \"min(1, p)\", Dead: 0.2}"
    let m = try model(Self.scenario(clamp: true, row: row))
    let (a, counts) = try run(m, runs: runs, engine: engine)
    // p·(1/s) and 0.2·(1/s) with s = min(1, p) + 0.2 when s > 1.
    let scaled = "{Sick: \"min(1, p) / max(1, min(1, p) + 0.2)\", Dead: \"0.2 / max(1, min(1, p) + 0.2)\"}"
    let (b, _) = try run(try model(Self.scenario(clamp: false, row: scaled)), runs: runs, engine: engine)
    // The same up to rounding: 1 − (a/s + b/s) is not exactly 0, the scaled row's stay is.
    #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) })
    let expected = drawsOfP(m, runs: runs).filter { min(1, $0) + 0.2 > 1 + 1e-9 }.count
    #expect(counts.runsAffected == expected && counts.valuesClamped == expected)
    #expect(throws: SimulationError.self) { _ = try run(try model(Self.scenario(clamp: false, row: row)), runs: runs, engine: engine) }
  }

  @Test("the counts and the results do not depend on the thread count or chunk size")
  func test_threadInvariance() throws {
    let m = try model(Self.scenario(clamp: true))
    var reference: ([Double], Int, Int, Int?)?
    for (threads, chunk) in [(1, 256), (2, 7), (8, 3)] {
      let (a, c) = try run(m, runs: 600, engine: .individual, threads: threads, chunkSize: chunk)
      let this = (a, c.runsAffected, c.valuesClamped, c.firstRun)
      if let r = reference {
        #expect(r.0.elementsEqual(this.0) && r.1 == this.1 && r.2 == this.2 && r.3 == this.3)
      } else {
        reference = this
      }
    }
  }

  @Test("NaN is never clamped: a probability that is not a number stops the run even with clamp")
  func test_nanStops() throws {
    let m = try model(Self.scenario(clamp: true, row: "{Sick: \"(p - p) / (p - p)\"}"))
    #expect(throws: SimulationError.self) { _ = try run(m, runs: 10, engine: .individual) }
  }
}
