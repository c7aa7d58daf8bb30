import Foundation

/// Charts as inline SVG for self-contained HTML pages: pure functions from numbers to an
/// `<svg>` string, with no scripts, fonts or external files, so that a page reads offline and
/// prints (every chart has a `viewBox` and `width="100%"`, and scales with the page).
///
/// Every chart starts `<svg class="chart" data-chart="NAME" role="img" aria-label="TITLE"`, has
/// a `<title>`, axes with ticks at round numbers (``ticks(_:_:count:)``), axis titles and a
/// legend. Its marks are `path`, `rect`, `circle`, `line` and `polygon` elements. Colours are
/// the Okabe–Ito palette (``palette``), which readers with a colour-vision deficiency can tell
/// apart; dashed lines and the legend carry the same information without colour. Values that
/// are NaN or infinite are skipped (a line breaks there; an isolated point is drawn as a dot);
/// a chart without a single finite value still draws its axes. Labels are formatted by the
/// caller's closures (e.g. ``ReportLocale/money(_:currency:digits:)``); coordinates are
/// always written with a `.` decimal point. The output is well-formed XML.
///
/// ```swift
/// let nl = ReportLocale.dutch
/// // A fan chart of a yearly cash flow: 5–95% and 25–75% bands, the median, the mean dashed.
/// let fan = SVGChart.fan(
///   chart: "cashflow-municipality", title: "Net saving per year: municipality",
///   xLabels: ["2026", "2027", "2028"],
///   series: [SVGChart.FanSeries(
///     name: "Municipality", mean: [-90, 10, 40], p5: [-150, -60, -30], p25: [-110, -10, 15],
///     p50: [-95, 5, 35], p75: [-80, 25, 60], p95: [-40, 70, 110])],
///   xTitle: "year", yTitle: "net saving", yFormat: { nl.money($0, currency: "EUR") })
/// // One line per state over the cycles, as shares of the cohort.
/// let trace = SVGChart.lines(
///   chart: "trace-UC", title: "Usual care", x: [0, 1, 2],
///   series: [SVGChart.Series(name: "Housed", values: [1, 0.9, 0.8]),
///            SVGChart.Series(name: "Homeless", values: [0, 0.1, 0.2])],
///   xTitle: "month", xFormat: { nl.number($0) }, yFormat: { nl.percent($0) }, yRange: 0...1)
/// ```
public enum SVGChart {
  /// The Okabe–Ito colours (blue, vermillion, bluish green, reddish purple, orange, sky blue,
  /// black, yellow): series k has colour `palette[k % 8]`.
  public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

  /// One line of a line chart: a value per x (NaN for none), drawn solid or dashed.
  public struct Series: Sendable {
    public var name: String
    public var values: [Double]
    public var dashed: Bool
    /// The palette index; nil: the series' position in the chart.
    public var colour: Int?

    public init(name: String, values: [Double], dashed: Bool = false, colour: Int? = nil) {
      self.name = name
      self.values = values
      self.dashed = dashed
      self.colour = colour
    }
  }

  /// One quantity of a fan chart: shaded bands between lower and upper quantiles (widest
  /// first), the median as a solid line and the mean as a dashed line, each optional.
  public struct FanSeries: Sendable {
    /// A shaded band, e.g. the 5th to the 95th percentile, with its legend text.
    public struct Band: Sendable {
      public var lower: [Double]
      public var upper: [Double]
      public var label: String

      public init(lower: [Double], upper: [Double], label: String) {
        self.lower = lower
        self.upper = upper
        self.label = label
      }
    }

    public var name: String
    public var mean: [Double]?
    public var median: [Double]?
    public var bands: [Band]
    public var colour: Int?

    /// Any bands (widest first), median and mean.
    public init(name: String, mean: [Double]? = nil, median: [Double]? = nil, bands: [Band], colour: Int? = nil) {
      self.name = name
      self.mean = mean
      self.median = median
      self.bands = bands
      self.colour = colour
    }

    /// The usual fan: the 5–95% band, the 25–75% band (when given), the median and the mean.
    public init(
      name: String, mean: [Double]? = nil, p5: [Double], p25: [Double]? = nil, p50: [Double]? = nil,
      p75: [Double]? = nil,
      p95: [Double], colour: Int? = nil
    ) {
      var bands = [Band(lower: p5, upper: p95, label: "5–95%")]
      if let p25, let p75 { bands.append(Band(lower: p25, upper: p75, label: "25–75%")) }
      self.init(name: name, mean: mean, median: p50, bands: bands, colour: colour)
    }
  }

