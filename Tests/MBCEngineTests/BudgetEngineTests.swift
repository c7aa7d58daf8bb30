import Foundation
import MBCScenario
import Testing

@testable import MBCEngine

/// The budget engine of `mbc stress` (``BudgetEngine``, ``StressSimulation``): exact
/// expectations of a fixed-parameter model computed by hand, conservation of clients run by
/// run, programme costs to rounding, common random numbers between variants, determinism
/// across threads, and a programme without places.
@Suite("Budget engine")
struct BudgetEngineTests {
  // MARK: - Helpers

  static func stress(_ yaml: String) throws -> StressModel {
    try StressModel(try ScenarioLoader.load(yaml: yaml, file: "test.yaml"))
  }

  /// Runs `runs` runs; the runs × layout.count matrix, row-major.
  static func simulate(_ stress: StressModel, runs: Int, seed: UInt64 = 11, threads: Int = 2, chunkSize: Int = 16)
    throws(SimulationError) -> [Double]
  {
    var out = [Double](repeating: .nan, count: runs * stress.layout.count)
    let simulation = StressSimulation(stress: stress, seed: seed, threads: threads, chunkSize: chunkSize)
    try out.withUnsafeMutableBufferPointer { (buffer) throws(SimulationError) in
      try simulation.run(runs: runs, into: buffer)
    }
    return out
  }

  /// Column `j` of the matrix.
  static func column(_ matrix: [Double], _ layout: StressLayout, _ j: Int) -> [Double] {
    stride(from: j, to: matrix.count, by: layout.count).map { matrix[$0] }
  }

  // MARK: - Exact expectations

  /// Two states: A (start; the service state) and B (absorbing). A → B with probability
  /// r = 0.1 a month in usual care (UC) and p = 0.25 in the programme (BZ). Per cycle (costs at
  /// the start of the cycle, the default timing): A costs the municipality 300, B costs the
  /// municipality 50 and the insurer 1,000. The line `coach` (intervention: true, 5,000 a
  /// month in A) must be left out: the programme's own costs replace it. Every parameter is
  /// fixed, so a run varies only by the queue's random numbers. Places: 10⁶, so nobody waits.
  static let exactYAML = """
    name: budget-exact
    horizon: {value: 12, source: t}
    clients: {value: 100, source: t}
    discount: {costs: 0.04, source: t}
    payers: [municipality, insurer]
    states: [A, B]
    start: A
    reference: UC
    parameters:
      r: {value: 0.1, source: t}
      p: {value: 0.25, source: t}
      c_a: {value: 300, source: t}
      c_b_m: {value: 50, source: t}
      c_b_i: {value: 1000, source: t}
      c_coach: {value: 5000, source: t}
      rate: {value: 6, source: t}
    transitions:
      A: {B: r}
    arms:
      UC: {}
      BZ: {transitions: {A: {B: p}}}
    costs:
      a: {per: cycle, states: A, amount: c_a, payer: municipality}
      b:
        per: cycle
        states: B
        amount: c_b_m + c_b_i
        payers: {municipality: c_b_m / (c_b_m + c_b_i), insurer: c_b_i / (c_b_m + c_b_i)}
        source: t
      coach: {per: cycle, states: A, amount: c_coach, payer: municipality, arms: BZ, intervention: true}
    budget:
      start_year: 2026
      years: 2
      inflow:
        rate: rate
        seasonality: {value: [1.3, 1.2, 1.1, 1, 1, 0.9, 0.6, 0.8, 1, 1, 1, 1.1], source: t}
        trend: {value: 0.05, source: t}
      capacity: {fte: 1000, caseload: 1000, source: t}
      waiting: {dropout: 0.2, max_months: 3, source: t}
      service: {states: [A], max_months: 6}
      programme: {payer: municipality, fixed_per_year: 12000, per_client: 100, per_client_month: 20, source: t}
      indexation: {value: 0.03, source: t}
      variants:
        finish: {funding_stop: {after_month: 9, in_care: finish}}
        drop: {funding_stop: {after_month: 9, in_care: stop}}
        surge: {referral_surge: {percent: 30, from_month: 12}}
        zero: {referral_surge: {percent: 0, from_month: 0}}
        prices: {price_rise: {percent: 10, from_month: 6, applies_to: all}}
        wages: {price_rise: {percent: 7, from_month: 12}}
    """

