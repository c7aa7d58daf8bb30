import Foundation

/// Runs the built `mbc` binary as a user would, capturing its output and exit code.
struct CommandResult {
  var status: Int32
  var stdout: String
  var stderr: String
  /// Whether the process ended by a signal (a crash, or the ceiling of ``runProcess``).
  var signalled = false
}

enum MBCBinary {
  /// The repository root (three levels above this file).
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The `mbc` executable next to the test bundle (the build's products directory).
  static var url: URL {
    let bundle = Bundle.main.bundleURL
    for candidate in [bundle.deletingLastPathComponent().appendingPathComponent("mbc"), bundle.appendingPathComponent("mbc")]
    where FileManager.default.isExecutableFile(atPath: candidate.path) {
      return candidate
    }
    // Fallback: scan the products directory of the test binary.
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return products.appendingPathComponent("mbc")
  }

  /// Runs `mbc` with `arguments` in `directory` (default: the repository root).
  @discardableResult
  static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> CommandResult {
    try runProcess(url, arguments, in: directory ?? repository, environment: environment)
  }
}

/// Runs any executable, capturing output (read concurrently so pipes never fill up); with a
/// `ceiling`, terminates it when it runs longer than that many seconds.
func runProcess(
  _ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:], ceiling: TimeInterval? = nil
) throws -> CommandResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.currentDirectoryURL = directory
  var env = ProcessInfo.processInfo.environment
  for (k, v) in environment { env[k] = v }
  process.environment = env
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let watchdog = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
  if let ceiling { DispatchQueue.global().asyncAfter(deadline: .now() + ceiling, execute: watchdog) }
  // Read stdout on another thread while this one reads stderr, so neither pipe fills up.
  final class Box: @unchecked Sendable { var data = Data() }
  let outBox = Box()
  let group = DispatchGroup()
  group.enter()
  let reader = out.fileHandleForReading
  DispatchQueue.global().async {
    outBox.data = reader.readDataToEndOfFile()
    group.leave()
  }
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  watchdog.cancel()
  return CommandResult(
    status: process.terminationStatus, stdout: String(decoding: outBox.data, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self), signalled: process.terminationReason == .uncaughtSignal)
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory(_ name: String) throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("mbc-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
