import Foundation
import MBCAnalysis
import MBCEngine
import MBCScenario

/// The results of a budget stress test (`mbc stress`): the per-run matrix of every variant
/// (``StressLayout``) and what is needed to describe the run.
public struct StressResults: Sendable {
  public let scenario: Scenario
  public let budget: Scenario.Budget
  public let layout: StressLayout
  public let matrix: RunMatrix
  public var run: RunInfo

  public init(stress: StressModel, matrix: RunMatrix, run: RunInfo) {
    scenario = stress.scenario
    budget = stress.budget
    layout = stress.layout
    self.matrix = matrix
    self.run = run
  }

  /// Payer names, then "total".
  public var payerNames: [String] { scenario.payers.map(\.name) + ["total"] }
  public var payerLabels: [String] { scenario.payers.map(\.label) + ["All payers"] }
  public var variantLabels: [String] { ["Base case"] + budget.variants.map(\.label) }
}

/// Summary statistics of one column of per-run values; NaN values (e.g. a month without
/// admissions has no waiting time) are left out and `n` says how many runs remain.
public struct ColumnStatistics: Sendable {
  public static let probabilities = [0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975]
  public var n: Int
  public var mean: Double, sd: Double, mcse: Double
  /// At ``probabilities``: 2.5, 5, 25, 50, 75, 95, 97.5 %.
  public var quantiles: [Double]

  public init(_ column: [Double]) {
    var values = column.filter { !$0.isNaN }
    n = values.count
    if n == 0 {
      mean = .nan
      sd = .nan
      mcse = .nan
      quantiles = Self.probabilities.map { _ in .nan }
      return
    }
    var m = 0.0
    var s = 0.0
    for (i, x) in values.enumerated() {
      let d = x - m
      m += d / Double(i + 1)
      s += d * (x - m)
    }
    mean = m
    sd = n > 1 ? (s / Double(n - 1)).squareRoot() : 0
    if !sd.isFinite { sd = .nan }
    mcse = sd / Double(n).squareRoot()
    quantiles = Quantiles.type7(&values, probabilities: Self.probabilities)
  }

  public var p2_5: Double { quantiles[0] }
  public var p5: Double { quantiles[1] }
  public var p25: Double { quantiles[2] }
  public var p50: Double { quantiles[3] }
  public var p75: Double { quantiles[4] }
  public var p95: Double { quantiles[5] }
  public var p97_5: Double { quantiles[6] }
}

/// The CSV tables of `mbc stress` (docs/outputs.md § mbc stress): cash flow, budget lines,
/// payback, queue, clients, differences between variants and a summary of the headline numbers.
public enum StressTables {
  static let fanColumns = ["mean", "sd", "mcse", "p5", "p25", "p50", "p75", "p95"]

  static func fan(_ s: ColumnStatistics) -> [CSVTable.Field] {
    [.number(s.mean), .number(s.sd), .number(s.mcse), .number(s.p5), .number(s.p25), .number(s.p50), .number(s.p75), .number(s.p95)]
  }

  /// `stress-cashflow.csv`: per variant, calendar year, payer and measure (cost with and
  /// without the programme, the programme's cost, the net saving and its running total).
  public static func cashflow(_ r: StressResults) -> CSVTable {
    var t = CSVTable(header: ["variant", "year", "calendar_year", "payer", "measure", "unit"] + fanColumns + ["runs", "seed"])
    let L = r.layout
    let unit = "\(r.scenario.currency) nominal (indexed, undiscounted)"
    for v in 0..<L.variants.count {
      for p in 0...L.payers {
        var cumulative = [Double](repeating: 0, count: r.matrix.rows)
        for y in 0..<L.years {
          for (k, measure) in StressLayout.cashMeasures.enumerated() {
            let column = r.matrix.column(L.cash(variant: v, measure: k, year: y, payer: p))
            t.append(row(r, v, y, p, measure, unit, ColumnStatistics(column)))
            if k == 3 { for i in cumulative.indices { cumulative[i] += column[i] } }
          }
          t.append(row(r, v, y, p, "cumulative_net_saving", unit, ColumnStatistics(cumulative)))
        }
      }
    }
    return t
  }

  private static func row(_ r: StressResults, _ v: Int, _ y: Int, _ p: Int, _ measure: String, _ unit: String, _ s: ColumnStatistics)
    -> [CSVTable.Field]
  {
    [.text(r.layout.variants[v]), .integer(y + 1), .integer(r.budget.startYear + y), .text(r.payerNames[p]), .text(measure), .text(unit)]
      + fan(s) + [.integer(s.n), .text(String(r.run.seed))]
  }

  /// Per variant, line and year: spending (fan), cap, P(overspend) with its MCSE, and the mean
  /// overspend in the runs that overspend.
  public struct LineYear: Sendable {
    public var spend: ColumnStatistics
    public var cap: Double
    public var pOverspend: Double
    public var pOverspendMCSE: Double
    public var overspendGivenOverspend: Double
  }

