import Dispatch
import MBCAnalysis
import MBCEngine
import MBCScenario

/// incremental.csv, ceac.csv, evpi.csv and evppi.csv: the cost-effectiveness analysis of the
/// arms over the runs (``DecisionData``). Amounts are for the simulated cohort (the scenario's
/// `clients`) unless a column says per client or population.
public enum DecisionTables {
  /// Bootstrap replicates for `runs` runs: 1,000, fewer above 10⁵ runs so that the work
  /// (runs × replicates) stays below 10⁸, but never fewer than 200. With that many runs the
  /// Fieller set, exact for normal means, is the reference anyway.
  public static func bootstrapReplicates(runs: Int) -> Int {
    min(1000, max(200, 100_000_000 / max(runs, 1)))
  }

  static func meanAndMCSE(_ values: [Double]) -> (mean: Double, mcse: Double) {
    var m = ColumnMoments(columns: 1)
    values.withUnsafeBufferPointer { m.add(block: $0.baseAddress!, rows: values.count) }
    return (m.mean[0], m.mcse(0))
  }

  static func status(_ s: IncrementalAnalysis.Status, names: [String]) -> (String, String?) {
    switch s {
    case .reference: ("frontier_start", nil)
    case .nonDominated: ("frontier", nil)
    case .dominated(let by): ("dominated", names[by])
    case .extendedlyDominated(let a, let b): ("extendedly_dominated", "\(names[a]) and \(names[b])")
    }
  }

  /// One row per arm, in order of expected cost: the dominance status, the ICER against the
  /// previous arm on the efficient frontier with its confidence sets (Fieller, bootstrap) and
  /// its PSA uncertainty set (the central 95% wedge of the runs), the quadrants of the
  /// cost-effectiveness plane, the comparison with the scenario's reference arm, and net
  /// monetary and health benefit at the willingness to pay (when there is one).
  public static func incremental(_ data: DecisionData, scenario: Scenario, willingnessToPay: Double?, seed: UInt64) -> CSVTable {
    var table = CSVTable(header: [
      "arm", "status", "dominated_by", "comparator", "cost_mean", "cost_mcse", "outcome", "outcome_mean", "outcome_mcse",
      "incremental_cost", "incremental_outcome", "icer", "icer_ci_fieller_low", "icer_ci_fieller_high", "icer_ci_fieller_form",
      "icer_ci_bootstrap_low", "icer_ci_bootstrap_high", "icer_ci_bootstrap_form", "bootstrap_replicates",
      "icer_ui_low", "icer_ui_high", "icer_ui_form", "p_north_east", "p_south_east", "p_south_west", "p_north_west",
      "reference", "versus_reference_cost", "versus_reference_outcome", "versus_reference_icer",
      "wtp", "nmb_mean", "nmb_mcse", "nhb_mean", "inmb_versus_reference_mean", "inmb_versus_reference_mcse", "p_cost_effective",
      "unit", "runs", "seed",
    ])
    let names = scenario.arms.map(\.name)
    let analysis = IncrementalAnalysis(costs: data.costs, effects: data.outcomes)
    let order = names.indices.sorted { (analysis.arms[$0].cost, $0) < (analysis.arms[$1].cost, $1) }
    let ref = scenario.referenceArm
    let B = bootstrapReplicates(runs: data.runs)
    // Net benefit is reported at the willingness to pay, or at 0 without an outcome (−cost).
    let benefitAt = willingnessToPay ?? (data.hasOutcome ? nil : 0)
    let probabilityBest = benefitAt.map { Acceptability(costs: data.costs, effects: data.outcomes, willingnessToPay: [$0]).probabilityCostEffective.map { $0[0] } }
    for a in order {
      let arm = analysis.arms[a]
      let (statusText, dominatedBy) = status(arm.status, names: names)
      let cost = meanAndMCSE(data.costs[a])
      let outcome = meanAndMCSE(data.outcomes[a])
      var row: [CSVTable.Field] = [
        .text(names[a]), .text(statusText), dominatedBy.map(CSVTable.Field.text) ?? .missing,
        arm.comparator.map { .text(names[$0]) } ?? .missing, .number(cost.mean), .number(cost.mcse),
      ]
      if data.hasOutcome {
        row += [.text(scenario.outcomeName ?? ""), .number(outcome.mean), .number(outcome.mcse)]
      } else {
        row += [.missing, .missing, .missing]
      }
      row += [arm.incrementalCost.map(CSVTable.Field.number) ?? .missing]
      if data.hasOutcome, let comparator = arm.comparator, data.runs >= 2 {
        let interval = ICERInterval(costs: data.costs, effects: data.outcomes, arm: a, comparator: comparator, bootstrapReplicates: B, seed: seed)
        row += [arm.incrementalEffect.map(CSVTable.Field.number) ?? .missing, arm.icer.map(CSVTable.Field.number) ?? .missing]
        row += interval.fieller.fields
        row += interval.bootstrap?.fields ?? [.missing, .missing, .missing]
        row += [.integer(interval.bootstrapReplicates)]
        row += interval.uncertaintyWedge.fields
        let q = interval.quadrants
        row += [.number(q.northEast), .number(q.southEast), .number(q.southWest), .number(q.northWest)]
      } else {
        row += [data.hasOutcome ? (arm.incrementalEffect.map(CSVTable.Field.number) ?? .missing) : .missing]
        row += Array(repeating: .missing, count: 15)
      }
      // Against the scenario's reference arm.
      row += [.text(names[ref])]
      if a == ref {
        row += [.missing, .missing, .missing]
      } else {
        let dc = cost.mean - meanAndMCSE(data.costs[ref]).mean
        let de = outcome.mean - meanAndMCSE(data.outcomes[ref]).mean
        row += [.number(dc), data.hasOutcome ? .number(de) : .missing, data.hasOutcome && de != 0 ? .number(dc / de) : .missing]
      }
      if let lambda = benefitAt, let probabilityBest {
        let nmb = meanAndMCSE(zip(data.costs[a], data.outcomes[a]).map { lambda * $1 - $0 })
        let inmb = meanAndMCSE((0..<data.runs).map { r in
          lambda * (data.outcomes[a][r] - data.outcomes[ref][r]) - (data.costs[a][r] - data.costs[ref][r])
        })
        let pBest = probabilityBest[a]
        row += [
          data.hasOutcome ? .number(lambda) : .missing, .number(nmb.mean), .number(nmb.mcse),
          data.hasOutcome && lambda > 0 ? .number(outcome.mean - cost.mean / lambda) : .missing,
          a == ref ? .missing : .number(inmb.mean), a == ref ? .missing : .number(inmb.mcse), .number(pBest),
        ]
      } else {
        row += Array(repeating: .missing, count: 7)
      }
      row += [.text("\(scenario.currency) and \(scenario.outcomeLabel ?? "no outcome") (discounted, cohort of \(scenario.clients) clients)"), .integer(data.runs), .text(String(seed))]
      table.append(row)
    }
    return table
  }

