import Foundation

/// Where the bundled scenarios (the repository's `Scenarios/` folder) are, for a binary that
/// may be run from anywhere. Looked for in this order:
///
/// 1. the environment variable `MBC_SCENARIOS` (when set and not empty, it must name a
///    folder; nothing else is tried, so that a mistake in it is reported, not hidden);
/// 2. the folders above the executable's real path (symbolic links resolved), for the first
///    that holds both `Package.swift` and a `Scenarios/` folder: the checkout the binary was
///    built in (`.build/release/mbc`, `.build/debug/mbc`, or a link to them);
/// 3. ``installed`` (`/usr/local/share/mbc/Scenarios`).
struct ScenarioDirectory {
  /// The environment variable that overrides the search.
  static let variable = "MBC_SCENARIOS"
  /// The folder of an installed copy.
  static let installed = "/usr/local/share/mbc/Scenarios"

  /// The `Scenarios` folder found.
  var url: URL
  /// How it was found, for messages (e.g. "from MBC_SCENARIOS").
  var origin: String

  /// The scenarios could not be found (exit code 1); the message names every place tried.
  struct NotFound: Error, CustomStringConvertible {
    var description: String
  }

  /// Finds the folder (see the type's description).
  /// - Parameters:
  ///   - environment: the process environment (``variable`` is read from it).
  ///   - executable: the path of the running binary; default ``executablePath()``.
  static func locate(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    executable: String? = executablePath()
  ) throws(NotFound) -> ScenarioDirectory {
    let files = FileManager.default
    func isDirectory(_ path: String) -> Bool {
      var directory: ObjCBool = false
      return files.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    if let value = environment[variable], !value.isEmpty {
      guard isDirectory(value) else {
        let what = files.fileExists(atPath: value) ? "is not a folder" : "does not exist"
        throw NotFound(description: "\(variable) is set to '\(value)', which \(what); set it to the Scenarios folder of an mbc checkout (or unset it).")
      }
      return ScenarioDirectory(url: URL(fileURLWithPath: value), origin: "from \(variable)")
    }

    var tried = ["\(variable) (not set)"]
    if let executable {
      var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
      while true {
        let scenarios = folder.appendingPathComponent("Scenarios").path
        if files.fileExists(atPath: folder.appendingPathComponent("Package.swift").path), isDirectory(scenarios) {
          return ScenarioDirectory(url: URL(fileURLWithPath: scenarios), origin: "the checkout of \(executable)")
        }
        let parent = folder.deletingLastPathComponent()
        if parent.path == folder.path { break }
        folder = parent
      }
      tried.append("the folders above \(executable) (none has Package.swift next to a Scenarios folder)")
    } else {
      tried.append("the folders above the executable (its path is unknown)")
    }

    if isDirectory(installed) {
      return ScenarioDirectory(url: URL(fileURLWithPath: installed), origin: "the installed copy")
    }
    tried.append("\(installed) (does not exist)")
    throw NotFound(description: """
      cannot find the bundled scenarios. Tried:
      \(tried.map { "  - \($0)" }.joined(separator: "\n"))
      Set \(variable) to the Scenarios folder of an mbc checkout, e.g. export \(variable)=$HOME/mbc/Scenarios
      """)
  }

  /// The running binary's real path (symbolic links resolved): `/proc/self/exe` on Linux,
  /// otherwise the first command-line argument (looked up in `PATH` when it has no `/`).
  static func executablePath() -> String? {
    if let linked = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      return realPath(linked) ?? linked
    }
    if let path = Bundle.main.executablePath, let real = realPath(path) { return real }
    guard let first = CommandLine.arguments.first, !first.isEmpty else { return nil }
    if first.contains("/") { return realPath(first) }
    let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for folder in searchPath.split(separator: ":") {
      let candidate = "\(folder)/\(first)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return realPath(candidate) }
    }
    return nil
  }

  /// `realpath(3)`: the absolute path of an existing file with every symbolic link, `.` and
  /// `..` resolved; nil when it does not exist.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
