import Foundation
import MBCEngine
import MBCScenario

/// report.html of `mbc stress`: one self-contained page that answers "will our budget hold,
/// and who gains?": the headline in words, P(overspend) per budget line and year, net saving
/// per payer with its spread and payback, the waiting list, every variant side by side with
/// its difference from the base case, and the budget's inputs with their sources.
///
/// Headline numbers are marked `<span class="num" data-file="summary.csv" data-metric=…
/// data-variant=… data-payer_or_line=… data-year=… data-stat=… data-value=…>` with the exact
/// text of that cell of `summary.csv`, so that a test can check the page against the file.
public enum StressReport {
  /// Renders the page from the output tables of `mbc stress` (as written, or read back by
  /// `mbc report`), the scenario (labels, sources) and the run's description.
  public static func render(_ d: StressReportData, locale: ReportLocale = .international) -> String {
    let s = d.scenario
    let b = d.budget
    let f = StressFormat(currency: s.currency, locale: locale)
    var body = ""
    let lastYear = b.startYear + b.years - 1
    body += "<h1>\(esc(s.name)): budget stress test \(b.startYear)–\(lastYear)</h1>\n"
    if !s.description.isEmpty { body += "<p class=\"lead\">\(esc(s.description))</p>\n" }
    body += "<p class=\"meta\">\(f.count(Double(d.run.runs))) simulated futures of \(b.years) years, month by month: referrals arrive, wait for one of the places of \(esc(s.arms[b.arm].label)), are served, and their costs follow the scenario's model. Amounts are nominal (\(s.currency), indexed, not discounted). Seed \(d.run.seed).</p>\n"
    if let p = d.run.partial {
      body += "<p class=\"partial\"><b>Partial results.</b> The run was interrupted: these are the results of runs 0 to \(f.count(Double(p.runsCompleted - 1))) "
        + "of the \(f.count(Double(p.runsRequested))) asked for. Continue with <code>\(esc(p.resumeCommand))</code>.</p>\n"
    }

    // Headline.
    body += "<h2>Will the budget hold, and who gains?</h2>\n<div class=\"key\">\n"
    for line in b.lines where !line.caps.isEmpty {
      var worst = (year: 0, p: -1.0)
      for y in 0..<b.years {
        let p = d.budgetRow("base", line.name, y).number("p_overspend")
        if p > worst.p { worst = (y, p) }
      }
      let year2 = min(1, b.years - 1)
      body += "<p>Budget line <b>\(esc(line.label))</b> (\(esc(s.payers[line.payer].label))): the chance that it overspends in \(b.startYear + year2) is "
      body += num(d, "overspend", "base", line.name, year2, "mean") { f.percent($0) }
      body += "; the riskiest year is \(b.startYear + worst.year), with "
      body += num(d, "overspend", "base", line.name, worst.year, "mean") { f.percent($0) }
      body += ".</p>\n"
    }
    var best = (payer: 0, mean: -Double.infinity)
    for p in 0..<s.payers.count {
      let m = d.summaryRow("net_saving", "base", s.payers[p].name, nil).number("mean")
      if m > best.mean { best = (p, m) }
    }
    let total = d.summaryRow("net_saving", "base", "total", nil).number("mean")
    body += "<p>Over \(b.years) years the net saving of all payers together is "
    body += num(d, "net_saving", "base", "total", nil, "mean") { f.money($0) }
    body += " (95% interval " + num(d, "net_saving", "base", "total", nil, "p2_5") { f.money($0) } + " to "
    body += num(d, "net_saving", "base", "total", nil, "p97_5") { f.money($0) } + "): "
    body += total >= 0 ? "together they save money. " : "together they pay more than without the programme. "
    body += "\(esc(s.payers[best.payer].label)) gains most (" + num(d, "net_saving", "base", s.payers[best.payer].name, nil, "mean") { f.money($0) }
    body += "); \(esc(s.payers[b.programme.payer].label)), which funds the programme, has a net saving of "
    body += num(d, "net_saving", "base", s.payers[b.programme.payer].name, nil, "mean") { f.money($0) } + ".</p>\n"
    body += "<p>On average " + num(d, "admitted", "base", "clients", nil, "mean") { f.count($0) } + " of "
    body += num(d, "referrals", "base", "clients", nil, "mean") { f.count($0) } + " referred clients are admitted; "
    body += num(d, "turned_away", "base", "clients", nil, "mean") { f.count($0) } + " are turned away after waiting \(b.waiting.maxMonths) months or after a funding stop.</p>\n"
    body += "</div>\n"

    body += budgetSection(d, f)
    body += payerSection(d, f)
    body += queueSection(d, f)
    body += variantSection(d, f)
    body += inputsSection(d, f)
    body += "<p class=\"meta\">mbc \(esc(d.run.mbcVersion)) · scenario \(esc(d.run.scenarioPath)) (SHA-256 \(d.run.scenarioSHA256.prefix(16))…) · seed \(d.run.seed) · \(d.run.runs) runs · \(d.run.threads) threads · started \(esc(d.run.startedAt)). Within a run the clients' costs are the expected costs given the run's parameters and flows (cohort engine): the spread shows the uncertainty of the inputs, the referrals and the waiting list, not the chance variation between individual clients.</p>\n"
    return page(title: "\(s.name) — budget stress test", body: body, locale: locale)
  }

