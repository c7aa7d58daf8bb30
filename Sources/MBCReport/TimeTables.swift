import MBCAnalysis
import MBCEngine
import MBCScenario

/// trace.csv, cashflow.csv and payback.csv: the outputs over time (``DetailLayout``).
///
/// Means and their Monte Carlo standard errors are over every run; the percentiles (the 95%
/// uncertainty interval across runs) are from the first `percentile_runs` runs, kept whole
/// (``DetailCollector/sample``), which the tables state in a column.
public enum TimeTables {
  /// Streamed moments and the percentiles of the kept runs, per detail column.
  public struct Columns {
    public let layout: DetailLayout
    public let moments: ColumnMoments
    let sample: RunSample
    /// Runs the percentiles are computed from.
    public let percentileRuns: Int
    private var scratch: [Double] = []

    public init(_ details: DetailCollector, runs: Int) {
      layout = details.layout
      moments = details.moments
      sample = details.sample
      percentileRuns = min(runs, details.sample.rows)
    }

    /// The 2.5th, 50th and 97.5th percentiles of column j over the kept runs.
    public mutating func percentiles(_ j: Int) -> [Double] {
      sample.column(j, runs: percentileRuns, into: &scratch)
      return Quantiles.type7(&scratch, probabilities: [0.025, 0.5, 0.975])
    }
  }

  /// One row per arm, boundary and state: the number of clients in the state at the start of
  /// the cycle (boundary `horizon`: the end), its share of the cohort, MCSE and percentiles.
  public static func trace(_ c: inout Columns, scenario: Scenario, seed: UInt64) -> CSVTable {
    var table = CSVTable(header: [
      "arm", "cycle", "time_years", "state", "clients_mean", "share_mean", "mcse", "p2_5", "p50", "p97_5", "runs", "percentile_runs", "seed",
    ])
    let layout = c.layout
    let N = Double(scenario.clients)
    for a in 0..<layout.arms {
      for t in 0...layout.cycles {
        for s in 0..<layout.states {
          let j = layout.occupancy(arm: a, boundary: t, state: s)
          let q = c.percentiles(j)
          table.append([
            .text(scenario.arms[a].name), .integer(t), .number(Double(t) * scenario.cycleLength), .text(scenario.states[s].name),
            .number(c.moments.mean[j]), .number(c.moments.mean[j] / N), .number(c.moments.mcse(j)),
            .number(q[0]), .number(q[1]), .number(q[2]), .integer(c.moments.count), .integer(c.percentileRuns), .text(String(seed)),
          ])
        }
      }
    }
    return table
  }

  /// One row per measure (`cost` of an arm, or `net_saving` of an arm against the reference),
  /// model year, payer (and `total`) and basis (`discounted`, `undiscounted`).
  public static func cashflow(_ c: inout Columns, scenario: Scenario, seed: UInt64) -> CSVTable {
    var table = CSVTable(header: [
      "measure", "arm", "versus", "year", "calendar_year", "payer", "basis", "unit", "mean", "mcse", "ci95_low", "ci95_high",
      "p2_5", "p50", "p97_5", "runs", "percentile_runs", "seed",
    ])
    let layout = c.layout
    let payers = scenario.payers.map(\.name) + ["total"]
    let reference = scenario.arms[layout.reference].name
    func row(_ measure: String, arm: String, versus: String?, year y: Int, payer p: Int, basis: DetailLayout.Basis, column j: Int) {
      let q = c.percentiles(j)
      let mean = c.moments.mean[j]
      let mcse = c.moments.mcse(j)
      table.append([
        .text(measure), .text(arm), versus.map(CSVTable.Field.text) ?? .missing, .integer(y + 1),
        scenario.analysis.startYear.map { .integer($0 + y) } ?? .missing, .text(payers[p]), .text(basis.name),
        .text("\(scenario.currency) (cohort of \(scenario.clients) clients)"),
        .number(mean), .number(mcse), .number(mean - MetricSummary.z975 * mcse), .number(mean + MetricSummary.z975 * mcse),
        .number(q[0]), .number(q[1]), .number(q[2]), .integer(c.moments.count), .integer(c.percentileRuns), .text(String(seed)),
      ])
    }
    for basis in DetailLayout.Basis.allCases {
      for a in 0..<layout.arms {
        for y in 0..<layout.years {
          for p in payers.indices {
            row("cost", arm: scenario.arms[a].name, versus: nil, year: y, payer: p, basis: basis, column: layout.cash(arm: a, year: y, payer: p, basis: basis))
          }
        }
      }
      for (k, a) in layout.comparisons.enumerated() {
        for y in 0..<layout.years {
          for p in payers.indices {
            row("net_saving", arm: scenario.arms[a].name, versus: reference, year: y, payer: p, basis: basis, column: layout.netCash(comparison: k, year: y, payer: p, basis: basis))
          }
        }
      }
    }
    return table
  }

  /// One row per comparison, payer (and `total`), basis and model year: the probability that
  /// the arm has paid back by the end of that year (its cumulative net saving against the
  /// reference is positive then and stays positive to the horizon), with its MCSE.
  public static func payback(_ c: Columns, scenario: Scenario, seed: UInt64) -> CSVTable {
    var table = CSVTable(header: ["arm", "versus", "payer", "basis", "year", "calendar_year", "p_paid_back", "mcse", "runs", "seed"])
    let layout = c.layout
    let payers = scenario.payers.map(\.name) + ["total"]
    for basis in DetailLayout.Basis.allCases {
      for (k, a) in layout.comparisons.enumerated() {
        for p in payers.indices {
          for y in 0..<layout.years {
            let j = layout.paidBack(comparison: k, year: y, payer: p, basis: basis)
            table.append([
              .text(scenario.arms[a].name), .text(scenario.arms[layout.reference].name), .text(payers[p]), .text(basis.name), .integer(y + 1),
              scenario.analysis.startYear.map { .integer($0 + y) } ?? .missing,
              .number(c.moments.mean[j]), .number(c.moments.mcse(j)), .integer(c.moments.count), .text(String(seed)),
            ])
          }
        }
      }
    }
    return table
  }

  /// Payback time in years of comparison `k` for payer `p`: the median and 2.5/97.5
  /// percentiles over the kept runs (+∞: not paid back within the horizon), and the
  /// fraction of all runs paid back by the horizon.
  public static func paybackSummary(_ c: inout Columns, scenario: Scenario, comparison k: Int, payer p: Int, basis: DetailLayout.Basis)
    -> (p2_5: Double, p50: Double, p97_5: Double, paidBackByHorizon: Double)
  {
    let layout = c.layout
    let q = c.percentiles(layout.payback(comparison: k, payer: p, basis: basis)).map { $0 * scenario.cycleLength }
    let byHorizon = c.moments.mean[layout.paidBack(comparison: k, year: layout.years - 1, payer: p, basis: basis)]
    return (q[0], q[1], q[2], byHorizon)
  }
}