  /// The expected values of ``exactYAML``, computed here from its numbers by hand.
  ///
  /// Per client k months after entering an arm with monthly exit probability x from A:
  /// P(A) = (1 − x)^k, so the cost per month is 300·(1 − x)^k to the municipality plus
  /// (50, 1000)·(1 − (1 − x)^k) in B; U uses x = r, I uses x = p. Still in service k months
  /// after admission: S[k] = (1 − p)^k for k < 6, 0 from 6 on (S[0] = 1: the admission month).
  /// Referrals: λ_m = 6·season[m mod 12]·1.05^(m/12)·surge(m). With 10⁶ places every funded
  /// referral is admitted in its own month; after a funding stop at month s every referral is
  /// turned away and follows U. With `in_care: stop`, the clients still in service when month s
  /// begins (expected λ_a·S[s − 1 − a] of month a's admissions) follow U again from month s.
  struct Hand {
    static let r = 0.1, p = 0.25, cA = 300.0, cBm = 50.0, cBi = 1000.0, rate = 6.0, trend = 0.05
    static let season = [1.3, 1.2, 1.1, 1, 1, 0.9, 0.6, 0.8, 1, 1, 1, 1.1]
    static let maxService = 6, fixed = 12000.0, perClient = 100.0, perClientMonth = 20.0, indexation = 0.03
    static let M = 24

    /// Per-client cost to payer q (0 municipality, 1 insurer) k months after entering an arm
    /// with exit probability x.
    static func cost(_ q: Int, _ k: Int, exit x: Double) -> Double {
      let inA = Foundation.pow(1 - x, Double(k))
      return q == 0 ? cA * inA + cBm * (1 - inA) : cBi * (1 - inA)
    }
    static func S(_ k: Int) -> Double { k < maxService ? Foundation.pow(1 - p, Double(k)) : 0 }

    /// [measure][year][payer 0, 1, total] for cost_with, cost_without, programme, net_saving.
    var cash = [[[Double]]](repeating: [[Double]](repeating: [0, 0, 0], count: 2), count: 4)
    var admitted = [Double](repeating: 0, count: M), inService = [Double](repeating: 0, count: M)
    /// [year]: referrals, admitted, dropped out, turned away.
    var yearly = [[Double]](repeating: [0, 0, 0, 0], count: 4)

    init(surge: (Double, Int)? = nil, stop: (Int, Bool)? = nil, rise: (Double, Int, Bool)? = nil) {
      let M = Self.M
      let lambda = (0..<M).map { m in
        Self.rate * Self.season[m % 12] * Foundation.pow(1 + Self.trend, Double(m) / 12)
          * (surge.map { m >= $0.1 ? 1 + $0.0 / 100 : 1 } ?? 1)
      }
      let s = stop?.0 ?? Int.max
      let finish = stop?.1 ?? true
      for m in 0..<M {
        let y = m / 12
        var modelFactor = Foundation.pow(1 + Self.indexation, Double(y))
        var programmeFactor = modelFactor
        if let rise, m >= rise.1 {
          programmeFactor *= 1 + rise.0 / 100
          if rise.2 { modelFactor *= 1 + rise.0 / 100 }
        }
        admitted[m] = m < s ? lambda[m] : 0
        for a in 0...m where a < s { inService[m] += lambda[a] * Self.S(m - a) }
        if m >= s && !finish { inService[m] = 0 }
        yearly[y][0] += lambda[m]
        yearly[y][1] += admitted[m]
        if m >= s { yearly[y][3] += lambda[m] }
        var programme = Self.perClient * admitted[m] + Self.perClientMonth * inService[m]
        if m < s { programme += Self.fixed / 12 }
        programme *= programmeFactor
        var with = [0.0, 0]
        var without = [0.0, 0]
        for q in 0..<2 {
          for j in 0...m {
            let u = Self.cost(q, m - j, exit: Self.r)
            let i = Self.cost(q, m - j, exit: Self.p)
            without[q] += lambda[j] * u
            with[q] += lambda[j] * (j < s ? i : u)
            if j < s && m >= s && !finish { with[q] -= lambda[j] * Self.S(s - 1 - j) * (i - u) }
          }
          with[q] *= modelFactor
          without[q] *= modelFactor
        }
        with[0] += programme
        let values = [with, without, [programme, 0], [without[0] - with[0], without[1] - with[1]]]
        for k in 0..<4 {
          for q in 0..<2 {
            cash[k][y][q] += values[k][q]
            cash[k][y][2] += values[k][q]
          }
        }
      }
    }
  }