  // MARK: - Sections

  static func budgetSection(_ d: StressReportData, _ f: StressFormat) -> String {
    let b = d.budget
    guard !b.lines.isEmpty else { return "" }
    var out = "<h2>Budget lines per year</h2>\n"
    let years = (0..<b.years).map { String(b.startYear + $0) }
    for line in b.lines {
      out += "<h3>\(esc(line.label)) <span class=\"meta\">(\(esc(d.scenario.payers[line.payer].label)), \(line.covers.rawValue))</span></h3>\n"
      var q: [[Double]] = Array(repeating: [], count: 7)
      out += "<table>\n<tr><th>Year</th><th>Cap</th><th>Spending (mean)</th><th>90% interval</th><th>P(overspend)</th><th>Overspend if it overspends</th></tr>\n"
      for y in 0..<b.years {
        let x = d.budgetRow("base", line.name, y)
        let values = ["spend_mean", "spend_p5", "spend_p25", "spend_p50", "spend_p75", "spend_p95", "cap"].map { x.number($0) }
        for (k, v) in values.enumerated() { q[k].append(v) }
        let p = x.number("p_overspend"), excess = x.number("overspend_mean_given_overspend"), cap = values[6]
        let cls = p > 0.2 ? " class=\"risk\"" : ""
        out += "<tr\(cls)><td>\(b.startYear + y)</td><td class=\"n\">\(cap.isNaN ? "—" : f.money(cap))</td><td class=\"n\">\(f.money(values[0]))</td><td class=\"n\">\(f.money(values[1])) to \(f.money(values[5]))</td><td class=\"n\">\(p.isNaN ? "no cap" : f.percent(p))</td><td class=\"n\">\(excess.isNaN ? "—" : f.money(excess))</td></tr>\n"
      }
      out += "</table>\n"
      var series = [SVGChart.FanSeries(name: "Spending", mean: q[0], p5: q[1], p25: q[2], p50: q[3], p75: q[4], p95: q[5])]
      if !line.caps.isEmpty { series.append(.init(name: "Cap", median: q[6], bands: [], colour: 1)) }
      out += SVGChart.fan(chart: "budget-\(line.name)", title: "Spending on \(line.label) per year", xLabels: years, series: series,
                          xTitle: "year", yTitle: d.scenario.currency, yFormat: { f.money($0) })
    }
    out += "<p class=\"note\">Bands: 5–95% and 25–75% of the simulated futures; line: median; dashed: mean. P(overspend): the share of futures in which the year's spending exceeds the cap.</p>\n"
    return out
  }

