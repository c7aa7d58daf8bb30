import Foundation
import MBCRandom
import MBCScenario

/// The open-cohort budget engine of `mbc stress`: one run of every variant of a
/// ``StressModel`` (``MBCScenario/Scenario/Budget``).
///
/// Per run, after drawing the parameters as `mbc simulate` does:
/// 1. **Per-client streams** from the cohort engine (exact expectations given the run's
///    parameters): U_p[k] and I_p[k], the undiscounted cost to payer p in month k after a
///    client enters usual care (the reference arm) or the intervention arm, and S[k], the share
///    of admitted clients still in service k months after admission (in a service state at
///    every month end since; S[0] = 1).
/// 2. **The queue, month by month** (stochastic, with integer counts): capacity
///    C_m = ⌊FTE·caseload·ramp(m)⌋ with ramp(m) = min(1, (m + 1)/R); clients admitted k months ago
///    stay in service with probability S[k]/S[k − 1] (binomial; none after `max_months`);
///    waiting clients leave the list with probability q (binomial) and are turned away after
///    waiting `max_months`; referrals N_m ~ Poisson(λ·season(m)·(1 + trend)^(m/12)·surge(m));
///    free places go to the longest waiting first.
/// 3. **Costs**: a client follows U from referral until admission and I from admission (the
///    state reached while waiting is not carried over); clients never admitted follow U. So
///    with the programme, care_p(m) = Σ_a A_a·I_p[m − a] + Σ_j W_j(m)·U_p[m − j] (A_a admissions
///    in month a, W_j(m) clients referred in month j not admitted by month m), and without it
///    Σ_j N_j·U_p[m − j]. When funding stops with `in_care: stop`, the clients in service then
///    follow U again (by their referral month; their waits are split like the admissions of
///    their month). The programme costs startup/12 in months 0–11, fixed/12 and
///    per-FTE-year/12·FTE_m per funded month (after a stop with `finish`, FTE_m = clients in
///    service / caseload), plus per admission and per client-month in service. Every amount in
///    year y is multiplied by (1 + indexation)^y (and by a variant's price rise).
///
/// Random numbers: referrals, drop-outs and service ends of month m each have their own
/// stream keyed by (seed, run, m, purpose), with one uniform per bucket in a fixed order, and
/// counts by inversion; so every variant uses the same numbers (common random numbers) and a
/// run's results do not depend on the thread that simulated it.
final class BudgetEngine {
  let stress: StressModel
  let model: CompiledModel
  let budget: Scenario.Budget
  let programs: CompiledModel.BudgetPrograms
  let layout: StressLayout
  let cohort: CohortEngine
  let seed: UInt64
  let P: Int, M: Int, W: Int

  // Per-run streams, [payer][month] (per client, price year), and the service survival.
  // (Pointers, not arrays: no exclusivity checks in the month loop.)
  private let usual: UnsafeMutablePointer<Double>, intervention: UnsafeMutablePointer<Double>, stay: UnsafeMutablePointer<Double>
  private let metricRow: UnsafeMutablePointer<Double>, detailRow: UnsafeMutablePointer<Double>
  // Queue scratch per variant.
  private let referrals: UnsafeMutablePointer<Int>, notAdmitted: UnsafeMutablePointer<Int>, waiting: UnsafeMutablePointer<Int>
  private let admissions: UnsafeMutablePointer<Int>, inService: UnsafeMutablePointer<Int>, dropped: UnsafeMutablePointer<Int>
  /// [admission month][wait]: admissions by months waited.
  private let admittedByWait: UnsafeMutablePointer<Int>
  private let care: UnsafeMutablePointer<Double>, without: UnsafeMutablePointer<Double>
  private let cumulative: UnsafeMutablePointer<Double>, lastNotPositive: UnsafeMutablePointer<Int>

