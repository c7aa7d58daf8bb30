import Dispatch
import Foundation
import MBCEngine

/// The time estimate printed before a long simulation: a pilot of the first runs (runs 0 ..<
/// k, which count toward the result, so nothing is wasted) is timed, the time of all runs is
/// projected from it, and when that is above ``threshold`` the estimate is printed on
/// standard error with the memory the run needs, before the rest is simulated.
enum RunEstimate {
  /// Projected seconds above which the estimate is printed (the environment variable
  /// `MBC_ESTIMATE_THRESHOLD` overrides it, for tests).
  static let threshold = ProcessInfo.processInfo.environment["MBC_ESTIMATE_THRESHOLD"].flatMap(Double.init) ?? 120

  /// Simulates the session's runs up to `n`: a pilot of one chunk per thread, the estimate,
  /// then the rest. The runs are the same as those of one `extend(to: n)`.
  static func extend(
    _ session: SimulationSession, to n: Int, progress: SimulationProgress, cancellation: CancellationFlag,
    memoryBytes: Double, report: Bool
  ) throws(SimulationError) {
    let chunk = session.simulation.chunkSize
    let pilot = min(n, chunk * max(1, session.simulation.threads))
    guard report, session.runs == 0, pilot < n else {
      try session.extend(to: n, progress: progress, cancellation: cancellation)
      return
    }
    let start = DispatchTime.now()
    try session.extend(to: pilot, progress: progress, cancellation: cancellation)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    let projected = seconds * Double(n) / Double(pilot)
    if let line = message(projected: projected, pilotRuns: pilot, pilotSeconds: seconds, runs: n, threads: session.simulation.threads, memoryBytes: memoryBytes) {
      // Clear the progress line (when one is drawn) before the estimate.
      printError((isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : "") + line)
    }
    try session.extend(to: n, progress: progress, cancellation: cancellation)
  }

  /// "estimated time: about 14 min (…)", or nil when the projection is below the threshold.
  static func message(projected: Double, pilotRuns: Int, pilotSeconds: Double, runs: Int, threads: Int, memoryBytes: Double) -> String? {
    guard projected > threshold else { return nil }
    return "estimated time: about \(duration(projected)) for \(grouped(runs)) runs on \(threads) thread\(threads == 1 ? "" : "s") "
      + "(the first \(grouped(pilotRuns)) took \(String(format: "%.1f", pilotSeconds)) s); memory about \(size(memoryBytes)). "
      + "Ctrl-C stops it; fewer --runs, or --precision, take less time."
  }

  /// 350 MB, 1.2 GB.
  static func size(_ bytes: Double) -> String {
    bytes < 1_073_741_824 ? "\(max(1, Int((bytes / 1_048_576).rounded()))) MB" : "\(gigabytes(bytes)) GB"
  }

  /// 45 s, 14 min, 2.5 h.
  static func duration(_ s: Double) -> String {
    if s < 90 { return "\(Int(s.rounded())) s" }
    if s < 90 * 60 { return "\(Int((s / 60).rounded())) min" }
    return String(format: "%.1f h", s / 3600)
  }
}