  static func payerSection(_ d: StressReportData, _ f: StressFormat) -> String {
    let b = d.budget
    let payers = d.scenario.payers.map { ($0.name, $0.label) } + [("total", "All payers")]
    var out = "<h2>Who pays, who saves</h2>\n<table>\n<tr><th>Payer</th><th>Net saving over \(b.years) years (mean)</th><th>95% interval</th><th>P(saves)</th><th>Paid back by \(b.startYear + b.years - 1)</th><th>Payback year (median)</th></tr>\n"
    for (i, payer) in payers.enumerated() {
      let x = d.summaryRow("net_saving", "base", payer.0, nil)
      var paid = 0.0
      var median: Int?
      for y in 0..<b.years {
        paid = d.paybackRow("base", payer.0, y).number("p_paid_back_by_end_of_year")
        if median == nil && paid >= 0.5 { median = b.startYear + y }
      }
      out += "<tr\(i == payers.count - 1 ? " class=\"total\"" : "")><td>\(esc(payer.1))</td><td class=\"n\">\(f.money(x.number("mean")))</td><td class=\"n\">\(f.money(x.number("p2_5"))) to \(f.money(x.number("p97_5")))</td><td class=\"n\">\(f.percent(x.number("p_positive")))</td><td class=\"n\">\(f.percent(paid))</td><td class=\"n\">\(median.map(String.init) ?? "not within \(b.years) years")</td></tr>\n"
    }
    out += "</table>\n<p class=\"note\">Net saving = cost without the programme − cost with it (care for every referred client, plus the programme); positive means the payer saves. Payback: the year in which the cumulative net saving turns positive for good (the median over the futures, counting those that never pay back as later than any year).</p>\n"
    let years = (0..<b.years).map { String(b.startYear + $0) }
    var series: [SVGChart.FanSeries] = []
    for payer in [payers[b.programme.payer], payers[payers.count - 1]] {
      var q: [[Double]] = Array(repeating: [], count: 6)
      for y in 0..<b.years {
        let x = d.cashRow("base", payer.0, "cumulative_net_saving", y)
        for (k, c) in ["mean", "p5", "p25", "p50", "p75", "p95"].enumerated() { q[k].append(x.number(c)) }
      }
      series.append(.init(name: payer.1, mean: q[0], p5: q[1], p25: q[2], p50: q[3], p75: q[4], p95: q[5]))
    }
    series.append(.init(name: "Break-even", median: years.map { _ in 0 }, bands: [], colour: 6))
    out += SVGChart.fan(chart: "cumulative-net-saving", title: "Cumulative net saving (positive: the payer has saved)", xLabels: years,
                        series: series, xTitle: "year", yTitle: d.scenario.currency, yFormat: { f.money($0) })
    return out
  }

  static func queueSection(_ d: StressReportData, _ f: StressFormat) -> String {
    let b = d.budget
    var out = "<h2>Referrals, places and the waiting list</h2>\n"
    let labels = (0..<b.months).map { m in m % 12 == 0 ? String(b.startYear + m / 12) : "" }
    var series: [SVGChart.FanSeries] = []
    for (measure, name) in [("waiting", "Waiting list"), ("in_service", "In service")] {
      var q: [[Double]] = Array(repeating: [], count: 6)
      for m in 0..<b.months {
        let x = d.queueRow("base", measure, m)
        for (k, c) in ["mean", "p5", "p25", "p50", "p75", "p95"].enumerated() { q[k].append(x.number(c)) }
      }
      series.append(.init(name: name, mean: q[0], p5: q[1], p25: q[2], p50: q[3], p75: q[4], p95: q[5]))
    }
    series.append(.init(name: "Places", median: (0..<b.months).map { d.queueRow("base", "capacity", $0).number("mean") }, bands: [], colour: 6))
    out += SVGChart.fan(chart: "waiting-list", title: "Clients waiting and in service, per month", xLabels: labels, series: series,
                        xTitle: "month", yTitle: "clients", yFormat: { f.count($0) })
    out += "<table>\n<tr><th>Year</th><th>Referrals</th><th>Admitted</th><th>Left the list</th><th>Turned away</th><th>Waiting list at year end</th><th>Mean wait of admissions (months)</th></tr>\n"
    for y in 0..<b.years {
      let values = StressLayout.yearlyMeasures.map { d.clientsRow("base", $0, y).number("mean") }
      let end = d.queueRow("base", "waiting", 12 * y + 11).number("mean")
      let waits = (0..<12).map { d.queueRow("base", "waiting_time", 12 * y + $0).number("mean") }.filter(\.isFinite)
      let wait = waits.isEmpty ? "—" : f.decimal(waits.reduce(0, +) / Double(waits.count), digits: 1)
      out += "<tr><td>\(b.startYear + y)</td>" + values.map { "<td class=\"n\">\(f.count($0))</td>" }.joined() + "<td class=\"n\">\(f.count(end))</td><td class=\"n\">\(wait)</td></tr>\n"
    }
    out += "</table>\n<p class=\"note\">Means over the simulated futures. A client waits at most \(b.waiting.maxMonths) months; places = FTE × caseload\(b.capacity.rampUpMonths > 0 ? ", growing over the first \(b.capacity.rampUpMonths) months" : "").</p>\n"
    return out
  }

  static func variantSection(_ d: StressReportData, _ f: StressFormat) -> String {
    let b = d.budget
    guard !b.variants.isEmpty else { return "" }
    let variants = ["base"] + b.variants.map(\.name)
    let labels = ["Base case"] + b.variants.map(\.label)
    let programmePayer = d.scenario.payers[b.programme.payer]
    var out = "<h2>Shocks and policies side by side</h2>\n<table>\n<tr><th>Variant</th>"
    let capped = b.lines.filter { !$0.caps.isEmpty }
    for line in capped { out += "<th>Highest P(overspend): \(esc(line.label))</th>" }
    out += "<th>Net saving, \(esc(programmePayer.label))</th><th>Net saving, all payers</th><th>Difference from the base case, all payers (90% interval)</th><th>Admitted</th><th>Turned away</th></tr>\n"
    for (v, name) in variants.enumerated() {
      out += "<tr><td>\(esc(labels[v]))</td>"
      for line in capped {
        let risks = (0..<b.years).map { d.budgetRow(name, line.name, $0).number("p_overspend") }
        let worst = risks.indices.max { risks[$0] < risks[$1] } ?? 0
        out += "<td class=\"n\">\(f.percent(risks[worst])) (\(b.startYear + worst))</td>"
      }
      let own = d.summaryRow("net_saving", name, programmePayer.name, nil).number("mean")
      let all = d.summaryRow("net_saving", name, "total", nil).number("mean")
      var difference = "—"
      if v > 0 {
        let x = d.differenceRow(name, "total")
        difference = "\(f.money(x.number("mean"))) (\(f.money(x.number("p5"))) to \(f.money(x.number("p95"))))"
      }
      let admitted = d.summaryRow("admitted", name, "clients", nil).number("mean")
      let away = d.summaryRow("turned_away", name, "clients", nil).number("mean")
      out += "<td class=\"n\">\(f.money(own))</td><td class=\"n\">\(f.money(all))</td><td class=\"n\">\(difference)</td><td class=\"n\">\(f.count(admitted))</td><td class=\"n\">\(f.count(away))</td></tr>\n"
    }
    out += "</table>\n<p class=\"note\">Every variant uses the same parameter draws and random numbers as the base case, so the differences are not blurred by chance. Details per year: stress-differences.csv.</p>\n"
    for variant in b.variants {
      var what: [String] = []
      if let s = variant.surge { what.append("referrals \(s.percent >= 0 ? "+" : "")\(f.decimal(s.percent, digits: 1))% from \(f.month(s.fromMonth, startYear: b.startYear))") }
      if let p = variant.priceRise { what.append("\(p.programmeOnly ? "programme" : "all") prices \(p.percent >= 0 ? "+" : "")\(f.decimal(p.percent, digits: 1))% from \(f.month(p.fromMonth, startYear: b.startYear))") }
      if let s = variant.fundingStop { what.append("no admissions from \(f.month(s.afterMonth, startYear: b.startYear)); clients in service \(s.finish ? "finish their service" : "go back to usual care")") }
      if let m = variant.rampUpMonths { what.append("ramp-up over \(m) months") }
      out += "<p class=\"note\"><b>\(esc(variant.label))</b>: \(what.joined(separator: "; ")).</p>\n"
    }
    return out
  }

  static func inputsSection(_ d: StressReportData, _ f: StressFormat) -> String {
    let b = d.budget
    var out = "<h2>The budget's inputs and their sources</h2>\n<table>\n<tr><th>Input</th><th>As written</th><th>Source or assumption</th></tr>\n"
    let rows: [(String, String, ModelExpression)] = [
      ("inflow.rate", "Referrals per month", b.inflow.rate), ("inflow.trend", "Growth of referrals per year", b.inflow.trend),
      ("capacity.fte", "FTE", b.capacity.fte), ("capacity.caseload", "Clients per FTE", b.capacity.caseload),
      ("waiting.dropout", "Monthly drop-out from the waiting list", b.waiting.dropout),
      ("programme.startup", "Start-up cost", b.programme.startup), ("programme.fixed_per_year", "Fixed cost per year", b.programme.fixedPerYear),
      ("programme.per_fte_year", "Cost per FTE-year", b.programme.perFTEYear), ("programme.per_client", "Cost per admission", b.programme.perClient),
      ("programme.per_client_month", "Cost per client-month", b.programme.perClientMonth), ("indexation", "Price indexation per year", b.indexation),
    ]
    let parameters = Dictionary(d.scenario.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    func describe(_ p: Provenance?) -> String? {
      p.flatMap { p in p.source.map { "Source: \(esc($0))" } ?? p.assumption.map { "<span class=\"assumption\">Assumption: \(esc($0))</span>" } }
    }
    for (key, label, x) in rows {
      var source = describe(b.sources[key])
      if source == nil {
        let names = x.references.map(\.name).filter { parameters[$0] != nil }
        if !names.isEmpty { source = "the parameter\(names.count > 1 ? "s" : "") " + names.map { "<code>\(esc($0))</code>" }.joined(separator: ", ") + " (below)" }
      }
      out += "<tr><td>\(label)</td><td><code>\(esc(x.text))</code></td><td>\(source ?? (x.constantValue == 0 ? "" : "<span class=\"missing\">no source</span>"))</td></tr>\n"
    }
    for line in b.lines where !line.caps.isEmpty {
      out += "<tr><td>Cap of \(esc(line.label))</td><td><code>\(esc(line.caps.map(\.text).joined(separator: ", ")))</code></td><td>\(describe(line.provenance) ?? "<span class=\"missing\">no source</span>")</td></tr>\n"
    }
    for variant in b.variants {
      out += "<tr><td>Variant: \(esc(variant.label))</td><td><code>\(esc(variant.name))</code></td><td>\(describe(variant.provenance) ?? "<span class=\"missing\">no source</span>")</td></tr>\n"
    }
    out += "</table>\n"
    var used = Set<String>()
    for x in rows.map(\.2) + b.lines.flatMap(\.caps) {
      for (name, _) in x.references { used.insert(name) }
    }
    let listed = d.scenario.parameters.filter { used.contains($0.name) }
    if !listed.isEmpty {
      out += "<table>\n<tr><th>Parameter</th><th>Meaning</th><th>Value or distribution</th><th>Source or assumption</th></tr>\n"
      for p in listed {
        out += "<tr><td><code>\(esc(p.name))</code></td><td>\(esc(p.label ?? ""))</td><td>\(esc(p.written))</td><td>\(describe(p.provenance) ?? "<span class=\"missing\">no source</span>")</td></tr>\n"
      }
      out += "</table>\n"
    }
    out += "<p class=\"note\">The per-client model's inputs and their sources are in the report of <code>mbc simulate</code> and in <code>mbc check --explain</code>.</p>\n"
    return out
  }

  // MARK: - Helpers

  /// A headline number marked with the summary.csv cell it shows.
  static func num(_ d: StressReportData, _ metric: String, _ variant: String, _ who: String, _ year: Int?, _ stat: String,
                  format: (Double) -> String) -> String {
    let yearText = year.map { String($0 + 1) } ?? "all"
    let text = d.summaryRow(metric, variant, who, year)[stat] ?? "NA"
    let value = Double(text) ?? .nan
    return "<span class=\"num\" data-file=\"summary.csv\" data-metric=\"\(esc(metric))\" data-variant=\"\(esc(variant))\" data-payer_or_line=\"\(esc(who))\" data-year=\"\(yearText)\" data-stat=\"\(stat)\" data-value=\"\(esc(text))\">\(format(value))</span>"
  }

  static func esc(_ s: String) -> String { SVGChart.escape(s) }

  static func page(title: String, body: String, locale: ReportLocale) -> String {
    """
    <!DOCTYPE html>
    <html lang="\(locale == .dutch ? "nl" : "en")"><head><meta charset="utf-8"><title>\(esc(title))</title>
    <style>
    body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
    .partial{background:#fff3cd;border:1px solid #e0b000;padding:.5rem .8rem}
    h1{margin-bottom:.2rem} .lead{font-size:1.1rem;color:#444} .meta,.note{color:#666;font-size:.9rem}
    .key{font-size:1.05rem;background:#f3f7fb;border-left:4px solid #2a6fb0;padding:.2rem .9rem}
    table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%} th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
    th{background:#f5f5f5} td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} tr.total td{font-weight:600;border-top:2px solid #999}
    tr.risk td{background:#fdecea} .assumption{color:#8a5a00} .missing{color:#b00020;font-weight:600} code{font-size:.9em}
    svg text{font-size:11px;fill:#444} @media print{body{max-width:none;margin:0} h2{break-after:avoid} svg,table{break-inside:avoid}}
    </style></head><body>
    \(body)</body></html>

    """
  }
}

