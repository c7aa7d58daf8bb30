import Foundation
import Testing

/// report.html as a person sees it: each bundled scenario's report is rendered in headless
/// Chromium (`scripts/check_report.py`, via ``ReportChecker``), which takes a screenshot and
/// fails on a console error, on a chart (`svg.chart`) without drawn marks, and on a headline
/// number (`.num`) that differs from its cell of summary.csv. The `test_checker_*` tests give
/// the checker crafted pages, so that it is known to fail when it should; run only those with
/// `swift test --filter 'BrowserReportTests.*test_checker'`.
///
/// Skipped without Chromium, unless `MBC_REQUIRE_BROWSER=1` (set by `make test`, which installs
/// Debian's chromium when missing) makes that a failure. With `MBC_REPORT_SCREENSHOTS=DIR` the
/// screenshots of the bundled reports are kept there as `<scenario>.png`.
@Suite("Report in the browser", .serialized)
struct BrowserReportTests {
  static let skipReason: Comment =
    "no Chromium or python3: `make chromium` installs it (MBC_REQUIRE_BROWSER=1 requires it)"

  /// The bundled business cases: every YAML file directly in Scenarios/ (not Scenarios/validation/).
  static func bundledScenarios() -> [String] {
    let folder = MBCBinary.repository.appendingPathComponent("Scenarios")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted()
  }

  // MARK: - The bundled reports

  @Test(
    "each bundled scenario's report renders with drawn charts, headline numbers equal to summary.csv, no console error",
    .enabled(if: ReportChecker.shouldRun, skipReason), arguments: bundledScenarios())
  func test_bundledScenario_report(_ fileName: String) throws {
    guard let checker = ReportChecker.make() else { return }
    let results = try temporaryDirectory("browser-report")
    defer { try? FileManager.default.removeItem(at: results) }
    let simulate = try MBCBinary.run([
      "simulate", "Scenarios/\(fileName)", "--runs", "200", "--seed", "1", "--quiet", "--out", results.path,
    ])
    try #require(simulate.status == 0, "mbc simulate \(fileName) exited with \(simulate.status):\n\(simulate.stderr)")

    let screenshot = results.appendingPathComponent("screenshot.png")
    let outcome = try checker.check(
      results.appendingPathComponent("report.html"), screenshot: screenshot,
      dom: results.appendingPathComponent("rendered.html"))
    #expect(outcome.status == 0 && outcome.failures.isEmpty, "report.html of \(fileName):\n\(outcome.output)")

    // The screenshot: a PNG 1280 pixels wide with something on it (a blank page is ~23 kB).
    let png = FileManager.default.contents(atPath: screenshot.path) ?? Data()
    #expect(Array(png.prefix(8)) == NotebookEndToEndTests.pngSignature, "no PNG screenshot of \(fileName)'s report")
    let width = png.count > 24 ? png[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0  // IHDR, big-endian
    #expect(width == 1280, "the screenshot is \(width) px wide, not 1280")
    #expect(png.count > 50_000, "the screenshot of \(fileName)'s report has only \(png.count) bytes")
    if let keep = ProcessInfo.processInfo.environment["MBC_REPORT_SCREENSHOTS"], !keep.isEmpty, !png.isEmpty {
      let folder = URL(fileURLWithPath: keep)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try png.write(to: folder.appendingPathComponent((fileName as NSString).deletingPathExtension + ".png"))
    }
  }

  /// The bundled scenarios with a `budget:` section (run by `mbc stress`).
  static func budgetScenarios() -> [String] {
    let folder = MBCBinary.repository.appendingPathComponent("Scenarios")
    return bundledScenarios().filter { name in
      let text = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
      return text.split(separator: "\n").contains { $0.hasPrefix("budget:") }
    }
  }

  @Test(
    "each bundled budget stress test's report renders with drawn charts and headline numbers equal to summary.csv, in both locales",
    .enabled(if: ReportChecker.shouldRun, skipReason), arguments: budgetScenarios())
  func test_bundledStressReport(_ fileName: String) throws {
    guard let checker = ReportChecker.make() else { return }
    for locale in ["en", "nl"] {
      let results = try temporaryDirectory("browser-stress")
      defer { try? FileManager.default.removeItem(at: results) }
      let stress = try MBCBinary.run([
        "stress", "Scenarios/\(fileName)", "--runs", "40", "--seed", "1", "--quiet", "--locale", locale, "--out", results.path,
      ])
      try #require(stress.status == 0, "mbc stress \(fileName) exited with \(stress.status):\n\(stress.stderr)")
      let screenshot = results.appendingPathComponent("screenshot.png")
      let outcome = try checker.check(
        results.appendingPathComponent("report.html"), screenshot: screenshot,
        dom: results.appendingPathComponent("rendered.html"))
      #expect(outcome.status == 0 && outcome.failures.isEmpty, "stress report.html of \(fileName) (\(locale)):\n\(outcome.output)")
      let png = FileManager.default.contents(atPath: screenshot.path) ?? Data()
      #expect(png.count > 50_000, "the screenshot of \(fileName)'s stress report has only \(png.count) bytes")
      if locale == "en", let keep = ProcessInfo.processInfo.environment["MBC_REPORT_SCREENSHOTS"], !keep.isEmpty, !png.isEmpty {
        let folder = URL(fileURLWithPath: keep)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try png.write(to: folder.appendingPathComponent((fileName as NSString).deletingPathExtension + "-stress.png"))
      }
    }
  }

  // MARK: - The checker on crafted pages

  /// A summary.csv in the shape of mbc's (quoted units with commas, NA), and a second CSV for `data-file`.
  static let summaryCSV = """
    metric,arm,versus,payer,event,unit,mean,p2_5,p97_5,p_positive,runs,seed
    net_saving,BZ,UC,total,NA,"EUR (discounted, 100 clients)",638197.7431712437,-138803.2,2273890.4,0.975,200,1
    net_saving,BZ,UC,municipality,NA,"EUR (discounted, 100 clients)",270399.1,-181321.4,1087179.2,0.82,200,1
    events_avoided,BZ,UC,NA,eviction,"count (100 clients)",10.025,2,22,0.99,200,1
    cost,XX,NA,total,NA,"EUR (discounted, 100 clients)",NA,NA,NA,NA,200,1

    """
  static let stressCSV = "case,metric,mean\nhigh_prices,net_saving,-1234.5\n"

  /// Writes `html` as page.html next to the two CSV files in a fresh folder.
  static func craftedPage(_ html: String) throws -> URL {
    let folder = try temporaryDirectory("browser-crafted")
    try summaryCSV.write(to: folder.appendingPathComponent("summary.csv"), atomically: true, encoding: .utf8)
    try stressCSV.write(to: folder.appendingPathComponent("stress.csv"), atomically: true, encoding: .utf8)
    let page = folder.appendingPathComponent("page.html")
    try ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>crafted</title></head><body>\n"
      + html + "\n</body></html>\n").write(to: page, atomically: true, encoding: .utf8)
    return page
  }