  /// 4,000 runs. Each checked value is the mean over runs of a column whose runs are
  /// independent (the parameters are fixed), so mean − exact ≈ N(0, MCSE²) with MCSE the
  /// sample SD/√4000 (its relative error is ≈ 1/√8000 ≈ 1 %, negligible). The bound is 4·MCSE
  /// (+1e-9 relative for columns without noise, such as the places): each of the 917 checks
  /// (about 500 of them random) fails by chance with probability 6.3e-5, all together with
  /// at most 3 %; the seed is fixed, so the outcome is deterministic. A wrong rule shows up far beyond:
  /// e.g. leaving the `coach` line in would add 5,000·Σ(1 − p)^k ≈ 20,000 per client a year,
  /// counting a place one month too few changes in_service by λ·(1 − p)^5 ≈ 1.4 (MCSE ≈ 0.04).
  @Test("means over 4,000 runs match the exact expectations of every variant within 4 MCSE")
  func test_exactExpectations() throws {
    let stress = try Self.stress(Self.exactYAML)
    let L = stress.layout
    #expect(L.variants == ["base", "finish", "drop", "surge", "zero", "prices", "wages"])
    #expect(L.years == 2 && L.months == 24 && L.payers == 2)
    let runs = 4_000
    let matrix = try Self.simulate(stress, runs: runs)
    let hands = [
      Hand(), Hand(stop: (9, true)), Hand(stop: (9, false)), Hand(surge: (30, 12)), Hand(surge: (0, 0)),
      Hand(rise: (10, 6, true)), Hand(rise: (7, 12, false)),
    ]
    var failures: [String] = []
    var checks = 0
    func check(_ j: Int, _ exact: Double, _ what: String) {
      let (mean, mcse) = meanAndMCSE(matrix, columns: L.count, column: j)
      checks += 1
      if !(abs(mean - exact) <= 4 * mcse + 1e-9 * max(1, abs(exact))) {
        failures.append("\(what): mean \(mean), exact \(exact), MCSE \(mcse)")
      }
    }
    for (v, hand) in hands.enumerated() {
      let name = L.variants[v]
      for y in 0..<2 {
        for k in 0..<4 {
          for q in 0...2 {
            check(
              L.cash(variant: v, measure: k, year: y, payer: q), hand.cash[k][y][q],
              "\(name) \(StressLayout.cashMeasures[k]) year \(y) payer \(q)")
          }
        }
        for k in 0..<4 {
          check(
            L.yearly(variant: v, measure: k, year: y), hand.yearly[y][k],
            "\(name) \(StressLayout.yearlyMeasures[k]) year \(y)")
        }
      }
      for q in 0...2 {
        check(
          L.total(variant: v, payer: q), hand.cash[3][0][q] + hand.cash[3][1][q], "\(name) total net saving payer \(q)")
      }
      for m in 0..<24 {
        check(L.monthly(variant: v, measure: 0, month: m), 0, "\(name) waiting month \(m)")
        check(L.monthly(variant: v, measure: 1, month: m), hand.inService[m], "\(name) in service month \(m)")
        check(L.monthly(variant: v, measure: 2, month: m), hand.admitted[m], "\(name) admitted month \(m)")
        check(
          L.monthly(variant: v, measure: 4, month: m), v == 1 || v == 2 ? (m < 9 ? 1e6 : 0) : 1e6,
          "\(name) places month \(m)")
      }
    }
    #expect(checks == 7 * (2 * (12 + 4) + 3 + 4 * 24))
    #expect(failures.isEmpty, "\(failures.count) of \(checks): \(failures.prefix(8))")
  }

  /// The per-client streams on their own: one client admitted in a fixed month. Years 1, rate
  /// tiny: in most runs nobody is referred; the runs with exactly one referral in month 0 and
  /// no other give cost_with − programme = Σ_k I[k] per payer, exactly (to rounding), and
  /// cost_without = Σ_k U[k].
  @Test("a single client referred in month 0 costs exactly Σ I[k] with and Σ U[k] without the programme")
  func test_singleClientStreams() throws {
    let yaml = Self.exactYAML
      .replacingOccurrences(of: "rate: {value: 6, source: t}", with: "rate: {value: 0.05, source: t}")
      .replacingOccurrences(
        of: "seasonality: {value: [1.3, 1.2, 1.1, 1, 1, 0.9, 0.6, 0.8, 1, 1, 1, 1.1], source: t}",
        with: "seasonality: {value: [12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], source: t}"
      )
      .replacingOccurrences(of: "indexation: {value: 0.03, source: t}", with: "indexation: 0")
      .replacingOccurrences(of: "years: 2", with: "years: 1")
      .components(separatedBy: "  variants:\n").first!
    let s = try ScenarioLoader.load(yaml: yaml, file: "test.yaml")
    let stress = try StressModel(s)
    let L = stress.layout
    let runs = 400
    let matrix = try Self.simulate(stress, runs: runs)
    var seen = 0
    var problems: [String] = []
    for run in 0..<runs {
      let row = Array(matrix[(run * L.count)..<((run + 1) * L.count)])
      guard row[L.yearly(variant: 0, measure: 0, year: 0)] == 1 else { continue }
      seen += 1
      if row[L.monthly(variant: 0, measure: 2, month: 0)] != 1 {
        problems.append("run \(run): not admitted in month 0")
      }
      for q in 0..<2 {
        let i = (0..<12).reduce(0.0) { $0 + Hand.cost(q, $1, exit: Hand.p) }
        let u = (0..<12).reduce(0.0) { $0 + Hand.cost(q, $1, exit: Hand.r) }
        let programme = row[L.cash(variant: 0, measure: 2, year: 0, payer: q)]
        let with = row[L.cash(variant: 0, measure: 0, year: 0, payer: q)] - programme
        let without = row[L.cash(variant: 0, measure: 1, year: 0, payer: q)]
        if abs(with - i) > 1e-9 * i { problems.append("run \(run) payer \(q): with \(with), Σ I = \(i)") }
        if abs(without - u) > 1e-9 * u { problems.append("run \(run) payer \(q): without \(without), Σ U = \(u)") }
      }
      // Programme: fixed 12,000 + 100 per admission + 20 per month in service, and the client
      // is in service in month k with probability S[k]: in service 1 … 6 months.
      let months = (0..<12).reduce(0.0) { $0 + row[L.monthly(variant: 0, measure: 1, month: $1)] }
      let programme = row[L.cash(variant: 0, measure: 2, year: 0, payer: 0)]
      if !(months >= 1 && months <= 6) || abs(programme - (12000 + 100 + 20 * months)) > 1e-9 * 12120 {
        problems.append("run \(run): \(months) months in service, programme \(programme)")
      }
    }
    #expect(problems.isEmpty, "\(problems.count) problems: \(problems.prefix(6))")
    // P(one referral in the year) = 0.6·e^-0.6 = 0.33: about 130 of 400 runs.
    #expect(seen > 50, "\(seen) runs with one referral")
  }