/// What the stress report is drawn from: the output tables of `mbc stress`, the scenario (for
/// names, labels and sources) and the description of the run. Rows are looked up by key.
public struct StressReportData: Sendable {
  public let scenario: Scenario
  public let budget: Scenario.Budget
  public let run: RunInfo
  let summary: KeyedRows, budgetLines: KeyedRows, payback: KeyedRows, cashflow: KeyedRows, queue: KeyedRows, clients: KeyedRows
  let differences: KeyedRows

  /// - Parameter tables: by file name: summary.csv and the stress-*.csv files.
  public init(scenario: Scenario, run: RunInfo, tables: [String: CSVTable]) throws {
    guard let budget = scenario.budget else { throw StressModelError(message: "the scenario has no budget: section") }
    self.scenario = scenario
    self.budget = budget
    self.run = run
    func table(_ name: String) throws -> CSVTable {
      guard let t = tables[name] else { throw StressModelError(message: "\(name) is missing") }
      return t
    }
    summary = KeyedRows(try table("summary.csv"), keys: ["metric", "variant", "payer_or_line", "year"])
    budgetLines = KeyedRows(try table("stress-budget.csv"), keys: ["variant", "line", "year"])
    payback = KeyedRows(try table("stress-payback.csv"), keys: ["variant", "payer", "year"])
    cashflow = KeyedRows(try table("stress-cashflow.csv"), keys: ["variant", "payer", "measure", "year"])
    queue = KeyedRows(try table("stress-queue.csv"), keys: ["variant", "measure", "month"])
    clients = KeyedRows(try table("stress-clients.csv"), keys: ["variant", "measure", "year"])
    differences = KeyedRows(try table("stress-differences.csv"), keys: ["variant", "measure", "payer_or_line", "year"])
  }