  public static func lineYear(_ r: StressResults, variant v: Int, line l: Int, year y: Int) -> LineYear {
    let spend = r.matrix.column(r.layout.spend(variant: v, line: l, year: y))
    let caps = r.matrix.column(r.layout.cap(variant: v, line: l, year: y))
    var over = 0
    var excess = 0.0
    var capSum = 0.0
    for i in spend.indices {
      capSum += caps[i]
      if caps[i].isFinite && spend[i] > caps[i] * (1 + 1e-12) {
        over += 1
        excess += spend[i] - caps[i]
      }
    }
    let n = Double(spend.count)
    let p = Double(over) / n
    return LineYear(spend: ColumnStatistics(spend), cap: capSum / n, pOverspend: caps.first?.isNaN == true ? .nan : p,
                    pOverspendMCSE: (p * (1 - p) / n).squareRoot(), overspendGivenOverspend: over > 0 ? excess / Double(over) : .nan)
  }

  /// `stress-budget.csv`: each budget line per variant and year.
  public static func budget(_ r: StressResults) -> CSVTable {
    var t = CSVTable(header: ["variant", "line", "label", "payer", "covers", "year", "calendar_year", "cap"] + fanColumns.map { "spend_\($0)" }
      + ["p_overspend", "p_overspend_mcse", "overspend_mean_given_overspend", "runs", "seed"])
    for v in 0..<r.layout.variants.count {
      for (l, line) in r.budget.lines.enumerated() {
        for y in 0..<r.layout.years {
          let x = lineYear(r, variant: v, line: l, year: y)
          t.append([.text(r.layout.variants[v]), .text(line.name), .text(line.label), .text(r.payerNames[line.payer]), .text(line.covers.rawValue),
                    .integer(y + 1), .integer(r.budget.startYear + y), .number(x.cap)] + fan(x.spend)
                    + [.number(x.pOverspend), .number(x.pOverspend.isNaN ? .nan : x.pOverspendMCSE), .number(x.overspendGivenOverspend),
                       .integer(r.matrix.rows), .text(String(r.run.seed))])
        }
      }
    }
    return t
  }

  /// `stress-payback.csv`: per variant, payer and calendar year, the share of runs in which
  /// the cumulative net saving turns positive for good in that year, and by its end.
  public static func payback(_ r: StressResults) -> CSVTable {
    var t = CSVTable(header: ["variant", "payer", "year", "calendar_year", "p_payback_in_year", "p_paid_back_by_end_of_year", "runs", "seed"])
    let n = Double(r.matrix.rows)
    for v in 0..<r.layout.variants.count {
      for p in 0...r.layout.payers {
        let months = r.matrix.column(r.layout.payback(variant: v, payer: p))
        var byEnd = 0.0
        for y in 0..<r.layout.years {
          let inYear = Double(months.filter { $0.isFinite && Int($0) - 1 >= 12 * y && Int($0) - 1 < 12 * (y + 1) }.count) / n
          byEnd += inYear
          t.append([.text(r.layout.variants[v]), .text(r.payerNames[p]), .integer(y + 1), .integer(r.budget.startYear + y), .number(inYear),
                    .number(byEnd), .integer(r.matrix.rows), .text(String(r.run.seed))])
        }
      }
    }
    return t
  }

  /// `stress-queue.csv`: waiting list, clients in service, admissions, waiting time and places per month.
  public static func queue(_ r: StressResults) -> CSVTable {
    var t = CSVTable(header: ["variant", "month", "calendar_year", "calendar_month", "measure"] + fanColumns + ["runs", "seed"])
    for v in 0..<r.layout.variants.count {
      for (k, measure) in StressLayout.monthlyMeasures.enumerated() {
        for m in 0..<r.layout.months {
          let s = ColumnStatistics(r.matrix.column(r.layout.monthly(variant: v, measure: k, month: m)))
          t.append([.text(r.layout.variants[v]), .integer(m), .integer(r.budget.startYear + m / 12), .integer(m % 12 + 1), .text(measure)]
                    + fan(s) + [.integer(s.n), .text(String(r.run.seed))])
        }
      }
    }
    return t
  }

  /// `stress-clients.csv`: referrals, admissions, drop-outs and clients turned away per year.
  public static func clients(_ r: StressResults) -> CSVTable {
    var t = CSVTable(header: ["variant", "year", "calendar_year", "measure"] + fanColumns + ["runs", "seed"])
    for v in 0..<r.layout.variants.count {
      for (k, measure) in StressLayout.yearlyMeasures.enumerated() {
        for y in 0..<r.layout.years {
          let s = ColumnStatistics(r.matrix.column(r.layout.yearly(variant: v, measure: k, year: y)))
          t.append([.text(r.layout.variants[v]), .integer(y + 1), .integer(r.budget.startYear + y), .text(measure)] + fan(s)
                    + [.integer(s.n), .text(String(r.run.seed))])
        }
      }
    }
    return t
  }

