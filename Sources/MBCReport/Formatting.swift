/// Number formats for text meant to be read by people (terminal output, report.html); the
/// CSV files use ``CSVTable/format(_:)`` instead, which reads back exactly.
public enum Formatting {
  /// Rounded to a whole number, thousands separated by commas: `-1,234,567`; `n/a` when not
  /// finite; beyond ±1e18 (no whole number of 64 bits) in exponent form, `1.23e+304`.
  public static func grouped(_ value: Double) -> String {
    guard value.isFinite else { return "n/a" }
    guard value.magnitude < 1e18 else { return String(format: "%.3g", value) }
    let n = Int64(value.rounded())
    let digits = Array(String(n.magnitude))
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(d)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// `€1,234` for EUR, `USD 1,234` otherwise; a minus sign for negative amounts.
  public static func money(_ value: Double, _ currency: String) -> String {
    guard value.isFinite else { return "n/a" }
    let sign = value < 0 ? "−" : ""
    return sign + (currency == "EUR" ? "€" : currency + " ") + grouped(value.magnitude)
  }
}