  // MARK: - Conservation, run by run

  /// A queue that is actually full: 1 FTE × 10 places with a 6-month ramp-up, about 4
  /// referrals a month with an uncertain rate, uncertain service exit, drop-out 0.1 a month,
  /// turned away after 3 months.
  static let queueYAML = """
    name: budget-queue
    horizon: {value: 12, source: t}
    clients: {value: 100, source: t}
    discount: {costs: 0.04, source: t}
    payers: [municipality, insurer]
    states: [A, B, C]
    start: A
    reference: UC
    parameters:
      r: {dist: beta, mean: 0.1, sd: 0.03, source: t}
      p: {dist: beta, mean: 0.15, sd: 0.05, source: t}
      back: {value: 0.05, source: t}
      c_a: {dist: gamma, mean: 300, sd: 50, source: t}
      c_b: {value: 1000, source: t}
      rate: {dist: gamma, mean: 4, sd: 1, source: t}
      fte: {value: 1, source: t}
    transitions:
      A: {B: r}
      B: {C: back}
    arms:
      UC: {}
      BZ: {transitions: {A: {B: p}}}
    costs:
      a: {per: cycle, states: A, amount: c_a, payer: municipality}
      b: {per: cycle, states: [B, C], amount: c_b, payer: insurer}
    budget:
      years: 4
      inflow: {rate: rate, trend: 0.02, source: t}
      capacity: {fte: fte, caseload: 10, ramp_up_months: 6, source: t}
      waiting: {dropout: 0.1, max_months: 3, source: t}
      service: {states: [A], max_months: 12}
      programme:
        {payer: municipality, startup: 30000, fixed_per_year: 20000, per_fte_year: 80000, per_client: 250, source: t}
      indexation: {value: 0.03, source: t}
      lines:
        wmo: {payer: municipality, covers: programme, cap: [150000, 160000], source: t}
        zvw: {payer: insurer, covers: care}
        all: {payer: municipality, covers: all, cap: 2e6, source: t}
      variants:
        finish: {funding_stop: {after_month: 20, in_care: finish}}
        drop: {funding_stop: {after_month: 20, in_care: stop}}
        surge: {referral_surge: {percent: 50, from_month: 12}}
        slow: {ramp_up_months: 12}
        prices: {price_rise: {percent: 7, from_month: 12, applies_to: all}}
    """

