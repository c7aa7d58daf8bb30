import MBCAnalysis
import MBCEngine

/// What went wrong numerically in a simulation without stopping it: probabilities clamped into
/// [0, 1] (`invalid_probabilities: clamp`) and results that are not finite numbers. Recorded in
/// manifest.json and reported on standard error.
public struct RunFaults: Sendable, Equatable {
  /// `clamped_probabilities` in manifest.json.
  public struct Clamped: Codable, Sendable, Equatable {
    public var runsAffected: Int
    public var valuesClamped: Int
    public var firstRun: Int

    public init(runsAffected: Int, valuesClamped: Int, firstRun: Int) {
      self.runsAffected = runsAffected
      self.valuesClamped = valuesClamped
      self.firstRun = firstRun
    }

    enum CodingKeys: String, CodingKey {
      case runsAffected = "runs_affected", valuesClamped = "values_clamped", firstRun = "first_run"
    }
  }

  /// One metric with values that are not finite numbers: in `runs` runs (the first is
  /// `firstRun`) for a per-run metric, or in the summary statistics named in `statistics`.
  public struct NonFinite: Codable, Sendable, Equatable {
    public var metric: String
    /// Runs whose value of the metric is NaN, +∞ or −∞ (0 when only a summary is affected).
    public var runs: Int
    public var firstRun: Int?
    public var nan: Int
    public var positiveInfinity: Int
    public var negativeInfinity: Int
    /// Summary statistics (summary.csv columns) that are not finite although every run is.
    public var statistics: [String]

    enum CodingKeys: String, CodingKey {
      case metric, runs, firstRun = "first_run", nan, positiveInfinity = "positive_infinity"
      case negativeInfinity = "negative_infinity", statistics = "summary_columns"
    }
  }

  public var clamped: Clamped?
  public var nonFinite: [NonFinite] = []

  public init() {}

  /// Per-run metrics (columns of `matrix`, named by `names`) that are NaN or infinite in some
  /// run, and summaries that are not finite although every run is (an overflow in a sum).
  public static func scan(_ matrix: RunMatrix, names: [String], summaries: [MetricSummary] = []) -> [NonFinite] {
    var found: [NonFinite] = []
    let rows = matrix.rows
    let width = matrix.columns
    matrix.storage.withUnsafeBufferPointer { b in
      for j in 0..<width {
        var nan = 0, plus = 0, minus = 0
        var first: Int?
        for i in 0..<rows {
          let x = b[i * width + j]
          if x.isFinite { continue }
          if x.isNaN { nan += 1 } else if x > 0 { plus += 1 } else { minus += 1 }
          if first == nil { first = i }
        }
        var statistics: [String] = []
        if first == nil, j < summaries.count {
          let s = summaries[j]
          var cells: [(String, Double)] = [("mean", s.mean), ("p2_5", s.p2_5), ("p50", s.p50), ("p97_5", s.p97_5)]
          // With one run the standard deviation is undefined: not a fault.
          if s.count > 1 { cells += [("sd", s.sd), ("mcse", s.mcse), ("ci95_low", s.ciLow), ("ci95_high", s.ciHigh)] }
          statistics = cells.filter { !$0.1.isFinite }.map(\.0)
        }
        if first != nil || !statistics.isEmpty {
          found.append(NonFinite(metric: j < names.count ? names[j] : "#\(j)", runs: nan + plus + minus, firstRun: first,
                                 nan: nan, positiveInfinity: plus, negativeInfinity: minus, statistics: statistics))
        }
      }
    }
    return found
  }

