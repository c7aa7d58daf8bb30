import MBCEngine
import MBCScenario

/// break_even.csv: the one-way threshold analysis of `analysis.break_even` (``BreakEven``).
public enum BreakEvenTable {
  /// One row per arm (against the reference) and payer (and `total`): the value of the
  /// parameter at which the expected net saving is zero, its Monte Carlo SE, the mean net
  /// saving at both ends of the range searched, and what was found: `found` (the first of
  /// `crossings` sign changes), `saves_over_range` or `costs_over_range`.
  public static func table(_ results: [BreakEven.Result], scenario: Scenario, parameter: Int, low: Double, high: Double, runs: Int, seed: UInt64) -> CSVTable {
    var table = CSVTable(header: [
      "parameter", "arm", "reference", "payer", "break_even_value", "mcse", "result", "crossings", "range_low", "range_high",
      "net_saving_at_low", "net_saving_at_high", "parameter_mean", "runs", "seed",
    ])
    let p = scenario.parameters[parameter]
    var mean = Double.nan
    if case .distribution(let d) = p.definition { mean = d.mean * p.priceFactor }
    for r in results {
      let outcome: String
      if r.value != nil {
        outcome = "found"
      } else {
        outcome = r.savingAtLow > 0 && r.savingAtHigh > 0 ? "saves_over_range" : (r.savingAtLow < 0 && r.savingAtHigh < 0 ? "costs_over_range" : "no_crossing")
      }
      table.append([
        .text(p.name), .text(scenario.arms[r.arm].name), .text(scenario.arms[scenario.referenceArm].name),
        .text(r.payer < scenario.payers.count ? scenario.payers[r.payer].name : "total"),
        r.value.map(CSVTable.Field.number) ?? .missing, r.mcse.map(CSVTable.Field.number) ?? .missing, .text(outcome),
        .integer(r.crossings), .number(low), .number(high), .number(r.savingAtLow), .number(r.savingAtHigh), .number(mean),
        .integer(runs), .text(String(seed)),
      ])
    }
    return table
  }
}
