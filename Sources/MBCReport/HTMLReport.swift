import Foundation
import MBCScenario

/// report.html: one self-contained page (no scripts, no external files; inline SVG charts from
/// ``SVGChart``) that a budget holder can read offline and print: per comparison the result in
/// words, the payer table ("who pays, who saves") with the return on investment, payback, the
/// net saving per year as a fan chart, the distribution of the net saving and the
/// cost-effectiveness plane; then where the clients are over time, the cost-effectiveness
/// analysis with acceptability curves, the value of information, break-even values, and every
/// input with its source.
///
/// The page is drawn only from the output tables (``ReportTables``, as written to the CSV
/// files), the scenario (for names, labels and sources) and the manifest, so that
/// `mbc report DIR` gives the same page as `mbc simulate`. Numbers are written in the reader's
/// ``ReportLocale``. Every number taken from summary.csv is marked
/// `<span class="num" data-metric=… data-arm=… data-stat=… data-value=…>` so that a checker can
/// find its cell (docs/outputs.md, "report.html").
public struct HTMLReport {
  let s: Scenario
  let run: Manifest
  let t: ReportTables
  let locale: ReportLocale
  /// summary.csv rows by metric name (`net_saving.BZ.total`).
  let summaries: [String: [String: String]]
  /// The willingness to pay of the analysis (incremental.csv; `--wtp` may have set it).
  let wtp: Double?

  /// The page for a scenario's results.
  public static func render(
    scenario: Scenario, manifest: Manifest, tables: ReportTables, locale: ReportLocale = .international
  ) -> String {
    HTMLReport(scenario: scenario, manifest: manifest, tables: tables, locale: locale).page()
  }

  init(scenario: Scenario, manifest: Manifest, tables: ReportTables, locale: ReportLocale) {
    s = scenario
    run = manifest
    t = tables
    self.locale = locale
    var byName: [String: [String: String]] = [:]
    for r in tables.summary?.records() ?? [] {
      let what = [r["payer"], r["effect"], r["event"]].compactMap { $0 }.first { $0 != "NA" } ?? ""
      byName["\(r["metric"] ?? "").\(r["arm"] ?? "").\(what)"] = r
    }
    summaries = byName
    wtp = tables.incremental?.records().first.flatMap { Self.number($0, "wtp") }
  }

  var clients: Int { run.clients }
  var reference: Scenario.Arm { s.arms[s.referenceArm] }
  var payers: [(name: String, label: String)] { s.payers.map { ($0.name, $0.label) } + [("total", "All payers")] }

  var period: String {
    let years = Double(s.horizon) / s.cyclesPerYear
    return years == years.rounded() ? "\(Int(years)) year\(years == 1 ? "" : "s")" : "\(s.horizon) \(s.cycle.rawValue)s"
  }

