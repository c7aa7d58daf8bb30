import Foundation
import MBCAnalysis
import MBCEngine
import MBCScenario

/// report.html: one self-contained page (no scripts, no external files) that a budget holder
/// can read offline: the key result in words, the payer table ("who pays, who saves") with the
/// return on investment, payback and the net saving per year, the distribution of the net
/// saving, where the clients are over time, effects and events, the cost-effectiveness
/// analysis with acceptability curves, the value of information, break-even values, and every
/// input with its source.
public enum HTMLReport {
  public static func render(_ results: ResultSet, matrix: RunMatrix, tables: ReportTables = ReportTables()) -> String {
    let s = results.scenario
    let years = Double(s.horizon) / s.cyclesPerYear
    let period = years == years.rounded() ? "\(Int(years)) year\(years == 1 ? "" : "s")" : "\(s.horizon) \(s.cycle.rawValue)s"
    var body = ""
    body += "<h1>\(escape(s.name))</h1>\n"
    if !s.description.isEmpty { body += "<p class=\"lead\">\(escape(s.description))</p>\n" }
    body += "<p class=\"meta\">\(Formatting.grouped(Double(results.run.runs))) Monte Carlo runs of \(s.clients) clients per arm\(s.onlySubgroupLabel.map { " (only the subgroup <b>\(escape($0))</b>)" } ?? "") over \(period); costs in \(escape(s.currency))\(s.priceYear.map { " (price year \($0))" } ?? ""), discounted at \(format(s.costDiscountRate * 100, digits: 2))% a year. Seed \(results.run.seed).</p>\n"

    let reference = s.arms[s.referenceArm]
    for arm in s.arms where arm.name != reference.name {
      guard let total = results.summary("net_saving.\(arm.name).total") else { continue }
      body += "<h2>\(escape(arm.label)) compared with \(escape(reference.label))</h2>\n"
      let verb = total.mean >= 0 ? "saves" : "costs"
      body += "<p class=\"key\">Over \(period), \(escape(arm.label)) \(verb) on average <b>\(money(abs(total.mean), s.currency))</b> \(total.mean >= 0 ? "" : "more ")for a cohort of \(s.clients) clients (\(money(abs(total.mean) / Double(s.clients), s.currency)) per client), counting all payers together. "
      body += "In 95% of the simulated futures the net saving lies between \(money(total.p2_5, s.currency)) and \(money(total.p97_5, s.currency)); "
      body += "society as a whole saves money in <b>\(format(total.pPositive * 100, digits: 0))%</b> of them. "
      body += "The Monte Carlo error of the mean is \(money(total.mcse, s.currency)) (95% confidence interval of the mean \(money(total.ciLow, s.currency)) to \(money(total.ciHigh, s.currency))).</p>\n"

      body += "<h3>Who pays, who saves</h3>\n<table>\n<tr><th>Payer</th><th>Mean net saving</th><th>Per client</th><th>95% uncertainty interval</th><th>P(saves)</th></tr>\n"
      for (i, payer) in (s.payers.map { ($0.name, $0.label) } + [("total", "All payers")]).enumerated() {
        guard let x = results.summary("net_saving.\(arm.name).\(payer.0)") else { continue }
        let cls = i == s.payers.count ? " class=\"total\"" : ""
        body += "<tr\(cls)><td>\(escape(payer.1))</td><td class=\"n\">\(money(x.mean, s.currency))</td><td class=\"n\">\(money(x.mean / Double(s.clients), s.currency))</td><td class=\"n\">\(money(x.p2_5, s.currency)) to \(money(x.p97_5, s.currency))</td><td class=\"n\">\(format(x.pPositive * 100, digits: 0))%</td></tr>\n"
      }
      body += "</table>\n<p class=\"note\">Net saving = cost under \(escape(reference.label)) minus cost under \(escape(arm.label)); positive means the payer saves. A negative figure means the payer pays more (usually the one who funds the intervention).</p>\n"
      body += ledgerSection(tables, scenario: s, arm: arm.name)

      if let j = results.layout.index(of: "net_saving.\(arm.name).total") {
        body += "<h3>Distribution of the net saving (all payers)</h3>\n"
        body += histogram(matrix.column(j), currency: s.currency)
      }

      body += traceSection(tables, scenario: s, arm: arm.name)

      if !s.effects.isEmpty {
        body += "<h3>Effects</h3>\n<table>\n<tr><th>Effect</th><th>\(escape(reference.label))</th><th>\(escape(arm.label))</th><th>Gain (mean)</th><th>95% uncertainty interval</th><th>P(gain)</th></tr>\n"
        for f in s.effects {
          guard let r = results.summary("effect.\(reference.name).\(f.name)"), let a = results.summary("effect.\(arm.name).\(f.name)"),
            let d = results.summary("effect_gain.\(arm.name).\(f.name)")
          else { continue }
          body += "<tr><td>\(escape(f.label)) (discounted at \(format(f.discountRate * 100, digits: 2))%)</td><td class=\"n\">\(format(r.mean, digits: 2))</td><td class=\"n\">\(format(a.mean, digits: 2))</td><td class=\"n\">\(format(d.mean, digits: 2))</td><td class=\"n\">\(format(d.p2_5, digits: 2)) to \(format(d.p97_5, digits: 2))</td><td class=\"n\">\(format(d.pPositive * 100, digits: 0))%</td></tr>\n"
        }
        body += "</table>\n"
      }

      if !s.events.isEmpty {
        body += "<h3>Events in the cohort</h3>\n<table>\n<tr><th>Event</th><th>\(escape(reference.label))</th><th>\(escape(arm.label))</th><th>Avoided (mean)</th><th>95% uncertainty interval</th></tr>\n"
        for e in s.events {
          guard let r = results.summary("events.\(reference.name).\(e.name)"), let a = results.summary("events.\(arm.name).\(e.name)"),
            let d = results.summary("events_avoided.\(arm.name).\(e.name)")
          else { continue }
          body += "<tr><td>\(escape(e.label))</td><td class=\"n\">\(format(r.mean, digits: 1))</td><td class=\"n\">\(format(a.mean, digits: 1))</td><td class=\"n\">\(format(d.mean, digits: 1))</td><td class=\"n\">\(format(d.p2_5, digits: 0)) to \(format(d.p97_5, digits: 0))</td></tr>\n"
        }
        body += "</table>\n"
      }
    }

    body += analysisSection(tables, scenario: s)

    body += "<h2>Inputs and their sources</h2>\n<table>\n<tr><th>Parameter</th><th>Meaning</th><th>Value or distribution</th><th>Mean</th><th>Source or assumption</th></tr>\n"
    for p in s.parameters {
      var mean = ""
      if case .distribution(let d) = p.definition { mean = format(d.mean, digits: 4) }
      let source = p.provenance.source.map { "Source: \(escape($0))" } ?? p.provenance.assumption.map { "<span class=\"assumption\">Assumption: \(escape($0))</span>" } ?? "<span class=\"missing\">no source</span>"
      body += "<tr><td><code>\(escape(p.name))</code></td><td>\(escape(p.label ?? ""))</td><td>\(escape(p.written))</td><td class=\"n\">\(mean)</td><td>\(source)</td></tr>\n"
    }
    body += "</table>\n"
    body += "<p class=\"meta\">mbc \(escape(results.run.mbcVersion)) · scenario \(escape(results.run.scenarioPath)) (SHA-256 \(results.run.scenarioSHA256.prefix(16))…) · seed \(results.run.seed) · \(results.run.runs) runs · \(results.run.threads) threads · started \(escape(results.run.startedAt)). The 95% uncertainty interval is the 2.5th–97.5th percentile of the simulated values; the confidence interval of the mean reflects only Monte Carlo error.</p>\n"

    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>\(escape(s.name)) — mbc report</title>
      <style>
      body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
      h1{margin-bottom:.2rem} .lead{font-size:1.1rem;color:#444} .meta,.note{color:#666;font-size:.9rem}
      .key{font-size:1.05rem;background:#f3f7fb;border-left:4px solid #2a6fb0;padding:.6rem .9rem}
      table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%} th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
      th{background:#f5f5f5} td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} tr.total td{font-weight:600;border-top:2px solid #999}
      .assumption{color:#8a5a00} .missing{color:#b00020;font-weight:600} code{font-size:.9em}
      svg text{font-size:11px;fill:#444}
      </style></head><body>
      \(body)</body></html>

      """
  }

  /// An SVG histogram (40 bins) with the 2.5 / 50 / 97.5 percentiles and zero marked.
  static func histogram(_ values: [Double], currency: String) -> String {
    guard let lo = values.min(), let hi = values.max(), hi > lo else { return "<p class=\"note\">All runs gave the same value.</p>\n" }
    let bins = 40
    var counts = [Int](repeating: 0, count: bins)
    for v in values { counts[min(bins - 1, Int((v - lo) / (hi - lo) * Double(bins)))] += 1 }
    let width = 720.0, height = 220.0, left = 10.0, bottom = 30.0
    let maxCount = Double(counts.max() ?? 1)
    func x(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * (width - 2 * left) }
    var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"Histogram of the net saving\">\n"
    let barWidth = (width - 2 * left) / Double(bins)
    for (i, c) in counts.enumerated() {
      let h = Double(c) / maxCount * (height - bottom - 10)
      let from = lo + Double(i) / Double(bins) * (hi - lo)
      let color = from + (hi - lo) / Double(bins) <= 0 ? "#d08770" : (from >= 0 ? "#5e9c6a" : "#c0b070")
      svg += "<rect x=\"\(fmt(left + Double(i) * barWidth))\" y=\"\(fmt(height - bottom - h))\" width=\"\(fmt(barWidth - 1))\" height=\"\(fmt(h))\" fill=\"\(color)\"/>\n"
    }
    var sorted = values
    let q = Quantiles.type7(&sorted, probabilities: [0.025, 0.5, 0.975])
    for (v, label) in zip(q, ["2.5%", "median", "97.5%"]) {
      svg += "<line x1=\"\(fmt(x(v)))\" x2=\"\(fmt(x(v)))\" y1=\"10\" y2=\"\(fmt(height - bottom))\" stroke=\"#333\" stroke-dasharray=\"3,3\"/><text x=\"\(fmt(x(v) + 3))\" y=\"20\">\(label)</text>\n"
    }
    if lo < 0 && hi > 0 {
      svg += "<line x1=\"\(fmt(x(0)))\" x2=\"\(fmt(x(0)))\" y1=\"10\" y2=\"\(fmt(height - bottom))\" stroke=\"#b00020\"/><text x=\"\(fmt(x(0) + 3))\" y=\"34\">0</text>\n"
    }
    svg += "<text x=\"\(fmt(left))\" y=\"\(fmt(height - 8))\">\(money(lo, currency))</text><text x=\"\(fmt(width - left))\" y=\"\(fmt(height - 8))\" text-anchor=\"end\">\(money(hi, currency))</text>\n"
    svg += "</svg>\n<p class=\"note\">Green: runs in which society saves; red: runs in which it pays more. Dashed lines: 2.5th percentile, median and 97.5th percentile of \(values.count) runs.</p>\n"
    return svg
  }

  static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

  static func money(_ v: Double, _ currency: String) -> String { Formatting.money(v, currency) }

  static func format(_ v: Double, digits: Int) -> String {
    guard v.isFinite else { return "n/a" }
    return String(format: "%.\(digits)f", v)
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