  @Test("every run: referrals = admitted + dropped out + turned away + waiting at the end; places are never exceeded")
  func test_conservation() throws {
    let stress = try Self.stress(Self.queueYAML)
    let L = stress.layout
    let runs = 300
    let matrix = try Self.simulate(stress, runs: runs)
    let M = L.months
    let W = 3
    let stop = 20
    var problems: [String] = []
    var turnedAwaySomewhere = false
    var droppedSomewhere = false
    var fullSomewhere = false
    for run in 0..<runs {
      let row = Array(matrix[(run * L.count)..<((run + 1) * L.count)])
      for (v, name) in L.variants.enumerated() {
        func yearly(_ k: Int) -> Double {
          (0..<L.years).reduce(0.0) { $0 + row[L.yearly(variant: v, measure: k, year: $1)] }
        }
        func monthly(_ k: Int, _ m: Int) -> Double { row[L.monthly(variant: v, measure: k, month: m)] }
        let referrals = yearly(0)
        let admitted = yearly(1)
        let dropped = yearly(2)
        let turned = yearly(3)
        let waitingAtEnd = monthly(0, M - 1)
        if referrals != admitted + dropped + turned + waitingAtEnd {
          problems.append("run \(run) \(name): \(referrals) ≠ \(admitted) + \(dropped) + \(turned) + \(waitingAtEnd)")
        }
        turnedAwaySomewhere = turnedAwaySomewhere || turned > 0
        droppedSomewhere = droppedSomewhere || dropped > 0
        for y in 0..<L.years {
          let byMonth = (12 * y..<12 * y + 12).reduce(0.0) { $0 + monthly(2, $1) }
          if byMonth != row[L.yearly(variant: v, measure: 1, year: y)] {
            problems.append("run \(run) \(name) year \(y): admissions")
          }
        }
        let stopped = name == "finish" || name == "drop"
        for m in 0..<M {
          let inService = monthly(1, m)
          let places = monthly(4, m)
          let admittedNow = monthly(2, m)
          let wait = monthly(3, m)
          if !stopped || m < stop {
            if inService > places {
              problems.append("run \(run) \(name) month \(m): \(inService) in service, \(places) places")
            }
            if inService == places && monthly(0, m) > 0 { fullSomewhere = true }
            // Nobody waits while a place is free.
            if inService < places && monthly(0, m) > 0 {
              problems.append("run \(run) \(name) month \(m): waiting with free places")
            }
          }
          if admittedNow > inService {
            problems.append("run \(run) \(name) month \(m): admitted \(admittedNow) > in service")
          }
          if admittedNow == 0 ? !wait.isNaN : !(wait >= 0 && wait <= Double(W - 1)) {
            problems.append("run \(run) \(name) month \(m): waiting time \(wait) with \(admittedNow) admitted")
          }
          if stopped && m >= stop {
            if admittedNow != 0 || monthly(0, m) != 0 || places != 0 {
              problems.append(
                "run \(run) \(name) month \(m): after the stop admitted \(admittedNow), waiting \(monthly(0, m))")
            }
            if name == "drop" && inService != 0 {
              problems.append("run \(run) drop month \(m): \(inService) still in service")
            }
            if name == "finish" && m > stop && inService > monthly(1, m - 1) {
              problems.append("run \(run) finish month \(m): in service grew after the stop")
            }
          }
        }
        // Cash: the total is the sum of the payers, net = without − with, only the programme's payer
        // bears the programme; the line covers exactly the programme.
        for y in 0..<L.years {
          for k in 0..<4 {
            let a = row[L.cash(variant: v, measure: k, year: y, payer: 0)]
            let b = row[L.cash(variant: v, measure: k, year: y, payer: 1)]
            let total = row[L.cash(variant: v, measure: k, year: y, payer: 2)]
            if abs(total - (a + b)) > 1e-9 * max(1, abs(total)) {
              problems.append("run \(run) \(name) year \(y) measure \(k): total")
            }
          }
          for q in 0...2 {
            let with = row[L.cash(variant: v, measure: 0, year: y, payer: q)]
            let without = row[L.cash(variant: v, measure: 1, year: y, payer: q)]
            let net = row[L.cash(variant: v, measure: 3, year: y, payer: q)]
            if abs(net - (without - with)) > 1e-9 * max(1, abs(without)) {
              problems.append("run \(run) \(name) year \(y) payer \(q): net")
            }
          }
          if row[L.cash(variant: v, measure: 2, year: y, payer: 1)] != 0 {
            problems.append("run \(run) \(name): the insurer pays the programme")
          }
          let programme = row[L.cash(variant: v, measure: 2, year: y, payer: 0)]
          if abs(row[L.spend(variant: v, line: 0, year: y)] - programme) > 1e-9 * programme {
            let spend = row[L.spend(variant: v, line: 0, year: y)]
            problems.append("run \(run) \(name) year \(y): line spend \(spend) vs programme \(programme)")
          }
          // The caps: a list per year whose last value repeats; no cap is NaN.
          if row[L.cap(variant: v, line: 0, year: y)] != (y == 0 ? 150000 : 160000)
            || !row[L.cap(variant: v, line: 1, year: y)].isNaN
            || row[L.cap(variant: v, line: 2, year: y)] != 2e6
          {
            problems.append("run \(run) \(name) year \(y): caps")
          }
          // A care line spends the payer's care costs (the insurer bears no programme); an
          // `all` line of the programme's payer spends everything that payer pays.
          let insurer = row[L.cash(variant: v, measure: 0, year: y, payer: 1)]
          let municipality = row[L.cash(variant: v, measure: 0, year: y, payer: 0)]
          if abs(row[L.spend(variant: v, line: 1, year: y)] - insurer) > 1e-9 * insurer
            || abs(row[L.spend(variant: v, line: 2, year: y)] - municipality) > 1e-9 * municipality
          {
            problems.append("run \(run) \(name) year \(y): care or all line spend")
          }
        }
      }
      // Payback: months until the cumulative net saving is positive for good; +∞ when it is not
      // positive at the end, so a finite payback means a positive total.
      for (v, name) in L.variants.enumerated() {
        for q in 0...2 {
          let payback = row[L.payback(variant: v, payer: q)]
          let total = row[L.total(variant: v, payer: q)]
          let ok =
            payback == .infinity
            ? !(total > 0) : (total > 0 && payback >= 1 && payback <= Double(M) && payback == payback.rounded())
          if !ok { problems.append("run \(run) \(name) payer \(q): payback \(payback) with total \(total)") }
          let years = (0..<L.years).reduce(0.0) { $0 + row[L.cash(variant: v, measure: 3, year: $1, payer: q)] }
          if abs(years - total) > 1e-9 * max(1, abs(total)) {
            problems.append("run \(run) \(name) payer \(q): total \(total) vs years \(years)")
          }
        }
      }
      // Common random numbers: a funding stop or a slower ramp-up does not change who is
      // referred, so the costs without the programme are identical to the base case's.
      for v in [1, 2, 4] {
        for y in 0..<L.years {
          for q in 0...2
          where row[L.cash(variant: v, measure: 1, year: y, payer: q)]
            != row[L.cash(variant: 0, measure: 1, year: y, payer: q)]
          {
            problems.append(
              "run \(run) \(L.variants[v]) year \(y) payer \(q): cost without the programme differs from the base case")
          }
        }
      }
    }
    #expect(problems.isEmpty, "\(problems.count) problems: \(problems.prefix(8))")
    // The scenario exercises what it should: a full programme, a waiting list, drop-outs and clients turned away.
    #expect(turnedAwaySomewhere && droppedSomewhere && fullSomewhere)
  }

