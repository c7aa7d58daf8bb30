import Foundation
import MBCAnalysis
import MBCEngine
import MBCReport

extension RunFaults {
  /// The faults of a finished simulation: probabilities clamped in its runs and metrics (or
  /// their summaries) that are not finite numbers.
  init(clamps: ProbabilityClamps.Count, matrix: RunMatrix, names: [String], summaries: [MetricSummary] = []) {
    self.init()
    if clamps.runs > 0 {
      clamped = Clamped(runsAffected: clamps.runs, valuesClamped: clamps.values, firstRun: clamps.firstRun)
    }
    nonFinite = Self.scan(matrix, names: names, summaries: summaries)
  }

  /// Before anything is written: a per-run metric that is not a finite number (an overflow)
  /// stops the command with a run-time error (exit 1) naming the metrics, the runs and the
  /// parameter values of the first such run.
  func stopIfNotFinite(runs: Int, simulation: Simulation, seed: UInt64) throws {
    guard let run = firstNonFiniteRun else { return }
    for line in messages(runs: runs) where !line.hasPrefix("warning") { printError(line) }
    let values = simulation.parameterValues(run: run)
    if !values.isEmpty {
      printError("  parameters of run \(run): " + values.prefix(24).map { "\($0.name) = \(String(format: "%.6g", $0.value))" }.joined(separator: ", ")
        + (values.count > 24 ? ", … (\(values.count - 24) more)" : ""))
    }
    printError("  (reproduce with --seed \(seed))")
    throw MBCExit.runtimeError
  }

  /// After the results are written: the warnings (clamped probabilities, summaries that are
  /// not finite), unless --quiet.
  func printWarnings(runs: Int, quiet: Bool) {
    guard !quiet else { return }
    for line in messages(runs: runs) where line.hasPrefix("warning") { printError(line) }
  }
}
