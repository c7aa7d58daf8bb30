import Foundation
import MBCScenario

@testable import MBCEngine

/// Compiles a scenario given as YAML text.
func model(_ yaml: String) throws -> CompiledModel {
  try CompiledModel(try ScenarioLoader.load(yaml: yaml, file: "test.yaml"))
}

/// The repository's Scenarios/ folder.
let scenariosFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Scenarios")

/// Runs `runs` runs and returns the runs × metrics matrix (row-major).
func simulate(_ model: CompiledModel, runs: Int, seed: UInt64 = 1, threads: Int = 2, chunkSize: Int = 256, engine: EngineKind? = nil) throws(SimulationError) -> [Double] {
  var out = [Double](repeating: .nan, count: runs * model.layout.count)
  let sim = Simulation(model: model, seed: seed, threads: threads, chunkSize: chunkSize, engine: engine)
  try out.withUnsafeMutableBufferPointer { (buffer) throws(SimulationError) in
    try sim.run(runs: runs, into: buffer)
  }
  return out
}

/// Mean and Monte Carlo standard error of column `j`.
func meanAndMCSE(_ matrix: [Double], columns: Int, column j: Int) -> (mean: Double, mcse: Double) {
  let n = matrix.count / columns
  var sum = 0.0
  for r in 0..<n { sum += matrix[r * columns + j] }
  let mean = sum / Double(n)
  var ss = 0.0
  for r in 0..<n { ss += (matrix[r * columns + j] - mean) * (matrix[r * columns + j] - mean) }
  return (mean, (ss / Double(n - 1) / Double(n)).squareRoot())
}

/// Exact expected values of the fixed-parameter outreach model (`fixedOutreach`), computed
/// here by hand from its numbers — independently of the engine's tables — with the Markov
/// trace π_{t+1} = π_t P and the engine's conventions (state costs at the start of each
/// cycle, events and moves discounted with the cycle in which they happen, intake at t = 0).
struct HandTrace {
  var cost: [[Double]]  // [arm][payer]: municipality, health_insurer, housing_corporation, police_justice
  var events: [[Double]]  // [arm][event]: eviction, admission, nuisance
  /// [arm][cycle][payer]: the costs of each cycle, discounted and undiscounted.
  var cycleCost: [[[Double]]] = []
  var cycleCostUndiscounted: [[[Double]]] = []
  /// [arm][boundary][state]: expected clients in each state (the trace × N).
  var occupancy: [[[Double]]] = []

  init(clients N: Double = 100, horizon T: Int = 36) {
    let pEngageBZ = 0.15, pEngageUC = 0.02, pEvict = 0.010, rrEvict = 0.306060, pAdmit = 0.020, rrAdmit = 0.510101
    let pDischarge = 0.5, pHandover = 0.2, pDropout = 0.03, pRehouse = 0.05, lambda = 0.3
    let cBZ = 420.0, cEviction = 60000.0, cHomeless = 1500.0, cAdmit = 12000.0, cInCare = 600.0, cNuisance = 1300.0, cIntake = 250.0
    // States: 0 Avoiding, 1 Engaged, 2 InCare, 3 Admitted, 4 Homeless.
    func matrix(bz: Bool) -> [[Double]] {
      var p = Array(repeating: Array(repeating: 0.0, count: 5), count: 5)
      if bz { p[0][1] = pEngageBZ } else { p[0][2] = pEngageUC }
      p[0][3] = pAdmit
      p[0][4] = pEvict
      p[1][2] = pHandover
      p[1][3] = pAdmit * rrAdmit
      p[1][4] = pEvict * rrEvict
      p[2][0] = pDropout
      p[2][3] = pAdmit * 0.5
      p[3][2] = pDischarge
      p[4][0] = pRehouse
      for s in 0..<5 { p[s][s] = 1 - p[s].reduce(0, +) }
      return p
    }
    cost = []
    events = []
    for bz in [false, true] {
      let p = matrix(bz: bz)
      var pi = [1.0, 0, 0, 0, 0]
      var c = [0.0, 0, 0, 0]
      var ev = [0.0, 0, 0]
      if bz { c[0] += N * cIntake }
      var perCycle: [[Double]] = []
      var perCycleUndiscounted: [[Double]] = []
      var trace: [[Double]] = []
      for t in 0..<T {
        let before = c
        trace.append(pi.map { $0 * N })
        let d = Foundation.pow(1.04, -Double(t) / 12)
        c[0] += N * d * (pi[1] * cBZ + pi[4] * cHomeless + 0.3 * pi[2] * cInCare)
        c[1] += N * d * (pi[3] * cAdmit + 0.7 * pi[2] * cInCare)
        let nuisance = N * (pi[0] * lambda + pi[1] * lambda * 0.5)
        ev[2] += nuisance
        c[3] += d * nuisance * cNuisance * 0.5
        c[2] += d * nuisance * cNuisance * 0.3
        c[0] += d * nuisance * cNuisance * 0.2
        let evictions = N * (pi[0] * p[0][4] + pi[1] * p[1][4])
        ev[0] += evictions
        c[0] += d * evictions * cEviction * 0.7
        c[2] += d * evictions * cEviction * 0.1
        c[3] += d * evictions * cEviction * 0.2
        ev[1] += N * (pi[0] * p[0][3] + pi[1] * p[1][3] + pi[2] * p[2][3])
        c[1] += N * d * pi[3] * p[3][2] * cIntake  // the discharge cost per move Admitted → InCare
        var next = [Double](repeating: 0, count: 5)
        for s in 0..<5 { for j in 0..<5 { next[j] += pi[s] * p[s][j] } }
        pi = next
        // Everything in this cycle is discounted with d, so the undiscounted amount is the
        // discounted one / d (the intake at the start lies in cycle 0, where d = 1).
        let spent = (0..<4).map { c[$0] - (t == 0 ? [0, 0, 0, 0] : before)[$0] }
        perCycle.append(spent)
        perCycleUndiscounted.append(spent.map { $0 / d })
      }
      trace.append(pi.map { $0 * N })
      cost.append(c)
      events.append(ev)
      cycleCost.append(perCycle)
      cycleCostUndiscounted.append(perCycleUndiscounted)
      occupancy.append(trace)
    }
  }
}