  /// A vertical line across a histogram at `value`, labelled (e.g. a percentile).
  public struct Marker: Sendable {
    public var value: Double
    public var label: String

    public init(value: Double, label: String) {
      self.value = value
      self.label = label
    }
  }

  // MARK: - Charts

  /// A fan chart over categories (years, months): for each series its bands, its median
  /// (solid) and its mean (dashed). Shows how an amount and its uncertainty develop over time,
  /// e.g. a payer's net saving per year with the 95% uncertainty interval.
  public static func fan(
    chart: String, title: String, xLabels: [String], series: [FanSeries], xTitle: String = "", yTitle: String = "",
    yFormat: (Double) -> String
  ) -> String {
    var values: [Double] = []
    for s in series {
      values += (s.mean ?? []) + (s.median ?? [])
      for b in s.bands { values += b.lower + b.upper }
    }
    var legend: [LegendItem] = []
    for (k, s) in series.enumerated() {
      let c = colour(s.colour ?? k)
      let prefix = series.count > 1 ? "\(s.name): " : ""
      for (i, b) in s.bands.enumerated() {
        legend.append(LegendItem(text: prefix + b.label, swatch: .band(c, bandOpacity(i))))
      }
      if s.median != nil { legend.append(LegendItem(text: prefix + "median", swatch: .line(c, dashed: false))) }
      if s.mean != nil { legend.append(LegendItem(text: prefix + "mean", swatch: .line(c, dashed: true))) }
    }
    let canvas = Canvas.categorical(
      chart: chart, title: title, labels: xLabels, yValues: values, yRange: nil, xTitle: xTitle, yTitle: yTitle,
      yFormat: yFormat, legend: legend)
    return canvas.svg { f in
      var out = ""
      for (k, s) in series.enumerated() {
        let c = colour(s.colour ?? k)
        for (i, b) in s.bands.enumerated() {
          out += band(
            f, x: xLabels.indices.map(Double.init), lower: b.lower, upper: b.upper, colour: c, opacity: bandOpacity(i))
        }
        if let m = s.median {
          out += line(f, x: xLabels.indices.map(Double.init), y: m, colour: c, dashed: false, width: 2)
        }
        if let m = s.mean {
          out += line(f, x: xLabels.indices.map(Double.init), y: m, colour: c, dashed: true, width: 1.6)
        }
      }
      return out
    }
  }

  /// A line chart over a numeric x (cycles, willingness to pay): one line per series, e.g. the
  /// share of the cohort in each state over time, or the probability that each arm is
  /// cost-effective against the willingness to pay. `yRange` fixes the vertical axis (e.g.
  /// `0...1` for shares); otherwise it spans the data, rounded outwards to ticks.
  public static func lines(
    chart: String, title: String, x: [Double], series: [Series], xTitle: String = "", yTitle: String = "",
    xFormat: (Double) -> String, yFormat: (Double) -> String, yRange: ClosedRange<Double>? = nil
  ) -> String {
    let legend = series.enumerated().map { k, s in
      LegendItem(text: s.name, swatch: .line(colour(s.colour ?? k), dashed: s.dashed))
    }
    let canvas = Canvas.numeric(
      chart: chart, title: title, xValues: x, yValues: series.flatMap(\.values), yRange: yRange, xTitle: xTitle,
      yTitle: yTitle, xFormat: xFormat, yFormat: yFormat, legend: legend)
    return canvas.svg { f in
      series.enumerated().map { k, s in
        line(f, x: x, y: s.values, colour: colour(s.colour ?? k), dashed: s.dashed, width: 1.8)
      }.joined()
    }
  }

  /// A line chart over categories (years, months, named periods): one line per series, the
  /// points evenly spaced in the order of `xLabels`.
  public static func lines(
    chart: String, title: String, xLabels: [String], series: [Series], xTitle: String = "", yTitle: String = "",
    yFormat: (Double) -> String, yRange: ClosedRange<Double>? = nil
  ) -> String {
    let legend = series.enumerated().map { k, s in
      LegendItem(text: s.name, swatch: .line(colour(s.colour ?? k), dashed: s.dashed))
    }
    let canvas = Canvas.categorical(
      chart: chart, title: title, labels: xLabels, yValues: series.flatMap(\.values), yRange: yRange,
      xTitle: xTitle, yTitle: yTitle, yFormat: yFormat, legend: legend)
    let x = xLabels.indices.map(Double.init)
    return canvas.svg { f in
      series.enumerated().map { k, s in
        line(f, x: x, y: s.values, colour: colour(s.colour ?? k), dashed: s.dashed, width: 1.8)
      }.joined()
    }
  }