  init(stress: StressModel, seed: UInt64) {
    self.stress = stress
    model = stress.model
    budget = stress.budget
    programs = stress.model.budgetPrograms!
    layout = stress.layout
    self.seed = seed
    cohort = CohortEngine(model: stress.model, seed: seed)
    P = stress.scenario.payers.count
    M = stress.budget.months
    W = stress.budget.waiting.maxMonths
    cohort.serviceArm = stress.budget.arm
    cohort.inService = (0..<model.stateCount).map { stress.budget.service.states.contains($0) }
    usual = zeroedBuffer(P * M)
    intervention = zeroedBuffer(P * M)
    stay = zeroedBuffer(M + 1)
    metricRow = zeroedBuffer(model.layout.count)
    detailRow = zeroedBuffer(cohort.detail.layout.count)
    func counts(_ n: Int) -> UnsafeMutablePointer<Int> {
      let p = UnsafeMutablePointer<Int>.allocate(capacity: max(n, 1))
      p.initialize(repeating: 0, count: max(n, 1))
      return p
    }
    referrals = counts(M)
    notAdmitted = counts(M)
    waiting = counts(M)
    admissions = counts(M)
    inService = counts(M)
    dropped = counts(M)
    admittedByWait = counts(M * (W + 1))
    care = zeroedBuffer(P)
    without = zeroedBuffer(P)
    cumulative = zeroedBuffer(P + 1)
    lastNotPositive = counts(P + 1)
  }

  deinit {
    for p in [usual, intervention, stay, metricRow, detailRow, care, without, cumulative] { p.deallocate() }
    for p in [referrals, notAdmitted, waiting, admissions, inService, dropped, admittedByWait, lastNotPositive] { p.deallocate() }
  }

  /// The run's values of the budget's expressions.
  struct Values {
    var rate, trend, fte, caseload, dropout, indexation: Double
    var startup, fixedPerYear, perFTEYear, perClient, perClientMonth: Double
    var caps: [[Double]]
  }

  /// Probabilities clamped into [0, 1] in the last run (`invalid_probabilities: clamp`).
  var clampedInRun: Int { cohort.tables.clampedInRun }

  /// Simulates run `run` of every variant into `row` (``StressLayout``).
  func simulate(run: Int, into row: UnsafeMutablePointer<Double>) throws(SimulationError) {
    try cohort.tables.drawParameters(seed: seed, run: run)
    try streams(run: run)
    let values = try evaluate(run: run)
    for v in 0..<layout.variants.count {
      try simulate(variant: v, run: run, values: values, into: row)
    }
  }

  /// U, I and S for the run's parameters (cohort engine, undiscounted, per client).
  private func streams(run: Int) throws(SimulationError) {
    try cohort.compute(run: run, into: metricRow, details: detailRow)
    let n = Double(model.clients)
    let ref = cohort.detail.undiscountedCycleCost(arm: model.scenario.referenceArm)
    let arm = cohort.detail.undiscountedCycleCost(arm: budget.arm)
    for k in 0..<M {
      for p in 0..<P {
        usual[p * M + k] = ref[k * (P + 1) + p] / n
        intervention[p * M + k] = arm[k * (P + 1) + p] / n
      }
    }
    let s = cohort.serviceSurvival
    stay[0] = 1
    for k in 1...M { stay[k] = s[k - 1] > 0 ? min(1, max(0, s[k] / s[k - 1])) : 0 }
  }

