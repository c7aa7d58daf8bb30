import Foundation
import MBCScenario

/// The tables of a simulation, as written to the CSV files; the report is drawn from these
/// alone (with the scenario and the manifest), so that `mbc report` can redraw it.
public struct ReportTables: Sendable {
  public var summary: CSVTable?
  public var ledger: CSVTable?
  public var incremental: CSVTable?
  public var ceac: CSVTable?
  public var evpi: CSVTable?
  public var evppi: CSVTable?
  public var breakEven: CSVTable?
  public var cashflow: CSVTable?
  public var trace: CSVTable?
  public var plane: CSVTable?

  public init() {}

  /// The files the report reads, by table.
  public static var files: [(file: String, table: WritableKeyPath<ReportTables, CSVTable?>)] {
    [
      ("summary.csv", \.summary), ("ledger.csv", \.ledger), ("incremental.csv", \.incremental), ("ceac.csv", \.ceac),
      ("evpi.csv", \.evpi), ("evppi.csv", \.evppi), ("break_even.csv", \.breakEven), ("cashflow.csv", \.cashflow),
      ("trace.csv", \.trace), ("plane.csv", \.plane),
    ]
  }

  /// Reads the tables of an output directory; a file that does not exist is left out.
  /// - Throws: ``OutputError`` for a file that cannot be read or is not a CSV table.
  public static func read(directory: String) throws(OutputError) -> ReportTables {
    var tables = ReportTables()
    for (file, key) in files {
      let path = (directory as NSString).appendingPathComponent(file)
      guard FileManager.default.fileExists(atPath: path) else { continue }
      guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw OutputError(path: path, reason: "cannot read the file")
      }
      guard let table = CSVTable(parsing: text) else {
        throw OutputError(
          path: path, reason: "not a CSV table (a row has a different number of fields than the header)")
      }
      tables[keyPath: key] = table
    }
    return tables
  }
}

extension HTMLReport {
  func years(_ v: Double?) -> String {
    guard let v else { return "n/a" }
    return v.isInfinite ? "not within the horizon" : "\(locale.number(v, digits: 1)) years"
  }

