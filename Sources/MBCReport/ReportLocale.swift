import Foundation

/// How numbers are written for people in report.html: for international readers (the
/// default: `€1,234.56`, `USD 1,234`) or for Dutch readers (`--locale nl`: `€ 1.234,56`, a
/// decimal comma and `.` between thousands). The CSV files never use it: they keep `.` as the
/// decimal point and no thousands separators, so that they read back exactly.
///
/// Rounding is half away from zero on the stored (binary) value; a value that rounds to zero
/// has no sign; negative numbers take a minus sign (U+2212 `−`), before the currency symbol
/// internationally (`−€1,234`) and after it in Dutch (`€ −1.234`). Values that are NaN or
/// infinite are written `n/a`.
///
/// ```swift
/// ReportLocale.international.money(-1234.5, currency: "EUR", digits: 2)  // "−€1,234.50"
/// ReportLocale.dutch.money(1234.56, currency: "EUR", digits: 2)          // "€ 1.234,56"
/// ReportLocale.dutch.percent(0.125, digits: 1)                           // "12,5%"
/// ```
public enum ReportLocale: String, Sendable, CaseIterable {
  case international = "en"
  case dutch = "nl"

  /// The locale for a `--locale` code: `en` (international) or `nl` (Dutch); nil otherwise.
  public init?(code: String) {
    self.init(rawValue: code.lowercased())
  }

  /// The codes `--locale` accepts, for messages.
  public static var codes: [String] { allCases.map(\.rawValue) }

  public var decimalSeparator: String { self == .dutch ? "," : "." }
  public var groupingSeparator: String { self == .dutch ? "." : "," }

  /// A number with `digits` decimals and grouped thousands: `1,234.5` / `1.234,5`.
  public func number(_ value: Double, digits: Int = 0) -> String {
    guard value.isFinite else { return "n/a" }
    let (negative, whole, fraction) = Self.split(value, digits: digits)
    return (negative ? "−" : "") + grouped(whole) + (digits > 0 ? decimalSeparator + fraction : "")
  }

  /// An amount of money: `€1,234` (EUR) or `USD 1,234` internationally, `€ 1.234` or
  /// `USD 1.234` in Dutch; `digits` decimals (default whole units).
  public func money(_ value: Double, currency: String, digits: Int = 0) -> String {
    guard value.isFinite else { return "n/a" }
    let (negative, whole, fraction) = Self.split(value, digits: digits)
    let amount = grouped(whole) + (digits > 0 ? decimalSeparator + fraction : "")
    let minus = negative ? "−" : ""
    switch self {
    case .international: return minus + (currency == "EUR" ? "€" : currency + " ") + amount
    case .dutch: return (currency == "EUR" ? "€" : currency) + " " + minus + amount
    }
  }

  /// A fraction as a percentage: 0.125 → `13%` (`12.5%` / `12,5%` with one digit).
  public func percent(_ fraction: Double, digits: Int = 0) -> String {
    guard fraction.isFinite else { return "n/a" }
    return number(fraction * 100, digits: digits) + "%"
  }

  /// Sign, whole part and `digits` decimal digits of `value` rounded half away from zero.
  static func split(_ value: Double, digits: Int) -> (negative: Bool, whole: String, fraction: String) {
    let digits = max(0, min(digits, 12))
    let scale = Double.pow10(digits)
    let scaled = (value.magnitude * scale).rounded(.toNearestOrAwayFromZero)
    var whole: String
    var fraction: String
    if scaled < 9e15 {
      let n = UInt64(scaled)
      let p = UInt64(scale)
      whole = String(n / p)
      fraction = digits == 0 ? "" : String(n % p)
      fraction = String(repeating: "0", count: digits - fraction.count) + fraction
    } else {
      // Beyond 2⁵³ every double is whole: no decimals to round.
      whole = String(format: "%.0f", value.magnitude)
      fraction = String(repeating: "0", count: digits)
    }
    if digits == 0 { fraction = "" }
    return (value < 0 && scaled != 0, whole, fraction)
  }

  private func grouped(_ digits: String) -> String {
    var out = ""
    let chars = Array(digits)
    for (i, d) in chars.enumerated() {
      if i > 0 && (chars.count - i) % 3 == 0 { out += groupingSeparator }
      out.append(d)
    }
    return out
  }
}

extension Double {
  fileprivate static func pow10(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<n { r *= 10 }
    return r
  }
}
