import Foundation
import MBCScenario

/// The tables of a simulation, as written to the CSV files; the report shows the same numbers.
public struct ReportTables: Sendable {
  public var ledger: CSVTable?
  public var incremental: CSVTable?
  public var ceac: CSVTable?
  public var evpi: CSVTable?
  public var evppi: CSVTable?
  public var breakEven: CSVTable?
  public var cashflow: CSVTable?
  public var trace: CSVTable?

  public init() {}
}

extension CSVTable {
  /// The rows whose columns have the given values, as dictionaries column → field text.
  public func records(where keys: [String: String] = [:]) -> [[String: String]] {
    rows.compactMap { row in
      var r: [String: String] = [:]
      for (i, h) in header.enumerated() { r[h] = row[i] }
      for (k, v) in keys where r[k] != v { return nil }
      return r
    }
  }
}

extension HTMLReport {
  static func number(_ r: [String: String], _ key: String) -> Double? {
    guard let t = r[key] else { return nil }
    if t == "Inf" { return .infinity }
    return Double(t)
  }

  static func years(_ v: Double?) -> String {
    guard let v else { return "n/a" }
    return v.isInfinite ? "not within the horizon" : "\(format(v, digits: 1)) years"
  }

  /// Return on investment, roles and payback per payer (ledger.csv) and the net saving per year
  /// as paid (cashflow.csv, undiscounted) for one comparison.
  static func ledgerSection(_ t: ReportTables, scenario s: Scenario, arm: String) -> String {
    var out = ""
    let payers = s.payers.map { ($0.name, $0.label) } + [("total", "All payers")]
    if let ledger = t.ledger {
      let rows = ledger.records(where: ["arm": arm])
      let hasROI = rows.contains { $0["roi"] != "NA" }
      out += "<h3>Return on investment and payback</h3>\n<table>\n<tr><th>Payer</th><th>Role</th>"
      if hasROI { out += "<th>Share of the investment</th><th>Return per euro invested</th>" }
      out += "<th>Payback time (median)</th><th>P(paid back by the horizon)</th></tr>\n"
      for (i, payer) in payers.enumerated() {
        guard let r = rows.first(where: { $0["payer"] == payer.0 }) else { continue }
        out += "<tr\(i == s.payers.count ? " class=\"total\"" : "")><td>\(escape(payer.1))</td><td>\(escape(r["role"] ?? ""))</td>"
        if hasROI {
          out += "<td class=\"n\">\(number(r, "intervention_cost_mean").map { money($0, s.currency) } ?? "n/a")</td>"
          let roi = number(r, "roi").map { format($0, digits: 2) } ?? "n/a"
          let ci = (r["roi_ci_form"] == "bounded") ? " (\(format(number(r, "roi_ci_low") ?? .nan, digits: 2))–\(format(number(r, "roi_ci_high") ?? .nan, digits: 2)))" : ""
          out += "<td class=\"n\">\(roi)\(ci)</td>"
        }
        out += "<td class=\"n\">\(years(number(r, "payback_years_p50")))</td><td class=\"n\">\(format((number(r, "p_paid_back_by_horizon") ?? .nan) * 100, digits: 0))%</td></tr>\n"
      }
      out += "</table>\n<p class=\"note\">"
      if hasROI {
        out += "Return per euro invested: the payer's avoided costs divided by the extra cost of the intervention (all payers), a ratio of means with its 95% confidence interval. "
      }
      out += "Payback: the time after which the cumulative discounted net saving stays positive, the median over the runs.</p>\n"
    }
    if let cash = t.cashflow {
      let rows = cash.records(where: ["measure": "net_saving", "arm": arm, "basis": "undiscounted"])
      let yearLabels = Array(Set(rows.compactMap { r in r["year"].flatMap(Int.init) })).sorted()
      if !yearLabels.isEmpty {
        out += "<h3>Net saving per year, as paid (undiscounted)</h3>\n<table>\n<tr><th>Payer</th>"
        for y in yearLabels {
          let calendar = rows.first { $0["year"] == String(y) }?["calendar_year"]
          out += "<th>\(calendar.flatMap { $0 == "NA" ? nil : $0 } ?? "Year \(y)")</th>"
        }
        out += "</tr>\n"
        for (i, payer) in payers.enumerated() {
          out += "<tr\(i == s.payers.count ? " class=\"total\"" : "")><td>\(escape(payer.1))</td>"
          for y in yearLabels {
            let v = rows.first { $0["payer"] == payer.0 && $0["year"] == String(y) }.flatMap { number($0, "mean") }
            out += "<td class=\"n\">\(v.map { money($0, s.currency) } ?? "")</td>"
          }
          out += "</tr>\n"
        }
        out += "</table>\n"
      }
    }
    return out
  }

  /// The state occupancy over time: one line per state, solid for the reference arm and
  /// dashed for the arm (trace.csv, share of the cohort).
  static func traceSection(_ t: ReportTables, scenario s: Scenario, arm: String) -> String {
    guard let trace = t.trace else { return "" }
    let reference = s.arms[s.referenceArm].name
    var series: [ChartSeries] = []
    for (k, state) in s.states.enumerated() {
      for (which, dashed) in [(reference, false), (arm, true)] {
        let points = trace.records(where: ["arm": which, "state": state.name]).compactMap { r -> (Double, Double)? in
          guard let c = number(r, "cycle"), let v = number(r, "share_mean") else { return nil }
          return (c, v)
        }
        series.append(ChartSeries(points: points, colour: k, dashed: dashed))
      }
    }
    var out = "<h3>Where the clients are</h3>\n"
    out += shareChart(series, legend: s.states.map(\.label), xMax: Double(s.horizon), xLeft: "start", xRight: "\(s.horizon) \(s.cycle.rawValue)s", label: "State occupancy over time")
    out += "<p class=\"note\">Share of the cohort in each state (mean over the runs): solid \(escape(s.arms[s.referenceArm].label)), dashed \(escape(s.arms.first { $0.name == arm }?.label ?? arm)).</p>\n"
    return out
  }

  /// One line of a chart: points (x, y with y in 0…1), a colour index, solid or dashed.
  struct ChartSeries {
    var points: [(Double, Double)]
    var colour: Int
    var dashed = false
  }

  static let chartColours = ["#2a6fb0", "#d08770", "#5e9c6a", "#b48ead", "#c0a030", "#4c566a", "#88c0d0", "#bf616a"]

  /// An SVG chart of shares or probabilities (0 to 100%) against x in 0…xMax, with a legend of
  /// colour labels on the right.
  static func shareChart(_ series: [ChartSeries], legend: [String], xMax: Double, xLeft: String, xRight: String, label: String) -> String {
    let width = 720.0, height = 230.0, left = 40.0, bottom = 30.0, right = 140.0
    func x(_ v: Double) -> Double { left + v / xMax * (width - left - right) }
    func y(_ v: Double) -> Double { height - bottom - v * (height - bottom - 10) }
    var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"\(escape(label))\">\n"
    for line in series {
      let points = line.points.map { "\(fmt(x($0.0))),\(fmt(y($0.1)))" }.joined(separator: " ")
      svg += "<polyline fill=\"none\" stroke=\"\(chartColours[line.colour % chartColours.count])\" stroke-width=\"1.8\"\(line.dashed ? " stroke-dasharray=\"5,3\"" : "") points=\"\(points)\"/>\n"
    }
    for (k, text) in legend.enumerated() {
      svg += "<text x=\"\(fmt(width - right + 8))\" y=\"\(fmt(20 + Double(k) * 15))\" fill=\"\(chartColours[k % chartColours.count])\">\(escape(text))</text>\n"
    }
    svg += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(width - right))\" y1=\"\(fmt(y(0)))\" y2=\"\(fmt(y(0)))\" stroke=\"#999\"/>\n"
    svg += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(y(1) + 4))\" text-anchor=\"end\">100%</text><text x=\"\(fmt(left - 4))\" y=\"\(fmt(y(0)))\" text-anchor=\"end\">0</text>\n"
    svg += "<text x=\"\(fmt(left))\" y=\"\(fmt(height - 8))\">\(escape(xLeft))</text><text x=\"\(fmt(width - right))\" y=\"\(fmt(height - 8))\" text-anchor=\"end\">\(escape(xRight))</text>\n"
    return svg + "</svg>\n"
  }

  /// The incremental analysis, the acceptability curves, the value of information and the
  /// break-even values (once, for all arms).
  static func analysisSection(_ t: ReportTables, scenario s: Scenario) -> String {
    var out = ""
    if let outcome = s.outcomeLabel, let incremental = t.incremental {
      // An event outcome is stored as minus the count (more is better); shown as the count.
      var column = outcome.prefix(1).uppercased() + outcome.dropFirst()
      var sign = 1.0
      if case .eventsAvoided(let e)? = s.analysis.outcome {
        column = s.events[e].label
        sign = -1
      }
      out += "<h2>Cost-effectiveness: \(escape(outcome))</h2>\n<table>\n<tr><th>Arm</th><th>Cost (mean)</th><th>\(escape(column)) (mean)</th><th>Status</th><th>ICER</th><th>95% confidence set (Fieller)</th></tr>\n"
      for r in incremental.records() {
        let status = (r["status"] ?? "").replacingOccurrences(of: "_", with: " ") + (r["dominated_by"].flatMap { $0 == "NA" ? nil : " by \($0)" } ?? "")
        var ci = ""
        switch r["icer_ci_fieller_form"] {
        case "bounded": ci = "\(money(number(r, "icer_ci_fieller_low") ?? .nan, s.currency)) to \(money(number(r, "icer_ci_fieller_high") ?? .nan, s.currency))"
        case "two_rays": ci = "unbounded: below \(money(number(r, "icer_ci_fieller_low") ?? .nan, s.currency)) or above \(money(number(r, "icer_ci_fieller_high") ?? .nan, s.currency))"
        case "whole_line": ci = "unbounded (any value)"
        default: ci = ""
        }
        let icer = number(r, "icer").map { "\(money($0, s.currency)) per unit vs \(escape(r["comparator"] ?? ""))" } ?? ""
        out += "<tr><td>\(escape(r["arm"] ?? ""))</td><td class=\"n\">\(money(number(r, "cost_mean") ?? .nan, s.currency))</td><td class=\"n\">\(format(sign * (number(r, "outcome_mean") ?? .nan), digits: 2))</td><td>\(escape(status))</td><td class=\"n\">\(icer)</td><td>\(ci)</td></tr>\n"
      }
      out += "</table>\n<p class=\"note\">Arms in order of cost. The ICER is the extra cost per extra unit of \(escape(outcome)) against the previous arm on the efficient frontier (a ratio of mean costs and effects). An unbounded confidence set means the difference in \(escape(outcome)) may be zero.</p>\n"
      if let ceac = t.ceac { out += ceacChart(ceac, scenario: s) }
    }
    if let evpi = t.evpi {
      let rows = evpi.records()
      let at = s.analysis.willingnessToPay.flatMap { w in rows.first { number($0, "wtp") == w } } ?? rows.max { (number($0, "evpi_per_client") ?? 0) < (number($1, "evpi_per_client") ?? 0) }
      if let at {
        out += "<h2>Value of more research</h2>\n<p>"
        let wtpText = s.analysis.outcome == nil ? "" : " at \(money(number(at, "wtp") ?? 0, s.currency)) per unit of \(escape(s.outcomeLabel ?? "outcome"))"
        out += "Perfect information about every uncertain parameter would be worth \(money(number(at, "evpi_per_client") ?? .nan, s.currency)) per client\(wtpText)"
        if let p = number(at, "population_evpi"), p.isFinite { out += ", \(money(p, s.currency)) for the population of the decision" }
        out += " (expected value of perfect information).</p>\n"
        if let evppi = t.evppi {
          let groups = evppi.records().sorted { (number($0, "evppi_per_client") ?? 0) > (number($1, "evppi_per_client") ?? 0) }.prefix(5)
          if !groups.isEmpty {
            out += "<table>\n<tr><th>Parameters</th><th>EVPPI per client</th><th>Share of the EVPI</th><th>Fit (R²)</th></tr>\n"
            for g in groups {
              out += "<tr><td><code>\(escape(g["parameters"] ?? ""))</code></td><td class=\"n\">\(money(number(g, "evppi_per_client") ?? .nan, s.currency))</td><td class=\"n\">\(format((number(g, "share_of_evpi") ?? .nan) * 100, digits: 0))%</td><td class=\"n\">\(format(number(g, "r_squared_min") ?? .nan, digits: 2))</td></tr>\n"
            }
            out += "</table>\n<p class=\"note\">The parameters whose uncertainty matters most for the decision (expected value of partial perfect information, by a regression metamodel; the five largest).</p>\n"
          }
        }
      }
    }
    if let breakEven = t.breakEven {
      let rows = breakEven.records()
      if let first = rows.first {
        out += "<h2>Break-even: <code>\(escape(first["parameter"] ?? ""))</code></h2>\n<table>\n<tr><th>Arm</th><th>Payer</th><th>Breaks even at</th><th>Result</th></tr>\n"
        for r in rows {
          let value = number(r, "break_even_value").map { "\(format($0, digits: 3)) ± \(format(number(r, "mcse") ?? .nan, digits: 3))" } ?? "—"
          out += "<tr><td>\(escape(r["arm"] ?? ""))</td><td>\(escape(r["payer"] ?? ""))</td><td class=\"n\">\(value)</td><td>\(escape((r["result"] ?? "").replacingOccurrences(of: "_", with: " ")))</td></tr>\n"
        }
        out += "</table>\n<p class=\"note\">The value of the parameter (searched from \(escape(first["range_low"] ?? "")) to \(escape(first["range_high"] ?? ""))) at which the mean net saving is zero, with its Monte Carlo error; the mean of its distribution is \(format(number(first, "parameter_mean") ?? .nan, digits: 3)).</p>\n"
      }
    }
    return out
  }

  /// Acceptability curves: P(cost-effective) against the willingness to pay, one line per arm.
  static func ceacChart(_ ceac: CSVTable, scenario s: Scenario) -> String {
    let rows = ceac.records()
    let grid = Array(Set(rows.compactMap { number($0, "wtp") })).sorted()
    guard grid.count >= 2, let maxW = grid.last, maxW > 0 else { return "" }
    let series = s.arms.enumerated().map { k, arm in
      ChartSeries(points: rows.filter { $0["arm"] == arm.name }.compactMap { r in
        guard let w = number(r, "wtp"), let p = number(r, "p_cost_effective") else { return nil }
        return (w, p)
      }, colour: k)
    }
    var out = "<h3>Acceptability curves</h3>\n"
    out += shareChart(series, legend: s.arms.map(\.label), xMax: maxW, xLeft: money(0, s.currency), xRight: "\(money(maxW, s.currency)) per unit", label: "Cost-effectiveness acceptability curves")
    out += "<p class=\"note\">The probability that each arm has the highest net monetary benefit, by willingness to pay per unit of \(escape(s.outcomeLabel ?? "outcome")).</p>\n"
    return out
  }
}
