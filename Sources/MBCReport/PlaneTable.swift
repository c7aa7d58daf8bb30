import MBCAnalysis
import MBCEngine
import MBCScenario

/// plane.csv: the per-run values the report's run-level charts are drawn from (the
/// cost-effectiveness plane and the histogram of the net saving), for the first
/// ``maximumRuns`` runs, so that `mbc report` can draw them without `runs.csv`.
public enum PlaneTable {
  /// Runs kept in plane.csv.
  public static let maximumRuns = 1000

  /// One row per comparison (arm against the reference), run and payer (and `total`): the
  /// payer's net saving (reference − arm cost), its difference in cost (arm − reference,
  /// the vertical axis of the cost-effectiveness plane) and the run's difference in the
  /// analysis outcome (the effect gained or the events avoided; `NA` without an outcome).
  public static func table(_ results: ResultSet, matrix: RunMatrix) -> CSVTable {
    var table = CSVTable(header: [
      "run", "arm", "versus", "payer", "net_saving", "delta_cost", "outcome", "delta_outcome", "seed",
    ])
    let s = results.scenario
    let layout = results.layout
    let reference = s.arms[s.referenceArm].name
    let runs = min(matrix.rows, maximumRuns)
    let seed = String(results.run.seed)
    for arm in s.arms where arm.name != reference {
      let payers = (s.payers.map(\.name) + ["total"]).compactMap { p in
        layout.index(of: "net_saving.\(arm.name).\(p)").map { (p, $0) }
      }
      var outcome: Int?
      switch s.analysis.outcome {
      case .effect(let k)?: outcome = layout.index(of: "effect_gain.\(arm.name).\(s.effects[k].name)")
      case .eventsAvoided(let e)?: outcome = layout.index(of: "events_avoided.\(arm.name).\(s.events[e].name)")
      case nil: outcome = nil
      }
      let outcomeName: CSVTable.Field = s.outcomeName.map(CSVTable.Field.text) ?? .missing
      for r in 0..<runs {
        let delta: CSVTable.Field = outcome.map { .number(matrix[r, $0]) } ?? .missing
        for (payer, j) in payers {
          let saving = matrix[r, j]
          table.append([
            .integer(r), .text(arm.name), .text(reference), .text(payer), .number(saving),
            .number(saving == 0 ? 0 : -saving),
            outcomeName, delta, .text(seed),
          ])
        }
      }
    }
    return table
  }
}