  // MARK: - Programme costs

  static let programmeYAML = """
    name: budget-programme
    horizon: {value: 12, source: t}
    clients: {value: 10, source: t}
    discount: {costs: 0.04, source: t}
    payers: [municipality, insurer]
    states: [A, B]
    start: A
    reference: UC
    parameters:
      r: {dist: beta, mean: 0.1, sd: 0.03, source: t}
      c_b: {value: 1000, source: t}
    transitions:
      A: {B: r}
    arms:
      UC: {}
      BZ: {}
    costs:
      b: {per: cycle, states: B, amount: c_b, payer: insurer}
    budget:
      years: 3
      inflow: {rate: 5, source: t}
      capacity: {fte: 2.5, caseload: 3, source: t}
      waiting: {dropout: 0.1, max_months: 3, source: t}
      service: {states: [A]}
      programme: {payer: municipality, startup: 60000, fixed_per_year: 30000, per_fte_year: 80000, source: t}
      indexation: {value: 0.04, source: t}
      lines:
        plain: {payer: municipality, covers: programme, cap: [300000, 250000], source: t}
        grows: {payer: municipality, covers: programme, cap: 250000, indexed: true, source: t}
      variants:
        wages: {price_rise: {percent: 7, from_month: 12}}
        slow: {ramp_up_months: 4}
    """

  /// Without per-client costs the programme costs (fte·per_fte_year + fixed)·(1 + i)^y in
  /// year y, plus the start-up in year 0: (2.5·80,000 + 30,000)·1.04^y + 60,000·[y = 0]. The
  /// monthly twelfths add up to this within rounding (1e-9 relative). Places:
  /// ⌊2.5·3⌋ = 7; with a 4-month ramp-up ⌊7.5·(m + 1)/4⌋ = 1, 3, 5, then 7, and the FTE paid
  /// follow the ramp: year 0 pays (0.25 + 0.5 + 0.75 + 9)/12 of a full year's FTE cost.
  @Test("programme costs: FTE, fixed and start-up costs, indexation, a price rise and a ramp-up, to 1e-9")
  func test_programmeCosts() throws {
    let stress = try Self.stress(Self.programmeYAML)
    let L = stress.layout
    let matrix = try Self.simulate(stress, runs: 20)
    let full = 2.5 * 80000 + 30000.0
    var problems: [String] = []
    for run in 0..<20 {
      let row = Array(matrix[(run * L.count)..<((run + 1) * L.count)])
      for y in 0..<3 {
        let index = Foundation.pow(1.04, Double(y))
        let base = full * index + (y == 0 ? 60000 : 0)
        let wages = base * (y >= 1 ? 1.07 : 1)
        let slowFTE = y == 0 ? (0.25 + 0.5 + 0.75 + 9) / 12 : 1
        let slow = (2.5 * 80000 * slowFTE + 30000) * index + (y == 0 ? 60000 : 0)
        for (v, expected) in [base, wages, slow].enumerated() {
          for q in [0, 2] {
            let x = row[L.cash(variant: v, measure: 2, year: y, payer: q)]
            if abs(x - expected) > 1e-9 * expected {
              problems.append("run \(run) \(L.variants[v]) year \(y) payer \(q): \(x) vs \(expected)")
            }
          }
          if row[L.cash(variant: v, measure: 2, year: y, payer: 1)] != 0 {
            problems.append("insurer pays the programme")
          }
        }
        // The price rise applies to the programme only: the model's costs are the base case's.
        for q in 0...2
        where row[L.cash(variant: 1, measure: 1, year: y, payer: q)]
          != row[L.cash(variant: 0, measure: 1, year: y, payer: q)]
        {
          problems.append("run \(run) wages year \(y): cost without the programme changed")
        }
      }
      // Caps: as written (the last repeats), or grown with the indexation; a programme line
      // spends exactly the programme's cost.
      for y in 0..<3 {
        let plain = row[L.cap(variant: 0, line: 0, year: y)], grows = row[L.cap(variant: 0, line: 1, year: y)]
        if plain != (y == 0 ? 300000 : 250000) { problems.append("run \(run) plain cap year \(y): \(plain)") }
        let expected = 250000 * Foundation.pow(1.04, Double(y))
        if abs(grows - expected) > 1e-9 * expected { problems.append("run \(run) indexed cap year \(y): \(grows) vs \(expected)") }
        for v in 0..<3 where row[L.spend(variant: v, line: 1, year: y)] != row[L.cash(variant: v, measure: 2, year: y, payer: 0)] {
          problems.append("run \(run) variant \(v) year \(y): line spending differs from the programme cost")
        }
      }
      for m in 0..<36 {
        if row[L.monthly(variant: 0, measure: 4, month: m)] != 7 { problems.append("places \(m)") }
        let slow = row[L.monthly(variant: 2, measure: 4, month: m)]
        if slow != [1, 3, 5, 7][min(m, 3)] { problems.append("run \(run) slow places month \(m): \(slow)") }
      }
    }
    #expect(problems.isEmpty, "\(problems.prefix(8))")
  }

