import Foundation
import Testing

@testable import MBCReport

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The elements of an XML document, collected by Foundation's parser.
final class XMLElements: NSObject, XMLParserDelegate {
  var elements: [(name: String, attributes: [String: String])] = []
  var error: Error?

  /// Parses `text`; nil when it is not well-formed XML.
  static func parse(_ text: String) -> XMLElements? {
    let collector = XMLElements()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = collector
    return parser.parse() && collector.error == nil ? collector : nil
  }

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
    attributes attributeDict: [String: String] = [:]
  ) {
    elements.append((elementName, attributeDict))
  }

  func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }

  static let marks: Set<String> = ["path", "rect", "circle", "line", "polyline", "polygon"]

  /// Drawn marks other than the frame (grid lines and axes are `line`s too).
  var markCount: Int { elements.filter { Self.marks.contains($0.name) }.count }
  func count(_ name: String) -> Int { elements.filter { $0.name == name }.count }
}

@Suite("SVG charts")
struct SVGChartTests {
  /// Checks the chart contract: well-formed XML, the root `svg.chart` with its name, role and
  /// label, a viewBox and width 100%, drawn marks, and no NaN or infinity in any attribute.
  @discardableResult
  func check(_ svg: String, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> XMLElements {
    let xml = try #require(XMLElements.parse(svg), "not well-formed XML:\n\(svg)", sourceLocation: sourceLocation)
    let root = try #require(xml.elements.first, sourceLocation: sourceLocation)
    #expect(
      svg.hasPrefix("<svg class=\"chart\" data-chart=\"\(name)\" role=\"img\" aria-label=\""),
      sourceLocation: sourceLocation)
    #expect(
      root.name == "svg" && root.attributes["class"] == "chart" && root.attributes["data-chart"] == name,
      sourceLocation: sourceLocation)
    #expect(
      root.attributes["role"] == "img" && !(root.attributes["aria-label"] ?? "").isEmpty, sourceLocation: sourceLocation
    )
    #expect(
      root.attributes["width"] == "100%" && root.attributes["viewBox"]?.hasPrefix("0 0 720 ") == true,
      sourceLocation: sourceLocation)
    #expect(xml.markCount > 0, sourceLocation: sourceLocation)
    for e in xml.elements {
      for (k, v) in e.attributes where k != "aria-label" {
        let lower = v.lowercased()
        #expect(
          !lower.contains("nan") && !lower.contains("inf"), "\(e.name) \(k)=\"\(v)\"", sourceLocation: sourceLocation)
      }
    }
    #expect(!svg.contains("<script"), sourceLocation: sourceLocation)
    return xml
  }

  let money: (Double) -> String = { ReportLocale.international.money($0, currency: "EUR") }
  let percent: (Double) -> String = { ReportLocale.international.percent($0) }

  @Test("fan chart: bands as polygons, median solid, mean dashed, legend; labels escaped")
  func test_fan() throws {
    let series = SVGChart.FanSeries(
      name: "Municipality <Wmo> & co", mean: [-90, 10, 40], p5: [-150, -60, -30], p25: [-110, -10, 15],
      p50: [-95, 5, 35], p75: [-80, 25, 60], p95: [-40, 70, 110])
    let svg = SVGChart.fan(
      chart: "fan", title: "Net saving & more", xLabels: ["2026", "2027", "2028"], series: [series], xTitle: "year",
      yTitle: "EUR", yFormat: money)
    let xml = try check(svg, name: "fan")
    #expect(xml.count("polygon") == 2)
    #expect(xml.elements.filter { $0.name == "path" }.count == 2)
    #expect(xml.elements.contains { $0.name == "path" && $0.attributes["stroke-dasharray"] != nil })
    #expect(svg.contains("Net saving &amp; more"))
    #expect(svg.contains(">€0<") && svg.contains(">2027<"))
    #expect(svg.contains(">5–95%<") && svg.contains(">25–75%<") && svg.contains(">median<") && svg.contains(">mean<"))
  }

  @Test("line charts over numbers and over categories")
  func test_lines() throws {
    let numeric = SVGChart.lines(
      chart: "trace", title: "Trace", x: [0, 1, 2, 3],
      series: [
        SVGChart.Series(name: "Housed", values: [1, 0.9, 0.8, 0.7]),
        SVGChart.Series(name: "Homeless", values: [0, 0.1, 0.2, 0.3], dashed: true),
      ],
      xTitle: "month", xFormat: { String(Int($0)) }, yFormat: percent, yRange: 0...1)
    let xml = try check(numeric, name: "trace")
    #expect(xml.count("path") == 2)
    #expect(numeric.contains(">100%<") && numeric.contains(">0%<") && numeric.contains(">Homeless<"))
    let months = (1...24).map { "m\($0)" }
    let categorical = SVGChart.lines(
      chart: "waiting", title: "Waiting list", xLabels: months,
      series: [SVGChart.Series(name: "waiting", values: (1...24).map { Double($0 * $0) })], yFormat: { String(Int($0)) }
    )
    try check(categorical, name: "waiting")
  }

  @Test("scatter: axes through 0, mean marked, willingness-to-pay line clipped to the plot")
  func test_scatter() throws {
    let x = (0..<200).map { Double($0 % 17) / 4 + 0.5 }
    let y = (0..<200).map { Double(($0 * 37) % 101) * 100 + 200 }
    let svg = SVGChart.scatter(
      chart: "plane", title: "CE plane", x: x, y: y, xTitle: "ΔQALY", yTitle: "ΔEUR", xFormat: { String($0) },
      yFormat: money, mean: (x: 2.5, y: 5000), slope: 2000, slopeLabel: "WTP €2,000")
    let xml = try check(svg, name: "plane")
    #expect(xml.count("circle") >= 200 + 1)
    // Zero is inside both axes, though every point is positive.
    #expect(svg.contains(">€0<") && svg.contains(">0.0<"))
    #expect(svg.contains(">WTP €2,000<") && svg.contains("stroke-dasharray=\"6,4\""))
  }

  @Test("histogram and bars")
  func test_histogramAndBars() throws {
    let values = (0..<500).map { Double($0) - 150 }
    let svg = SVGChart.histogram(
      chart: "hist", title: "Net saving", values: values, bins: 20,
      markers: [SVGChart.Marker(value: 0, label: "zero")], xFormat: money)
    let xml = try check(svg, name: "hist")
    #expect(xml.count("rect") >= 20)
    #expect(svg.contains(">zero<"))
    let bars = SVGChart.bars(
      chart: "bars", title: "Per payer", labels: ["a", "b", "c"], values: [3, -2, .nan], yFormat: money)
    let b = try check(bars, name: "bars")
    #expect(b.count("rect") == 2)
  }

  @Test("degenerate data: one point, all values equal, NaN and infinity skipped, no data at all")
  func test_degenerate() throws {
    let one = SVGChart.lines(
      chart: "one", title: "One point", x: [3], series: [SVGChart.Series(name: "a", values: [7])],
      xFormat: { String($0) }, yFormat: { String($0) })
    let xml = try check(one, name: "one")
    #expect(xml.elements.contains { $0.name == "circle" })  // an isolated point is a dot
    let flat = SVGChart.fan(
      chart: "flat", title: "Flat", xLabels: ["a", "b"],
      series: [SVGChart.FanSeries(name: "f", mean: [5, 5], p5: [5, 5], p50: [5, 5], p95: [5, 5])],
      yFormat: { String($0) })
    try check(flat, name: "flat")
    let gaps = SVGChart.lines(
      chart: "gaps", title: "Gaps", x: [0, 1, 2, 3, 4, .nan],
      series: [
        SVGChart.Series(name: "g", values: [1, .nan, 2, .infinity, -.infinity, 4]),
        SVGChart.Series(name: "h", values: [1, 2, 3, 4, 5, 6]),
      ],
      xFormat: { String($0) }, yFormat: { String($0) })
    try check(gaps, name: "gaps")
    let fanGaps = SVGChart.fan(
      chart: "fangaps", title: "Fan with gaps", xLabels: ["a", "b", "c", "d"],
      series: [
        SVGChart.FanSeries(
          name: "f", mean: [1, .nan, 3, 4], p5: [0, 1, .nan, 3], p50: [1, 2, 3, .nan],
          p95: [2, 3, 4, .infinity])
      ], yFormat: { String($0) })
    try check(fanGaps, name: "fangaps")
    let nothing = SVGChart.scatter(
      chart: "empty", title: "No data", x: [.nan], y: [1], xFormat: { String($0) }, yFormat: { String($0) },
      mean: (x: .nan, y: 1), slope: .infinity)
    try check(nothing, name: "empty")
    let allNaN = SVGChart.histogram(
      chart: "nonfinite", title: "NaN", values: [.nan, .infinity], xFormat: { String($0) })
    try check(allNaN, name: "nonfinite")
    let same = SVGChart.histogram(chart: "same", title: "Same", values: [4, 4, 4], xFormat: { String($0) })
    try check(same, name: "same")
  }

  @Test("ticks fall on round numbers and cover the range")
  func test_ticks() {
    #expect(SVGChart.ticks(0, 1) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
    #expect(SVGChart.ticks(-1_234_567, 873_000) == [-1_500_000, -1_000_000, -500_000, 0, 500_000, 1_000_000])
    #expect(SVGChart.ticks(3, 3).count >= 2)
    #expect(SVGChart.ticks(0, 23) == [0, 5, 10, 15, 20, 25])
    #expect(SVGChart.decimals(for: [0, 0.25, 0.5]) == 2)
    #expect(SVGChart.decimals(for: [0, 5000, 10000]) == 0)
    let t = SVGChart.ticks(.nan, .infinity)
    #expect(t.allSatisfy(\.isFinite) && t.count >= 2)
  }
}
