/// Incremental cost-effectiveness analysis of any number of arms from their expected costs and
/// effects: strong and extended dominance, the efficient frontier, ICERs, net monetary and net
/// health benefit.
///
/// The procedure is the textbook one (Drummond, Sculpher, Claxton, Stoddart & Torrance 2015,
/// *Methods for the Economic Evaluation of Health Care Programmes*, 4th ed.; Cantor 1994, Med Decis
/// Making 14:259 on extended dominance) and gives the same statuses and ICERs as dampack's
/// `calculate_icers` (DARTH; Alarid-Escudero et al. 2023, Med Decis Making 43:3):
///
/// 1. **Order** the arms by cost ascending; equal costs by effect descending; then by index.
/// 2. **Strong dominance.** An arm is *dominated* when an arm before it in this order (so costing
///    no more) is at least as effective: it costs more and is not more effective, or costs the same
///    and is less effective. Of two identical arms the one with the higher index is dominated. The
///    arm reported as dominating it is the most effective arm before it (the cheapest of those,
///    then the lowest index), which is never itself dominated. The remaining arms have strictly
///    increasing cost and effect.
/// 3. **Extended dominance.** Among those, an arm whose ICER against the previous remaining arm is
///    greater than the next arm's ICER against it is *extendedly dominated*: a mix of its two
///    neighbours gives more effect at the same cost. Removing it changes the neighbours' ICERs, so
///    this repeats until the ICERs increase along the frontier. The result is the lower convex
///    hull of the remaining arms on the cost-effectiveness plane (cost up, effect right); it is
///    found in one pass with a stack (as Andrew's monotone chain), O(K) after the sort, and equals
///    what dampack's repeated passes give. Collinear arms (equal consecutive ICERs) stay on the
///    frontier, as in dampack; with rounded inputs an exact tie may come out either way. The
///    arms reported for an extendedly dominated arm are its neighbours on the final frontier.
/// 4. **ICERs.** The cheapest frontier arm is the reference; every other frontier arm gets
///    ΔC, ΔE and ICER = ΔC/ΔE against the previous frontier arm. The reference, dominated and
///    extendedly dominated arms get `nil` there (dampack's NA).
///
/// At a willingness to pay λ, arm k has net monetary benefit NMBₖ = λ·Eₖ − Cₖ and net health
/// benefit NHBₖ = Eₖ − Cₖ/λ (Stinnett & Mullahy 1998, Med Decis Making 18:S68). The arm with the
/// highest NMB is the frontier arm with the largest ICER ≤ λ (the reference if there is none).
///
/// Feed it the *mean* cost and effect per arm over the PSA runs (``init(costs:effects:)`` takes the
/// runs and averages them): the decision rests on expectations. Use ``ICERInterval`` for the
/// uncertainty of one ICER and ``Acceptability`` for the probability that each arm is optimal.
public struct IncrementalAnalysis: Sendable, Equatable {
  /// The outcome of the dominance analysis for one arm.
  public enum Status: Sendable, Equatable, Hashable {
    /// The cheapest arm on the frontier: the base of the first ICER.
    case reference
    /// On the efficient frontier, with an ICER against the previous frontier arm.
    case nonDominated
    /// Strongly dominated by the arm with index `by` (costs no more, at least as effective).
    case dominated(by: Int)
    /// Extendedly dominated: a mix of the frontier arms `between` (cheaper) and `and` (costlier)
    /// is more effective at the same cost.
    case extendedlyDominated(between: Int, and: Int)
  }

  /// The results for one arm, in the input order.
  public struct Arm: Sendable, Equatable {
    /// The expected cost.
    public let cost: Double
    /// The expected effect.
    public let effect: Double
    /// The dominance status.
    public let status: Status
    /// The previous frontier arm, against which the increments are taken; `nil` unless
    /// ``status`` is ``Status/nonDominated``.
    public let comparator: Int?
    /// ΔC against ``comparator``; `nil` when there is none.
    public let incrementalCost: Double?
    /// ΔE against ``comparator`` (> 0); `nil` when there is none.
    public let incrementalEffect: Double?
    /// ICER = ΔC/ΔE against ``comparator`` (> 0); `nil` when there is none.
    public let icer: Double?

    /// Whether the arm is on the efficient frontier (reference or non-dominated).
    public var isOnFrontier: Bool {
      status == .reference || status == .nonDominated
    }
  }

  /// One entry per arm, in the input order.
  public let arms: [Arm]
  /// The frontier arms in increasing cost (and effect); the first is the reference.
  public let frontier: [Int]

