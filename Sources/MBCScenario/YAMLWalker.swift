import Yams

/// A step in a key path: a mapping key or a sequence index.
enum PathComponent: Sendable {
  case key(String)
  case index(Int)
}

extension Array where Element == PathComponent {
  /// `parameters.p_evict.sd`, `states[2]`.
  var rendered: String {
    var out = ""
    for c in self {
      switch c {
      case .key(let k): out += out.isEmpty ? k : ".\(k)"
      case .index(let i): out += "[\(i)]"
      }
    }
    return out
  }

  func appending(_ key: String) -> [PathComponent] { self + [.key(key)] }
  func appending(_ index: Int) -> [PathComponent] { self + [.index(index)] }
}

/// One entry of a YAML mapping, with its key's node (for locating key errors).
struct MappingEntry {
  var key: String
  var keyNode: Node
  var value: Node
  var path: [PathComponent]
}

/// Walks a composed YAML tree and collects diagnostics with file, line, column and key path.
/// Every accessor reports what it expected when a node has the wrong shape, and returns nil,
/// so that checking continues and all problems in a file are reported at once.
final class YAMLWalker {
  let file: String
  private(set) var diagnostics: [ScenarioDiagnostic] = []

  init(file: String) {
    self.file = file
  }

  var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

  // MARK: - Diagnostics

  func location(_ node: Node?) -> SourceLocation? {
    guard let mark = node?.mark else { return nil }
    return SourceLocation(file: file, line: mark.line, column: mark.column)
  }

  /// The location of character `offset` inside a scalar (for expression errors): exact on
  /// one-line plain and quoted scalars, the scalar's start otherwise.
  func location(_ node: Node, offset: Int) -> SourceLocation? {
    guard var loc = location(node), case .scalar(let s) = node else { return location(node) }
    switch s.style {
    case .plain, .any:
      if !s.string.contains("\n") { loc.column += offset }
    case .singleQuoted, .doubleQuoted:
      if !s.string.contains("\n") && !s.string.contains("\\") && !s.string.contains("'") {
        loc.column += offset + 1
      }
    default: break
    }
    return loc
  }

  func error(_ node: Node?, _ path: [PathComponent], _ message: String) {
    diagnostics.append(.init(.error, at: location(node), keyPath: path.rendered, message: message))
  }

  func error(at location: SourceLocation?, _ path: [PathComponent], _ message: String) {
    diagnostics.append(.init(.error, at: location, keyPath: path.rendered, message: message))
  }

  func warning(_ node: Node?, _ path: [PathComponent], _ message: String) {
    diagnostics.append(.init(.warning, at: location(node), keyPath: path.rendered, message: message))
  }

  func warning(at location: SourceLocation?, _ path: [PathComponent], _ message: String) {
    diagnostics.append(.init(.warning, at: location, keyPath: path.rendered, message: message))
  }

  /// Runs `body`, dropping the warnings it adds (errors are kept): for numbers whose source
  /// is given next to them.
  func withoutWarnings<T>(_ body: () -> T) -> T {
    let before = diagnostics.count
    let result = body()
    let added = diagnostics[before...].filter { $0.severity == .error }
    diagnostics.removeSubrange(before...)
    diagnostics.append(contentsOf: added)
    return result
  }

  // MARK: - Shapes

  static func kind(_ node: Node) -> String {
    switch node {
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .alias: "an alias"
    case .scalar(let s): isNull(node) ? "nothing (null)" : "'\(s.string)'"
    }
  }

  static func isNull(_ node: Node) -> Bool {
    guard case .scalar(let s) = node, s.style == .plain else { return false }
    return s.string.isEmpty || s.string == "~" || s.string == "null" || s.string == "Null"
      || s.string == "NULL"
  }

  /// The entries of a mapping, in file order; reports a non-mapping and duplicate keys.
  func mapping(_ node: Node, _ path: [PathComponent], what: String = "a mapping (key: value pairs)")
    -> [MappingEntry]?
  {
    guard case .mapping(let m) = node else {
      error(node, path, "expected \(what), found \(Self.kind(node))")
      return nil
    }
    var seen: [String: Node] = [:]
    var entries: [MappingEntry] = []
    for (k, v) in m {
      guard case .scalar(let ks) = k else {
        error(k, path, "a key must be a plain name, found \(Self.kind(k))")
        continue
      }
      if let first = seen[ks.string] {
        let line = first.mark.map { " (first at line \($0.line))" } ?? ""
        error(k, path.appending(ks.string), "duplicate key '\(ks.string)'\(line)")
        continue
      }
      seen[ks.string] = k
      entries.append(MappingEntry(key: ks.string, keyNode: k, value: v, path: path.appending(ks.string)))
    }
    return entries
  }

