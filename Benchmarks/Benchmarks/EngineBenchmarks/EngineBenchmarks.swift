import Benchmark
import BenchmarkSupport
import Foundation
import MBCEngine
import MBCScenario

/// The engines, per simulated run.
///
/// **Individual engine.** The standard workload `Scenarios/outreach-ref.yaml`
/// (../shared/benchmark-model.md: 100 clients × 36 months × 2 arms = 7,200 client-months per run)
/// and its time-dependent variant `Scenarios/outreach-ref-time.yaml` (ages, an age-banded
/// admission risk and an eviction risk rising over time: the same 7,200 client-months per run),
/// each with 1 and 2 threads, without and with the outputs over time (`.details`: the trace,
/// cash flow and payback that `mbc simulate` always collects, through a ``DetailCollector``;
/// the difference is their cost).
///
/// **Cohort engine.** `Scenarios/validation/darth-sick-sicker.yaml` (4 states, 75 cycles,
/// 4 arms) with `engine: .cohort`. That scenario has no uncertain parameter, so every run
/// evaluates the same numbers: the benchmark measures the cost of one cohort trace per run.
///
/// One measured iteration simulates 4,000 runs of the individual engine (2.88e7 client-months)
/// or 10,000 runs of the cohort engine, in one `Simulation.run` call into a preallocated runs ×
/// metrics matrix: 16 or 40 chunks of 256 runs, enough that the moment the second worker
/// thread joins does not matter (with 1,000 runs, i.e. 4 chunks, one 2-thread iteration in five
/// to ten took as long as with 1 thread, presumably because the first worker had taken every
/// chunk before the second one started). So:
/// - wall clock = time per 4,000 (10,000) runs;
/// - throughput = iterations per second (× 4,000 × 7,200 = client-months per second on
///   outreach-ref);
/// - the custom metric `client-months/s` gives client-months (clients × cycles × arms) per
///   second directly (for the cohort engine: cohort-cycles × arms, i.e. 300 per run);
/// - mallocs per iteration: the per-worker set-up (engine tables, program arena) and, with
///   details, the collector and one set of streamed moments per chunk of 256 runs; none per run.
/// **Budget stress test.** `Scenarios/outreach-ref-budget.yaml` (outreach-ref's clients plus a
/// 10-year monthly budget with about 100 referrals a month, a base case and 4 variants):
/// 500 runs of ``StressSimulation`` per iteration on 2 threads; ×10 gives the issue's
/// benchmark of 5,000 runs (docs/performance.md).
///
/// Parsing and compiling the scenarios happen outside the measurement. The peak resident memory
/// is not recorded: the output matrix is at most 2 MB, so it would only show the process's size
/// (about 33 MB); the memory of `mbc simulate` is measured on the whole command.
let benchmarks: @Sendable () -> Void = {
  func load(_ relative: String) -> CompiledModel {
    let path = BenchmarkSupport.repositoryPath(relative)
    do {
      return try CompiledModel(try ScenarioLoader.load(file: path))
    } catch {
      fatalError("cannot load \(path): \(error)")
    }
  }

  let metrics: [BenchmarkMetric] = [
    .wallClock, .throughput, BenchmarkSupport.clientMonthsPerSecond, .mallocCountTotal,
  ]
  // Malloc slack: the worker threads' set-up and the order in which chunks reach the detail
  // collector vary the count by a few between iterations; one malloc per run would add 4,000.
  let configuration = BenchmarkSupport.configuration(
    metrics: metrics, maxDuration: .seconds(10), maxIterations: 50, mallocSlack: 40,
    quickDuration: .seconds(3))

  /// Registers one engine benchmark simulating `runs` runs per iteration.
  func engineBenchmark(
    _ name: String, model: CompiledModel, runs: Int = 4_000, threads: Int, engine: EngineKind? = nil, details: Bool
  ) {
    Benchmark(name, configuration: configuration) { benchmark in
      let simulation = Simulation(model: model, seed: 1, threads: threads, engine: engine)
      let layout = details ? DetailLayout(scenario: model.scenario) : nil
      let clientMonthsPerIteration = Double(runs * simulation.clientCyclesPerRun)
      var output = [Double](repeating: 0, count: runs * model.layout.count)
      let clock = ContinuousClock()
      benchmark.startMeasurement()
      let start = clock.now
      // Created inside the measurement, as `mbc simulate` creates one per simulation.
      let collector = layout.map { DetailCollector(layout: $0, sampleRuns: 0) }
      output.withUnsafeMutableBufferPointer { buffer in
        do {
          try simulation.run(runs: runs, into: buffer, details: collector)
        } catch {
          fatalError("\(error)")
        }
      }
      let elapsed = start.duration(to: clock.now)
      benchmark.stopMeasurement()
      blackHole(collector?.moments.count)
      precondition(output[runs * model.layout.count - 1].isFinite)
      let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
      benchmark.measurement(
        BenchmarkSupport.clientMonthsPerSecond, Int((clientMonthsPerIteration / seconds).rounded()))
    }
  }

  let outreach = load("Scenarios/outreach-ref.yaml")
  let outreachTime = load("Scenarios/outreach-ref-time.yaml")
  for (workload, model) in [("outreach-ref", outreach), ("outreach-ref-time", outreachTime)] {
    for details in [false, true] {
      for threads in [1, 2] {
        engineBenchmark(
          "engine.\(workload).threads=\(threads)\(details ? ".details" : "")",
          model: model, threads: threads, details: details)
      }
    }
  }

  let budgetPath = BenchmarkSupport.repositoryPath("Scenarios/outreach-ref-budget.yaml")
  let stress: StressModel
  do {
    stress = try StressModel(try ScenarioLoader.load(file: budgetPath))
  } catch {
    fatalError("cannot load \(budgetPath): \(error)")
  }
  let stressConfiguration = BenchmarkSupport.configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(10), maxIterations: 20, mallocSlack: 40,
    quickDuration: .seconds(3))
  Benchmark("stress.outreach-ref-budget.runs=500.threads=2", configuration: stressConfiguration) { benchmark in
    let runs = 500
    let simulation = StressSimulation(stress: stress, seed: 1, threads: 2)
    var output = [Double](repeating: 0, count: runs * stress.layout.count)
    benchmark.startMeasurement()
    output.withUnsafeMutableBufferPointer { buffer in
      do {
        try simulation.run(runs: runs, into: buffer)
      } catch {
        fatalError("\(error)")
      }
    }
    benchmark.stopMeasurement()
    precondition(output[runs * stress.layout.count - 1].isFinite)
  }

  let darth = load("Scenarios/validation/darth-sick-sicker.yaml")
  for threads in [1, 2] {
    engineBenchmark(
      "cohort.darth-sick-sicker.threads=\(threads)", model: darth, runs: 10_000, threads: threads, engine: .cohort,
      details: false)
  }
}
