import Foundation
import MBCAnalysis
import MBCEngine
import MBCScenario
import Testing

@testable import MBCReport

/// The tables `mbc simulate` writes, made the same way, for a simulated scenario.
func reportTables(_ sim: Simulated) -> ReportTables {
  let s = sim.scenario
  let seed = sim.results.run.seed
  let data = DecisionData(scenario: s, layout: sim.results.layout, matrix: sim.matrix)
  let acceptability = Acceptability(costs: data.costs, effects: data.outcomes, willingnessToPay: s.analysis.grid)
  var time = TimeTables.Columns(sim.session.details!, runs: sim.matrix.rows)
  var t = ReportTables()
  t.summary = SummaryTables.summary(sim.results)
  t.incremental = DecisionTables.incremental(
    data, scenario: s, willingnessToPay: s.analysis.willingnessToPay, seed: seed)
  t.ledger = LedgerTable.ledger(sim.results, matrix: sim.matrix, time: &time)
  t.ceac = DecisionTables.ceac(acceptability, scenario: s, seed: seed)
  t.evpi = DecisionTables.evpi(acceptability, scenario: s, engine: "individual", seed: seed)
  t.trace = TimeTables.trace(&time, scenario: s, seed: seed)
  t.cashflow = TimeTables.cashflow(&time, scenario: s, seed: seed)
  t.plane = PlaneTable.table(sim.results, matrix: sim.matrix)
  return t
}

/// The marked numbers of a page: each `<span class="num" …>` with its attributes and text.
func markedNumbers(_ html: String) -> [(attributes: [String: String], text: String)] {
  let span = try! NSRegularExpression(pattern: #"<span class="num" ([^>]*)>([^<]*)</span>"#)
  let attribute = try! NSRegularExpression(pattern: #"([a-z-]+)="([^"]*)""#)
  let ns = html as NSString
  return span.matches(in: html, range: NSRange(location: 0, length: ns.length)).map { m in
    let attrs = ns.substring(with: m.range(at: 1))
    var out: [String: String] = [:]
    for a in attribute.matches(in: attrs, range: NSRange(location: 0, length: (attrs as NSString).length)) {
      out[(attrs as NSString).substring(with: a.range(at: 1))] = (attrs as NSString).substring(with: a.range(at: 2))
    }
    return (out, ns.substring(with: m.range(at: 2)))
  }
}

@Suite("HTML report")
struct HTMLReportTests {
  /// The investment scenario with the individual engine (chance variation in every run) and a
  /// willingness to pay per eviction avoided.
  func simulated() throws -> Simulated {
    try Simulated(
      investmentScenario().replacingOccurrences(of: "outcome: eviction", with: "outcome: eviction\n  wtp: 5000"),
      runs: 300,
      engine: .individual)
  }

  @Test("every chart is a well-formed svg.chart with drawn marks: CE plane, histogram, cash-flow fans, traces, CEAC")
  func test_charts() throws {
    let sim = try simulated()
    let html = HTMLReport.render(
      scenario: sim.scenario, manifest: Manifest(sim.results, outputs: []), tables: reportTables(sim))
    let svgs = try NSRegularExpression(pattern: #"<svg class="chart".*?</svg>"#, options: .dotMatchesLineSeparators)
    let ns = html as NSString
    var names: [String] = []
    for m in svgs.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
      let xml = try #require(XMLElements.parse(ns.substring(with: m.range)))
      names.append(xml.elements[0].attributes["data-chart"] ?? "")
      #expect(xml.markCount > 0)
    }
    #expect(
      names == [
        "cashflow-INT-municipality", "cashflow-INT-insurer", "cashflow-INT-total", "histogram-INT", "ce-plane-INT",
        "trace-UC", "trace-INT", "ceac",
      ])
    // Self-contained: no scripts, no linked files; the only address is the SVG namespace.
    #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"))
    #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "http") == nil)
    #expect(html.contains("willingness to pay €5,000 per unit"))
    #expect(html.contains("which funds it"))  // the municipality pays for the intervention
  }

  @Test("headline numbers are marked with the exact summary.csv cell; per-client values give the divisor")
  func test_marks() throws {
    let sim = try simulated()
    let tables = reportTables(sim)
    let html = HTMLReport.render(scenario: sim.scenario, manifest: Manifest(sim.results, outputs: []), tables: tables)
    let headline = try #require(
      html.components(separatedBy: "<p class=\"key headline\">").dropFirst().first?.components(separatedBy: "</p>")
        .first)
    let marked = markedNumbers(headline)
    #expect(marked.count >= 8)
    let summary = try #require(tables.summary).records()
    for (a, text) in markedNumbers(html) {
      let rows = summary.filter { r in
        ["metric", "arm", "versus", "payer", "event", "effect"].allSatisfy { k in
          k == "metric" ? r[k] == a["data-metric"] : (a["data-\(k)"] ?? "NA") == r[k]
        }
      }
      #expect(rows.count == 1, "\(a)")
      guard let row = rows.first, let stat = a["data-stat"], let raw = a["data-value"] else { continue }
      #expect(row[stat] == raw)
      var value = Double(raw)!
      if a["data-per-client"] == "1" { value /= Double(a["data-divisor"]!)! }
      #expect(a["data-per-client"] == nil || a["data-divisor"] == "10")
      let expected: String
      switch a["data-format"] {
      case "money": expected = ReportLocale.international.money(value, currency: "EUR")
      case "percent": expected = ReportLocale.international.percent(value, digits: Int(a["data-digits"]!)!)
      default: expected = ReportLocale.international.number(value, digits: Int(a["data-digits"]!)!)
      }
      #expect(text == expected)
    }
    // The funder, the total and the payer that gains most.
    #expect(marked.contains { $0.attributes["data-payer"] == "municipality" && $0.attributes["data-stat"] == "mean" })
    #expect(marked.contains { $0.attributes["data-payer"] == "total" && $0.attributes["data-stat"] == "p97_5" })
    #expect(headline.contains("The insurer gains most"))
  }

  @Test("Dutch numbers in the page, the same marks")
  func test_dutch() throws {
    let sim = try simulated()
    let tables = reportTables(sim)
    let manifest = Manifest(sim.results, outputs: [])
    let en = HTMLReport.render(scenario: sim.scenario, manifest: manifest, tables: tables)
    let nl = HTMLReport.render(scenario: sim.scenario, manifest: manifest, tables: tables, locale: .dutch)
    #expect(en != nl)
    #expect(nl.contains("€ −") && !nl.contains("−€"))
    #expect(en.contains("−€") && !en.contains("€ −"))
    #expect(markedNumbers(en).map(\.attributes) == markedNumbers(nl).map(\.attributes))
  }

  @Test("a CSV table read back from its text equals the table written")
  func test_csvRoundTrip() throws {
    let sim = try simulated()
    var t = CSVTable(header: ["a", "b"])
    t.append([.text("with, comma"), .text("say \"hi\"\nbye")])
    t.append([.number(0.1), .missing])
    for table in [t, reportTables(sim).summary!, reportTables(sim).incremental!] {
      let back = try #require(CSVTable(parsing: table.text))
      #expect(back.text == table.text)
      #expect(back.rows == table.rows)
      #expect(back.records() == table.records())
    }
    #expect(CSVTable(parsing: "a,b\n1\n") == nil)
    #expect(t.records()[0]["a"] == "with, comma")
  }
}
