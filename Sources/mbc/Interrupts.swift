import Dispatch
import Foundation
import MBCAnalysis
import MBCEngine
import MBCReport

/// Ctrl-C (SIGINT) and SIGTERM handling for long commands: the first signal asks the
/// simulation to stop (workers give up their current chunk; the command then saves the
/// chunks completed and writes their results, marked partial). A second signal, or a signal
/// while files are written, removes the files being written and exits with 130 at once. No
/// partial output file is ever left, and a set of outputs is replaced all together or not at all.
enum Interrupts {
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

  static func install(cancellation: CancellationFlag) {
    for sig in [SIGINT, SIGTERM] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler {
        // A second signal, or one while the outputs are written: stop at once. The staged
        // files are removed, so the directory keeps its previous files (and a saved state).
        if cancellation.isSet || writing.withLock({ $0 }) {
          AtomicFile.abortWrites()
          FileHandle.standardError.write(Data("\nmbc: interrupted while writing; the files in the output directory are as they were before.\n".utf8))
          _exit(130)
        }
        cancellation.set()
      }
      source.resume()
      sources.append(source)
    }
  }

  /// A testing aid (`MBC_INTERRUPT_AFTER_RUNS=n`): sends this process SIGINT once chunks
  /// holding at least n runs are completed, so that tests interrupt a run through the real
  /// signal path at a known point. Does nothing when `value` is nil or not a number.
  static func selfInterrupt(afterRuns value: String?, ledger: ChunkLedger, chunkSize: Int) {
    guard let value, let runs = Int(value) else { return }
    let timer = DispatchSource.makeTimerSource(queue: .global())
    timer.schedule(deadline: .now(), repeating: .milliseconds(2))
    timer.setEventHandler {
      if ledger.completed.count * chunkSize >= runs {
        timer.cancel()
        kill(getpid(), SIGINT)
      }
    }
    timer.resume()
    nonisolated(unsafe) let keep = timer
    timers.withLock { $0.append(keep) }
  }
  private static let timers = Locked<[DispatchSourceTimer]>([])

  /// Set while output files are written: an interrupt then exits at once.
  static let writing = Locked(false)
}
