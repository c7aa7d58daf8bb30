import Benchmark
import Foundation
import MBCEngine
import MBCScenario

/// The standard workload (../shared/benchmark-model.md): Scenarios/outreach-ref.yaml, 100
/// clients × 36 months × 2 arms = 7,200 client-months per run. One benchmark iteration
/// simulates `runsPerIteration` runs, so throughput × 7,200 × runsPerIteration gives
/// client-months per second. Parsing and compiling the scenario happen outside the
/// measurement.
let runsPerIteration = 1_000

let benchmarks: @Sendable () -> Void = {
  let scenarioPath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Scenarios/outreach-ref.yaml").path
  let model: CompiledModel
  do {
    model = try CompiledModel(try ScenarioLoader.load(file: scenarioPath))
  } catch {
    fatalError("cannot load \(scenarioPath): \(error)")
  }
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
    warmupIterations: 1,
    scalingFactor: .one,
    maxDuration: .seconds(10),
    maxIterations: 50
  )

  for threads in [1, 2] {
    Benchmark("engine outreach-ref \(runsPerIteration) runs threads=\(threads)") { benchmark in
      var output = [Double](repeating: 0, count: runsPerIteration * model.layout.count)
      let simulation = Simulation(model: model, seed: 1, threads: threads)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        output.withUnsafeMutableBufferPointer { buffer in
          do {
            try simulation.run(runs: runsPerIteration, into: buffer)
          } catch {
            fatalError("\(error)")
          }
        }
        blackHole(output[0])
      }
      benchmark.stopMeasurement()
      precondition(output[model.layout.count - 1].isFinite)
    }
  }

  // With the outputs over time (trace, cash flow, payback) that `mbc simulate` always
  // collects: the difference to the benchmark above is their cost.
  for threads in [1, 2] {
    Benchmark("engine outreach-ref \(runsPerIteration) runs threads=\(threads) with outputs over time") { benchmark in
      var output = [Double](repeating: 0, count: runsPerIteration * model.layout.count)
      let simulation = Simulation(model: model, seed: 1, threads: threads)
      let layout = DetailLayout(scenario: model.scenario)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        let details = DetailCollector(layout: layout, sampleRuns: 0)
        output.withUnsafeMutableBufferPointer { buffer in
          do {
            try simulation.run(runs: runsPerIteration, into: buffer, details: details)
          } catch {
            fatalError("\(error)")
          }
        }
        blackHole(details.moments.count)
      }
      benchmark.stopMeasurement()
      precondition(output[model.layout.count - 1].isFinite)
    }
  }
}
