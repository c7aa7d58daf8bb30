import Foundation

/// Writes files so that a reader never sees a half-written one: the content goes to a
/// temporary file in the same directory (`.name.tmp-<pid>-<n>`), is flushed to disk, then
/// renamed over the target in one step (rename(2) is atomic within a file system).
///
/// Temporary files still being written are tracked, so that an interrupt handler can remove
/// them (``removeTemporaryFiles()``) and Ctrl-C leaves no partial file behind.
public enum AtomicFile {
  nonisolated(unsafe) private static var pending = Set<String>()
  private static let lock = NSLock()
  nonisolated(unsafe) private static var counter = 0

  /// Writes `data` to `path` atomically, creating missing parent directories.
  /// - Throws: ``OutputError`` naming the path and the reason.
  public static func write(_ data: Data, to path: String) throws(OutputError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw OutputError(path: directory.path, reason: "cannot create the directory (\(reason(error)))")
    }
    lock.lock()
    counter += 1
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(counter)").path
    pending.insert(temporary)
    lock.unlock()
    defer {
      lock.lock()
      pending.remove(temporary)
      lock.unlock()
    }
    guard FileManager.default.createFile(atPath: temporary, contents: nil) , let handle = FileHandle(forWritingAtPath: temporary) else {
      throw OutputError(path: path, reason: "cannot create a file in \(directory.path) (\(String(cString: strerror(errno))))")
    }
    do {
      try handle.write(contentsOf: data)
      try handle.synchronize()
      try handle.close()
    } catch {
      try? handle.close()
      unlink(temporary)
      throw OutputError(path: path, reason: "writing failed (\(reason(error)))")
    }
    if rename(temporary, path) != 0 {
      let message = String(cString: strerror(errno))
      unlink(temporary)
      throw OutputError(path: path, reason: "cannot replace the file (\(message))")
    }
  }

  /// Writes UTF-8 text atomically.
  public static func write(_ text: String, to path: String) throws(OutputError) {
    try write(Data(text.utf8), to: path)
  }

  /// Removes temporary files of writes in progress (call from an interrupt handler).
  public static func removeTemporaryFiles() {
    lock.lock()
    let files = pending
    lock.unlock()
    for f in files { unlink(f) }
  }

  private static func reason(_ error: Error) -> String {
    (error as NSError).localizedFailureReason ?? error.localizedDescription
  }
}

/// A file that could not be written.
public struct OutputError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "cannot write '\(path)': \(reason)" }
}
