import Foundation

/// Writes files so that a reader never sees a half-written one: the content goes to a
/// temporary file in the same directory (`.name.tmp-<pid>-<n>`), is flushed to disk, then
/// renamed over the target in one step (rename(2) is atomic within a file system).
///
/// Temporary files still being written are tracked, so that an interrupt handler can remove
/// them (``abortWrites()``) and Ctrl-C leaves no partial file behind.
public enum AtomicFile {
  nonisolated(unsafe) private static var pending = Set<String>()
  private static let lock = NSLock()
  nonisolated(unsafe) private static var counter = 0
  nonisolated(unsafe) private static var aborting = false

  /// Writes `data` to `path` atomically, creating missing parent directories.
  /// - Throws: ``OutputError`` naming the path and the reason.
  public static func write(_ data: Data, to path: String) throws(OutputError) {
    try write(to: path) { handle in try handle.write(contentsOf: data) }
  }

  /// Streams a file: `body` writes to the temporary file's handle; when it returns, the file
  /// is flushed and renamed to `path`. If `body` throws, the temporary file is removed.
  public static func write(to path: String, _ body: (FileHandle) throws -> Void) throws(OutputError) {
    try commit([stage(to: path, body)])
  }

  /// A file written in full to its temporary name and flushed, but not yet in place: see
  /// ``stage(to:_:)`` and ``commit(_:removing:)``.
  public struct Staged: Sendable {
    public let path: String
    let temporary: String
  }

  /// Writes a file under its temporary name (flushed to disk) without renaming it: a set of
  /// staged files is put in place together by ``commit(_:removing:)``, so that an interrupt
  /// leaves either all the previous files or all the new ones. Until then an interrupt
  /// (``abortWrites()``) removes the staged file.
  public static func stage(to path: String, _ body: (FileHandle) throws -> Void) throws(OutputError) -> Staged {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw OutputError(path: directory.path, reason: "cannot create the directory (\(reason(error)))")
    }
    lock.lock()
    if aborting {
      lock.unlock()
      throw OutputError(path: path, reason: "interrupted")
    }
    counter += 1
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(counter)").path
    let created = FileManager.default.createFile(atPath: temporary, contents: nil)
    if created { pending.insert(temporary) }
    lock.unlock()
    guard created, let handle = FileHandle(forWritingAtPath: temporary) else {
      unlink(temporary)
      throw OutputError(path: path, reason: "cannot create a file in \(directory.path) (\(String(cString: strerror(errno))))")
    }
    do {
      try body(handle)
      try handle.synchronize()
      try handle.close()
    } catch {
      try? handle.close()
      discard([Staged(path: path, temporary: temporary)])
      throw OutputError(path: path, reason: "writing failed (\(reason(error)))")
    }
    return Staged(path: path, temporary: temporary)
  }

  /// Stages UTF-8 text (see ``stage(to:_:)``).
  public static func stage(_ text: String, to path: String) throws(OutputError) -> Staged {
    try stage(to: path) { handle in try handle.write(contentsOf: Data(text.utf8)) }
  }

  /// Renames the staged files into place and removes the files `removing` (outputs of an
  /// earlier run that this one does not write), all under the lock that ``abortWrites()``
  /// takes: an interrupt waits for the commit (a few renames) and then finds nothing to undo.
  public static func commit(_ files: [Staged], removing stale: [String] = []) throws(OutputError) {
    lock.lock()
    defer { lock.unlock() }
    if aborting {
      for f in files { unlink(f.temporary); pending.remove(f.temporary) }
      throw OutputError(path: files.first?.path ?? "", reason: "interrupted")
    }
    for (i, f) in files.enumerated() where rename(f.temporary, f.path) != 0 {
      let message = String(cString: strerror(errno))
      for g in files[i...] { unlink(g.temporary); pending.remove(g.temporary) }
      throw OutputError(path: f.path, reason: "cannot replace the file (\(message))")
    }
    for f in files { pending.remove(f.temporary) }
    for path in stale { unlink(path) }
  }

  /// Removes staged files that will not be committed.
  public static func discard(_ files: [Staged]) {
    lock.lock()
    defer { lock.unlock() }
    for f in files {
      unlink(f.temporary)
      pending.remove(f.temporary)
    }
  }

  /// Writes UTF-8 text atomically.
  public static func write(_ text: String, to path: String) throws(OutputError) {
    try write(Data(text.utf8), to: path)
  }

  /// For an interrupt handler that is about to exit the process: stops new writes, removes
  /// the temporary files of writes in progress, and keeps the lock (so no write can start
  /// before the process ends). A write already renamed into place is complete; a write not
  /// yet renamed loses its temporary file and fails. Either way no partial file remains.
  public static func abortWrites() {
    lock.lock()
    aborting = true
    for f in pending { unlink(f) }
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
