import MBCEngine
import MBCScenario

/// The deterministic base case as a table for people (`mbc check --base-case`): every
/// parameter at the mean of its distribution, the cohort engine's exact expected values,
/// divided by the number of clients so that every amount is **per client** over the horizon.
///
/// Rows: each arm's cost per payer and in total, the part of it that is the intervention
/// itself, its effects and events; then, per arm against the reference, the net saving per
/// payer (reference cost − arm cost: positive = the payer saves), the effect gains and the
/// events avoided. This is what a deterministic spreadsheet business case shows, and what the
/// Monte Carlo means of `mbc simulate` scatter around (they differ from it where the model is
/// non-linear in its parameters).
public enum BaseCaseReport {
  public static func render(_ scenario: Scenario, layout: MetricLayout, row: [Double]) -> String {
    let n = Double(scenario.clients)
    let currency = scenario.currency
    let arms = scenario.arms.map(\.name)
    let reference = arms[scenario.referenceArm]
    let compared = arms.filter { $0 != reference }
    var lines: [[String]] = []
    var numeric: [Bool] = []

    func value(_ name: String) -> Double? { layout.index(of: name).map { row[$0] / n } }
    func amount(_ x: Double?, money: Bool) -> String {
      guard let x else { return "" }
      return money ? Formatting.money(x, currency) : format(x)
    }
    func add(_ label: String, _ kind: MetricLayout.Kind, _ key: String, over arms: [String], money: Bool) {
      let label = label.count > 48 ? String(label.prefix(47)) + "…" : label
      lines.append([label] + arms.map { amount(value("\(kind.rawValue).\($0).\(key)"), money: money) })
      numeric.append(true)
    }
    func heading(_ text: String, _ columns: [String]) {
      lines.append([text] + columns)
      numeric.append(false)
    }
    let payers = scenario.payers.map { ($0.name, $0.label) } + [("total", "total")]

    heading("Cost per client", arms)
    for (name, label) in payers { add("  \(label)", .cost, name, over: arms, money: true) }
    if layout.hasInterventionCost {
      heading("Of which the intervention", arms)
      for (name, label) in payers { add("  \(label)", .interventionCost, name, over: arms, money: true) }
    }
    if !scenario.effects.isEmpty {
      heading("Effects per client", arms)
      for f in scenario.effects { add("  \(f.label)", .effect, f.name, over: arms, money: false) }
    }
    if !scenario.events.isEmpty {
      heading("Events per client", arms)
      for e in scenario.events { add("  \(e.label)", .events, e.name, over: arms, money: false) }
    }
    if !compared.isEmpty {
      let versus = compared.map { "\($0) vs \(reference)" }
      heading("Net saving per client", versus)
      for (name, label) in payers { add("  \(label)", .netSaving, name, over: compared, money: true) }
      if !scenario.effects.isEmpty {
        heading("Effect gained per client", versus)
        for f in scenario.effects { add("  \(f.label)", .effectGain, f.name, over: compared, money: false) }
      }
      if !scenario.events.isEmpty {
        heading("Events avoided per client", versus)
        for e in scenario.events { add("  \(e.label)", .eventsAvoided, e.name, over: compared, money: false) }
      }
    }

    let columns = lines.map(\.count).max() ?? 1
    var widths = [Int](repeating: 0, count: columns)
    for line in lines { for (k, cell) in line.enumerated() { widths[k] = max(widths[k], cell.count) } }
    let years = Double(scenario.horizon) / scenario.cyclesPerYear
    let yearsText = years == years.rounded() ? "\(Int(years)) year\(years == 1 ? "" : "s")" : "\(format(years)) years"
    var out = "Base case of '\(scenario.name)'\(scenario.onlySubgroupLabel.map { ", subgroup \($0)" } ?? ""): every parameter at its mean, cohort engine (exact expected values), per client over \(yearsText)"
    out += "; \(currency)\(scenario.priceYear.map { " \($0)" } ?? ""), costs discounted at \(format(scenario.costDiscountRate * 100))% a year.\n"
    for (line, isNumber) in zip(lines, numeric) {
      if !isNumber { out += "\n" }
      var text = ""
      for (k, cell) in line.enumerated() {
        let pad = String(repeating: " ", count: widths[k] - cell.count)
        text += k == 0 ? cell + pad : "  " + pad + cell
      }
      out += text.trimmingTrailingSpaces() + "\n"
    }
    return out
  }

  /// Three significant digits or two decimals, whichever shows more.
  static func format(_ x: Double) -> String {
    guard x.isFinite else { return "n/a" }
    let magnitude = abs(x)
    let decimals = magnitude >= 100 ? 0 : magnitude >= 1 ? 2 : 3
    var text = String(Int64((magnitude * pow10(decimals)).rounded()))
    if decimals > 0 {
      while text.count <= decimals { text = "0" + text }
      text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
    }
    return (x < 0 && text.contains(where: { $0 != "0" && $0 != "." }) ? "−" : "") + text
  }

  private static func pow10(_ k: Int) -> Double { k == 0 ? 1 : k == 2 ? 100 : 1000 }
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