  /// The files the report reads.
  public static let files = ["summary.csv", "stress-budget.csv", "stress-payback.csv", "stress-cashflow.csv", "stress-queue.csv",
                             "stress-clients.csv", "stress-differences.csv"]

  func summaryRow(_ metric: String, _ variant: String, _ who: String, _ year: Int?) -> [String: String] {
    summary[metric, variant, who, year.map { String($0 + 1) } ?? "all"]
  }
  func budgetRow(_ variant: String, _ line: String, _ year: Int) -> [String: String] { budgetLines[variant, line, String(year + 1)] }
  func paybackRow(_ variant: String, _ payer: String, _ year: Int) -> [String: String] { payback[variant, payer, String(year + 1)] }
  func cashRow(_ variant: String, _ payer: String, _ measure: String, _ year: Int) -> [String: String] {
    cashflow[variant, payer, measure, String(year + 1)]
  }
  func queueRow(_ variant: String, _ measure: String, _ month: Int) -> [String: String] { queue[variant, measure, String(month)] }
  func clientsRow(_ variant: String, _ measure: String, _ year: Int) -> [String: String] { clients[variant, measure, String(year + 1)] }
  func differenceRow(_ variant: String, _ payer: String) -> [String: String] { differences[variant, "net_saving", payer, "all"] }
}

