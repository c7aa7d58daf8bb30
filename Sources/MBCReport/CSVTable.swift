import Foundation

/// A tidy CSV table: one header row, then rows of fields; RFC 4180 quoting; numbers with
/// `.` decimals and no thousands separators, in the shortest form that reads back to the
/// same double (so that `pandas.read_csv` and R's `read.csv` need no options and lose no
/// precision). Missing or undefined numbers (NaN) are written `NA`, which both read as missing.
public struct CSVTable: Sendable {
  public let header: [String]
  public private(set) var rows: [[String]] = []

  public init(header: [String]) {
    self.header = header
  }

  /// A field: text, a number, an integer or missing.
  public enum Field: Sendable, ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    case text(String)
    case number(Double)
    case integer(Int)
    case missing

    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }

    var rendered: String {
      switch self {
      case .text(let s): CSVTable.quote(s)
      case .number(let v): CSVTable.format(v)
      case .integer(let i): String(i)
      case .missing: "NA"
      }
    }
  }

  /// A table read back from the text of a CSV file as ``text`` writes it (RFC 4180 quoting,
  /// `\n` or `\r\n` line ends); nil when there is no header or a row has a different number of
  /// fields. Its ``rows`` and ``text`` equal those of the table that was written.
  public init?(parsing text: String) {
    var lines: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var afterQuote = false
    for c in text.unicodeScalars {
      if quoted {
        if c == "\"" {
          quoted = false
          afterQuote = true
        } else {
          field.unicodeScalars.append(c)
        }
        continue
      }
      switch c {
      case "\"":
        if afterQuote { field.unicodeScalars.append("\"") }  // "" inside a quoted field
        quoted = true
      case ",":
        row.append(field)
        field = ""
      case "\r": break
      case "\n":
        row.append(field)
        lines.append(row)
        row = []
        field = ""
      default: field.unicodeScalars.append(c)
      }
      afterQuote = false
    }
    if !field.isEmpty || !row.isEmpty {
      row.append(field)
      lines.append(row)
    }
    guard let header = lines.first else { return nil }
    self.header = header
    for line in lines.dropFirst() {
      guard line.count == header.count else { return nil }
      rows.append(line.map(CSVTable.quote))
    }
  }

  public mutating func append(_ fields: [Field]) {
    precondition(fields.count == header.count, "CSV row has \(fields.count) fields, header has \(header.count)")
    rows.append(fields.map(\.rendered))
  }

  /// The whole table as text, lines ending in `\n`.
  public var text: String {
    var out = header.map(CSVTable.quote).joined(separator: ",") + "\n"
    for r in rows { out += r.joined(separator: ",") + "\n" }
    return out
  }

  /// Shortest round-trip decimal; `NA` for NaN; `Inf`/`-Inf` for infinities.
  public static func format(_ v: Double) -> String {
    if v.isNaN { return "NA" }
    if v.isInfinite { return v > 0 ? "Inf" : "-Inf" }
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return "\(v)"
  }

  /// The text of a field as stored in ``rows`` (quoted when it holds a comma or quote).
  public static func unquote(_ s: String) -> String {
    guard s.hasPrefix("\""), s.hasSuffix("\""), s.count >= 2 else { return s }
    return String(s.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
  }

  /// The rows whose columns have the given values, as dictionaries column → field text
  /// (unquoted).
  public func records(where keys: [String: String] = [:]) -> [[String: String]] {
    rows.compactMap { row in
      var r: [String: String] = [:]
      for (i, h) in header.enumerated() { r[h] = CSVTable.unquote(row[i]) }
      for (k, v) in keys where r[k] != v { return nil }
      return r
    }
  }

  /// Quotes a field when it contains a comma, quote, or line break.
  public static func quote(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