  /// `stress-differences.csv`: each variant minus the base case, run by run (common random
  /// numbers): net saving per year and over the whole test per payer, and P(overspend) per
  /// line and year.
  public static func differences(_ r: StressResults) -> CSVTable {
    var t = CSVTable(header: ["variant", "versus", "measure", "payer_or_line", "year", "calendar_year"] + fanColumns
      + ["p_positive", "runs", "seed"])
    let L = r.layout
    func diff(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }
    for v in 1..<max(1, L.variants.count) {
      for p in 0...L.payers {
        for y in 0...L.years {
          let column: [Double]
          if y < L.years {
            column = diff(r.matrix.column(L.cash(variant: v, measure: 3, year: y, payer: p)), r.matrix.column(L.cash(variant: 0, measure: 3, year: y, payer: p)))
          } else {
            column = diff(r.matrix.column(L.total(variant: v, payer: p)), r.matrix.column(L.total(variant: 0, payer: p)))
          }
          let s = ColumnStatistics(column)
          let positive = Double(column.filter { $0 > 0 }.count) / Double(max(1, column.count))
          t.append([.text(L.variants[v]), "base", "net_saving", .text(r.payerNames[p]), y < L.years ? .integer(y + 1) : "all",
                    y < L.years ? .integer(r.budget.startYear + y) : "all"] + fan(s) + [.number(positive), .integer(s.n), .text(String(r.run.seed))])
        }
      }
      for (l, line) in r.budget.lines.enumerated() where !line.caps.isEmpty {
        for y in 0..<L.years {
          let a = lineYear(r, variant: v, line: l, year: y), b = lineYear(r, variant: 0, line: l, year: y)
          // Paired indicator differences: mean and MCSE from the runs.
          let sa = r.matrix.column(L.spend(variant: v, line: l, year: y)), ca = r.matrix.column(L.cap(variant: v, line: l, year: y))
          let sb = r.matrix.column(L.spend(variant: 0, line: l, year: y)), cb = r.matrix.column(L.cap(variant: 0, line: l, year: y))
          let d = sa.indices.map { i in (sa[i] > ca[i] * (1 + 1e-12) ? 1.0 : 0) - (sb[i] > cb[i] * (1 + 1e-12) ? 1.0 : 0) }
          var s = ColumnStatistics(d)
          s.mean = a.pOverspend - b.pOverspend
          t.append([.text(L.variants[v]), "base", "p_overspend", .text(line.name), .integer(y + 1), .integer(r.budget.startYear + y)] + fan(s)
                    + [.missing, .integer(s.n), .text(String(r.run.seed))])
        }
      }
    }
    return t
  }

  /// `summary.csv` of `mbc stress`: the numbers the report's headline states, one row per
  /// metric × variant × payer or line × year ("all": the whole stress test).
  public static func summary(_ r: StressResults) -> CSVTable {
    var t = CSVTable(header: ["metric", "variant", "payer_or_line", "year", "calendar_year", "unit", "mean", "sd", "mcse", "ci95_low", "ci95_high",
                              "p2_5", "p5", "p25", "p50", "p75", "p95", "p97_5", "p_positive", "runs", "seed"])
    let L = r.layout
    func add(_ metric: String, _ v: Int, _ who: String, _ year: Int?, _ unit: String, _ column: [Double]) {
      let s = ColumnStatistics(column)
      let positive = Double(column.filter { $0 > 0 }.count) / Double(max(1, column.count))
      t.append([.text(metric), .text(L.variants[v]), .text(who), year.map { .integer($0 + 1) } ?? "all",
                year.map { .integer(r.budget.startYear + $0) } ?? "all", .text(unit), .number(s.mean), .number(s.sd), .number(s.mcse),
                .number(s.mean - 1.96 * s.mcse), .number(s.mean + 1.96 * s.mcse)] + s.quantiles.map { .number($0) }
                + [.number(positive), .integer(s.n), .text(String(r.run.seed))])
    }
    let money = "\(r.scenario.currency) nominal"
    for v in 0..<L.variants.count {
      for p in 0...L.payers { add("net_saving", v, r.payerNames[p], nil, money, r.matrix.column(L.total(variant: v, payer: p))) }
      for (k, measure) in StressLayout.yearlyMeasures.enumerated() {
        var total = [Double](repeating: 0, count: r.matrix.rows)
        for y in 0..<L.years {
          let c = r.matrix.column(L.yearly(variant: v, measure: k, year: y))
          for i in total.indices { total[i] += c[i] }
        }
        add(measure, v, "clients", nil, "clients", total)
      }
      for (l, line) in r.budget.lines.enumerated() where !line.caps.isEmpty {
        for y in 0..<L.years {
          let sa = r.matrix.column(L.spend(variant: v, line: l, year: y)), ca = r.matrix.column(L.cap(variant: v, line: l, year: y))
          add("overspend", v, line.name, y, "1 if the line overspends", sa.indices.map { sa[$0] > ca[$0] * (1 + 1e-12) ? 1 : 0 })
        }
      }
    }
    return t
  }
}
