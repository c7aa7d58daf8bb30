import Foundation
import MBCRandom
import Yams

/// Reads a scenario file (YAML) into a validated ``Scenario``, reporting every problem found
/// with file, line, column and key path. The file format is documented in
/// docs/scenario-format.md; the keys accepted here are the keys documented there.
public enum ScenarioLoader {
  /// The largest scenario file accepted (a model description is a few kB; this bounds memory).
  public static let maximumFileSize = 10 << 20

  /// The most YAML values (scalars, lists and mappings) a scenario may hold once its aliases
  /// (`*name`) are expanded. A large scenario has a few thousand; the limit stops a "billion
  /// laughs" document (aliases of aliases) before any code walks its expansion.
  public static let maximumNodeCount = 1_000_000

  /// Top-level keys.
  static let topLevelKeys = [
    "format", "name", "description", "currency", "price_year", "cycle", "horizon", "clients",
    "discount", "reference", "payers", "states", "start", "parameters", "transitions", "events",
    "costs", "arms", "notes", "engine", "timing", "effects", "tables", "correlations", "price_index", "transition_timing",
    "analysis", "groups", "budget", "invalid_probabilities",
  ]

  /// Names an expression cannot use for a parameter (reserved for model time, attributes, …).
  static let reservedNames: Set<String> = Set(ModelVariable.allCases.map(\.rawValue)).union([
    "year", "years", "arm", "client", "run", "true", "false", "pi", "e",
  ])

  /// Loads the scenario at `path`.
  /// - Throws: ``ScenarioError`` listing every problem (and the warnings found before them).
  public static func load(file path: String) throws(ScenarioError) -> Scenario {
    let data: Data
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      if let size = attributes[.size] as? Int, size > maximumFileSize {
        throw ScenarioError([
          .init(.error, at: nil, keyPath: "",
                message: "'\(path)' is \(size) bytes; a scenario file may be at most \(maximumFileSize) bytes")
        ])
      }
      if (attributes[.type] as? FileAttributeType) == .typeDirectory {
        throw ScenarioError([.init(.error, at: nil, keyPath: "", message: "'\(path)' is a directory, not a scenario file")])
      }
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch let e as ScenarioError {
      throw e
    } catch {
      let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "no such file"
      throw ScenarioError([.init(.error, at: nil, keyPath: "", message: "cannot open scenario '\(path)': \(reason)")])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      let (line, column, offset) = firstInvalidUTF8(in: data)
      let byte = offset < data.count ? String(format: "0x%02X", data[data.startIndex + offset]) : "end of file"
      throw ScenarioError([
        .init(.error, at: SourceLocation(file: path, line: line, column: column), keyPath: "",
              message: "the file is not valid UTF-8 text (byte \(byte) at offset \(offset)); save it as UTF-8")
      ])
    }
    return try load(yaml: text, file: path)
  }