  // MARK: - Common random numbers and determinism

  @Test("a surge of 0 % is the base case bit for bit; a real surge never has fewer referrals or admissions")
  func test_commonRandomNumbers() throws {
    let stress = try Self.stress(Self.exactYAML)
    let L = stress.layout
    let runs = 200
    let matrix = try Self.simulate(stress, runs: runs)
    let zero = 4
    let surge = 3
    var identical = true
    var problems: [String] = []
    for run in 0..<runs {
      let row = run * L.count
      for j in 0..<L.block where matrix[row + j].bitPattern != matrix[row + zero * L.block + j].bitPattern {
        identical = false
      }
      for m in 0..<L.months {
        // With 10⁶ places every referral is admitted in its month: admitted = referrals.
        let base = matrix[row + L.monthly(variant: 0, measure: 2, month: m)]
        let more = matrix[row + L.monthly(variant: surge, measure: 2, month: m)]
        if m < 12 ? more != base : more < base { problems.append("run \(run) month \(m): \(more) vs \(base)") }
      }
      for y in 0..<L.years {
        let base = matrix[row + L.yearly(variant: 0, measure: 0, year: y)]
        let more = matrix[row + L.yearly(variant: surge, measure: 0, year: y)]
        if y == 0 ? more != base : more < base { problems.append("run \(run) year \(y): referrals \(more) vs \(base)") }
      }
    }
    #expect(identical)
    #expect(problems.isEmpty, "\(problems.prefix(8))")
    // The surge is real: 30 % more referrals in year 2 on average (exact: Hand, surge).
    let base = Self.column(matrix, L, L.yearly(variant: 0, measure: 0, year: 1)).reduce(0, +)
    let more = Self.column(matrix, L, L.yearly(variant: surge, measure: 0, year: 1)).reduce(0, +)
    #expect(more > 1.2 * base)
  }

  @Test("the matrix is bit-identical for 1 and 3 threads and any chunk size; another seed differs")
  func test_determinism() throws {
    let stress = try Self.stress(Self.queueYAML)
    let reference = try Self.simulate(stress, runs: 40, threads: 1, chunkSize: 40)
    for (threads, chunk) in [(1, 1), (3, 1), (3, 7), (2, 64), (3, 16)] {
      let other = try Self.simulate(stress, runs: 40, threads: threads, chunkSize: chunk)
      #expect(reference.map(\.bitPattern) == other.map(\.bitPattern), "threads \(threads), chunk \(chunk)")
    }
    // The first 10 runs do not depend on how many runs follow.
    let fewer = try Self.simulate(stress, runs: 10, threads: 3, chunkSize: 3)
    #expect(Array(reference.prefix(fewer.count)).map(\.bitPattern) == fewer.map(\.bitPattern))
    let seed = try Self.simulate(stress, runs: 40, seed: 12, threads: 1)
    #expect(reference.map(\.bitPattern) != seed.map(\.bitPattern))
  }

  // MARK: - A programme without places

