import MBCAnalysis
import MBCEngine

/// summary.csv and inputs.csv: tidy tables (long format, one header row).
public enum SummaryTables {
  /// One row per metric × arm × payer (or event): mean, sd, MCSE, the 95% confidence
  /// interval of the mean (Monte Carlo error), the 2.5/50/97.5 percentiles of the per-run
  /// values (the 95% uncertainty interval of the PSA) and the fraction of runs above 0.
  public static func summary(_ results: ResultSet) -> CSVTable {
    var table = CSVTable(header: [
      "metric", "arm", "versus", "payer", "event", "effect", "unit", "mean", "sd", "mcse", "ci95_low", "ci95_high",
      "p2_5", "p50", "p97_5", "p_positive", "runs", "runs_to_halve_mcse", "seed",
    ])
    for (column, s) in zip(results.layout.columns, results.summaries) {
      table.append([
        .text(column.kind.rawValue), .text(column.arm), column.versus.map(CSVTable.Field.text) ?? .missing,
        column.payer.map(CSVTable.Field.text) ?? .missing, column.event.map(CSVTable.Field.text) ?? .missing,
        column.effect.map(CSVTable.Field.text) ?? .missing, .text(results.unit(of: column)),
        .number(s.mean), .number(s.sd), .number(s.mcse), .number(s.ciLow), .number(s.ciHigh),
        .number(s.p2_5), .number(s.p50), .number(s.p97_5), .number(s.pPositive),
        .integer(s.count), .integer(4 * s.count), .text(String(results.run.seed)),
      ])
    }
    return table
  }

  /// inputs.csv: every parameter (each component of a vector parameter on its own row) with
  /// its distribution, mean, base-case value and source (or assumption). `baseCase` has one
  /// value per value name, in scenario order.
  public static func inputs(_ results: ResultSet, baseCase: [Double]) -> CSVTable {
    var table = CSVTable(header: ["parameter", "label", "definition", "distribution", "mean", "sd", "base_case", "source", "assumption", "note"])
    var i = 0
    for p in results.scenario.parameters {
      if case .vector = p.definition {
        for name in p.valueNames {
          table.append([
            .text(name), p.label.map(CSVTable.Field.text) ?? .missing, .text("vector component"), .text(p.written),
            .number(i < baseCase.count ? baseCase[i] : .nan), .missing, .number(i < baseCase.count ? baseCase[i] : .nan),
            p.provenance.source.map(CSVTable.Field.text) ?? .missing,
            p.provenance.assumption.map(CSVTable.Field.text) ?? .missing,
            p.provenance.note.map(CSVTable.Field.text) ?? .missing,
          ])
          i += 1
        }
        continue
      }
      defer { i += 1 }
      var definition = "expression"
      var distribution = p.written
      var mean = Double.nan
      var sd = Double.nan
      switch p.definition {
      case .distribution(let d):
        definition = { if case .fixed = d { return "fixed" } else { return "distribution" } }()
        distribution = p.written
        mean = d.mean * p.priceFactor
        sd = d.variance.squareRoot() * p.priceFactor
      case .vector, .expression:
        break
      }
      table.append([
        .text(p.name), p.label.map(CSVTable.Field.text) ?? .missing, .text(definition), .text(distribution),
        .number(mean), .number(sd), .number(i < baseCase.count ? baseCase[i] : .nan),
        p.provenance.source.map(CSVTable.Field.text) ?? .missing,
        p.provenance.assumption.map(CSVTable.Field.text) ?? .missing,
        p.provenance.note.map(CSVTable.Field.text) ?? .missing,
      ])
    }
    return table
  }
}