  private func evaluate(run: Int) throws(SimulationError) -> Values {
    let base = UnsafeBufferPointer(cohort.tables.base)
    let stack = cohort.tables.stack
    func value(_ p: ExpressionProgram, _ what: String, _ range: ClosedRange<Double>? = nil, expected: String = "a finite number")
      throws(SimulationError) -> Double
    {
      let x = p.evaluate(base, stack: stack)
      guard x.isFinite, range.map({ $0.contains(x) }) ?? true else {
        throw .invalidValue(run: run, what: "budget.\(what)", value: x, expected: expected)
      }
      return x
    }
    let nonNegative: ClosedRange<Double> = 0...Double.greatestFiniteMagnitude
    var caps: [[Double]] = []
    for (l, line) in programs.caps.enumerated() {
      caps.append(try line.map { (p) throws(SimulationError) -> Double in
        try value(p, "lines.\(budget.lines[l].name).cap", nonNegative, expected: "an amount of 0 or more")
      })
    }
    return Values(
      rate: try value(programs.rate, "inflow.rate", nonNegative, expected: "0 or more referrals per month"),
      trend: try value(programs.trend, "inflow.trend", -1...Double.greatestFiniteMagnitude, expected: "a yearly growth above -1"),
      fte: try value(programs.fte, "capacity.fte", nonNegative, expected: "0 or more FTE"),
      caseload: try value(programs.caseload, "capacity.caseload", nonNegative, expected: "0 or more clients per FTE"),
      dropout: try value(programs.dropout, "waiting.dropout", 0...1, expected: "a probability between 0 and 1"),
      indexation: try value(programs.indexation, "indexation", -1...Double.greatestFiniteMagnitude, expected: "a yearly rate above -1"),
      startup: try value(programs.startup, "programme.startup", nonNegative, expected: "an amount of 0 or more"),
      fixedPerYear: try value(programs.fixedPerYear, "programme.fixed_per_year", nonNegative, expected: "an amount of 0 or more"),
      perFTEYear: try value(programs.perFTEYear, "programme.per_fte_year", nonNegative, expected: "an amount of 0 or more"),
      perClient: try value(programs.perClient, "programme.per_client", nonNegative, expected: "an amount of 0 or more"),
      perClientMonth: try value(programs.perClientMonth, "programme.per_client_month", nonNegative, expected: "an amount of 0 or more"),
      caps: caps)
  }

  // MARK: - One variant

