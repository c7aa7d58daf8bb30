import Dispatch
import Foundation
import MBCEngine
import MBCReport

/// Ctrl-C (SIGINT) and SIGTERM handling for long commands: the first signal asks the
/// simulation to stop (workers finish their current run) and, if files are being written,
/// removes their temporary files and exits with 130. No partial output file is ever left.
enum Interrupts {
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

  static func install(cancellation: CancellationFlag) {
    for sig in [SIGINT, SIGTERM] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler {
        if cancellation.isSet { return }
        cancellation.set()
        if writing.withLock({ $0 }) {
          AtomicFile.abortWrites()
          FileHandle.standardError.write(Data("\nmbc: interrupted while writing; no partial files were left.\n".utf8))
          _exit(130)
        }
      }
      source.resume()
      sources.append(source)
    }
  }

  /// Set while output files are written: an interrupt then exits at once.
  static let writing = NSLockedValue(false)
}

/// A value behind a lock (small helper for flags shared with the signal queue).
final class NSLockedValue<T>: @unchecked Sendable {
  private var value: T
  private let lock = NSLock()
  init(_ value: T) { self.value = value }
  func withLock<R>(_ body: (inout T) -> R) -> R {
    lock.lock()
    defer { lock.unlock() }
    return body(&value)
  }
}