  func page() -> String {
    var body = "<h1>\(escape(s.name))</h1>\n"
    if !s.description.isEmpty { body += "<p class=\"lead\">\(escape(s.description))</p>\n" }
    let subgroup = s.onlySubgroupLabel.map { " (only the subgroup <b>\(escape($0))</b>)" } ?? ""
    body +=
      "<p class=\"meta\">\(locale.number(Double(run.runs))) Monte Carlo runs of \(locale.number(Double(clients))) "
        + "clients per arm"
    body +=
      "\(subgroup) over \(period); costs in \(escape(s.currency))\(s.priceYear.map { " (price year \($0))" } ?? ""), "
    body += "discounted at \(locale.percent(s.costDiscountRate, digits: 2)) a year. Seed \(escape(run.seed)).</p>\n"
    if let p = run.partial {
      body += "<p class=\"partial\"><b>Partial results.</b> The run was interrupted: these are the results of runs 0 to "
        + "\(locale.number(Double(p.runsCompleted - 1))) of the \(locale.number(Double(p.runsRequested))) asked for"
        + (p.notWritten.isEmpty ? "" : ", without \(escape(p.notWritten.joined(separator: ", ")))")
        + ". Continue with <code>\(escape(p.resumeCommand))</code>.</p>\n"
    }

    for arm in s.arms where arm.name != reference.name {
      guard summaries["net_saving.\(arm.name).total"] != nil else { continue }
      body += comparison(arm)
    }
    body += traceSection()
    body += analysisSection()
    body += inputsSection()
    body += "<p class=\"meta\">mbc \(escape(run.mbcVersion)) · scenario \(escape(run.scenario.path)) "
    body +=
      "(SHA-256 \(escape(String(run.scenario.sha256.prefix(16))))…) · seed \(escape(run.seed)) · "
        + "\(locale.number(Double(run.runs))) runs · "
    body +=
      "\(run.threads) threads · started \(escape(run.startedAt)). The 95% uncertainty interval is the 2.5th–97.5th "
        + "percentile of "
    body += "the simulated values; the confidence interval of the mean reflects only Monte Carlo error.</p>\n"

    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>\(escape(s.name)) — mbc report</title>
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <style>
      body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;\
      color:#222;line-height:1.45}
      .partial{background:#fff3cd;border:1px solid #e0b000;padding:.5rem .8rem}
      h1{margin-bottom:.2rem} .lead{font-size:1.1rem;color:#444} .meta,.note{color:#666;font-size:.9rem}
      .key{font-size:1.05rem;background:#f3f7fb;border-left:4px solid #0072B2;padding:.6rem .9rem}
      .headline{font-size:1.15rem}
      table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
      th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
      th{background:#f5f5f5} td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      tr.total td{font-weight:600;border-top:2px solid #999}
      .num{white-space:nowrap;font-variant-numeric:tabular-nums}
      .assumption{color:#8a5a00} .missing{color:#b00020;font-weight:600} code{font-size:.9em}
      .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(26rem,1fr));gap:.5rem 1rem}
      svg.chart{display:block;max-width:100%;height:auto;margin:.3rem 0}
      @media print{body{max-width:none;margin:0} .key{background:none} svg.chart,table{break-inside:avoid}
      h2{break-before:auto}}
      </style></head><body>
      \(body)</body></html>

      """
  }

  // MARK: - One comparison

  func comparison(_ arm: Scenario.Arm) -> String {
    var out = "<h2>\(escape(arm.label)) compared with \(escape(reference.label))</h2>\n"
    out += headline(arm)
    let total = "net_saving.\(arm.name).total"
    out +=
      "<p class=\"key\">Over \(period), the net saving of all payers together is <b>\(num(total, "mean", .money))</b> "
        + "for the cohort of "
    out += "\(locale.number(Double(clients))) clients (\(num(total, "mean", .money, perClient: true)) per client). "
    out +=
      "In 95% of the simulated futures it lies between \(num(total, "p2_5", .money)) and "
        + "\(num(total, "p97_5", .money)); "
    out += "society as a whole saves money in <b>\(num(total, "p_positive", .percent))</b> of them. "
    out += "The Monte Carlo error of the mean is \(num(total, "mcse", .money)) (95% confidence interval of the mean "
    out += "\(num(total, "ci95_low", .money)) to \(num(total, "ci95_high", .money))).</p>\n"

    out += "<h3>Who pays, who saves</h3>\n<table>\n<tr><th>Payer</th><th>Mean net saving</th><th>Per client</th>"
    out += "<th>95% uncertainty interval</th><th>P(saves)</th></tr>\n"
    for (i, payer) in payers.enumerated() {
      let name = "net_saving.\(arm.name).\(payer.name)"
      guard summaries[name] != nil else { continue }
      out +=
        "<tr\(i == s.payers.count ? " class=\"total\"" : "")><td>\(escape(payer.label))</td><td "
          + "class=\"n\">\(num(name, "mean", .money))</td>"
      out += "<td class=\"n\">\(num(name, "mean", .money, perClient: true))</td>"
      out +=
        "<td class=\"n\">\(num(name, "p2_5", .money)) to \(num(name, "p97_5", .money))</td><td "
          + "class=\"n\">\(num(name, "p_positive", .percent))</td></tr>\n"
    }
    out +=
      "</table>\n<p class=\"note\">Net saving = cost under \(escape(reference.label)) minus cost under "
        + "\(escape(arm.label)); positive means "
    out +=
      "the payer saves. A negative figure means the payer pays more (usually the one who funds the intervention).</p>\n"
    out += ledgerSection(arm: arm.name)
    out += cashflowCharts(arm)
    out += distribution(arm)
    out += plane(arm)

    if !s.effects.isEmpty {
      out +=
        "<h3>Effects</h3>\n<table>\n<tr><th>Effect</th><th>\(escape(reference.label))</th><th>\(escape(arm.label))</th>"
          + "<th>Gain (mean)</th>"
      out += "<th>95% uncertainty interval</th><th>P(gain)</th></tr>\n"
      for f in s.effects {
        let r = "effect.\(reference.name).\(f.name)"
        let a = "effect.\(arm.name).\(f.name)"
        let d = "effect_gain.\(arm.name).\(f.name)"
        guard summaries[r] != nil, summaries[a] != nil, summaries[d] != nil else { continue }
        out += "<tr><td>\(escape(f.label)) (discounted at \(locale.percent(f.discountRate, digits: 2)))</td>"
        out += "<td class=\"n\">\(num(r, "mean", .number(2)))</td><td class=\"n\">\(num(a, "mean", .number(2)))</td>"
        out +=
          "<td class=\"n\">\(num(d, "mean", .number(2)))</td><td class=\"n\">\(num(d, "p2_5", .number(2))) to "
            + "\(num(d, "p97_5", .number(2)))</td>"
        out += "<td class=\"n\">\(num(d, "p_positive", .percent))</td></tr>\n"
      }
      out += "</table>\n"
    }

    if !s.events.isEmpty {
      out +=
        "<h3>Events in the "
          + "cohort</h3>\n<table>\n<tr><th>Event</th><th>\(escape(reference.label))</th><th>\(escape(arm.label))</th>"
      out += "<th>Avoided (mean)</th><th>95% uncertainty interval</th></tr>\n"
      for e in s.events {
        let r = "events.\(reference.name).\(e.name)"
        let a = "events.\(arm.name).\(e.name)"
        let d = "events_avoided.\(arm.name).\(e.name)"
        guard summaries[r] != nil, summaries[a] != nil, summaries[d] != nil else { continue }
        out +=
          "<tr><td>\(escape(e.label))</td><td class=\"n\">\(num(r, "mean", .number(1)))</td><td "
            + "class=\"n\">\(num(a, "mean", .number(1)))</td>"
        out +=
          "<td class=\"n\">\(num(d, "mean", .number(1)))</td><td class=\"n\">\(num(d, "p2_5", .number(0))) to "
            + "\(num(d, "p97_5", .number(0)))</td></tr>\n"
      }
      out += "</table>\n"
    }
    return out
  }

  /// The result in words: the net saving per client for the payer that funds the
  /// intervention and for all payers, with their 95% uncertainty intervals and P(saves), and
  /// the payer that gains most.
  func headline(_ arm: Scenario.Arm) -> String {
    let ledger = t.ledger?.records(where: ["arm": arm.name]) ?? []
    let label = Dictionary(payers.map { ($0.name, $0.label) }, uniquingKeysWith: { a, _ in a })
    func mean(_ payer: String) -> Double {
      summaries["net_saving.\(arm.name).\(payer)"].flatMap { Self.number($0, "mean") } ?? .nan
    }
    let own = s.payers.map(\.name).filter { summaries["net_saving.\(arm.name).\($0)"] != nil }
    // The funder: the payer with the largest share of the extra intervention cost; without
    // cost lines marked as the intervention, the payer whose net saving is lowest.
    let funders = ledger.filter { ($0["role"] ?? "").hasPrefix("funds") && $0["payer"] != "total" }
      .sorted { (Self.number($0, "intervention_cost_mean") ?? 0) > (Self.number($1, "intervention_cost_mean") ?? 0) }
    let funder = funders.first?["payer"] ?? own.min { mean($0) < mean($1) }
    let funds = funders.first != nil
    var out = "<p class=\"key headline\">"
    func saves(_ payer: String, whom: String) -> String {
      let name = "net_saving.\(arm.name).\(payer)"
      let amount = "<b>\(num(name, "mean", .money, perClient: true)) per client</b>"
      let interval =
        "95% uncertainty interval \(num(name, "p2_5", .money, perClient: true)) to "
          + "\(num(name, "p97_5", .money, perClient: true))"
      return mean(payer) >= 0
        ? "saves \(whom) \(amount) (\(interval))"
        : "costs \(whom) more than it saves: a net saving of \(amount) (\(interval))"
    }
    if let funder, own.count > 1 {
      let whom =
        "\(Self.payerPhrase(label[funder] ?? funder))\(funds ? ", which funds it," : ", which bears the largest cost,")"
      out +=
        "Over \(period), \(escape(arm.label)) \(saves(funder, whom: escape(whom))); "
          + "\(escape(Self.payerPhrase(label[funder] ?? funder))) saves "
      out += "money in \(num("net_saving.\(arm.name).\(funder)", "p_positive", .percent)) of the simulated futures. "
      out += "Counting all payers, it \(saves("total", whom: "society")); society saves money in "
    } else {
      out +=
        "Over \(period), \(escape(arm.label)) \(saves("total", whom: "society")) compared with "
          + "\(escape(reference.label)); it saves money in "
    }
    out += "\(num("net_saving.\(arm.name).total", "p_positive", .percent)) of the simulated futures."
    if own.count > 1, let best = own.max(by: { mean($0) < mean($1) }) {
      let who = escape(Self.payerPhrase(label[best] ?? best))
      let value = num("net_saving.\(arm.name).\(best)", "mean", .money, perClient: true)
      out +=
        mean(best) > 0
        ? " \(who.prefix(1).uppercased() + who.dropFirst()) gains most: \(value) per client."
        : " No payer gains on average; \(who) loses least: \(value) per client."
    }
    return out + "</p>\n"
  }

  /// The net saving per year as paid (undiscounted), one fan chart per payer and in total: the
  /// 95% uncertainty interval as a band, the median and the mean (cashflow.csv).
  func cashflowCharts(_ arm: Scenario.Arm) -> String {
    guard let cash = t.cashflow else { return "" }
    let rows = cash.records(where: ["measure": "net_saving", "arm": arm.name, "basis": "undiscounted"])
    let years = Array(Set(rows.compactMap { $0["year"].flatMap(Int.init) })).sorted()
    guard !years.isEmpty else { return "" }
    let labels = years.map { y in
      rows.first { $0["year"] == String(y) }?["calendar_year"].flatMap { $0 == "NA" ? nil : $0 } ?? "Year \(y)"
    }
    var out = "<h3>Net saving per year, as paid: uncertainty</h3>\n<div class=\"charts\">\n"
    for payer in payers {
      let mine = years.map { y in rows.first { $0["payer"] == payer.name && $0["year"] == String(y) } }
      guard mine.contains(where: { $0 != nil }) else { continue }
      func column(_ key: String) -> [Double] { mine.map { $0.flatMap { Self.number($0, key) } ?? .nan } }
      let series = SVGChart.FanSeries(
        name: payer.label, mean: column("mean"), median: column("p50"),
        bands: [
          SVGChart.FanSeries.Band(lower: column("p2_5"), upper: column("p97_5"), label: "95% uncertainty interval")
        ])
      out += SVGChart.fan(
        chart: "cashflow-\(arm.name)-\(payer.name)", title: payer.label, xLabels: labels, series: [series],
        yTitle: "net saving (\(s.currency))", yFormat: moneyAxis)
    }
    out +=
      "</div>\n<p class=\"note\">The cohort's net saving in each year, undiscounted (as a budget sees it): the band "
        + "holds 95% of the "
    out +=
      "simulated futures, the solid line is the median and the dashed line the mean. Above 0 the payer saves that "
        + "year.</p>\n"
    return out
  }

  /// The distribution of the total net saving over the runs of plane.csv, with the percentiles
  /// of all runs (summary.csv) marked.
  func distribution(_ arm: Scenario.Arm) -> String {
    guard let plane = t.plane else { return "" }
    let values = plane.records(where: ["arm": arm.name, "payer": "total"]).compactMap { Self.number($0, "net_saving") }
    guard !values.isEmpty else { return "" }
    let total = summaries["net_saving.\(arm.name).total"] ?? [:]
    let markers = [("p2_5", "2.5%"), ("p50", "median"), ("p97_5", "97.5%")].compactMap { key, label in
      Self.number(total, key).map { SVGChart.Marker(value: $0, label: label) }
    }
    var out = "<h3>Distribution of the net saving (all payers)</h3>\n"
    out += SVGChart.histogram(
      chart: "histogram-\(arm.name)", title: "Net saving of all payers, \(arm.label) against \(reference.label)",
      values: values, markers: markers, xTitle: "net saving for the cohort (\(s.currency))", xFormat: moneyAxis,
      yFormat: { locale.number($0) })
    out +=
      "<p class=\"note\">The first \(locale.number(Double(values.count))) runs: blue where society saves, vermillion "
        + "where it pays more, grey "
    out +=
      "for the bin across 0. Dashed lines: the 2.5th percentile, median and 97.5th percentile of all "
        + "\(locale.number(Double(run.runs))) runs.</p>\n"
    return out
  }

  /// The cost-effectiveness plane: each run's difference in the outcome (x) and in total cost
  /// (y) against the reference, the mean of all runs, and the willingness-to-pay line.
  func plane(_ arm: Scenario.Arm) -> String {
    guard let plane = t.plane, let outcome = s.outcomeLabel else { return "" }
    let rows = plane.records(where: ["arm": arm.name, "payer": "total"])
    let x = rows.map { Self.number($0, "delta_outcome") ?? .nan }
    let y = rows.map { Self.number($0, "delta_cost") ?? .nan }
    guard x.contains(where: \.isFinite) else { return "" }
    let row = t.incremental?.records(where: ["arm": arm.name]).first
    let mean = row.flatMap { r in
      Self.number(r, "versus_reference_outcome").flatMap { dx in
        Self.number(r, "versus_reference_cost").map { (dx, $0) }
      }
    }
    let finite = x.filter(\.isFinite)
    let digits = SVGChart.decimals(for: SVGChart.ticks(finite.min() ?? 0, finite.max() ?? 1, count: 6))
    var out = "<h3>Cost-effectiveness plane</h3>\n"
    out += SVGChart.scatter(
      chart: "ce-plane-\(arm.name)",
      title: "\(arm.label) against \(reference.label): difference in cost and in \(outcome)", x: x, y: y,
      xTitle: "difference in \(outcome) (more is better)", yTitle: "difference in cost (\(s.currency))",
      xFormat: { locale.number($0, digits: digits) }, yFormat: moneyAxis, mean: mean.map { (x: $0.0, y: $0.1) },
      slope: wtp,
      slopeLabel: wtp.map { "willingness to pay \(locale.money($0, currency: s.currency)) per unit" } ?? "")
    out +=
      "<p class=\"note\">Each dot is one of the first \(locale.number(Double(rows.count))) runs; the open circle is "
        + "the mean of all runs. "
    out +=
      "Below the horizontal axis \(escape(arm.label)) is cheaper for society, right of the vertical axis it gives more "
        + "\(escape(outcome))"
    out += wtp == nil ? ".</p>\n" : "; below the dashed line it is cost-effective at the willingness to pay.</p>\n"
    return out
  }

  // MARK: - Inputs

  func inputsSection() -> String {
    var out =
      "<h2>Inputs and their sources</h2>\n<table>\n<tr><th>Parameter</th><th>Meaning</th><th>Value or "
        + "distribution</th><th>Mean</th>"
    out += "<th>Source or assumption</th></tr>\n"
    for p in s.parameters {
      var mean = ""
      if case .distribution(let d) = p.definition { mean = significant(d.mean) }
      let source =
        p.provenance.source.map { "Source: \(escape($0))" }
        ?? p.provenance.assumption.map { "<span class=\"assumption\">Assumption: \(escape($0))</span>" }
        ?? "<span class=\"missing\">no source</span>"
      out += "<tr><td><code>\(escape(p.name))</code></td><td>\(escape(p.label ?? ""))</td><td>\(escape(p.written))</td>"
      out += "<td class=\"n\">\(mean)</td><td>\(source)</td></tr>\n"
    }
    return out + "</table>\n"
  }

  // MARK: - Numbers

  /// How a marked number is shown.
  enum Shown {
    case money
    case percent
    case number(Int)
  }

  /// A payer's label inside a sentence: "Municipality (Wmo)" → "the municipality (Wmo)";
  /// "UWV" stays; "The client" → "the client".
  static func payerPhrase(_ label: String) -> String {
    let chars = Array(label)
    guard let first = chars.first else { return label }
    let acronym = chars.count > 1 && chars[1].isUppercase
    let text = acronym ? label : first.lowercased() + String(chars.dropFirst())
    return text.hasPrefix("the ") ? text : "the " + text
  }

  /// The cell `stat` of the summary.csv row of metric `name`, formatted and marked with the
  /// row's keys and the cell's exact text (per client: divided by the cohort size).
  func num(_ name: String, _ stat: String, _ shown: Shown, perClient: Bool = false) -> String {
    guard let row = summaries[name], let raw = row[stat] else { return "n/a" }
    var value = Self.number(row, stat) ?? .nan
    var attributes = "data-metric=\"\(escape(row["metric"] ?? ""))\" data-arm=\"\(escape(row["arm"] ?? ""))\""
    for key in ["versus", "payer", "event", "effect"] {
      if let v = row[key], v != "NA" { attributes += " data-\(key)=\"\(escape(v))\"" }
    }
    attributes += " data-stat=\"\(stat)\" data-value=\"\(escape(raw))\""
    if perClient {
      attributes += " data-per-client=\"1\" data-divisor=\"\(clients)\""
      value /= Double(clients)
    }
    let text: String
    switch shown {
    case .money:
      attributes += " data-format=\"money\""
      text = money(value)
    case .percent:
      // One decimal near 0% and 100%, so that a small chance does not read as none.
      let p = value * 100
      let digits = p.isFinite && p != 0 && p != 100 && (p < 1 || p > 99) ? 1 : 0
      attributes += " data-format=\"percent\" data-digits=\"\(digits)\""
      text = locale.percent(value, digits: digits)
    case .number(let digits):
      attributes += " data-format=\"number\" data-digits=\"\(digits)\""
      text = locale.number(value, digits: digits)
    }
    return "<span class=\"num\" \(attributes)>\(text)</span>"
  }

  func money(_ v: Double, digits: Int = 0) -> String { locale.money(v, currency: s.currency, digits: digits) }

  /// Axis labels in money: whole units, or cents when the ticks are closer than one unit.
  var moneyAxis: (Double) -> String {
    let locale = locale
    let currency = s.currency
    return { v in locale.money(v, currency: currency, digits: abs(v - v.rounded()) > 1e-9 ? 2 : 0) }
  }

  /// About four significant digits, trailing zeros dropped: 0.15, 1.234, 12,345.
  func significant(_ v: Double) -> String {
    guard v.isFinite else { return "n/a" }
    let digits = v == 0 ? 0 : max(0, min(6, 3 - Int((log10(abs(v))).rounded(.down))))
    var text = locale.number(v, digits: digits)
    if digits > 0 {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(locale.decimalSeparator) { text.removeLast() }
    }
    return text
  }

  /// A number field of a CSV record (`Inf` and `-Inf` as infinities; nil for `NA`).
  static func number(_ r: [String: String], _ key: String) -> Double? {
    guard let t = r[key] else { return nil }
    if t == "Inf" { return .infinity }
    if t == "-Inf" { return -.infinity }
    return Double(t)
  }

  func escape(_ s: String) -> String { SVGChart.escape(s) }
}