  /// Return on investment, roles and payback per payer (ledger.csv) and the net saving per year
  /// as paid (cashflow.csv, undiscounted) for one comparison.
  func ledgerSection(arm: String) -> String {
    var out = ""
    if let ledger = t.ledger {
      let rows = ledger.records(where: ["arm": arm])
      let hasROI = rows.contains { $0["roi"] != "NA" }
      out += "<h3>Return on investment and payback</h3>\n<table>\n<tr><th>Payer</th><th>Role</th>"
      if hasROI { out += "<th>Share of the investment</th><th>Return per euro invested</th>" }
      out += "<th>Payback time (median)</th><th>P(paid back by the horizon)</th></tr>\n"
      for (i, payer) in payers.enumerated() {
        guard let r = rows.first(where: { $0["payer"] == payer.name }) else { continue }
        out +=
          "<tr\(i == s.payers.count ? " class=\"total\"" : "")><td>\(escape(payer.label))</td>"
            + "<td>\(escape(r["role"] ?? ""))</td>"
        if hasROI {
          out += "<td class=\"n\">\(Self.number(r, "intervention_cost_mean").map { money($0) } ?? "n/a")</td>"
          let roi = Self.number(r, "roi").map { locale.number($0, digits: 2) } ?? "n/a"
          let low = locale.number(Self.number(r, "roi_ci_low") ?? .nan, digits: 2)
          let high = locale.number(Self.number(r, "roi_ci_high") ?? .nan, digits: 2)
          out += "<td class=\"n\">\(roi)\(r["roi_ci_form"] == "bounded" ? " (\(low)–\(high))" : "")</td>"
        }
        out += "<td class=\"n\">\(years(Self.number(r, "payback_years_p50")))</td>"
        out += "<td class=\"n\">\(locale.percent(Self.number(r, "p_paid_back_by_horizon") ?? .nan))</td></tr>\n"
      }
      out += "</table>\n<p class=\"note\">"
      if hasROI {
        out +=
          "Return per euro invested: the payer's avoided costs divided by the extra cost of the intervention (all "
            + "payers), a ratio of "
        out += "means with its 95% confidence interval. "
      }
      out +=
        "Payback: the time after which the cumulative discounted net saving stays positive, the median over the "
          + "runs.</p>\n"
    }
    if let cash = t.cashflow {
      let rows = cash.records(where: ["measure": "net_saving", "arm": arm, "basis": "undiscounted"])
      let yearLabels = Array(Set(rows.compactMap { r in r["year"].flatMap(Int.init) })).sorted()
      if !yearLabels.isEmpty {
        out += "<h3>Net saving per year, as paid (undiscounted)</h3>\n<table>\n<tr><th>Payer</th>"
        for y in yearLabels {
          let calendar = rows.first { $0["year"] == String(y) }?["calendar_year"]
          out += "<th>\(escape(calendar.flatMap { $0 == "NA" ? nil : $0 } ?? "Year \(y)"))</th>"
        }
        out += "</tr>\n"
        for (i, payer) in payers.enumerated() {
          out += "<tr\(i == s.payers.count ? " class=\"total\"" : "")><td>\(escape(payer.label))</td>"
          for y in yearLabels {
            let v = rows.first { $0["payer"] == payer.name && $0["year"] == String(y) }.flatMap {
              Self.number($0, "mean")
            }
            out += "<td class=\"n\">\(v.map { money($0) } ?? "")</td>"
          }
          out += "</tr>\n"
        }
        out += "</table>\n"
      }
    }
    return out
  }

  /// Where the clients are: for each arm, the share of the cohort in each state over the
  /// cycles (trace.csv, the mean over the runs), one line per state.
  func traceSection() -> String {
    guard let trace = t.trace else { return "" }
    var out = "<h2>Where the clients are</h2>\n<div class=\"charts\">\n"
    var drawn = false
    for arm in s.arms {
      let rows = trace.records(where: ["arm": arm.name])
      let cycles = Array(Set(rows.compactMap { Self.number($0, "cycle") })).sorted()
      guard !cycles.isEmpty else { continue }
      var byKey: [String: Double] = [:]
      for r in rows {
        if let c = r["cycle"], let state = r["state"] { byKey["\(state)|\(c)"] = Self.number(r, "share_mean") }
      }
      let series = s.states.map { state in
        SVGChart.Series(name: state.label, values: cycles.map { byKey["\(state.name)|\(CSVTable.format($0))"] ?? .nan })
      }
      out += SVGChart.lines(
        chart: "trace-\(arm.name)", title: arm.label, x: cycles, series: series,
        xTitle: "\(s.cycle.rawValue)s from the start",
        yTitle: "share of the cohort", xFormat: { locale.number($0) }, yFormat: { locale.percent($0) }, yRange: 0...1)
      drawn = true
    }
    guard drawn else { return "" }
    out +=
      "</div>\n<p class=\"note\">The share of the cohort in each state at the start of each \(s.cycle.rawValue) (the "
        + "last point: the end of "
    out += "the horizon), the mean over the runs, for each arm.</p>\n"
    return out
  }

  /// The incremental analysis, the acceptability curves, the value of information and the
  /// break-even values (once, for all arms).
  func analysisSection() -> String {
    var out = ""
    if let outcome = s.outcomeLabel, let incremental = t.incremental {
      // An event outcome is stored as minus the count (more is better); shown as the count.
      var column = outcome.prefix(1).uppercased() + outcome.dropFirst()
      var sign = 1.0
      if case .eventsAvoided(let e)? = s.analysis.outcome {
        column = s.events[e].label
        sign = -1
      }
      out +=
        "<h2>Cost-effectiveness: \(escape(outcome))</h2>\n<table>\n<tr><th>Arm</th><th>Cost "
          + "(mean)</th><th>\(escape(column)) (mean)</th>"
      out += "<th>Status</th><th>ICER</th><th>95% confidence set (Fieller)</th></tr>\n"
      for r in incremental.records() {
        let status =
          (r["status"] ?? "").replacingOccurrences(of: "_", with: " ")
          + (r["dominated_by"].flatMap { $0 == "NA" ? nil : " by \($0)" } ?? "")
        let low = money(Self.number(r, "icer_ci_fieller_low") ?? .nan)
        let high = money(Self.number(r, "icer_ci_fieller_high") ?? .nan)
        var ci = ""
        switch r["icer_ci_fieller_form"] {
        case "bounded": ci = "\(low) to \(high)"
        case "two_rays": ci = "unbounded: below \(low) or above \(high)"
        case "whole_line": ci = "unbounded (any value)"
        default: ci = ""
        }
        let icer = Self.number(r, "icer").map { "\(money($0)) per unit vs \(escape(r["comparator"] ?? ""))" } ?? ""
        out +=
          "<tr><td>\(escape(r["arm"] ?? ""))</td><td class=\"n\">\(money(Self.number(r, "cost_mean") ?? .nan))</td>"
        out +=
          "<td class=\"n\">\(locale.number(sign * (Self.number(r, "outcome_mean") ?? .nan), digits: 2))</td>"
            + "<td>\(escape(status))</td>"
        out += "<td class=\"n\">\(icer)</td><td>\(ci)</td></tr>\n"
      }
      out +=
        "</table>\n<p class=\"note\">Arms in order of cost. The ICER is the extra cost per extra unit of "
          + "\(escape(outcome)) against the "
      out +=
        "previous arm on the efficient frontier (a ratio of mean costs and effects). An unbounded confidence set means "
          + "the difference "
      out += "in \(escape(outcome)) may be zero.</p>\n"
      if let ceac = t.ceac { out += ceacChart(ceac) }
    }
    if let evpi = t.evpi {
      let rows = evpi.records()
      let at =
        wtp.flatMap { w in rows.first { Self.number($0, "wtp") == w } }
        ?? rows.max { (Self.number($0, "evpi_per_client") ?? 0) < (Self.number($1, "evpi_per_client") ?? 0) }
      if let at {
        out += "<h2>Value of more research</h2>\n<p>"
        let wtpText =
          s.analysis.outcome == nil
          ? "" : " at \(money(Self.number(at, "wtp") ?? 0)) per unit of \(escape(s.outcomeLabel ?? "outcome"))"
        out +=
          "Perfect information about every uncertain parameter would be worth "
            + "\(money(Self.number(at, "evpi_per_client") ?? .nan)) per client"
        out += wtpText
        if let p = Self.number(at, "population_evpi"), p.isFinite {
          out += ", \(money(p)) for the population of the decision"
        }
        out += " (expected value of perfect information).</p>\n"
        if let evppi = t.evppi {
          let groups = evppi.records().sorted {
            (Self.number($0, "evppi_per_client") ?? 0) > (Self.number($1, "evppi_per_client") ?? 0)
          }.prefix(5)
          if !groups.isEmpty {
            out +=
              "<table>\n<tr><th>Parameters</th><th>EVPPI per client</th><th>Share of the EVPI</th><th>Fit "
                + "(R²)</th></tr>\n"
            for g in groups {
              out +=
                "<tr><td><code>\(escape(g["parameters"] ?? ""))</code></td><td "
                  + "class=\"n\">\(money(Self.number(g, "evppi_per_client") ?? .nan))</td>"
              out += "<td class=\"n\">\(locale.percent(Self.number(g, "share_of_evpi") ?? .nan))</td>"
              out += "<td class=\"n\">\(locale.number(Self.number(g, "r_squared_min") ?? .nan, digits: 2))</td></tr>\n"
            }
            out +=
              "</table>\n<p class=\"note\">The parameters whose uncertainty matters most for the decision (expected "
                + "value of partial "
            out += "perfect information, by a regression metamodel; the five largest).</p>\n"
          }
        }
      }
    }
    if let breakEven = t.breakEven {
      let rows = breakEven.records()
      if let first = rows.first {
        out += "<h2>Break-even: <code>\(escape(first["parameter"] ?? ""))</code></h2>\n<table>\n"
        out += "<tr><th>Arm</th><th>Payer</th><th>Breaks even at</th><th>Result</th></tr>\n"
        for r in rows {
          let value =
            Self.number(r, "break_even_value").map {
              "\(significant($0)) ± \(significant(Self.number(r, "mcse") ?? .nan))"
            } ?? "—"
          out +=
            "<tr><td>\(escape(r["arm"] ?? ""))</td><td>\(escape(r["payer"] ?? ""))</td><td class=\"n\">\(value)</td>"
          out += "<td>\(escape((r["result"] ?? "").replacingOccurrences(of: "_", with: " ")))</td></tr>\n"
        }
        let low = Self.number(first, "range_low").map(significant) ?? ""
        let high = Self.number(first, "range_high").map(significant) ?? ""
        out +=
          "</table>\n<p class=\"note\">The value of the parameter (searched from \(low) to \(high)) at which the mean "
            + "net saving is zero, "
        out +=
          "with its Monte Carlo error; the mean of its distribution is "
            + "\(significant(Self.number(first, "parameter_mean") ?? .nan)).</p>\n"
      }
    }
    return out
  }

  /// Acceptability curves: P(cost-effective) against the willingness to pay, one line per arm.
  func ceacChart(_ ceac: CSVTable) -> String {
    let rows = ceac.records()
    let grid = Array(Set(rows.compactMap { Self.number($0, "wtp") })).sorted()
    guard grid.count >= 2, let maxW = grid.last, maxW > 0 else { return "" }
    var byKey: [String: Double] = [:]
    for r in rows {
      if let arm = r["arm"], let w = r["wtp"] { byKey["\(arm)|\(w)"] = Self.number(r, "p_cost_effective") }
    }
    let series = s.arms.map { arm in
      SVGChart.Series(name: arm.label, values: grid.map { byKey["\(arm.name)|\(CSVTable.format($0))"] ?? .nan })
    }
    var out = "<h3>Acceptability curves</h3>\n"
    out += SVGChart.lines(
      chart: "ceac", title: "Cost-effectiveness acceptability curves", x: grid, series: series,
      xTitle: "willingness to pay per unit of \(s.outcomeLabel ?? "outcome") (\(s.currency))",
      yTitle: "P(cost-effective)",
      xFormat: moneyAxis, yFormat: { locale.percent($0) }, yRange: 0...1)
    out +=
      "<p class=\"note\">The probability that each arm has the highest net monetary benefit, by willingness to pay per "
        + "unit of "
    out += "\(escape(s.outcomeLabel ?? "outcome")).</p>\n"
    return out
  }
}
