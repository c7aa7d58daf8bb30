import MBCAnalysis
import MBCEngine
import MBCScenario

/// ledger.csv, the payer ledger ("wrong pocket"): for each arm against the reference and each
/// payer (and `total`), who pays for the intervention and who gains from it.
public enum LedgerTable {
  /// One row per comparison and payer:
  /// - the mean costs of both arms and the net saving (reference − arm; positive = the payer
  ///   saves) with its SD, MCSE, 95% confidence interval of the mean, 2.5/50/97.5 percentiles
  ///   (the 95% uncertainty interval) and P(saves);
  /// - what common random numbers bought: the correlation of the two arms' costs and
  ///   `variance_reduction` = (Var(ref) + Var(arm)) / Var(ref − arm);
  /// - with cost lines marked `intervention: true`: the payer's share of the extra intervention
  ///   cost (`intervention_cost_mean`, arm − reference), its gross saving (net saving + that
  ///   cost: the costs it avoids), and the return on investment `roi` = mean gross saving of the
  ///   payer / mean extra intervention cost (all payers): euros the payer gets back per euro
  ///   invested, a ratio of means with its Fieller confidence set and delta-method SE;
  /// - `role`: `gains`, `loses` (or `neutral`) by the sign of the payer's mean net saving,
  ///   as `funds and gains` / `funds and loses` when it bears part of the extra intervention cost;
  /// - payback (discounted): the median and 2.5/97.5 percentiles of the payback time in years
  ///   over the runs kept whole (`Inf`: not within the horizon) and P(paid back by the horizon).
  public static func ledger(_ results: ResultSet, matrix: RunMatrix, time: inout TimeTables.Columns) -> CSVTable {
    var table = CSVTable(header: [
      "arm", "reference", "payer", "unit", "reference_cost_mean", "arm_cost_mean", "net_saving_mean", "net_saving_sd",
      "net_saving_mcse", "ci95_low", "ci95_high", "p2_5", "p50", "p97_5", "p_saving", "correlation", "variance_reduction",
      "intervention_cost_mean", "gross_saving_mean", "roi", "roi_se", "roi_ci_low", "roi_ci_high", "roi_ci_form", "role",
      "payback_years_p2_5", "payback_years_p50", "payback_years_p97_5", "p_paid_back_by_horizon", "runs", "seed",
    ])
    let layout = results.layout
    let scenario = results.scenario
    let payerNames = scenario.payers.map(\.name) + ["total"]
    let comparisons = scenario.arms.indices.filter { $0 != scenario.referenceArm }
    for (j, column) in layout.columns.enumerated() where column.kind == .netSaving {
      guard let reference = column.versus, let payer = column.payer,
        let refIndex = layout.index(of: "cost.\(reference).\(payer)"),
        let armIndex = layout.index(of: "cost.\(column.arm).\(payer)"),
        let p = payerNames.firstIndex(of: payer), let a = scenario.armIndex(column.arm)
      else { continue }
      let s = results.summaries[j]
      let m = results.moments
      let varianceOfDifference = m.variance(j)
      let reduction = varianceOfDifference > 0 ? (m.variance(refIndex) + m.variance(armIndex)) / varianceOfDifference : .nan
      var row: [CSVTable.Field] = [
        .text(column.arm), .text(reference), .text(payer), .text(results.unit(of: column)),
        .number(m.mean[refIndex]), .number(m.mean[armIndex]), .number(s.mean), .number(s.sd), .number(s.mcse),
        .number(s.ciLow), .number(s.ciHigh), .number(s.p2_5), .number(s.p50), .number(s.p97_5), .number(s.pPositive),
        .number(m.correlation(refIndex, armIndex)), .number(reduction),
      ]
      var funds = false
      if layout.hasInterventionCost,
        let armInvest = layout.index(of: "intervention_cost.\(column.arm).\(payer)"),
        let refInvest = layout.index(of: "intervention_cost.\(reference).\(payer)"),
        let armTotal = layout.index(of: "intervention_cost.\(column.arm).total"),
        let refTotal = layout.index(of: "intervention_cost.\(reference).total")
      {
        let n = matrix.rows
        let invested = (0..<n).map { matrix[$0, armInvest] - matrix[$0, refInvest] }
        let investedTotal = (0..<n).map { matrix[$0, armTotal] - matrix[$0, refTotal] }
        let gross = (0..<n).map { matrix[$0, j] + invested[$0] }
        let investedMean = DecisionTables.meanAndMCSE(invested).mean
        funds = investedMean > 0
        row += [.number(investedMean), .number(DecisionTables.meanAndMCSE(gross).mean)]
        if n >= 2, DecisionTables.meanAndMCSE(investedTotal).mean != 0 {
          let roi = RatioEstimate.returnOnInvestment(savings: gross, interventionCosts: investedTotal, bootstrapReplicates: 0)
          row += [.number(roi.ratio), .number(roi.standardError)] + roi.fieller.fields
        } else {
          row += [.missing, .missing, .missing, .missing, .missing]
        }
      } else {
        row += Array(repeating: .missing, count: 7)
      }
      let gains = s.mean > 0 ? "gains" : (s.mean < 0 ? "loses" : "neutral")
      row += [.text(funds ? "funds and \(gains)" : gains)]
      if let k = comparisons.firstIndex(of: a) {
        let pb = TimeTables.paybackSummary(&time, scenario: scenario, comparison: k, payer: p, basis: .discounted)
        row += [.number(pb.p2_5), .number(pb.p50), .number(pb.p97_5), .number(pb.paidBackByHorizon)]
      } else {
        row += [.missing, .missing, .missing, .missing]
      }
      row += [.integer(s.count), .text(String(results.run.seed))]
      table.append(row)
    }
    return table
  }
}
