import Foundation
import MBCScenario

@testable import MBCEngine

/// Compiles a scenario given as YAML text.
func model(_ yaml: String) throws -> CompiledModel {
  CompiledModel(try ScenarioLoader.load(yaml: yaml, file: "test.yaml"))
}

/// The repository's Scenarios/ folder.
let scenariosFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Scenarios")

/// Runs `runs` runs and returns the runs × metrics matrix (row-major).
func simulate(_ model: CompiledModel, runs: Int, seed: UInt64 = 1, threads: Int = 2, chunkSize: Int = 256) throws(SimulationError) -> [Double] {
  var out = [Double](repeating: .nan, count: runs * model.layout.count)
  let sim = Simulation(model: model, seed: seed, threads: threads, chunkSize: chunkSize)
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

/// Exact expected values for the whole cohort when every parameter is fixed: the Markov
/// trace π_{t+1} = π_t P, with costs and events weighted as the engine charges them.
struct ExactCohort {
  var cost: [[Double]]  // [arm][payer]
  var events: [[Double]]  // [arm][event]

  init(_ model: CompiledModel) throws {
    let tables = RunTables(model)
    try tables.setParametersToMeans()
    try tables.evaluateTables(run: 0)
    let S = model.stateCount, P = model.payerCount, E = model.rateEventCount, N = Double(model.clients)
    cost = Array(repeating: Array(repeating: 0, count: P), count: model.armCount)
    events = Array(repeating: Array(repeating: 0, count: model.scenario.events.count), count: model.armCount)
    for a in 0..<model.armCount {
      var pi = [Double](repeating: 0, count: S)
      pi[model.scenario.startState] = 1
      let prob = { (s: Int, j: Int) in tables.moveProbability[(a * S + s) * S + j] }
      for p in 0..<P { cost[a][p] += N * tables.startCost[a * P + p] }
      for t in 0..<model.horizon {
        let d = model.discountFactors[t]
        for s in 0..<S {
          for p in 0..<P { cost[a][p] += N * d * pi[s] * tables.stateCost[(a * S + s) * P + p] }
          for e in 0..<E {
            let lambda = tables.rateMean[(a * E + e) * S + s]
            for p in 0..<P { cost[a][p] += N * d * pi[s] * lambda * tables.rateEventCost[(a * E + e) * P + p] }
            events[a][model.rateEvents[e].event] += N * pi[s] * lambda
          }
          for j in 0..<S where j != s {
            let flow = pi[s] * prob(s, j)
            for p in 0..<P { cost[a][p] += N * d * flow * tables.moveCost[((a * S + s) * S + j) * P + p] }
            for ev in model.transitionEvents where ev.moves.contains(where: { $0.from == s && $0.to == j }) {
              events[a][ev.event] += N * flow
            }
          }
        }
        var next = [Double](repeating: 0, count: S)
        for s in 0..<S { for j in 0..<S { next[j] += pi[s] * prob(s, j) } }
        pi = next
      }
    }
  }
}