  /// One row per willingness to pay and arm: the probability that the arm has the highest net
  /// monetary benefit (the acceptability curve; MCSE binomial), its expected net monetary
  /// benefit, its expected loss (the mean shortfall of its net benefit against the best arm of
  /// each run), and whether it is the arm with the highest expected net benefit (`optimal`: the
  /// acceptability frontier is the curve of the optimal arm).
  public static func ceac(_ acceptability: Acceptability, scenario: Scenario, seed: UInt64) -> CSVTable {
    var table = CSVTable(header: ["wtp", "arm", "p_cost_effective", "mcse", "expected_nmb", "expected_loss", "optimal", "runs", "seed"])
    for (i, lambda) in acceptability.willingnessToPay.enumerated() {
      for (a, arm) in scenario.arms.enumerated() {
        table.append([
          .number(lambda), .text(arm.name), .number(acceptability.probabilityCostEffective[a][i]),
          .number(acceptability.probabilityCostEffectiveMCSE(arm: a, index: i)), .number(acceptability.expectedNetBenefit[a][i]),
          .number(acceptability.expectedLoss[a][i]), .integer(acceptability.optimalArm[i] == a ? 1 : 0),
          .integer(acceptability.runs), .text(String(seed)),
        ])
      }
    }
    return table
  }

  /// The population the value of information is scaled to: clients over the decision's years,
  /// discounted at the cost discount rate; nil without `analysis.population`.
  static func populationFactor(_ scenario: Scenario) -> Double? {
    scenario.analysis.population.map {
      ValueOfInformation.populationFactor(populationPerYear: $0.perYear, years: $0.years, discountRate: scenario.costDiscountRate)
    }
  }

  /// One row per willingness to pay: the expected value of perfect information for the
  /// simulated cohort, per client, and for the population (when the scenario gives one).
  public static func evpi(_ acceptability: Acceptability, scenario: Scenario, engine: String, seed: UInt64) -> CSVTable {
    var table = CSVTable(header: ["wtp", "evpi_cohort", "evpi_per_client", "population_clients", "population_evpi", "optimal_arm", "engine", "runs", "seed"])
    let population = populationFactor(scenario)
    let N = Double(scenario.clients)
    for (i, lambda) in acceptability.willingnessToPay.enumerated() {
      let perClient = acceptability.evpi[i] / N
      table.append([
        .number(lambda), .number(acceptability.evpi[i]), .number(perClient), population.map(CSVTable.Field.number) ?? .missing,
        population.map { .number($0 * perClient) } ?? .missing, .text(scenario.arms[acceptability.optimalArm[i]].name),
        .text(engine), .integer(acceptability.runs), .text(String(seed)),
      ])
    }
    return table
  }