  /// The lines for standard error (empty when nothing went wrong). `runs` is the number of
  /// runs. Per-run metrics that are not finite are errors; summaries alone are warnings.
  public func messages(runs: Int) -> [String] {
    var lines: [String] = []
    if let c = clamped {
      lines.append("warning: probabilities were clamped into [0, 1] in \(Formatting.grouped(Double(c.runsAffected))) of \(Formatting.grouped(Double(runs))) runs "
        + "(\(Formatting.grouped(Double(c.valuesClamped))) value\(c.valuesClamped == 1 ? "" : "s"), the first in run \(c.firstRun); invalid_probabilities: clamp)")
    }
    let perRun = nonFinite.filter { $0.runs > 0 }
    let summaryOnly = nonFinite.filter { $0.runs == 0 }
    if !perRun.isEmpty {
      let runsHit = perRun.map(\.runs).max() ?? 0
      let first = perRun.compactMap(\.firstRun).min() ?? 0
      lines.append("error: results that are not finite numbers (NaN or ±Inf) in \(perRun.count) metric\(perRun.count == 1 ? "" : "s") "
        + "and up to \(Formatting.grouped(Double(runsHit))) of \(Formatting.grouped(Double(runs))) runs, the first in run \(first) "
        + "(a cost or effect too large to add up?); no results were written")
      for f in perRun.prefix(10) {
        var kinds: [String] = []
        if f.nan > 0 { kinds.append("\(f.nan) NaN") }
        if f.positiveInfinity > 0 { kinds.append("\(f.positiveInfinity) Inf") }
        if f.negativeInfinity > 0 { kinds.append("\(f.negativeInfinity) -Inf") }
        lines.append("  \(f.metric): \(kinds.joined(separator: ", ")) (first in run \(f.firstRun ?? 0))")
      }
      if perRun.count > 10 { lines.append("  … and \(perRun.count - 10) more metrics") }
    }
    if !summaryOnly.isEmpty {
      lines.append("warning: summary statistics that are not finite numbers although every run is (the values are too large to add up), written as Inf or NA: "
        + summaryOnly.prefix(10).map { "\($0.metric) (\($0.statistics.joined(separator: ", ")))" }.joined(separator: "; ")
        + (summaryOnly.count > 10 ? "; and \(summaryOnly.count - 10) more" : "") + " (manifest.json: non_finite_results)")
    }
    return lines
  }

  /// The first run with a per-run metric that is not a finite number, if any: such results
  /// are a run-time error (exit 1), as the analyses need finite values.
  public var firstNonFiniteRun: Int? { nonFinite.compactMap(\.firstRun).min() }

}

extension RunFaults {
  /// The money columns of a stress test (cash flows per year, totals, budget-line spending)
  /// that are not finite in some run. Payback (+∞: not paid back), caps (NaN: no cap) and the
  /// mean wait (NaN: no admissions) are not finite by design and are not checked.
  public static func scan(stress r: StressResults) -> [NonFinite] {
    let layout = r.layout
    let b = r.budget
    let payers = r.payerNames
    var columns: [(Int, String)] = []
    for (v, variant) in layout.variants.enumerated() {
      for (k, measure) in StressLayout.cashMeasures.enumerated() {
        for y in 0..<layout.years {
          for p in 0...layout.payers {
            columns.append((layout.cash(variant: v, measure: k, year: y, payer: p), "\(measure).\(variant).\(b.startYear + y).\(p < payers.count ? payers[p] : "total")"))
          }
        }
      }
      for p in 0...layout.payers {
        columns.append((layout.total(variant: v, payer: p), "net_saving.\(variant).\(p < payers.count ? payers[p] : "total")"))
      }
      for l in 0..<layout.lines {
        for y in 0..<layout.years {
          columns.append((layout.spend(variant: v, line: l, year: y), "spend.\(variant).\(b.lines[l].name).\(b.startYear + y)"))
        }
      }
    }
    let m = r.matrix
    var sub = RunMatrix(rows: m.rows, columns: columns.count)
    for i in 0..<m.rows {
      for (c, (j, _)) in columns.enumerated() { sub.storage[i * columns.count + c] = m[i, j] }
    }
    return scan(sub, names: columns.map(\.1))
  }
}
