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

  /// Quotes a field when it contains a comma, quote, or line break.
  public static func quote(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
