import MBCScenario

/// The columns of the runs × metrics matrix the engine fills: one value per run for each.
///
/// Order: for each arm, its discounted cost per payer then the total over payers, its
/// (discounted) effects, its event counts, and (when cost lines are marked `intervention`)
/// the part of its cost that is the intervention itself, per payer and in total; then, for each arm other than the reference,
/// its net saving per payer and in total (reference cost − arm cost, so positive = the arm
/// saves), its effect gains (arm effect − reference effect) and its events avoided
/// (reference count − arm count).
public struct MetricLayout: Sendable {
  public enum Kind: String, Sendable {
    /// Discounted cost over the horizon for the whole cohort, for one payer or `total`.
    case cost
    /// A named effect (QALYs, life-years, …) over the horizon for the whole cohort, discounted
    /// at the effect's own rate.
    case effect
    /// Number of occurrences of an event over the horizon for the whole cohort (undiscounted).
    case events
    /// Reference arm's cost minus this arm's cost (positive = saving), per payer or `total`.
    case netSaving = "net_saving"
    /// This arm's effect minus the reference arm's (positive = more of the effect).
    case effectGain = "effect_gain"
    /// Reference arm's event count minus this arm's (positive = fewer events).
    case eventsAvoided = "events_avoided"
    /// The discounted cost of the cost lines marked `intervention: true` (the investment),
    /// per payer or `total`; included in ``cost``.
    case interventionCost = "intervention_cost"
  }

  public struct Column: Sendable, Hashable {
    public var kind: Kind
    /// The arm (for comparisons: the arm compared with the reference).
    public var arm: String
    /// The reference arm for comparisons, nil otherwise.
    public var versus: String?
    /// Payer name or `total` for cost kinds; nil otherwise.
    public var payer: String?
    /// Event name for event kinds; nil otherwise.
    public var event: String?
    /// Effect name for effect kinds; nil otherwise.
    public var effect: String?

    /// A stable column name, e.g. `cost.UC.municipality`, `net_saving.BZ.total`,
    /// `effect.BZ.qaly`, `events.BZ.eviction`, `events_avoided.BZ.eviction`.
    public var name: String { "\(kind.rawValue).\(arm).\(payer ?? effect ?? event ?? "")" }
  }

  public let columns: [Column]
  let armCount: Int
  let payerCount: Int
  let effectCount: Int
  let eventCount: Int
  let referenceArm: Int
  /// Whether the arms' intervention costs are columns (some cost line is marked `intervention`).
  public let hasInterventionCost: Bool

  public init(scenario: Scenario) {
    armCount = scenario.arms.count
    payerCount = scenario.payers.count
    effectCount = scenario.effects.count
    eventCount = scenario.events.count
    referenceArm = scenario.referenceArm
    hasInterventionCost = scenario.costs.contains { $0.intervention }
    var columns: [Column] = []
    let payers = scenario.payers.map(\.name) + ["total"]
    for arm in scenario.arms {
      for p in payers { columns.append(.init(kind: .cost, arm: arm.name, payer: p)) }
      for f in scenario.effects { columns.append(.init(kind: .effect, arm: arm.name, effect: f.name)) }
      for e in scenario.events { columns.append(.init(kind: .events, arm: arm.name, event: e.name)) }
      if hasInterventionCost { for p in payers { columns.append(.init(kind: .interventionCost, arm: arm.name, payer: p)) } }
    }
    let reference = scenario.arms[scenario.referenceArm].name
    for arm in scenario.arms where arm.name != reference {
      for p in payers { columns.append(.init(kind: .netSaving, arm: arm.name, versus: reference, payer: p)) }
      for f in scenario.effects { columns.append(.init(kind: .effectGain, arm: arm.name, versus: reference, effect: f.name)) }
      for e in scenario.events { columns.append(.init(kind: .eventsAvoided, arm: arm.name, versus: reference, event: e.name)) }
    }
    self.columns = columns
  }

  public var count: Int { columns.count }

  /// Columns per arm: payers + total + effects + events (+ intervention cost per payer + total).
  var block: Int { payerCount + 1 + effectCount + eventCount + (hasInterventionCost ? payerCount + 1 : 0) }
  /// Columns per comparison: payers + total + effects + events.
  var comparisonBlock: Int { payerCount + 1 + effectCount + eventCount }

  /// Column of arm `a`'s cost for payer `p` (p == payerCount: total).
  func cost(arm a: Int, payer p: Int) -> Int { a * block + p }
  /// Column of arm `a`'s effect `k`.
  func effect(arm a: Int, effect k: Int) -> Int { a * block + payerCount + 1 + k }
  /// Column of arm `a`'s count of event `e`.
  func events(arm a: Int, event e: Int) -> Int { a * block + payerCount + 1 + effectCount + e }
  /// Column of arm `a`'s intervention cost for payer `p` (p == payerCount: total).
  func interventionCost(arm a: Int, payer p: Int) -> Int { a * block + payerCount + 1 + effectCount + eventCount + p }
  /// First column of comparison `k` (k-th non-reference arm).
  func comparison(_ k: Int) -> Int { armCount * block + k * comparisonBlock }

  public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

  /// Writes arm `a`'s reward components — `value(r)` for r < P payer costs, then effects, then
  /// (with intervention costs) P intervention components — and their totals over payers.
  @inline(__always)
  func writeRewards(arm a: Int, into row: UnsafeMutablePointer<Double>, _ value: (Int) -> Double) {
    var total = 0.0
    for p in 0..<payerCount {
      let v = value(p)
      row[cost(arm: a, payer: p)] = v
      total += v
    }
    row[cost(arm: a, payer: payerCount)] = total
    for k in 0..<effectCount { row[effect(arm: a, effect: k)] = value(payerCount + k) }
    if hasInterventionCost {
      var total = 0.0
      for p in 0..<payerCount {
        let v = value(payerCount + effectCount + p)
        row[interventionCost(arm: a, payer: p)] = v
        total += v
      }
      row[interventionCost(arm: a, payer: payerCount)] = total
    }
  }

  /// Fills the comparison columns of `row` from its per-arm columns.
  func writeComparisons(_ row: UnsafeMutablePointer<Double>) {
    let ref = referenceArm
    var k = 0
    for a in 0..<armCount where a != ref {
      let base = comparison(k)
      for p in 0...payerCount { row[base + p] = row[cost(arm: ref, payer: p)] - row[cost(arm: a, payer: p)] }
      for f in 0..<effectCount { row[base + payerCount + 1 + f] = row[effect(arm: a, effect: f)] - row[effect(arm: ref, effect: f)] }
      for e in 0..<eventCount {
        row[base + payerCount + 1 + effectCount + e] = row[events(arm: ref, event: e)] - row[events(arm: a, event: e)]
      }
      k += 1
    }
  }
}
