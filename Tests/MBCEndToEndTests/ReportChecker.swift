import Foundation
import Testing

/// Runs `scripts/check_report.py`, which opens a report page in headless Chromium and checks
/// it as a reader sees it: no console errors, every chart drawn, every headline number equal
/// to its cell of the CSV files next to the page (see the script's docstring).
///
/// Needs Chromium (`MBC_CHROMIUM`, else `chromium` or `chromium-browser` on PATH) and a Python 3
/// (`MBC_NOTEBOOK_PYTHON`, else `python3` on PATH; the script uses the standard library only).
/// Without them the browser tests are skipped, unless `MBC_REQUIRE_BROWSER=1` (set by
/// `make test`, which installs Chromium) makes that a failure.
struct ReportChecker {
  /// What one run of the checker found.
  struct Outcome {
    /// 0: every check passed; 1: checks failed; 2: the page could not be checked.
    var status: Int32
    /// The `FAIL:` lines, without the prefix.
    var failures: [String]
    /// Everything the script printed, for messages.
    var output: String
  }

  static let script = MBCBinary.repository.appendingPathComponent("scripts/check_report.py")
  static var required: Bool { ProcessInfo.processInfo.environment["MBC_REQUIRE_BROWSER"] == "1" }

  var python: URL
  var chromium: URL

  /// The first executable file named `name` on PATH.
  static func onPath(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").lazy.map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
      .first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }

  /// The executable named by environment variable `variable` when set, else the first of `names` on PATH.
  static func tool(_ variable: String, _ names: [String]) -> Result<URL, ToolMissing> {
    if let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty {
      let url = path.contains("/") ? URL(fileURLWithPath: path) : onPath(path)
      guard let url, FileManager.default.isExecutableFile(atPath: url.path) else {
        return .failure(ToolMissing(description: "\(variable)=\(path) is not an executable file"))
      }
      return .success(url)
    }
    if let url = names.lazy.compactMap(onPath).first { return .success(url) }
    let listed = names.joined(separator: " or ")
    return .failure(ToolMissing(description: "no \(listed) on PATH and \(variable) is not set"))
  }

  struct ToolMissing: Error, CustomStringConvertible { var description: String }

  /// The checker, or why it cannot run.
  static let located: Result<ReportChecker, ToolMissing> = {
    let chromium = tool("MBC_CHROMIUM", ["chromium", "chromium-browser"])
    let python = tool("MBC_NOTEBOOK_PYTHON", ["python3"])
    switch (chromium, python) {
    case (.success(let chromium), .success(let python)):
      return .success(ReportChecker(python: python, chromium: chromium))
    case (.failure(let missing), _), (_, .failure(let missing)): return .failure(missing)
    }
  }()

  /// True when the browser tests should run: the tools are there, or they are required (and
  /// then their absence is a failure).
  static var shouldRun: Bool {
    if case .success = located { return true }
    return required
  }

  /// The checker; records an issue (the tests are required but a tool is missing) and returns nil otherwise.
  static func make() -> ReportChecker? {
    switch located {
    case .success(let checker): return checker
    case .failure(let missing):
      Issue.record(
        "MBC_REQUIRE_BROWSER=1 but \(missing): run `make chromium` (installs Debian's chromium) or `make test`.")
      return nil
    }
  }

  /// Checks `page` (its CSV files are read from its folder); writes the screenshot and rendered DOM when asked.
  func check(
    _ page: URL, screenshot: URL? = nil, dom: URL? = nil, minCharts: Int = 1, minNumbers: Int = 1
  ) throws -> Outcome {
    var arguments = [Self.script.path, page.path, "--chromium", chromium.path,
                     "--min-charts", String(minCharts), "--min-numbers", String(minNumbers)]
    if let screenshot { arguments += ["--screenshot", screenshot.path] }
    if let dom { arguments += ["--dom", dom.path] }
    let result = try runProcess(python, arguments, in: page.deletingLastPathComponent())
    let failures = result.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL: ") }
      .map { String($0.dropFirst(6)) }
    return Outcome(status: result.status, failures: failures, output: result.stdout + result.stderr)
  }
}