  static let netSaving = #"data-metric="net_saving" data-arm="BZ" data-payer="total""#
  static let netSavingMean = #"data-stat="mean" data-value="638197.7431712437""#

  @Test(
    "checker: a correct page passes (chart drawn by a script; en, nl, %, per-client, mln, NA, hidden text, data-file)",
    .enabled(if: ReportChecker.shouldRun, skipReason))
  func test_checker_correctPage() throws {
    guard let checker = ReportChecker.make() else { return }
    // The second chart is empty in the file and drawn by the script: only the rendered DOM has its mark.
    // Text a reader does not see (`hidden`) is not part of a headline number.
    let page = try Self.craftedPage("""
      <svg class="chart" data-chart="histogram" viewBox="0 0 100 50"><rect x="0" y="10" width="10" height="40"/></svg>
      <svg class="chart" data-chart="drawn-by-script" viewBox="0 0 100 50"></svg>
      <script>
        const line = document.createElementNS("http://www.w3.org/2000/svg", "path");
        line.setAttribute("d", "M0 50 L100 0");
        line.setAttribute("stroke", "black");
        document.querySelector('[data-chart="drawn-by-script"]').appendChild(line);
      </script>
      <p>Net saving <span class="num" \(Self.netSaving) \(Self.netSavingMean)>€638,198</span>,
      in Dutch <span class="num" \(Self.netSaving) \(Self.netSavingMean)>€ 638.197,7</span>,
      with hidden text <span class="num" \(Self.netSaving) \(Self.netSavingMean)>€638,198<span hidden> 2024</span>
        </span>,
      per client <span class="num" \(Self.netSaving) \(Self.netSavingMean) data-per-client="1" data-divisor="100"
        data-format="money">€6,382</span>,
      in millions <span class="num" \(Self.netSaving) \(Self.netSavingMean)>€0.64 mln</span>,
      lower bound <span class="num" \(Self.netSaving) data-stat="p2_5" data-value="-138803.2">−€138,803</span>,
      P(saves) <span class="num" \(Self.netSaving) data-stat="p_positive" data-value="0.975"
        data-format="percent">97.5%</span>,
      evictions avoided <span class="num" data-metric="events_avoided" data-event="eviction" data-stat="mean"
        data-value="10.025" data-format="number" data-digits="1">10.0</span>,
      undefined <span class="num" data-metric="cost" data-arm="XX" data-stat="mean" data-value="NA">n/a</span>,
      stress test <span class="num" data-file="stress.csv" data-case="high_prices" data-stat="mean"
        data-value="-1234.5">€ −1.234,5</span>.</p>
      """)
    defer { try? FileManager.default.removeItem(at: page.deletingLastPathComponent()) }
    let outcome = try checker.check(page)
    #expect(outcome.status == 0 && outcome.failures.isEmpty, "\(outcome.output)")
    #expect(outcome.output.contains("2 charts, 10 headline numbers, 0 console errors"), "\(outcome.output)")
  }