  /// Reports keys not in `allowed`, with a "did you mean" suggestion.
  func checkKeys(_ entries: [MappingEntry], allowed: [String], context: String) {
    for e in entries where !allowed.contains(e.key) {
      var message = "unknown key '\(e.key)' in \(context)"
      if let suggestion = Spelling.suggestion(for: e.key, among: allowed) {
        message += "; did you mean '\(suggestion)'?"
      } else {
        message += "; expected one of: \(allowed.joined(separator: ", "))"
      }
      error(e.keyNode, e.path, message)
    }
  }

  func entry(_ entries: [MappingEntry], _ key: String) -> MappingEntry? {
    entries.first { $0.key == key }
  }

  /// The list's items; a single scalar is accepted as a one-item list when `allowScalar`.
  func sequence(_ node: Node, _ path: [PathComponent], allowScalar: Bool = false) -> [(Node, [PathComponent])]? {
    switch node {
    case .sequence(let s):
      return s.enumerated().map { ($0.element, path.appending($0.offset)) }
    case .scalar where allowScalar && !Self.isNull(node):
      return [(node, path)]
    default:
      error(node, path, "expected a list, found \(Self.kind(node))")
      return nil
    }
  }

  // MARK: - Scalars

  func string(_ node: Node, _ path: [PathComponent], what: String = "a text") -> String? {
    guard case .scalar(let s) = node, !Self.isNull(node) else {
      error(node, path, "expected \(what), found \(Self.kind(node))")
      return nil
    }
    return s.string
  }

  /// A plain scalar read as a finite decimal number (`0.5`, `1e-3`, `60_000`).
  func number(_ node: Node, _ path: [PathComponent], what: String = "a number") -> Double? {
    guard case .scalar(let s) = node, !Self.isNull(node) else {
      error(node, path, "expected \(what), found \(Self.kind(node))")
      return nil
    }
    guard let v = Self.parseNumber(s.string) else {
      error(node, path, "expected \(what), found '\(s.string)'")
      return nil
    }
    return v
  }

  static func parseNumber(_ text: String) -> Double? {
    let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
    guard !t.isEmpty, t.unicodeScalars.allSatisfy({ "0123456789.eE+-".unicodeScalars.contains($0) }),
      let v = Double(t), v.isFinite
    else { return nil }
    return v
  }

  func integer(_ node: Node, _ path: [PathComponent], what: String) -> Int? {
    guard let v = number(node, path, what: what) else { return nil }
    guard v == v.rounded(), Swift.abs(v) < 1e15 else {
      error(node, path, "expected \(what) (a whole number), found \(Self.kind(node))")
      return nil
    }
    return Int(v)
  }

  /// `true`/`false` (also `yes`/`no`).
  func bool(_ node: Node, _ path: [PathComponent], what: String) -> Bool? {
    switch string(node, path, what: what) {
    case "true", "yes": return true
    case "false", "no": return false
    case nil: return nil
    case let text?:
      error(node, path, "expected \(what): true or false, found '\(text)'")
      return nil
    }
  }

  /// A name usable in expressions and output files: a letter or `_`, then letters, digits, `_`.
  func identifier(_ name: String, _ node: Node, _ path: [PathComponent], what: String) -> Bool {
    let scalars = Array(name.unicodeScalars)
    guard let first = scalars.first, first.isNameStart, scalars.allSatisfy(\.isNameContinuation) else {
      error(node, path, "'\(name)' is not a valid \(what) name; use letters, digits and '_', starting with a letter")
      return false
    }
    return true
  }
}

/// "Did you mean" suggestions by edit distance (also used by the `mbc` commands).
public enum Spelling {
  /// The closest candidate within an edit distance of max(1, ⌊length/3⌋), if any.
  public static func suggestion(for word: String, among candidates: [String]) -> String? {
    let limit = max(1, word.count / 3)
    var best: (String, Int)?
    for c in candidates {
      let d = distance(word.lowercased(), c.lowercased())
      if d <= limit, d < (best?.1 ?? .max) { best = (c, d) }
    }
    return best?.0
  }

  /// Edit distance with adjacent transpositions (optimal string alignment): the number of
  /// insertions, deletions, substitutions and swaps of two neighbouring letters ("Sikc" is one
  /// edit from "Sick").
  public static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          d[i][j] = Swift.min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[a.count][b.count]
  }
}

extension PathComponent: ExpressibleByStringLiteral {
  init(stringLiteral value: String) { self = .key(value) }
}
