import Dispatch
import Foundation
import MBCEngine

/// The progress line on standard error while a simulation runs: runs done, runs per second
/// and the time left. Shown only when standard error is a terminal (never in logs or pipes).
final class ProgressLine: @unchecked Sendable {
  private let total: Int
  private let progress: SimulationProgress
  private let enabled: Bool
  private var timer: DispatchSourceTimer?
  private let started = DispatchTime.now()

  init(total: Int, progress: SimulationProgress, enabled: Bool) {
    self.total = total
    self.progress = progress
    self.enabled = enabled
  }

  func start() {
    guard enabled else { return }
    let t = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
    t.schedule(deadline: .now() + 0.5, repeating: 0.25)
    t.setEventHandler { [weak self] in self?.draw() }
    t.resume()
    timer = t
  }

  func finish() {
    guard let timer else { return }
    timer.cancel()
    self.timer = nil
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }

  private func draw() {
    let done = progress.runsCompleted
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    let rate = Double(done) / max(seconds, 1e-9)
    let left = rate > 0 ? Double(total - done) / rate : .infinity
    let percent = Double(done) / Double(max(total, 1)) * 100
    let line = String(format: "\r\u{1B}[K  %@ / %@ runs (%.1f%%)  %@ runs/s  %@ left", grouped(done), grouped(total), percent, grouped(Int(rate)), Self.duration(left))
    FileHandle.standardError.write(Data(line.utf8))
  }

  static func duration(_ s: Double) -> String {
    guard s.isFinite else { return "--:--" }
    let t = Int(s.rounded())
    return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
  }
}