  /// 0 FTE: nobody is admitted. A referral of month j leaves the list with probability
  /// q = 0.25 in each of the months j + 1, j + 2 (W − 1 = 2 drop-out rounds) and is turned
  /// away in month j + 3 (W = 3). Expected: waiting at the end of month m =
  /// λ·Σ_{w=0}^{min(m, 2)} 0.75^w; turned away in month m ≥ 3: λ·0.75²; dropped out in month
  /// m: λ·Σ_{w=1}^{min(m, 2)} 0.75^(w−1)·0.25. Means of 2,000 runs within 4 MCSE (as above).
  /// Since nobody is ever admitted, every client follows U, with or without the programme:
  /// cost_with = cost_without for every payer, exactly; the programme's per-FTE, per-client
  /// and per-client-month costs are all 0.
  @Test("with 0 FTE everyone drops out or is turned away, and the costs with and without the programme are equal")
  func test_noPlaces() throws {
    let yaml = Self.queueYAML
      .replacingOccurrences(of: "fte: {value: 1, source: t}", with: "fte: {value: 0, source: t}")
      .replacingOccurrences(of: "inflow: {rate: rate, trend: 0.02, source: t}", with: "inflow: {rate: 4, source: t}")
      .replacingOccurrences(of: "dropout: 0.1", with: "dropout: 0.25")
      .replacingOccurrences(of: "startup: 30000, fixed_per_year: 20000, ", with: "per_client_month: 40, ")
    let stress = try Self.stress(yaml)
    let L = stress.layout
    let runs = 2_000
    let matrix = try Self.simulate(stress, runs: runs)
    var problems: [String] = []
    for run in 0..<runs {
      let row = run * L.count
      for v in 0..<L.variants.count {
        for y in 0..<L.years {
          for q in 0...2 {
            let with = matrix[row + L.cash(variant: v, measure: 0, year: y, payer: q)]
            let without = matrix[row + L.cash(variant: v, measure: 1, year: y, payer: q)]
            if with != without || matrix[row + L.cash(variant: v, measure: 2, year: y, payer: q)] != 0 {
              problems.append("run \(run) \(L.variants[v]) year \(y) payer \(q): with \(with), without \(without)")
            }
          }
          if matrix[row + L.yearly(variant: v, measure: 1, year: y)] != 0 { problems.append("run \(run): admissions") }
        }
        for m in 0..<L.months where matrix[row + L.monthly(variant: v, measure: 1, month: m)] != 0 {
          problems.append("run \(run) month \(m): in service")
        }
      }
    }
    #expect(problems.isEmpty, "\(problems.prefix(8))")
    let lambda = 4.0
    let q = 0.25
    var failures: [String] = []
    func check(_ j: Int, _ exact: Double, _ what: String) {
      let (mean, mcse) = meanAndMCSE(matrix, columns: L.count, column: j)
      if !(abs(mean - exact) <= 4 * mcse + 1e-9 * max(1, exact)) {
        failures.append("\(what): \(mean) vs \(exact) (MCSE \(mcse))")
      }
    }
    for m in 0..<L.months {
      let waiting = (0...min(m, 2)).reduce(0.0) { $0 + lambda * Foundation.pow(1 - q, Double($1)) }
      check(L.monthly(variant: 0, measure: 0, month: m), waiting, "waiting month \(m)")
    }
    for y in 0..<L.years {
      var turned = 0.0
      var dropped = 0.0
      for m in 12 * y..<12 * y + 12 {
        if m >= 3 { turned += lambda * (1 - q) * (1 - q) }
        if m >= 1 { dropped += lambda * q }
        if m >= 2 { dropped += lambda * (1 - q) * q }
      }
      check(L.yearly(variant: 0, measure: 0, year: y), 12 * lambda, "referrals year \(y)")
      check(L.yearly(variant: 0, measure: 2, year: y), dropped, "dropped out year \(y)")
      check(L.yearly(variant: 0, measure: 3, year: y), turned, "turned away year \(y)")
    }
    #expect(failures.isEmpty, "\(failures)")
  }

  // MARK: - Errors

  @Test("a scenario without budget: cannot be stress-tested, with the reason")
  func test_noBudget() throws {
    let yaml = Self.exactYAML.components(separatedBy: "budget:\n").first!
    let scenario = try ScenarioLoader.load(yaml: yaml, file: "test.yaml")
    #expect(StressModel.unsupportedReason(scenario)?.contains("the scenario has no 'budget:' section") == true)
    #expect(throws: StressModelError.self) { try StressModel(scenario) }
  }

  @Test("a run whose parameters make the budget invalid fails with the run and the key")
  func test_invalidRun() throws {
    // A drop-out drawn from a normal distribution leaves [0, 1] in some runs.
    let yaml = Self.queueYAML
      .replacingOccurrences(
        of: "back: {value: 0.05, source: t}",
        with: "back: {value: 0.05, source: t}\n  q: {dist: normal, mean: 0.5, sd: 0.5, source: t}"
      )
      .replacingOccurrences(of: "dropout: 0.1", with: "dropout: q")
    let stress = try Self.stress(yaml)
    do {
      _ = try Self.simulate(stress, runs: 50)
      Issue.record("no error for a drop-out outside [0, 1]")
    } catch {
      guard case .invalidValue(_, let what, let value, let expected) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(what == "budget.waiting.dropout" && expected == "a probability between 0 and 1")
      #expect(!(0...1).contains(value))
    }
  }
}
