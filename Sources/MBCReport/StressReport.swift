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
  public static func render(_ r: StressResults, tables: StressReportTables, locale: ReportLocale = .international) -> String {
    let s = r.scenario
    let b = r.budget
    let f = StressFormat(currency: s.currency, locale: locale)
    var body = ""
    let lastYear = b.startYear + b.years - 1
    body += "<h1>\(esc(s.name)): budget stress test \(b.startYear)–\(lastYear)</h1>\n"
    if !s.description.isEmpty { body += "<p class=\"lead\">\(esc(s.description))</p>\n" }
    body += "<p class=\"meta\">\(f.count(Double(r.run.runs))) simulated futures of \(b.years) years, month by month: referrals arrive, wait for one of the places of \(esc(s.arms[b.arm].label)), are served, and their costs follow the scenario's model. Amounts are nominal (\(s.currency), indexed, not discounted). Seed \(r.run.seed).</p>\n"

    // Headline.
    body += "<h2>Will the budget hold, and who gains?</h2>\n<div class=\"key\">\n"
    let capped = b.lines.enumerated().filter { !$0.element.caps.isEmpty }
    for (l, line) in capped {
      var worst = (year: 0, p: -1.0)
      for y in 0..<b.years {
        let p = StressTables.lineYear(r, variant: 0, line: l, year: y).pOverspend
        if p > worst.p { worst = (y, p) }
      }
      let year2 = min(1, b.years - 1)
      body += "<p>Budget line <b>\(esc(line.label))</b> (\(esc(s.payers[line.payer].label))): the chance that it overspends in \(b.startYear + year2) is "
      body += num(r, "overspend", 0, line.name, year2, "mean", tables.summary, format: { f.percent($0) })
      body += "; the riskiest year is \(b.startYear + worst.year), with "
      body += num(r, "overspend", 0, line.name, worst.year, "mean", tables.summary, format: { f.percent($0) })
      body += ".</p>\n"
    }
    var best = (payer: 0, mean: -Double.infinity)
    for p in 0..<r.layout.payers {
      let x = StressStat(r.matrix.column(r.layout.total(variant: 0, payer: p)))
      if x.mean > best.mean { best = (p, x.mean) }
    }
    body += "<p>Over \(b.years) years all payers together "
    let total = StressStat(r.matrix.column(r.layout.total(variant: 0, payer: r.layout.payers)))
    body += total.mean >= 0 ? "save " : "pay "
    body += num(r, "net_saving", 0, "total", nil, "mean", tables.summary, format: { f.money(abs($0)) })
    body += total.mean >= 0 ? "" : " more"
    body += " (95% interval " + num(r, "net_saving", 0, "total", nil, "p2_5", tables.summary, format: { f.money($0) }) + " to "
    body += num(r, "net_saving", 0, "total", nil, "p97_5", tables.summary, format: { f.money($0) }) + "). "
    body += "\(esc(s.payers[best.payer].label)) gains most: " + num(r, "net_saving", 0, r.payerNames[best.payer], nil, "mean", tables.summary, format: { f.money($0) })
    body += ". \(esc(s.payers[b.programme.payer].label)), which funds the programme, "
    body += num(r, "net_saving", 0, r.payerNames[b.programme.payer], nil, "mean", tables.summary, format: { f.signedSaving($0) }) + ".</p>\n"
    body += "<p>On average " + num(r, "admitted", 0, "clients", nil, "mean", tables.summary, format: { f.count($0) }) + " of "
    body += num(r, "referrals", 0, "clients", nil, "mean", tables.summary, format: { f.count($0) }) + " referred clients are admitted; "
    body += num(r, "turned_away", 0, "clients", nil, "mean", tables.summary, format: { f.count($0) }) + " are turned away after waiting \(b.waiting.maxMonths) months or after a funding stop.</p>\n"
    body += "</div>\n"

    body += budgetSection(r, f)
    body += payerSection(r, f, variant: 0)
    body += queueSection(r, f)
    body += variantSection(r, f)
    body += inputsSection(r, f)
    body += "<p class=\"meta\">mbc \(esc(r.run.mbcVersion)) · scenario \(esc(r.run.scenarioPath)) (SHA-256 \(r.run.scenarioSHA256.prefix(16))…) · seed \(r.run.seed) · \(r.run.runs) runs · \(r.run.threads) threads · started \(esc(r.run.startedAt)). Within a run the clients' costs are the expected costs given the run's parameters and flows (cohort engine): the spread shows the uncertainty of the inputs, the referrals and the waiting list, not the chance variation between individual clients.</p>\n"
    return page(title: "\(s.name) — budget stress test", body: body, locale: locale)
  }

  static func page(title: String, body: String, locale: ReportLocale) -> String {
    """
    <!DOCTYPE html>
    <html lang="\(locale == .dutch ? "nl" : "en")"><head><meta charset="utf-8"><title>\(esc(title))</title>
    <style>
    body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
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

  // MARK: - Sections

  static func budgetSection(_ r: StressResults, _ f: StressFormat) -> String {
    let b = r.budget
    guard !b.lines.isEmpty else { return "" }
    var out = "<h2>Budget lines per year</h2>\n"
    for (l, line) in b.lines.enumerated() {
      out += "<h3>\(esc(line.label)) <span class=\"meta\">(\(esc(r.scenario.payers[line.payer].label)), \(line.covers.rawValue))</span></h3>\n"
      var series: [SVGChart.FanSeries] = []
      var p5: [Double] = [], p25: [Double] = [], p50: [Double] = [], p75: [Double] = [], p95: [Double] = [], mean: [Double] = [], cap: [Double] = []
      out += "<table>\n<tr><th>Year</th><th>Cap</th><th>Spending (mean)</th><th>90% interval</th><th>P(overspend)</th><th>Overspend if it overspends</th></tr>\n"
      for y in 0..<b.years {
        let x = StressTables.lineYear(r, variant: 0, line: l, year: y)
        p5.append(x.spend.p5); p25.append(x.spend.p25); p50.append(x.spend.p50); p75.append(x.spend.p75); p95.append(x.spend.p95)
        mean.append(x.spend.mean); cap.append(x.cap)
        let risk = x.pOverspend.isNaN ? "no cap" : f.percent(x.pOverspend)
        let cls = x.pOverspend > 0.2 ? " class=\"risk\"" : ""
        out += "<tr\(cls)><td>\(b.startYear + y)</td><td class=\"n\">\(x.cap.isNaN ? "—" : f.money(x.cap))</td><td class=\"n\">\(f.money(x.spend.mean))</td><td class=\"n\">\(f.money(x.spend.p5)) to \(f.money(x.spend.p95))</td><td class=\"n\">\(risk)</td><td class=\"n\">\(x.overspendGivenOverspend.isNaN ? "—" : f.money(x.overspendGivenOverspend))</td></tr>\n"
      }
      out += "</table>\n"
      series.append(.init(name: "Spending", mean: mean, p5: p5, p25: p25, p50: p50, p75: p75, p95: p95))
      if !line.caps.isEmpty { series.append(.init(name: "Cap", median: cap, bands: [], colour: 1)) }
      let years = (0..<b.years).map { String(b.startYear + $0) }
      out += SVGChart.fan(chart: "budget-\(line.name)", title: "Spending on \(line.label) per year", xLabels: years, series: series,
                          xTitle: "year", yTitle: r.scenario.currency, yFormat: { f.money($0) })
    }
    out += "<p class=\"note\">Bands: 5–95% and 25–75% of the simulated futures; line: median; dashed: mean. P(overspend): the share of futures in which the year's spending exceeds the cap.</p>\n"
    return out
  }

  static func payerSection(_ r: StressResults, _ f: StressFormat, variant v: Int) -> String {
    let b = r.budget
    var out = "<h2>Who pays, who saves</h2>\n<table>\n<tr><th>Payer</th><th>Net saving over \(b.years) years (mean)</th><th>95% interval</th><th>P(saves)</th><th>Paid back by \(b.startYear + b.years - 1)</th><th>Payback year (median)</th></tr>\n"
    for p in 0...r.layout.payers {
      let x = StressStat(r.matrix.column(r.layout.total(variant: v, payer: p)))
      let months = r.matrix.column(r.layout.payback(variant: v, payer: p))
      let paid = Double(months.filter(\.isFinite).count) / Double(max(1, months.count))
      let median = StressStat(months).p50
      let year = median.isFinite ? String(b.startYear + (Int(median) - 1) / 12) : "not within \(b.years) years"
      out += "<tr\(p == r.layout.payers ? " class=\"total\"" : "")><td>\(esc(r.payerLabels[p]))</td><td class=\"n\">\(f.money(x.mean))</td><td class=\"n\">\(f.money(x.p2_5)) to \(f.money(x.p97_5))</td><td class=\"n\">\(f.percent(x.positive))</td><td class=\"n\">\(f.percent(paid))</td><td class=\"n\">\(year)</td></tr>\n"
    }
    out += "</table>\n<p class=\"note\">Net saving = cost without the programme − cost with it (care for every referred client, plus the programme); positive means the payer saves. Payback: the year in which the cumulative net saving turns positive for good.</p>\n"
    let years = (0..<b.years).map { String(b.startYear + $0) }
    var series: [SVGChart.FanSeries] = []
    for p in [b.programme.payer, r.layout.payers] {
      var q: [[Double]] = Array(repeating: [], count: 6)
      var cumulative = [Double](repeating: 0, count: r.matrix.rows)
      for y in 0..<b.years {
        let c = r.matrix.column(r.layout.cash(variant: v, measure: 3, year: y, payer: p))
        for i in cumulative.indices { cumulative[i] += c[i] }
        let x = StressStat(cumulative)
        for (k, value) in [x.mean, x.p5, x.p25, x.p50, x.p75, x.p95].enumerated() { q[k].append(value) }
      }
      series.append(.init(name: r.payerLabels[p], mean: q[0], p5: q[1], p25: q[2], p50: q[3], p75: q[4], p95: q[5]))
    }
    series.append(.init(name: "Break-even", median: years.map { _ in 0 }, bands: [], colour: 6))
    out += SVGChart.fan(chart: "cumulative-net-saving", title: "Cumulative net saving (positive: the payer has saved)", xLabels: years,
                        series: series, xTitle: "year", yTitle: r.scenario.currency, yFormat: { f.money($0) })
    return out
  }

  static func queueSection(_ r: StressResults, _ f: StressFormat) -> String {
    let b = r.budget
    var out = "<h2>Referrals, places and the waiting list</h2>\n"
    let labels = (0..<b.months).map { m in m % 12 == 0 ? String(b.startYear + m / 12) : "" }
    var series: [SVGChart.FanSeries] = []
    for (k, name) in [(0, "Waiting list"), (1, "In service")] {
      var q: [[Double]] = Array(repeating: [], count: 6)
      for m in 0..<b.months {
        let x = StressStat(r.matrix.column(r.layout.monthly(variant: 0, measure: k, month: m)))
        for (i, value) in [x.mean, x.p5, x.p25, x.p50, x.p75, x.p95].enumerated() { q[i].append(value) }
      }
      series.append(.init(name: name, mean: q[0], p5: q[1], p25: q[2], p50: q[3], p75: q[4], p95: q[5]))
    }
    let capacity = (0..<b.months).map { StressStat(r.matrix.column(r.layout.monthly(variant: 0, measure: 4, month: $0))).mean }
    series.append(.init(name: "Places", median: capacity, bands: [], colour: 6))
    out += SVGChart.fan(chart: "waiting-list", title: "Clients waiting and in service, per month", xLabels: labels, series: series,
                        xTitle: "month", yTitle: "clients", yFormat: { f.count($0) })
    out += "<table>\n<tr><th>Year</th><th>Referrals</th><th>Admitted</th><th>Left the list</th><th>Turned away</th><th>Waiting list at year end</th><th>Mean wait of admissions (months)</th></tr>\n"
    for y in 0..<b.years {
      let values = (0..<4).map { StressStat(r.matrix.column(r.layout.yearly(variant: 0, measure: $0, year: y))).mean }
      let end = StressStat(r.matrix.column(r.layout.monthly(variant: 0, measure: 0, month: 12 * y + 11))).mean
      let waits = (0..<12).map { StressStat(r.matrix.column(r.layout.monthly(variant: 0, measure: 3, month: 12 * y + $0))).mean }.filter(\.isFinite)
      let wait = waits.isEmpty ? "—" : f.decimal(waits.reduce(0, +) / Double(waits.count), digits: 1)
      out += "<tr><td>\(b.startYear + y)</td>" + values.map { "<td class=\"n\">\(f.count($0))</td>" }.joined() + "<td class=\"n\">\(f.count(end))</td><td class=\"n\">\(wait)</td></tr>\n"
    }
    out += "</table>\n<p class=\"note\">Means over the simulated futures. A client waits at most \(b.waiting.maxMonths) months; places = FTE × caseload\(b.capacity.rampUpMonths > 0 ? ", growing over the first \(b.capacity.rampUpMonths) months" : "").</p>\n"
    return out
  }

  static func variantSection(_ r: StressResults, _ f: StressFormat) -> String {
    let b = r.budget
    guard !b.variants.isEmpty else { return "" }
    let L = r.layout
    var out = "<h2>Shocks and policies side by side</h2>\n<table>\n<tr><th>Variant</th>"
    let capped = b.lines.enumerated().filter { !$0.element.caps.isEmpty }
    for (_, line) in capped { out += "<th>Highest P(overspend): \(esc(line.label))</th>" }
    out += "<th>Net saving, \(esc(r.scenario.payers[b.programme.payer].label))</th><th>Net saving, all payers</th><th>Difference from the base case (all payers)</th><th>Admitted</th><th>Turned away</th></tr>\n"
    for v in 0..<L.variants.count {
      out += "<tr><td>\(esc(r.variantLabels[v]))</td>"
      for (l, _) in capped {
        let worst = (0..<b.years).map { StressTables.lineYear(r, variant: v, line: l, year: $0) }.enumerated().max { $0.element.pOverspend < $1.element.pOverspend }!
        out += "<td class=\"n\">\(f.percent(worst.element.pOverspend)) (\(b.startYear + worst.offset))</td>"
      }
      let own = StressStat(r.matrix.column(L.total(variant: v, payer: b.programme.payer)))
      let all = StressStat(r.matrix.column(L.total(variant: v, payer: L.payers)))
      var difference = "—"
      if v > 0 {
        let a = r.matrix.column(L.total(variant: v, payer: L.payers)), z = r.matrix.column(L.total(variant: 0, payer: L.payers))
        let d = StressStat(zip(a, z).map { $0 - $1 })
        difference = "\(f.money(d.mean)) (\(f.money(d.p2_5)) to \(f.money(d.p97_5)))"
      }
      let admitted = (0..<b.years).map { StressStat(r.matrix.column(L.yearly(variant: v, measure: 1, year: $0))).mean }.reduce(0, +)
      let away = (0..<b.years).map { StressStat(r.matrix.column(L.yearly(variant: v, measure: 3, year: $0))).mean }.reduce(0, +)
      out += "<td class=\"n\">\(f.money(own.mean))</td><td class=\"n\">\(f.money(all.mean))</td><td class=\"n\">\(difference)</td><td class=\"n\">\(f.count(admitted))</td><td class=\"n\">\(f.count(away))</td></tr>\n"
    }
    out += "</table>\n<p class=\"note\">Every variant uses the same parameter draws and random numbers as the base case, so the differences are not blurred by chance. Details per year: stress-differences.csv.</p>\n"
    for v in 1..<L.variants.count {
      let variant = b.variants[v - 1]
      var what: [String] = []
      if let s = variant.surge { what.append("referrals \(s.percent >= 0 ? "+" : "")\(f.decimal(s.percent, digits: 0))% from \(f.month(s.fromMonth, startYear: b.startYear))") }
      if let p = variant.priceRise { what.append("\(p.programmeOnly ? "programme" : "all") prices \(p.percent >= 0 ? "+" : "")\(f.decimal(p.percent, digits: 0))% from \(f.month(p.fromMonth, startYear: b.startYear))") }
      if let s = variant.fundingStop { what.append("funding stops from \(f.month(s.afterMonth, startYear: b.startYear)); clients in service \(s.finish ? "finish their service" : "go back to usual care")") }
      if let m = variant.rampUpMonths { what.append("ramp-up over \(m) months") }
      out += "<p class=\"note\"><b>\(esc(variant.label))</b>: \(what.joined(separator: "; ")).</p>\n"
    }
    return out
  }

  static func inputsSection(_ r: StressResults, _ f: StressFormat) -> String {
    let b = r.budget
    var out = "<h2>The budget's inputs and their sources</h2>\n<table>\n<tr><th>Input</th><th>As written</th><th>Source or assumption</th></tr>\n"
    let rows: [(String, String, ModelExpression?)] = [
      ("inflow.rate", "Referrals per month", b.inflow.rate), ("inflow.trend", "Growth of referrals per year", b.inflow.trend),
      ("capacity.fte", "FTE", b.capacity.fte), ("capacity.caseload", "Clients per FTE", b.capacity.caseload),
      ("waiting.dropout", "Monthly drop-out from the waiting list", b.waiting.dropout),
      ("programme.startup", "Start-up cost", b.programme.startup), ("programme.fixed_per_year", "Fixed cost per year", b.programme.fixedPerYear),
      ("programme.per_fte_year", "Cost per FTE-year", b.programme.perFTEYear), ("programme.per_client", "Cost per admission", b.programme.perClient),
      ("programme.per_client_month", "Cost per client-month", b.programme.perClientMonth), ("indexation", "Price indexation per year", b.indexation),
    ]
    let parameters = Dictionary(r.scenario.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    for (key, label, x) in rows {
      guard let x else { continue }
      var source = b.sources[key].flatMap { p in p.source.map { "Source: \(esc($0))" } ?? p.assumption.map { "<span class=\"assumption\">Assumption: \(esc($0))</span>" } }
      if source == nil {
        let names = x.references.map(\.name).filter { parameters[$0] != nil }
        if !names.isEmpty { source = "from the parameter\(names.count > 1 ? "s" : "") " + names.map { "<code>\(esc($0))</code>" }.joined(separator: ", ") + " (below)" }
      }
      out += "<tr><td>\(label)</td><td><code>\(esc(x.text))</code></td><td>\(source ?? (x.constantValue == 0 ? "" : "<span class=\"missing\">no source</span>"))</td></tr>\n"
    }
    for line in b.lines where !line.caps.isEmpty {
      let source = line.provenance.source.map { "Source: \(esc($0))" } ?? line.provenance.assumption.map { "<span class=\"assumption\">Assumption: \(esc($0))</span>" } ?? "<span class=\"missing\">no source</span>"
      out += "<tr><td>Cap of \(esc(line.label))</td><td><code>\(esc(line.caps.map(\.text).joined(separator: ", ")))</code></td><td>\(source)</td></tr>\n"
    }
    out += "</table>\n"
    var used = Set<String>()
    for x in [b.inflow.rate, b.inflow.trend, b.capacity.fte, b.capacity.caseload, b.waiting.dropout, b.indexation, b.programme.startup,
              b.programme.fixedPerYear, b.programme.perFTEYear, b.programme.perClient, b.programme.perClientMonth] + b.lines.flatMap(\.caps) {
      for (name, _) in x.references { used.insert(name) }
    }
    let listed = r.scenario.parameters.filter { used.contains($0.name) }
    if !listed.isEmpty {
      out += "<table>\n<tr><th>Parameter</th><th>Meaning</th><th>Value or distribution</th><th>Source or assumption</th></tr>\n"
      for p in listed {
        let source = p.provenance.source.map { "Source: \(esc($0))" } ?? p.provenance.assumption.map { "<span class=\"assumption\">Assumption: \(esc($0))</span>" } ?? "<span class=\"missing\">no source</span>"
        out += "<tr><td><code>\(esc(p.name))</code></td><td>\(esc(p.label ?? ""))</td><td>\(esc(p.written))</td><td>\(source)</td></tr>\n"
      }
      out += "</table>\n"
    }
    out += "<p class=\"note\">The per-client model's inputs and their sources are in the report of <code>mbc simulate</code> and in <code>mbc check --explain</code>.</p>\n"
    return out
  }

  // MARK: - Helpers

  /// A headline number marked with the summary.csv cell it shows.
  static func num(_ r: StressResults, _ metric: String, _ v: Int, _ who: String, _ year: Int?, _ stat: String,
                  _ summary: CSVTable, format: (Double) -> String) -> String {
    let yearText = year.map { String($0 + 1) } ?? "all"
    let row = summary.records(where: ["metric": metric, "variant": r.layout.variants[v], "payer_or_line": who, "year": yearText]).first
    let text = row?[stat] ?? "NA"
    let value = Double(text) ?? .nan
    return "<span class=\"num\" data-file=\"summary.csv\" data-metric=\"\(esc(metric))\" data-variant=\"\(esc(r.layout.variants[v]))\" data-payer_or_line=\"\(esc(who))\" data-year=\"\(yearText)\" data-stat=\"\(stat)\" data-value=\"\(esc(text))\">\(format(value))</span>"
  }

  static func esc(_ s: String) -> String { HTMLReport.escape(s) }
}

/// The CSV tables the stress report reads its marked numbers from.
public struct StressReportTables: Sendable {
  public var summary: CSVTable
  public init(summary: CSVTable) { self.summary = summary }
}

/// Mean, percentiles and P(> 0) of per-run values, for the report.
struct StressStat {
  var mean: Double, p2_5: Double, p5: Double, p25: Double, p50: Double, p75: Double, p95: Double, p97_5: Double, positive: Double
  init(_ values: [Double]) {
    let s = ColumnStatistics(values)
    mean = s.mean
    p2_5 = s.p2_5
    p5 = s.p5
    p25 = s.p25
    p50 = s.p50
    p75 = s.p75
    p95 = s.p95
    p97_5 = s.p97_5
    positive = Double(values.filter { $0 > 0 }.count) / Double(max(1, values.count))
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
  /// "pays €X more" / "saves €X".
  func signedSaving(_ v: Double) -> String { v >= 0 ? "saves " + money(v) : "pays " + money(-v) + " more" }
  func month(_ m: Int, startYear: Int) -> String {
    let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    return "\(names[m % 12]) \(startYear + m / 12)"
  }
}