  /// A scatter plot with both axes through 0, e.g. the cost-effectiveness plane: one dot per
  /// run (x the difference in effect, y the difference in cost). `mean` marks the expected
  /// point; `slope` draws the line y = slope · x (the willingness to pay: runs below it are
  /// cost-effective), labelled `slopeLabel`.
  public static func scatter(
    chart: String, title: String, x: [Double], y: [Double], name: String = "runs", xTitle: String = "",
    yTitle: String = "",
    xFormat: (Double) -> String, yFormat: (Double) -> String, mean: (x: Double, y: Double)? = nil, slope: Double? = nil,
    slopeLabel: String = ""
  ) -> String {
    let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
    var legend = [LegendItem(text: name, swatch: .point(colour(0)))]
    let meanPoint = mean.flatMap { $0.x.isFinite && $0.y.isFinite ? $0 : nil }
    if meanPoint != nil { legend.append(LegendItem(text: "mean", swatch: .mean)) }
    let drawSlope = slope.map(\.isFinite) ?? false
    if drawSlope { legend.append(LegendItem(text: slopeLabel, swatch: .line(colour(1), dashed: true))) }
    let xs = pairs.map(\.0) + [0] + (meanPoint.map { [$0.x] } ?? [])
    let ys = pairs.map(\.1) + [0] + (meanPoint.map { [$0.y] } ?? [])
    let canvas = Canvas.scatter(
      chart: chart, title: title, xValues: xs, yValues: ys, xTitle: xTitle, yTitle: yTitle, xFormat: xFormat,
      yFormat: yFormat, legend: legend)
    return canvas.svg { f in
      var out = ""
      out +=
        "<line x1=\"\(fmt(f.x(0)))\" x2=\"\(fmt(f.x(0)))\" y1=\"\(fmt(f.top))\" y2=\"\(fmt(f.top + f.plotHeight))\" "
          + "stroke=\"#555\"/>\n"
      if let slope, drawSlope,
        let seg = f.clip(x0: f.xDomain.0, y0: slope * f.xDomain.0, x1: f.xDomain.1, y1: slope * f.xDomain.1)
      {
        out +=
          "<line x1=\"\(fmt(f.x(seg.0)))\" y1=\"\(fmt(f.y(seg.1)))\" x2=\"\(fmt(f.x(seg.2)))\" "
            + "y2=\"\(fmt(f.y(seg.3)))\" "
        out += "stroke=\"\(colour(1))\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n"
      }
      out += "<g fill=\"\(colour(0))\" fill-opacity=\"0.35\">\n"
      for (a, b) in pairs { out += "<circle cx=\"\(fmt(f.x(a)))\" cy=\"\(fmt(f.y(b)))\" r=\"2\"/>\n" }
      out += "</g>\n"
      if let m = meanPoint {
        out +=
          "<circle cx=\"\(fmt(f.x(m.x)))\" cy=\"\(fmt(f.y(m.y)))\" r=\"5\" fill=\"#fff\" stroke=\"#000\" "
            + "stroke-width=\"2\"/>\n"
      }
      return out
    }
  }

  /// A bar chart of one value per category (negative values below the zero line).
  public static func bars(
    chart: String, title: String, labels: [String], values: [Double], xTitle: String = "", yTitle: String = "",
    yFormat: (Double) -> String
  ) -> String {
    let canvas = Canvas.categorical(
      chart: chart, title: title, labels: labels, yValues: values + [0], yRange: nil, xTitle: xTitle,
      yTitle: yTitle, yFormat: yFormat, legend: [])
    return canvas.svg { f in
      var out = ""
      let w = f.plotWidth / Double(max(labels.count, 1)) * 0.7
      for (i, v) in values.enumerated() where v.isFinite && i < labels.count {
        let top = min(f.y(v), f.y(0))
        out +=
          "<rect x=\"\(fmt(f.x(Double(i)) - w / 2))\" y=\"\(fmt(top))\" width=\"\(fmt(w))\" "
            + "height=\"\(fmt(abs(f.y(v) - f.y(0))))\" "
        out += "fill=\"\(colour(v < 0 ? 1 : 0))\"><title>\(escape(labels[i])): \(escape(yFormat(v)))</title></rect>\n"
      }
      return out
    }
  }