  /// Loads a scenario from YAML text; `file` is used in messages.
  public static func load(yaml text: String, file: String) throws(ScenarioError) -> Scenario {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw ScenarioError([.init(.error, at: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                                   message: "the file is empty; expected a scenario (see docs/scenario-format.md)")])
      }
      root = node
      if let alias = firstAliasBeyondLimit(root, limit: maximumNodeCount) {
        let at = alias.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
        throw ScenarioError([
          .init(.error, at: at, keyPath: "",
                message: "the document has more than \(maximumNodeCount) values once its aliases (*name) are "
                  + "expanded (the limit of a scenario); write the repeated parts out, or nest fewer aliases")
        ])
      }
    } catch let e as ScenarioError {
      throw e
    } catch let e as YamlError {
      throw ScenarioError([yamlDiagnostic(e, file: file, yamlText: text)])
    } catch {
      throw ScenarioError([.init(.error, at: nil, keyPath: "", message: "YAML error: \(error)")])
    }
    let walker = YAMLWalker(file: file)
    let builder = ScenarioBuilder(walker: walker, file: file)
    let scenario = builder.build(root)
    let diagnostics = walker.diagnostics.sorted { ($0.location ?? .init(file: "", line: 0, column: 0)) < ($1.location ?? .init(file: "", line: 0, column: 0)) }
    guard var scenario, !walker.hasErrors else { throw ScenarioError(diagnostics) }
    scenario.warnings = diagnostics
    return scenario
  }

  /// Counts the values of `root` with every alias expanded, without recursion and stopping at
  /// `limit`; returns the node being visited when the count passes `limit` (nil when it does not).
  static func firstAliasBeyondLimit(_ root: Node, limit: Int) -> Node? {
    var stack: [Node] = [root]
    var count = 0
    while let node = stack.popLast() {
      count += 1
      if count > limit { return node }
      switch node {
      case .scalar, .alias: break
      case .sequence(let s): stack.append(contentsOf: s)
      case .mapping(let m):
        for (k, v) in m {
          stack.append(k)
          stack.append(v)
        }
      }
    }
    return nil
  }

  static func yamlDiagnostic(_ error: YamlError, file: String, yamlText: String) -> ScenarioDiagnostic {
    func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
    switch error {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      var message = "YAML syntax error: \(problem)"
      if let context { message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
      return .init(.error, at: at(mark), keyPath: "", message: message)
    case .reader(let problem, let offset, _, let yaml):
      var loc: SourceLocation?
      if let offset {
        let prefix = yaml.unicodeScalars.prefix(offset)
        let line = prefix.filter { $0 == "\n" }.count + 1
        let column = prefix.count - (prefix.lastIndex(of: "\n").map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0) + 1
        loc = SourceLocation(file: file, line: line, column: column)
      }
      return .init(.error, at: loc, keyPath: "", message: "the file cannot be read as YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      // Yams reports the mapping, not the repeated key: find the key's second occurrence.
      let key = duplicates.sorted().first ?? ""
      let lines = yamlText.split(separator: "\n", omittingEmptySubsequences: false)
      var hits: [(Int, Int)] = []
      for (i, line) in lines.enumerated() where i + 1 >= context.mark.line {
        for prefix in ["", " ", "{", ",", "-"] {
          if let r = line.range(of: prefix + key + ":"), prefix.isEmpty ? line[..<r.lowerBound].allSatisfy({ $0 == " " }) : true {
            hits.append((i + 1, line.distance(from: line.startIndex, to: r.lowerBound) + prefix.count + 1))
            break
          }
        }
      }
      let at = hits.count >= 2 ? SourceLocation(file: file, line: hits[1].0, column: hits[1].1) : at(context.mark)
      let first = hits.first.map { " (first at line \($0.0))" } ?? ""
      var message = "duplicate key '\(key)'\(first); each key may appear once in a mapping"
      if key.contains(")") || key.contains("(") || key.contains(" ") {
        // `{Sick: if(cycle < n, rr, 1)}`: YAML splits a flow mapping at every comma.
        message = "an expression with commas inside { } is split by YAML at each comma (here '\(key)' became a key); put the expression in quotes, e.g. \"if(a, b, c)\", or write the mapping on separate lines"
      }
      return .init(.error, at: at, keyPath: "", message: message)
    default:
      return .init(.error, at: nil, keyPath: "", message: "YAML error: \(error)")
    }
  }

  /// The line, column (in bytes) and 0-based byte offset of the first byte that is not UTF-8.
  static func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int, offset: Int) {
    var line = 1
    var lineStart = 0
    let bytes = [UInt8](data)
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      let length: Int
      switch b {
      case 0x00...0x7F: length = 1
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: return (line, i - lineStart + 1, i)
      }
      if i + length > bytes.count || !bytes[i + 1..<i + length].allSatisfy({ $0 & 0xC0 == 0x80 }) {
        return (line, i - lineStart + 1, i)
      }
      if b == 0x0A {
        line += 1
        lineStart = i + 1
      }
      i += length
    }
    return (line, 1, bytes.count)
  }
}