/// The rows of a table by the values of some of its columns.
struct KeyedRows: Sendable {
  private var rows: [String: [String: String]] = [:]

  init(_ table: CSVTable, keys: [String]) {
    for r in table.records() { rows[keys.map { r[$0] ?? "" }.joined(separator: "\u{1F}")] = r }
  }

  /// The row, or an empty one (whose numbers read as NaN) when there is none.
  subscript(_ key: String...) -> [String: String] { rows[key.joined(separator: "\u{1F}")] ?? [:] }
}

extension Dictionary where Key == String, Value == String {
  /// The number in column `key` (NaN when missing or NA; ±Inf for Inf).
  func number(_ key: String) -> Double {
    guard let t = self[key] else { return .nan }
    if t == "Inf" { return .infinity }
    if t == "-Inf" { return -.infinity }
    return Double(t) ?? .nan
  }
}

/// Numbers of the stress report in the reader's locale.
struct StressFormat {
  var currency: String
  var locale: ReportLocale
  func money(_ v: Double) -> String { locale.money(v, currency: currency) }
  func percent(_ v: Double) -> String { v.isNaN ? "n/a" : (v > 0 && v < 0.005 ? "<" + locale.percent(0.01) : locale.percent(v)) }
  func count(_ v: Double) -> String { locale.number(v) }
  func decimal(_ v: Double, digits: Int) -> String { locale.number(v, digits: digits) }
  func month(_ m: Int, startYear: Int) -> String {
    let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    return "\(names[m % 12]) \(startYear + m / 12)"
  }
}