  /// A histogram of values (the runs of a simulation) in `bins` equal bins, with vertical
  /// markers (e.g. percentiles). With `bySign` the bins above 0 are blue, below 0 vermillion and
  /// a bin across 0 grey: runs in which a payer saves and runs in which it pays more.
  public static func histogram(
    chart: String, title: String, values: [Double], bins: Int = 40, markers: [Marker] = [], bySign: Bool = true,
    xTitle: String = "",
    yTitle: String = "runs", xFormat: (Double) -> String, yFormat: (Double) -> String = { String(Int($0.rounded())) }
  ) -> String {
    let finite = values.filter(\.isFinite)
    var lo = finite.min() ?? 0
    var hi = finite.max() ?? 1
    if hi == lo { (lo, hi) = widen(lo) }
    let n = max(bins, 1)
    var counts = [Int](repeating: 0, count: n)
    for v in finite { counts[min(n - 1, max(0, Int((v - lo) / (hi - lo) * Double(n))))] += 1 }
    var legend: [LegendItem] = []
    if bySign {
      legend = [
        LegendItem(text: "above 0", swatch: .box(colour(0))), LegendItem(text: "below 0", swatch: .box(colour(1))),
      ]
    }
    let canvas = Canvas.histogram(
      chart: chart, title: title, range: (lo, hi), maxCount: counts.max() ?? 0, xTitle: xTitle, yTitle: yTitle,
      xFormat: xFormat, yFormat: yFormat, legend: legend)
    return canvas.svg { f in
      var out = ""
      let width = (hi - lo) / Double(n)
      for (i, c) in counts.enumerated() where c > 0 {
        let from = lo + Double(i) * width
        let to = from + width
        let fill = !bySign ? colour(0) : (to <= 0 ? colour(1) : (from >= 0 ? colour(0) : "#999999"))
        out +=
          "<rect x=\"\(fmt(f.x(from)))\" y=\"\(fmt(f.y(Double(c))))\" "
            + "width=\"\(fmt(max(f.x(to) - f.x(from) - 1, 0.5)))\" "
        out += "height=\"\(fmt(f.y(0) - f.y(Double(c))))\" fill=\"\(fill)\"/>\n"
      }
      for (k, m) in markers.enumerated() where m.value.isFinite && m.value >= lo && m.value <= hi {
        let x = f.x(m.value)
        out +=
          "<line x1=\"\(fmt(x))\" x2=\"\(fmt(x))\" y1=\"\(fmt(f.top))\" y2=\"\(fmt(f.y(0)))\" stroke=\"#333\" "
            + "stroke-dasharray=\"3,3\"/>"
        out += "<text x=\"\(fmt(x + 3))\" y=\"\(fmt(f.top + 10 + Double(k % 3) * 12))\">\(escape(m.label))</text>\n"
      }
      return out
    }
  }

  // MARK: - Ticks