  @Test(
    "checker: an empty chart, a wrong headline number and a console error are three failures, each named",
    .enabled(if: ReportChecker.shouldRun, skipReason))
  func test_checker_brokenPage() throws {
    guard let checker = ReportChecker.make() else { return }
    let page = try Self.craftedPage("""
      <svg class="chart" data-chart="empty-histogram" viewBox="0 0 100 50">
        <defs><clipPath id="plot"><rect width="100" height="50"/></clipPath></defs>
        <g clip-path="url(#plot)"><text x="0" y="10">no data</text></g></svg>
      <p><span class="num" \(Self.netSaving) \(Self.netSavingMean)>€683,198</span></p>
      <script>document.querySelector("#missing").textContent = "x";</script>
      """)
    defer { try? FileManager.default.removeItem(at: page.deletingLastPathComponent()) }
    let outcome = try checker.check(page)
    #expect(outcome.status == 1, "\(outcome.output)")
    #expect(outcome.failures.count == 3, "\(outcome.output)")
    let expected = [
      #"chart "empty-histogram" has no drawn elements"#,
      "shows '€683,198' but the value is 638197.7432",
      "console error: TypeError: Cannot set properties of null",
    ]
    for message in expected {
      #expect(outcome.failures.contains { $0.contains(message) }, "no failure says \(message):\n\(outcome.output)")
    }
  }

  @Test(
    "checker: headline numbers without a row, stale, ambiguous, naming no column, misformatted; a broken image",
    .enabled(if: ReportChecker.shouldRun, skipReason))
  func test_checker_lookupFailures() throws {
    guard let checker = ReportChecker.make() else { return }
    let page = try Self.craftedPage("""
      <p><span class="num" data-metric="net_saving" data-arm="ZZ" data-payer="total" data-stat="mean"
        data-value="1">1</span>
      <span class="num" \(Self.netSaving) data-stat="mean" data-value="638197.74">€638,198</span>
      <span class="num" data-metric="net_saving" data-arm="BZ" data-stat="mean" data-value="1">1</span>
      <span class="num" data-metric="net_saving" data-arm="BZ" data-payr="total" data-stat="mean"
        data-value="1">1</span>
      <span class="num" data-file="nope.csv" data-metric="x" data-stat="mean" data-value="1">1</span>
      <span class="num" \(Self.netSaving) \(Self.netSavingMean)>€638,198 or €1</span>
      <span class="num" \(Self.netSaving) \(Self.netSavingMean) data-per-client="1">€6,382</span>
      <span class="num" \(Self.netSaving) \(Self.netSavingMean) data-digits="1">638,198</span>
      <span class="num" \(Self.netSaving) data-stat="p_positive" data-value="0.975"
        data-format="percent">0.975</span></p>
      <img src="missing-figure.png" alt="">
      """)
    defer { try? FileManager.default.removeItem(at: page.deletingLastPathComponent()) }
    let outcome = try checker.check(page)
    #expect(outcome.status == 1, "\(outcome.output)")
    let expected = [
      "no row of summary.csv has metric='net_saving', arm='ZZ', payer='total'",
      "data-value='638197.74' but summary.csv has mean='638197.7431712437'",
      "2 rows of summary.csv match; add data-payer to pick one",
      "data-payr names no column of summary.csv",
      "nope.csv does not exist next to the report",
      "has 2 numbers; expected one number",
      "data-per-client without data-divisor",
      "the visible text '638,198' does not have data-digits=1 decimals",
      "data-format=\"percent\" but the visible text '0.975' has no %",
      "console error: network: Failed to load resource",
      "0 charts (svg.chart) on the page; at least 1 expected",
    ]
    for message in expected {
      #expect(outcome.failures.contains { $0.contains(message) }, "no failure says \(message):\n\(outcome.output)")
    }
    #expect(outcome.failures.count == expected.count, "\(outcome.output)")
  }

  @Test("checker: a page without headline numbers fails", .enabled(if: ReportChecker.shouldRun, skipReason))
  func test_checker_noHeadlineNumbers() throws {
    guard let checker = ReportChecker.make() else { return }
    let page = try Self.craftedPage(#"<svg class="chart" data-chart="dots"><circle cx="5" cy="5" r="4"/></svg>"#)
    defer { try? FileManager.default.removeItem(at: page.deletingLastPathComponent()) }
    let outcome = try checker.check(page)
    #expect(outcome.status == 1, "\(outcome.output)")
    #expect(outcome.failures == ["0 headline numbers (.num) on the page; at least 1 expected"], "\(outcome.output)")
  }
}
