import ArgumentParser

/// A number of Monte Carlo runs as users write it: `1000000`, `1_000_000` or `1e6`.
///
/// The mantissa and the exponent must be whole numbers, so that the count is exact:
/// `1e6` and `25e3` are accepted, `1.5e3` is rejected (write `1500` or `15e2`). Zero and
/// negative counts are rejected.
struct RunCount: Sendable, Equatable, CustomStringConvertible {
  let value: Int

  init(_ value: Int) { self.value = value }

  static func parse(_ text: String) -> Int? {
    let parts = text.lowercased().split(separator: "e", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count) else { return nil }
    func digits(_ s: Substring) -> Int? {
      guard let first = s.first, first.isASCII, first.isNumber, s.last != "_",
        !s.contains("__"), s.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" })
      else { return nil }
      return Int(s.replacingOccurrences(of: "_", with: ""))
    }
    guard var v = digits(parts[0]) else { return nil }
    if parts.count == 2 {
      guard let exponent = digits(parts[1]), exponent <= 18 else { return nil }
      for _ in 0..<exponent {
        let (r, overflow) = v.multipliedReportingOverflow(by: 10)
        if overflow { return nil }
        v = r
      }
    }
    return v > 0 ? v : nil
  }

  var description: String { String(value) }

  /// Parses `text` or throws a message that says what is accepted.
  static func transform(_ text: String) throws -> RunCount {
    guard let v = parse(text) else {
      let why = text.contains(".")
        ? "the number of runs must be written with whole numbers (e.g. 1500 or 15e2, not 1.5e3)"
        : (parse(text.replacingOccurrences(of: "-", with: "")) != nil || text == "0" || Int(text) == 0
          ? "the number of runs must be at least 1"
          : "write a whole number such as 1000000, 1_000_000 or 1e6")
      throw ValidationError(why)
    }
    return RunCount(v)
  }
}
