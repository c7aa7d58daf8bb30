import MBCScenario

/// The per-run outputs over time, beside the one-number-per-run metrics of ``MetricLayout``:
/// one vector per run, aggregated by ``DetailCollector`` into `trace.csv`, `cashflow.csv` and
/// `payback.csv`.
///
/// Segments, in order:
/// 1. **occupancy** (arm, boundary t = 0 … T, state): clients in the state at the start of cycle
///    t (boundary T: the end of the horizon); the cohort engine gives the expected number.
/// 2. **cash** (arm, year, payer or total, basis): the arm's cost in model year y
///    (undiscounted, or discounted as in `summary.csv`).
/// 3. **net cash** (comparison, year, payer or total, basis): the reference arm's cost minus
///    the arm's in year y (positive = the arm saves that year).
/// 4. **paid back** (comparison, year, payer or total, basis): 1 when the run's payback time
///    (below) is at most the end of year y, else 0; its mean is P(paid back by year y).
/// 5. **payback** (comparison, payer or total, basis): the number of cycles after which the
///    cumulative net saving is positive and stays positive to the horizon: with
///    N_t = Σ_{τ ≤ t} net saving_τ (the cumulative net saving at the end of cycle t), payback
///    = t* + 1 for the first t* with N_t > 0 for all t ≥ t*, so 1 … T cycles; +∞ when
///    N_{T−1} ≤ 0 (not paid back within the horizon).
///
/// Segments 1–4 are streamed (mean and MCSE over all runs); segment 5 is kept only in the
/// sample of whole runs (its percentiles), because +∞ has no mean.
///
/// Costs are attributed to cycles as the reward timing counts them: with `timing: start`
/// boundary t's state costs belong to cycle t, with `end` to cycle t − 1, and with the
/// symmetric rules (half-cycle, life-table, Simpson, custom weights) half to each of the
/// cycles t − 1 and t (boundary 0 wholly to cycle 0, boundary T wholly to cycle T − 1). Costs of
/// events and moves belong to the cycle they occur in, one-off start costs to cycle 0. Cycle t
/// is in model year ⌊t / cycles per year⌋ + 1. The discounted cash flows of a run sum exactly
/// (to rounding) to its discounted costs in `summary.csv`.
public struct DetailLayout: Sendable {
  /// Whether amounts are discounted (as in the summaries) or as paid (a budget's view).
  public enum Basis: Int, Sendable, CaseIterable {
    case discounted, undiscounted
    public var name: String { self == .discounted ? "discounted" : "undiscounted" }
  }

  public let arms: Int, states: Int, payers: Int
  /// Cycles T; boundaries are T + 1.
  public let cycles: Int
  public let years: Int
  /// Indices of the arms compared with the reference, in arm order.
  public let comparisons: [Int]
  public let reference: Int
  /// The model year (0-based) of each cycle.
  public let yearOfCycle: [Int]

  let occupancyBase: Int, cashBase: Int, netCashBase: Int, paidBackBase: Int, paybackBase: Int
  /// Values per run.
  public let count: Int
  /// Values per run that are streamed (segments 1–4).
  public let streamedCount: Int

  public init(scenario: Scenario) {
    arms = scenario.arms.count
    states = scenario.states.count
    payers = scenario.payers.count
    cycles = scenario.horizon
    reference = scenario.referenceArm
    comparisons = (0..<arms).filter { $0 != scenario.referenceArm }
    let perYear = scenario.cyclesPerYear
    yearOfCycle = (0..<cycles).map { Int((Double($0) / perYear + 1e-9).rounded(.down)) }
    years = (yearOfCycle.last ?? 0) + 1
    let B = Basis.allCases.count
    occupancyBase = 0
    cashBase = arms * (cycles + 1) * states
    netCashBase = cashBase + arms * years * (payers + 1) * B
    paidBackBase = netCashBase + comparisons.count * years * (payers + 1) * B
    paybackBase = paidBackBase + comparisons.count * years * (payers + 1) * B
    streamedCount = paybackBase
    count = paybackBase + comparisons.count * (payers + 1) * B
  }

  /// Clients of arm `a` in state `s` at boundary `t` (0 … T).
  public func occupancy(arm a: Int, boundary t: Int, state s: Int) -> Int { occupancyBase + (a * (cycles + 1) + t) * states + s }
  /// Arm `a`'s cost in year `y` (0-based) for payer `p` (p == payers: total).
  public func cash(arm a: Int, year y: Int, payer p: Int, basis b: Basis) -> Int {
    cashBase + ((a * years + y) * (payers + 1) + p) * 2 + b.rawValue
  }
  /// Net saving of comparison `k` (the k-th non-reference arm) in year `y`.
  public func netCash(comparison k: Int, year y: Int, payer p: Int, basis b: Basis) -> Int {
    netCashBase + ((k * years + y) * (payers + 1) + p) * 2 + b.rawValue
  }
  /// 1 when comparison `k` has paid back for payer `p` by the end of year `y`.
  public func paidBack(comparison k: Int, year y: Int, payer p: Int, basis b: Basis) -> Int {
    paidBackBase + ((k * years + y) * (payers + 1) + p) * 2 + b.rawValue
  }
  /// Payback time of comparison `k` for payer `p`, in cycles (+∞: not within the horizon).
  public func payback(comparison k: Int, payer p: Int, basis b: Basis) -> Int {
    paybackBase + (k * (payers + 1) + p) * 2 + b.rawValue
  }
}