  /// The incremental analysis of arms with the given expected costs and effects.
  ///
  /// - Parameters:
  ///   - meanCosts: The expected cost of each arm; at least one arm, all finite.
  ///   - meanEffects: The expected effect of each arm (QALYs or another effect), same count.
  /// - Complexity: O(K log K) for K arms (the sort); O(K) extra memory.
  public init(meanCosts: [Double], meanEffects: [Double]) {
    let caller = "IncrementalAnalysis"
    precondition(!meanCosts.isEmpty, "\(caller): there must be at least one arm")
    precondition(
      meanCosts.count == meanEffects.count,
      "\(caller): \(meanCosts.count) costs but \(meanEffects.count) effects")
    DecisionInput.checkFinite(meanCosts, what: "mean cost", index: "arm", caller: caller)
    DecisionInput.checkFinite(meanEffects, what: "mean effect", index: "arm", caller: caller)
    let k = meanCosts.count
    let c = meanCosts
    let e = meanEffects

    // 1. Cost ascending, effect descending, index ascending.
    let order = (0..<k).sorted { i, j in
      if c[i] != c[j] { return c[i] < c[j] }
      if e[i] != e[j] { return e[i] > e[j] }
      return i < j
    }

    // 2. Strong dominance: dominated unless strictly more effective than everything before it.
    var status = [Status?](repeating: nil, count: k)
    var candidates: [Int] = []  // not strongly dominated, in cost order
    var mostEffective = -1  // the most effective arm so far (first such in the order)
    for i in order {
      if mostEffective >= 0 && e[i] <= e[mostEffective] {
        status[i] = .dominated(by: mostEffective)
      } else {
        candidates.append(i)
        mostEffective = i
      }
    }

    // 3. Extended dominance: the lower convex hull of the candidates, by a stack.
    func icer(_ from: Int, _ to: Int) -> Double { (c[to] - c[from]) / (e[to] - e[from]) }
    var hull: [Int] = []
    var extended: [Int] = []
    for i in candidates {
      while let last = hull.last, hull.count >= 2,
        icer(hull[hull.count - 2], last) > icer(last, i)
      {
        extended.append(hull.removeLast())
      }
      hull.append(i)
    }
    // Neighbours on the final frontier, by position in the cost order.
    var position = [Int](repeating: 0, count: k)
    for (p, i) in order.enumerated() { position[i] = p }
    for i in extended {
      // Exists: the last candidate is never removed, and i comes before it.
      let upper = hull.firstIndex { position[$0] > position[i] }!
      status[i] = .extendedlyDominated(between: hull[upper - 1], and: hull[upper])
    }

    // 4. ICERs along the frontier.
    var result: [Arm?] = [Arm?](repeating: nil, count: k)
    for (p, i) in hull.enumerated() {
      if p == 0 {
        result[i] = Arm(
          cost: c[i], effect: e[i], status: .reference, comparator: nil, incrementalCost: nil,
          incrementalEffect: nil, icer: nil)
      } else {
        let previous = hull[p - 1]
        let deltaC = c[i] - c[previous]
        let deltaE = e[i] - e[previous]
        result[i] = Arm(
          cost: c[i], effect: e[i], status: .nonDominated, comparator: previous,
          incrementalCost: deltaC, incrementalEffect: deltaE, icer: deltaC / deltaE)
      }
    }
    for i in 0..<k where result[i] == nil {
      result[i] = Arm(
        cost: c[i], effect: e[i], status: status[i]!, comparator: nil, incrementalCost: nil,
        incrementalEffect: nil, icer: nil)
    }
    arms = result.map { $0! }
    frontier = hull
  }

  /// The incremental analysis of the mean cost and effect per arm of per-run values indexed
  /// `[arm][run]` (each mean with one correction pass, exact for a constant arm).
  ///
  /// - Complexity: O(K·R + K log K).
  public init(costs: [[Double]], effects: [[Double]]) {
    _ = DecisionInput.checkArms(costs: costs, effects: effects, caller: "IncrementalAnalysis")
    self.init(
      meanCosts: costs.map(DecisionInput.mean), meanEffects: effects.map(DecisionInput.mean))
  }

  /// The net monetary benefit λ·Eₖ − Cₖ of each arm, in the input order.
  ///
  /// - Parameter lambda: The willingness to pay per unit of effect, finite and ≥ 0.
  /// - Complexity: O(K).
  public func netMonetaryBenefit(willingnessToPay lambda: Double) -> [Double] {
    precondition(
      lambda.isFinite && lambda >= 0,
      "IncrementalAnalysis: willingness to pay \(lambda) must be finite and ≥ 0")
    return arms.map { lambda * $0.effect - $0.cost }
  }

  /// The net health benefit Eₖ − Cₖ/λ of each arm, in the input order.
  ///
  /// - Parameter lambda: The willingness to pay per unit of effect, finite and > 0.
  /// - Complexity: O(K).
  public func netHealthBenefit(willingnessToPay lambda: Double) -> [Double] {
    precondition(
      lambda.isFinite && lambda > 0,
      "IncrementalAnalysis: willingness to pay \(lambda) must be finite and > 0 for the net health "
        + "benefit")
    return arms.map { $0.effect - $0.cost / lambda }
  }

  /// The incremental net monetary benefit of each arm against `reference`,
  /// λ·(Eₖ − E_ref) − (Cₖ − C_ref); 0 for the reference itself.
  ///
  /// - Complexity: O(K).
  public func incrementalNetMonetaryBenefit(willingnessToPay lambda: Double, reference: Int)
    -> [Double]
  {
    precondition(
      arms.indices.contains(reference),
      "IncrementalAnalysis: reference arm \(reference) out of range 0..<\(arms.count)")
    precondition(
      lambda.isFinite && lambda >= 0,
      "IncrementalAnalysis: willingness to pay \(lambda) must be finite and ≥ 0")
    let base = arms[reference]
    return arms.map { lambda * ($0.effect - base.effect) - ($0.cost - base.cost) }
  }

  /// The arm with the highest net monetary benefit at λ; among exact ties, the cheaper arm (then
  /// the lower index).
  ///
  /// - Complexity: O(K).
  public func optimalArm(willingnessToPay lambda: Double) -> Int {
    let nmb = netMonetaryBenefit(willingnessToPay: lambda)
    var best = 0
    for i in 1..<arms.count {
      let better = nmb[i] > nmb[best]
      let tieButCheaper = nmb[i] == nmb[best] && arms[i].cost < arms[best].cost
      if better || tieButCheaper { best = i }
    }
    return best
  }
}