  /// The parameter groups of the partial EVPI: the scenario's `analysis.evppi`, or every
  /// uncertain parameter on its own (distributions other than fixed values, and vector
  /// parameters as one group each). Each group lists its parameters' value columns.
  public static func evppiGroups(_ scenario: Scenario) -> [(name: String, parameters: [Int])] {
    if !scenario.analysis.evppiGroups.isEmpty { return scenario.analysis.evppiGroups }
    return scenario.parameters.indices.compactMap { i in
      switch scenario.parameters[i].definition {
      case .distribution(let d):
        if case .fixed = d { return nil }
        return (scenario.parameters[i].name, [i])
      case .vector: return (scenario.parameters[i].name, [i])
      case .expression: return nil
      }
    }
  }

  /// The willingness to pay at which EVPPI is estimated: the scenario's (or `--wtp`), else
  /// the grid value with the largest EVPI (where information matters most); 0 without outcome.
  public static func evppiWillingnessToPay(_ acceptability: Acceptability, willingnessToPay: Double?, hasOutcome: Bool) -> Double {
    if !hasOutcome { return 0 }
    if let w = willingnessToPay { return w }
    var best = 0
    for i in acceptability.evpi.indices where acceptability.evpi[i] > acceptability.evpi[best] { best = i }
    return acceptability.willingnessToPay[best]
  }

  /// One row per parameter group: the expected value of partial perfect information at one
  /// willingness to pay, by a regression metamodel (``EVPPI``) over the runs whose parameter
  /// draws were kept, per client and for the population, with its bootstrap standard error,
  /// the EVPI of the same runs, and the fit diagnostics.
  public static func evppi(
    _ data: DecisionData, parameters: RunMatrix, scenario: Scenario, valueNames: [String], willingnessToPay lambda: Double, seed: UInt64,
    bootstrapReplicates: Int = 100
  ) -> CSVTable {
    var table = CSVTable(header: [
      "group", "parameters", "wtp", "evppi_per_client", "evppi_per_client_se", "population_evppi", "evpi_per_client", "share_of_evpi",
      "r_squared_min", "basis", "basis_size", "runs", "warnings", "seed",
    ])
    let n = min(parameters.rows, data.runs)
    guard n >= 2 else { return table }
    let nmb = data.netMonetaryBenefit(lambda).map { Array($0.prefix(n)) }
    // Value columns of each parameter (vector parameters have several).
    var columnsOf: [[Int]] = []
    var next = 0
    for p in scenario.parameters {
      let count = p.valueNames.count
      columnsOf.append(Array(next..<(next + count)))
      next += count
    }
    let N = Double(scenario.clients)
    let population = populationFactor(scenario)
    // The groups are independent fits: two at a time (BLAS is single-threaded; concurrent
    // callers are safe), each result kept in its group's place so the table is the same.
    let groups = evppiGroups(scenario)
    let valueColumns = columnsOf
    let fits = Locked([EVPPIResult?](repeating: nil, count: groups.count))
    DispatchQueue.concurrentPerform(iterations: groups.count) { g in
      let columns = groups[g].parameters.flatMap { valueColumns[$0] }
      let theta = columns.map { j in (0..<n).map { parameters[$0, j] } }
      let result = EVPPI.regression(theta: theta, nmb: nmb, bootstrapReplicates: bootstrapReplicates, seed: seed)
      fits.withLock { $0[g] = result }
    }
    let results = fits.withLock { $0 }
    for (g, group) in groups.enumerated() {
      let columns = group.parameters.flatMap { columnsOf[$0] }
      let result = results[g]!
      let perClient = result.evppi / N
      let r2 = result.rSquared.filter { !$0.isNaN }.min()
      table.append([
        .text(group.name), .text(columns.map { valueNames[$0] }.joined(separator: " ")), .number(lambda), .number(perClient),
        result.standardError.map { .number($0 / N) } ?? .missing, population.map { .number($0 * perClient) } ?? .missing,
        .number(result.evpi / N), result.evpi > 0 ? .number(result.evppi / result.evpi) : .missing,
        r2.map(CSVTable.Field.number) ?? .missing, .text(result.basis.description), .integer(result.basisSize), .integer(n),
        result.warnings.isEmpty ? .missing : .text(result.warnings.joined(separator: " ")), .text(String(seed)),
      ])
    }
    return table
  }
}
