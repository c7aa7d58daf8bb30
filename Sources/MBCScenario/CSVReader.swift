import Foundation

/// A small RFC 4180 CSV reader for data files a scenario refers to (tables, empirical
/// distributions): `,` separators, `"` quoting with `""` escapes, `\n` or `\r\n` line ends.
enum CSVReader {
  static func parse(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var iterator = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = nil
    func next() -> Unicode.Scalar? {
      if let p = pending {
        pending = nil
        return p
      }
      return iterator.next()
    }
    while let c = next() {
      if quoted {
        if c == "\"" {
          if let d = next() {
            if d == "\"" { field.unicodeScalars.append("\"") } else {
              quoted = false
              pending = d
            }
          } else {
            quoted = false
          }
        } else {
          field.unicodeScalars.append(c)
        }
        continue
      }
      switch c {
      case "\"": quoted = true
      case ",":
        row.append(field)
        field = ""
      case "\r": break
      case "\n":
        row.append(field)
        rows.append(row)
        row = []
        field = ""
      default: field.unicodeScalars.append(c)
      }
    }
    if !field.isEmpty || !row.isEmpty {
      row.append(field)
      rows.append(row)
    }
    return rows.map { $0.map { $0.trimmingCharacters(in: .whitespaces) } }
  }
}
