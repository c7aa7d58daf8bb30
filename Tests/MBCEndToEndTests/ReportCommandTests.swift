import Foundation
import Testing

/// Reads a CSV file into rows of unquoted fields (RFC 4180, as mbc writes it).
func csvRecords(_ path: String) throws -> [[String: String]] {
  let text = try String(contentsOfFile: path, encoding: .utf8)
  var rows: [[String]] = []
  var row: [String] = []
  var field = ""
  var quoted = false
  var previous: Character = "\0"
  for c in text {
    if quoted {
      if c == "\"" { quoted = false } else { field.append(c) }
    } else if c == "\"" {
      if previous == "\"" { field.append("\"") }
      quoted = true
    } else if c == "," {
      row.append(field)
      field = ""
    } else if c == "\n" {
      row.append(field)
      rows.append(row)
      row = []
      field = ""
    } else {
      field.append(c)
    }
    previous = c
  }
  let header = rows[0]
  return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
}

/// `<span class="num" …>text</span>` of a page: attributes and text.
func numberSpans(_ html: String) -> [(attributes: [String: String], text: String)] {
  let span = try! NSRegularExpression(pattern: #"<span class="num" ([^>]*)>([^<]*)</span>"#)
  let attribute = try! NSRegularExpression(pattern: #"([a-z0-9-]+)="([^"]*)""#)
  let ns = html as NSString
  return span.matches(in: html, range: NSRange(location: 0, length: ns.length)).map { m in
    let attrs = ns.substring(with: m.range(at: 1)) as NSString
    var out: [String: String] = [:]
    for a in attribute.matches(in: attrs as String, range: NSRange(location: 0, length: attrs.length)) {
      out[attrs.substring(with: a.range(at: 1))] = attrs.substring(with: a.range(at: 2))
    }
    return (out, ns.substring(with: m.range(at: 2)))
  }
}

/// `mbc report DIR`: the page of `mbc simulate`, redrawn from the output files.
@Suite("mbc report", .serialized)
struct ReportCommandTests {
  /// Simulates a copy of outreach-ref (so that the test can change it) into `dir/out`.
  func simulate(_ dir: URL, extra: [String] = []) throws -> (scenario: URL, out: String) {
    let scenario = dir.appendingPathComponent("outreach.yaml")
    try FileManager.default.copyItem(
      at: MBCBinary.repository.appendingPathComponent("Scenarios/outreach-ref.yaml"), to: scenario)
    let out = dir.appendingPathComponent("out").path
    let r = try MBCBinary.run(
      ["simulate", scenario.path, "--runs", "400", "--seed", "3", "--out", out, "--quiet"] + extra)
    #expect(r.status == 0, "\(r.stderr)")
    return (scenario, out)
  }

  @Test("mbc report DIR gives the page mbc simulate wrote, byte for byte; --locale nl changes only the numbers")
  func test_reportIdentical() throws {
    let dir = try temporaryDirectory("report")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (_, out) = try simulate(dir)
    let written = try Data(contentsOf: URL(fileURLWithPath: "\(out)/report.html"))
    let plane = try csvRecords("\(out)/plane.csv")
    #expect(plane.count == 400 * 5)  // runs × (4 payers + total), one comparison
    let r = try MBCBinary.run(["report", out])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "\(out)/report.html\n")
    #expect(try Data(contentsOf: URL(fileURLWithPath: "\(out)/report.html")) == written)

    let nlPath = dir.appendingPathComponent("rapport.html").path
    let nl = try MBCBinary.run(["report", out, "--locale", "nl", "--out", nlPath])
    #expect(nl.status == 0, "\(nl.stderr)")
    #expect(nl.stdout == "\(nlPath)\n")
    let en = String(decoding: written, as: UTF8.self)
    let dutch = try String(contentsOfFile: nlPath, encoding: .utf8)
    #expect(en != dutch)
    #expect(dutch.contains("400 Monte Carlo runs") && dutch.contains("€ −") && !dutch.contains("−€"))
    #expect(numberSpans(en).map(\.attributes) == numberSpans(dutch).map(\.attributes))
    // The page of simulate --locale nl is the page of report --locale nl.
    let again = dir.appendingPathComponent("nl-out").path
    let s = try MBCBinary.run([
      "simulate", dir.appendingPathComponent("outreach.yaml").path, "--runs", "400", "--seed", "3", "--out", again,
      "--quiet", "--locale", "nl",
    ])
    #expect(s.status == 0, "\(s.stderr)")
    let simulated = try String(contentsOfFile: "\(again)/report.html", encoding: .utf8)
    #expect(
      simulated.replacingOccurrences(of: again, with: out).split(separator: "\n").filter { !$0.contains("started ") }
        == dutch.split(separator: "\n").filter { !$0.contains("started ") })
  }

  @Test("the headline's data-value attributes are the summary.csv cells")
  func test_headlineValues() throws {
    let dir = try temporaryDirectory("report-values")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (_, out) = try simulate(dir)
    let html = try String(contentsOfFile: "\(out)/report.html", encoding: .utf8)
    let summary = try csvRecords("\(out)/summary.csv")
    let headline = try #require(
      html.components(separatedBy: "<p class=\"key headline\">").dropFirst().first?.components(separatedBy: "</p>")
        .first)
    let spans = numberSpans(headline)
    #expect(spans.count >= 8)
    #expect(Set(spans.compactMap { $0.attributes["data-stat"] }) == ["mean", "p2_5", "p97_5", "p_positive"])
    for (a, _) in numberSpans(html) {
      let rows = summary.filter { r in
        r["metric"] == a["data-metric"]
          && ["arm", "versus", "payer", "event", "effect"].allSatisfy { (a["data-\($0)"] ?? "NA") == r[$0] }
      }
      #expect(rows.count == 1, "\(a)")
      #expect(rows.first?[a["data-stat"] ?? ""] == a["data-value"], "\(a)")
      if a["data-per-client"] != nil { #expect(a["data-divisor"] == "100") }
    }
  }

  @Test("a missing or changed scenario is exit 2 with a message; --scenario draws it anyway, with a warning")
  func test_scenarioChecks() throws {
    let dir = try temporaryDirectory("report-scenario")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (scenario, out) = try simulate(dir)
    let moved = dir.appendingPathComponent("moved.yaml")
    try FileManager.default.moveItem(at: scenario, to: moved)
    let missing = try MBCBinary.run(["report", out])
    #expect(missing.status == 2)
    #expect(
      missing.stderr.contains(
        "error: the scenario of these results, '\(scenario.path)' (named in \(out)/manifest.json), is missing; give it "
          + "with --scenario PATH."
      ), "\(missing.stderr)")
    let given = try MBCBinary.run(["report", out, "--scenario", moved.path])
    #expect(given.status == 0 && given.stderr.isEmpty, "\(given.stderr)")

    let text = try String(contentsOf: moved, encoding: .utf8)
    try (text + "\n# edited\n").write(to: scenario, atomically: true, encoding: .utf8)
    let changed = try MBCBinary.run(["report", out])
    #expect(changed.status == 2)
    #expect(
      changed.stderr.contains("error: the scenario '\(scenario.path)' has changed since these results were simulated"),
      "\(changed.stderr)")
    let anyway = try MBCBinary.run(["report", out, "--scenario", scenario.path])
    #expect(anyway.status == 0)
    #expect(
      anyway.stderr.contains(
        "warning: the scenario '\(scenario.path)' is not the one these results were simulated from"))

    let noOutputs = try MBCBinary.run(["report", dir.path])
    #expect(noOutputs.status == 2)
    #expect(noOutputs.stderr.contains("has no manifest.json; give the output directory of mbc simulate."))
  }

  @Test("an unknown --locale is exit 2 with the codes it accepts")
  func test_unknownLocale() throws {
    let message = "--locale must be en (international numbers: €1,234.56) or nl (Dutch numbers: € 1.234,56), not 'de'."
    let report = try MBCBinary.run(["report", "results/none", "--locale", "de"])
    #expect(report.status == 2)
    #expect(report.stderr.contains(message), "\(report.stderr)")
    let simulate = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--runs", "10", "--locale", "de"])
    #expect(simulate.status == 2)
    #expect(simulate.stderr.contains(message), "\(simulate.stderr)")
  }
}