  private func simulate(variant v: Int, run: Int, values x: Values, into row: UnsafeMutablePointer<Double>) throws(SimulationError) {
    let variant: Scenario.Budget.Variant? = v == 0 ? nil : budget.variants[v - 1]
    let P = self.P, M = self.M, W = self.W, Y = layout.years
    let rampUp = variant?.rampUpMonths ?? budget.capacity.rampUpMonths
    let stopMonth = variant?.fundingStop?.afterMonth ?? Int.max
    let finish = variant?.fundingStop?.finish ?? true
    let maxService = budget.service.maxMonths ?? Int.max
    let programmePayer = budget.programme.payer
    for m in 0..<M {
      referrals[m] = 0
      notAdmitted[m] = 0
      waiting[m] = 0
      admissions[m] = 0
      inService[m] = 0
      dropped[m] = 0
    }
    for i in 0..<(M * (W + 1)) { admittedByWait[i] = 0 }
    // Zero the variant's block.
    for i in 0..<layout.block { row[v * layout.block + i] = 0 }
    let usual = self.usual, intervention = self.intervention, stay = self.stay
    let referrals = self.referrals, notAdmitted = self.notAdmitted, waiting = self.waiting, admissions = self.admissions
    let inService = self.inService, dropped = self.dropped, admittedByWait = self.admittedByWait
    let care = self.care, without = self.without, cumulative = self.cumulative, lastNotPositive = self.lastNotPositive
    for p in 0...P {
      cumulative[p] = 0
      lastNotPositive[p] = -1
    }
    let runKey = UInt64(run)

    for m in 0..<M {
      let year = m / 12
      let funded = m < stopMonth
      let ramp = rampUp == 0 ? 1 : min(1, Double(m + 1) / Double(rampUp))
      let capacity = funded ? Int((x.fte * x.caseload * ramp + 1e-9).rounded(.down)) : 0
      var turnedAway = 0
      var droppedOut = 0

      if m == stopMonth {
        for j in max(0, m - W)..<m where waiting[j] > 0 {
          turnedAway += waiting[j]
          waiting[j] = 0
        }
        if !finish {
          for a in 0..<m {
            dropped[a] = inService[a]
            inService[a] = 0
          }
        }
      }
      // Ends of service.
      var service = StreamKey(seed: seed, run: runKey, client: UInt64(m), purpose: .budgetService).makeGenerator()
      // (Cohorts admitted max_months or more ago were emptied when they reached it.)
      for k in stride(from: 1, through: min(m, maxService), by: 1) {
        let u = service.nextDouble()
        let a = m - k
        let n = inService[a]
        if n == 0 { continue }
        inService[a] = k >= maxService ? 0 : Binomial.inverse(uniform: u, trials: n, probability: stay[k])
      }
      // The waiting list: drop-outs, then the clients who waited the longest wait are turned away.
      var list = StreamKey(seed: seed, run: runKey, client: UInt64(m), purpose: .budgetWaiting).makeGenerator()
      for w in 1...W {
        let u = list.nextDouble()
        let j = m - w
        if j < 0 { break }
        let n = waiting[j]
        if n == 0 { continue }
        if w == W {
          turnedAway += n
          waiting[j] = 0
          continue
        }
        let d = Binomial.inverse(uniform: u, trials: n, probability: x.dropout)
        droppedOut += d
        waiting[j] = n - d
      }
      // Referrals.
      var surge = 1.0
      if let s = variant?.surge, m >= s.fromMonth { surge += s.percent / 100 }
      let lambda = x.rate * budget.inflow.seasonality[m % 12] * pow(1 + x.trend, Double(m) / 12) * surge
      var inflow = StreamKey(seed: seed, run: runKey, client: UInt64(m), purpose: .budgetInflow).makeGenerator()
      let arrivals: Int
      if lambda <= CompiledModel.maximumRate {
        arrivals = Poisson.inverse(uniform: inflow.nextDouble(), mean: lambda, expMinusMean: exp(-lambda))
      } else if lambda <= 1e7 {
        arrivals = Int(Distribution.poisson(mean: lambda).sample(using: &inflow))
      } else {
        throw .invalidValue(run: run, what: "the referrals in month \(m) (budget.inflow)", value: lambda, expected: "at most 10,000,000 per month")
      }
      referrals[m] = arrivals
      notAdmitted[m] = arrivals
      if funded { waiting[m] = arrivals } else { turnedAway += arrivals }
      // Admissions: longest waiting first.
      var occupied = 0
      for a in max(0, m - maxService)..<m { occupied += inService[a] }
      var free = max(0, capacity - occupied)
      var admitted = 0
      var waitSum = 0
      if free > 0 {
        for j in max(0, m - W + 1)...m where waiting[j] > 0 {
          let take = min(free, waiting[j])
          waiting[j] -= take
          notAdmitted[j] -= take
          admittedByWait[m * (W + 1) + (m - j)] += take
          admitted += take
          waitSum += take * (m - j)
          free -= take
          if free == 0 { break }
        }
      }
      admissions[m] = admitted
      inService[m] = admitted
      let inServiceNow = occupied + admitted
      var listLength = 0
      for j in max(0, m - W + 1)...m { listLength += waiting[j] }

      // Costs of the month.
      let index = pow(1 + x.indexation, Double(year))
      var programmeFactor = index, modelFactor = index
      if let r = variant?.priceRise, m >= r.fromMonth {
        programmeFactor *= 1 + r.percent / 100
        if !r.programmeOnly { modelFactor *= 1 + r.percent / 100 }
      }
      var fteMonth = 0.0
      if funded {
        fteMonth = x.fte * ramp
      } else if finish && x.caseload > 0 {
        fteMonth = min(x.fte, Double(inServiceNow) / x.caseload)
      }
      var programme = x.perFTEYear / 12 * fteMonth + x.perClient * Double(admitted) + x.perClientMonth * Double(inServiceNow)
      if funded {
        programme += x.fixedPerYear / 12
        if m < 12 { programme += x.startup / 12 }
      }
      programme *= programmeFactor

      for p in 0..<P {
        care[p] = 0
        without[p] = 0
      }
      let U = usual, I = intervention
      for a in 0...m where admissions[a] > 0 {
        let n = Double(admissions[a])
        for p in 0..<P { care[p] += n * I[p * M + m - a] }
      }
      for j in 0...m where referrals[j] > 0 {
        let all = Double(referrals[j]), not = Double(notAdmitted[j])
        for p in 0..<P {
          let u = U[p * M + m - j]
          care[p] += not * u
          without[p] += all * u
        }
      }
      if m >= stopMonth && !finish {
        // Clients in service at the stop follow usual care again.
        for a in 0..<stopMonth where dropped[a] > 0 {
          let share = Double(dropped[a]) / Double(admissions[a])
          for p in 0..<P { care[p] -= Double(dropped[a]) * I[p * M + m - a] }
          for w in 0...W where admittedByWait[a * (W + 1) + w] > 0 {
            let n = share * Double(admittedByWait[a * (W + 1) + w])
            for p in 0..<P { care[p] += n * U[p * M + m - a + w] }
          }
        }
      }

      // Record.
      var totalWith = 0.0, totalWithout = 0.0
      for p in 0...P {
        var with = 0.0, wout = 0.0, prog = 0.0
        if p < P {
          prog = p == programmePayer ? programme : 0
          with = care[p] * modelFactor + prog
          wout = without[p] * modelFactor
          totalWith += with
          totalWithout += wout
        } else {
          prog = programme
          with = totalWith
          wout = totalWithout
        }
        row[layout.cash(variant: v, measure: 0, year: year, payer: p)] += with
        row[layout.cash(variant: v, measure: 1, year: year, payer: p)] += wout
        row[layout.cash(variant: v, measure: 2, year: year, payer: p)] += prog
        row[layout.cash(variant: v, measure: 3, year: year, payer: p)] += wout - with
        row[layout.total(variant: v, payer: p)] += wout - with
        cumulative[p] += wout - with
        if !(cumulative[p] > 0) { lastNotPositive[p] = m }
      }
      for (l, line) in budget.lines.enumerated() {
        var spend = 0.0
        if line.covers != .care && line.payer == programmePayer { spend += programme }
        if line.covers != .programme { spend += care[line.payer] * modelFactor }
        row[layout.spend(variant: v, line: l, year: year)] += spend
      }
      row[layout.monthly(variant: v, measure: 0, month: m)] = Double(listLength)
      row[layout.monthly(variant: v, measure: 1, month: m)] = Double(inServiceNow)
      row[layout.monthly(variant: v, measure: 2, month: m)] = Double(admitted)
      row[layout.monthly(variant: v, measure: 3, month: m)] = admitted > 0 ? Double(waitSum) / Double(admitted) : .nan
      row[layout.monthly(variant: v, measure: 4, month: m)] = Double(capacity)
      row[layout.yearly(variant: v, measure: 0, year: year)] += Double(arrivals)
      row[layout.yearly(variant: v, measure: 1, year: year)] += Double(admitted)
      row[layout.yearly(variant: v, measure: 2, year: year)] += Double(droppedOut)
      row[layout.yearly(variant: v, measure: 3, year: year)] += Double(turnedAway)
    }
    for p in 0...P {
      row[layout.payback(variant: v, payer: p)] = lastNotPositive[p] == M - 1 ? .infinity : Double(lastNotPositive[p] + 2)
    }
    for (l, caps) in x.caps.enumerated() {
      let indexed = budget.lines[l].indexed
      for y in 0..<Y {
        let growth = indexed ? pow(1 + x.indexation, Double(y)) : 1
        row[layout.cap(variant: v, line: l, year: y)] = caps.isEmpty ? .nan : caps[min(y, caps.count - 1)] * growth
      }
    }
  }
}
