/// A position in a scenario file: 1-based line and column (columns count Unicode scalars,
/// as libyaml does).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// `file:line:column`, the form editors and compilers use.
  public var description: String { "\(file):\(line):\(column)" }

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
    (a.file, a.line, a.column) < (b.file, b.line, b.column)
  }
}

/// One problem found in a scenario file, with where it is and what was expected.
///
/// Rendered as `file:line:column: error: key.path: message`, e.g.
/// `outreach.yaml:14:11: error: parameters.p_evict.sd: -0.004 is negative; expected a positive standard deviation`.
public struct ScenarioDiagnostic: Sendable, Hashable, CustomStringConvertible {
  public enum Severity: String, Sendable, Hashable {
    case error, warning
  }

  public var severity: Severity
  public var location: SourceLocation?
  /// The key path in the document, e.g. `costs.eviction.payers.municipality` or `states[2]`.
  public var keyPath: String
  /// A full sentence: the bad value and what is expected.
  public var message: String

  public init(
    _ severity: Severity, at location: SourceLocation?, keyPath: String, message: String
  ) {
    self.severity = severity
    self.location = location
    self.keyPath = keyPath
    self.message = message
  }

  public var description: String {
    let place = location.map { "\($0): " } ?? ""
    let path = keyPath.isEmpty ? "" : "\(keyPath): "
    return "\(place)\(severity.rawValue): \(path)\(message)"
  }
}

/// The error thrown when a scenario cannot be used: every problem found, in file order.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [ScenarioDiagnostic]

  public init(_ diagnostics: [ScenarioDiagnostic]) {
    self.diagnostics = diagnostics
  }

  public var errors: [ScenarioDiagnostic] { diagnostics.filter { $0.severity == .error } }

  public var description: String {
    var lines = diagnostics.map(\.description)
    let n = errors.count
    lines.append("\(n) error\(n == 1 ? "" : "s") in scenario.")
    return lines.joined(separator: "\n")
  }
}