  /// Ticks at round numbers (1, 2, 2.5 or 5 × 10ᵏ apart) covering `lo … hi`, about `count` of
  /// them; the first is ≤ lo and the last ≥ hi. Equal or non-finite bounds are widened.
  public static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
    var (a, b) = (lo.isFinite ? lo : 0, hi.isFinite ? hi : 1)
    if a > b { swap(&a, &b) }
    if a == b { (a, b) = widen(a) }
    let step = tickStep(a, b, count: count)
    let first = (a / step).rounded(.down)
    let last = (b / step).rounded(.up)
    guard last - first < 1000 else { return [a, b] }
    return stride(from: first, through: last, by: 1).map { k in
      let t = k * step
      return abs(t) < step * 1e-9 ? 0 : t
    }
  }

  /// Decimals needed to tell the ticks apart (0 for whole steps, 1 for 0.5, 2 for 0.25 …).
  public static func decimals(for ticks: [Double]) -> Int {
    guard ticks.count >= 2 else { return 0 }
    let step = abs(ticks[1] - ticks[0])
    guard step > 0, step.isFinite else { return 0 }
    for d in 0...12 {
      let scaled = step * pow(10, Double(d))
      if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return d }
    }
    return 12
  }

  static func tickStep(_ a: Double, _ b: Double, count: Int) -> Double {
    let raw = (b - a) / Double(max(count, 1))
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let normal = raw / magnitude
    let factor = normal <= 1 ? 1 : normal <= 2 ? 2 : normal <= 2.5 ? 2.5 : normal <= 5 ? 5 : 10
    return factor * magnitude
  }

  static func widen(_ v: Double) -> (Double, Double) {
    let d = v == 0 ? 1 : abs(v) * 0.1
    return (v - d, v + d)
  }

  // MARK: - Drawing

  static func colour(_ k: Int) -> String { palette[((k % palette.count) + palette.count) % palette.count] }

  static func bandOpacity(_ i: Int) -> Double { i == 0 ? 0.18 : 0.3 }

  /// A polyline through the finite points, broken at gaps; isolated points as dots.
  static func line(_ f: Frame, x: [Double], y: [Double], colour: String, dashed: Bool, width: Double) -> String {
    var d = ""
    var dots: [(Double, Double)] = []
    var run: [(Double, Double)] = []
    func flush() {
      if run.count == 1 { dots.append(run[0]) }
      if run.count >= 2 {
        d += "M" + run.map { "\(fmt($0.0)) \(fmt($0.1))" }.joined(separator: " L")
      }
      run = []
    }
    for i in 0..<min(x.count, y.count) {
      if x[i].isFinite && y[i].isFinite { run.append((f.x(x[i]), f.y(y[i]))) } else { flush() }
    }
    flush()
    var out = ""
    if !d.isEmpty {
      out +=
        "<path d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" "
          + "stroke-width=\"\(fmt(width))\"\(dashed ? " stroke-dasharray=\"6,4\"" : "")/>\n"
    }
    for p in dots { out += "<circle cx=\"\(fmt(p.0))\" cy=\"\(fmt(p.1))\" r=\"3\" fill=\"\(colour)\"/>\n" }
    return out
  }

  /// A shaded band between two curves, one polygon per stretch of finite values.
  static func band(_ f: Frame, x: [Double], lower: [Double], upper: [Double], colour: String, opacity: Double) -> String
  {
    var out = ""
    var run: [Int] = []
    func flush() {
      if run.count == 1, let i = run.first {
        out +=
          "<line x1=\"\(fmt(f.x(x[i])))\" x2=\"\(fmt(f.x(x[i])))\" y1=\"\(fmt(f.y(lower[i])))\" "
            + "y2=\"\(fmt(f.y(upper[i])))\" "
        out += "stroke=\"\(colour)\" stroke-opacity=\"\(fmt(opacity + 0.2))\" stroke-width=\"8\"/>\n"
      } else if run.count >= 2 {
        let points = run.map { (f.x(x[$0]), f.y(upper[$0])) } + run.reversed().map { (f.x(x[$0]), f.y(lower[$0])) }
        out +=
          "<polygon points=\"\(points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " "))\" fill=\"\(colour)\" "
        out += "fill-opacity=\"\(fmt(opacity))\" stroke=\"none\"/>\n"
      }
      run = []
    }
    for i in 0..<min(x.count, lower.count, upper.count) {
      if x[i].isFinite && lower[i].isFinite && upper[i].isFinite { run.append(i) } else { flush() }
    }
    flush()
    return out
  }

  /// A coordinate, one decimal, `.` as the decimal point (never NaN: callers map finite values).
  static func fmt(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let r = (v * 10).rounded() / 10
    return String(format: "%.1f", r == 0 ? 0 : r)
  }

  /// Text for XML content and attributes.
  static func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }

  /// Approximate width of a label at 11 px.
  static func textWidth(_ s: String) -> Double { Double(s.count) * 6.4 }

  // MARK: - Frame

  /// Maps data to the plot area.
  struct Frame {
    var width: Double
    var left: Double
    var right: Double
    var top: Double
    var plotHeight: Double
    var xDomain: (Double, Double)
    var yDomain: (Double, Double)

    var plotWidth: Double { width - left - right }

    func x(_ v: Double) -> Double { left + (v - xDomain.0) / (xDomain.1 - xDomain.0) * plotWidth }
    func y(_ v: Double) -> Double { top + plotHeight - (v - yDomain.0) / (yDomain.1 - yDomain.0) * plotHeight }

    /// The part of the segment inside the domain (Liang–Barsky), or nil.
    func clip(x0: Double, y0: Double, x1: Double, y1: Double) -> (Double, Double, Double, Double)? {
      var t0 = 0.0
      var t1 = 1.0
      let dx = x1 - x0
      let dy = y1 - y0
      for (p, q) in [(-dx, x0 - xDomain.0), (dx, xDomain.1 - x0), (-dy, y0 - yDomain.0), (dy, yDomain.1 - y0)] {
        if p == 0 {
          if q < 0 { return nil }
        } else {
          let t = q / p
          if p < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
        }
      }
      guard t0 < t1, [x0, y0, x1, y1].allSatisfy(\.isFinite) else { return nil }
      return (x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy)
    }
  }

  struct LegendItem {
    enum Swatch {
      case line(String, dashed: Bool)
      case band(String, Double)
      case point(String)
      case box(String)
      case mean
    }

    var text: String
    var swatch: Swatch
  }

  /// The frame, axes, ticks, titles and legend of a chart; `svg` adds the marks.
  struct Canvas {
    var chart: String
    var title: String
    var xTicks: [(Double, String)]
    var yTicks: [(Double, String)]
    var xDomain: (Double, Double)
    var yDomain: (Double, Double)
    var xTitle: String
    var yTitle: String
    var legend: [LegendItem]
    /// Grid lines across the plot at the x ticks (numeric x) or not (categories).
    var xGrid = true

    static func finiteRange(_ values: [Double]) -> (Double, Double)? {
      let f = values.filter(\.isFinite)
      guard let lo = f.min(), let hi = f.max() else { return nil }
      return (lo, hi)
    }

    static func yAxis(_ values: [Double], range: ClosedRange<Double>?, format: (Double) -> String) -> (
      [(Double, String)], (Double, Double)
    ) {
      if let range, range.lowerBound < range.upperBound, range.lowerBound.isFinite, range.upperBound.isFinite {
        let t = SVGChart.ticks(range.lowerBound, range.upperBound).filter {
          $0 >= range.lowerBound - 1e-12 && $0 <= range.upperBound + 1e-12
        }
        return (t.map { ($0, format($0)) }, (range.lowerBound, range.upperBound))
      }
      let (lo, hi) = finiteRange(values) ?? (0, 1)
      let t = SVGChart.ticks(lo, hi)
      return (t.map { ($0, format($0)) }, (t.first ?? lo, t.last ?? hi))
    }

    /// Ticks within the data's range (the axis spans exactly the data).
    static func xAxis(_ values: [Double], format: (Double) -> String) -> ([(Double, String)], (Double, Double)) {
      var (lo, hi) = finiteRange(values) ?? (0, 1)
      if lo == hi { (lo, hi) = SVGChart.widen(lo) }
      let t = SVGChart.ticks(lo, hi, count: 6).filter { $0 >= lo - 1e-9 * (hi - lo) && $0 <= hi + 1e-9 * (hi - lo) }
      return (t.map { ($0, format($0)) }, (lo, hi))
    }

    static func numeric(
      chart: String, title: String, xValues: [Double], yValues: [Double], yRange: ClosedRange<Double>?, xTitle: String,
      yTitle: String,
      xFormat: (Double) -> String, yFormat: (Double) -> String, legend: [LegendItem]
    ) -> Canvas {
      let (xt, xd) = xAxis(xValues, format: xFormat)
      let (yt, yd) = yAxis(yValues, range: yRange, format: yFormat)
      return Canvas(
        chart: chart, title: title, xTicks: xt, yTicks: yt, xDomain: xd, yDomain: yd, xTitle: xTitle, yTitle: yTitle,
        legend: legend)
    }

    static func categorical(
      chart: String, title: String, labels: [String], yValues: [Double], yRange: ClosedRange<Double>?, xTitle: String,
      yTitle: String,
      yFormat: (Double) -> String, legend: [LegendItem]
    ) -> Canvas {
      let (yt, yd) = yAxis(yValues, range: yRange, format: yFormat)
      let widest = labels.map(SVGChart.textWidth).max() ?? 0
      let room = 680.0 / Double(max(labels.count, 1))
      let every = max(1, Int((widest + 8) / room) + 1)
      let xt = labels.enumerated().filter { $0.offset % every == 0 }.map { (Double($0.offset), $0.element) }
      return Canvas(
        chart: chart, title: title, xTicks: xt, yTicks: yt, xDomain: (-0.5, Double(max(labels.count, 1)) - 0.5),
        yDomain: yd,
        xTitle: xTitle, yTitle: yTitle, legend: legend, xGrid: false)
    }

    static func scatter(
      chart: String, title: String, xValues: [Double], yValues: [Double], xTitle: String, yTitle: String,
      xFormat: (Double) -> String,
      yFormat: (Double) -> String, legend: [LegendItem]
    ) -> Canvas {
      func padded(_ v: [Double]) -> (Double, Double) {
        var (lo, hi) = finiteRange(v) ?? (0, 1)
        if lo == hi { (lo, hi) = SVGChart.widen(lo) }
        let pad = (hi - lo) * 0.04
        return (lo - pad, hi + pad)
      }
      let xd = padded(xValues)
      let yd = padded(yValues)
      func inside(_ t: [Double], _ d: (Double, Double)) -> [Double] { t.filter { $0 >= d.0 && $0 <= d.1 } }
      let xt = inside(SVGChart.ticks(xd.0, xd.1, count: 6), xd)
      let yt = inside(SVGChart.ticks(yd.0, yd.1), yd)
      return Canvas(
        chart: chart, title: title, xTicks: xt.map { ($0, xFormat($0)) }, yTicks: yt.map { ($0, yFormat($0)) },
        xDomain: xd,
        yDomain: yd, xTitle: xTitle, yTitle: yTitle, legend: legend)
    }

    static func histogram(
      chart: String, title: String, range: (Double, Double), maxCount: Int, xTitle: String, yTitle: String,
      xFormat: (Double) -> String,
      yFormat: (Double) -> String, legend: [LegendItem]
    ) -> Canvas {
      let (xt, xd) = xAxis([range.0, range.1], format: xFormat)
      var yt = SVGChart.ticks(0, Double(max(maxCount, 1)))
      if SVGChart.decimals(for: yt) > 0 { yt = SVGChart.ticks(0, Double(max(maxCount, 5))) }
      return Canvas(
        chart: chart, title: title, xTicks: xt, yTicks: yt.map { ($0, yFormat($0)) }, xDomain: xd,
        yDomain: (0, yt.last ?? 1), xTitle: xTitle, yTitle: yTitle, legend: legend)
    }

    func svg(_ marks: (Frame) -> String) -> String {
      let width = 720.0
      // Room for half the last x label beyond the plot (a numeric axis ends at the data).
      let right = xGrid ? max(16, ((xTicks.last.map { SVGChart.textWidth($0.1) } ?? 0) / 2 + 4).rounded()) : 16
      let top = title.isEmpty ? 12.0 : 30.0
      let plotHeight = 200.0
      let labelWidth = yTicks.map { SVGChart.textWidth($0.1) }.max() ?? 0
      let left = (labelWidth + 12 + (yTitle.isEmpty ? 0 : 18)).rounded()
      // Legend items wrap into rows under the axis titles.
      var rows: [[(LegendItem, Double)]] = [[]]
      var used = 0.0
      for item in legend {
        let w = 26 + SVGChart.textWidth(item.text) + 14
        if used + w > width - left - right, !rows[rows.count - 1].isEmpty {
          rows.append([])
          used = 0
        }
        rows[rows.count - 1].append((item, left + used))
        used += w
      }
      if legend.isEmpty { rows = [] }
      let axisBottom = top + plotHeight
      let xTitleY = axisBottom + 32
      let legendTop = (xTitle.isEmpty ? axisBottom + 26 : xTitleY + 8)
      let height = (legendTop + Double(rows.count) * 16 + 6).rounded()
      let f = Frame(
        width: width, left: left, right: right, top: top, plotHeight: plotHeight, xDomain: xDomain, yDomain: yDomain)

      var out =
        "<svg class=\"chart\" data-chart=\"\(SVGChart.escape(chart))\" role=\"img\" "
          + "aria-label=\"\(SVGChart.escape(title))\" "
      out += "viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\" "
      out += "font-family=\"system-ui, sans-serif\" font-size=\"11\">\n"
      out += "<title>\(SVGChart.escape(title))</title>\n"
      if !title.isEmpty {
        out +=
          "<text x=\"\(fmt(left))\" y=\"18\" font-size=\"13\" font-weight=\"600\" "
            + "fill=\"#222\">\(SVGChart.escape(title))</text>\n"
      }
      // Grid and ticks.
      out += "<g stroke=\"#e4e4e4\">\n"
      for (v, _) in yTicks {
        out += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(width - right))\" y1=\"\(fmt(f.y(v)))\" y2=\"\(fmt(f.y(v)))\"/>\n"
      }
      if xGrid {
        for (v, _) in xTicks {
          out += "<line x1=\"\(fmt(f.x(v)))\" x2=\"\(fmt(f.x(v)))\" y1=\"\(fmt(top))\" y2=\"\(fmt(axisBottom))\"/>\n"
        }
      }
      out += "</g>\n<g fill=\"#444\">\n"
      for (v, label) in yTicks {
        out +=
          "<text x=\"\(fmt(left - 5))\" y=\"\(fmt(f.y(v) + 4))\" text-anchor=\"end\">\(SVGChart.escape(label))</text>\n"
      }
      for (v, label) in xTicks {
        out +=
          "<text x=\"\(fmt(f.x(v)))\" y=\"\(fmt(axisBottom + 15))\" "
            + "text-anchor=\"middle\">\(SVGChart.escape(label))</text>\n"
      }
      out += "</g>\n"
      // Axes: the bottom of the plot, and 0 where the vertical axis includes it.
      out +=
        "<line x1=\"\(fmt(left))\" x2=\"\(fmt(width - right))\" y1=\"\(fmt(axisBottom))\" y2=\"\(fmt(axisBottom))\" "
          + "stroke=\"#999\"/>\n"
      out +=
        "<line x1=\"\(fmt(left))\" x2=\"\(fmt(left))\" y1=\"\(fmt(top))\" y2=\"\(fmt(axisBottom))\" stroke=\"#999\"/>\n"
      if yDomain.0 < 0 && yDomain.1 > 0 {
        out +=
          "<line x1=\"\(fmt(left))\" x2=\"\(fmt(width - right))\" y1=\"\(fmt(f.y(0)))\" y2=\"\(fmt(f.y(0)))\" "
            + "stroke=\"#555\"/>\n"
      }
      if !xTitle.isEmpty {
        out += "<text x=\"\(fmt(left + f.plotWidth / 2))\" y=\"\(fmt(xTitleY))\" text-anchor=\"middle\" fill=\"#222\">"
        out += "\(SVGChart.escape(xTitle))</text>\n"
      }
      if !yTitle.isEmpty {
        let cy = top + plotHeight / 2
        out +=
          "<text x=\"12\" y=\"\(fmt(cy))\" transform=\"rotate(-90 12 \(fmt(cy)))\" text-anchor=\"middle\" "
            + "fill=\"#222\">"
        out += "\(SVGChart.escape(yTitle))</text>\n"
      }
      out += marks(f)
      // Legend.
      for (r, row) in rows.enumerated() {
        let y = legendTop + Double(r) * 16 + 8
        for (item, x) in row {
          switch item.swatch {
          case .line(let c, let dashed):
            out +=
              "<line x1=\"\(fmt(x))\" x2=\"\(fmt(x + 20))\" y1=\"\(fmt(y - 4))\" y2=\"\(fmt(y - 4))\" stroke=\"\(c)\" "
                + "stroke-width=\"2\""
            out += dashed ? " stroke-dasharray=\"6,4\"/>" : "/>"
          case .band(let c, let opacity):
            out +=
              "<rect x=\"\(fmt(x))\" y=\"\(fmt(y - 10))\" width=\"20\" height=\"11\" fill=\"\(c)\" "
                + "fill-opacity=\"\(fmt(opacity + 0.1))\"/>"
          case .box(let c):
            out += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y - 10))\" width=\"20\" height=\"11\" fill=\"\(c)\"/>"
          case .point(let c):
            out += "<circle cx=\"\(fmt(x + 10))\" cy=\"\(fmt(y - 4))\" r=\"3\" fill=\"\(c)\" fill-opacity=\"0.6\"/>"
          case .mean:
            out +=
              "<circle cx=\"\(fmt(x + 10))\" cy=\"\(fmt(y - 4))\" r=\"4.5\" fill=\"#fff\" stroke=\"#000\" "
                + "stroke-width=\"2\"/>"
          }
          out += "<text x=\"\(fmt(x + 26))\" y=\"\(fmt(y))\" fill=\"#222\">\(SVGChart.escape(item.text))</text>\n"
        }
      }
      return out + "</svg>\n"
    }
  }
}
