import MBCScenario

/// The columns of the runs × metrics matrix the engine fills: one value per run for each.
///
/// Order: for each arm, its discounted cost per payer then the total over payers, its
/// (discounted) effects, then its event counts; then, for each arm other than the reference,
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

  public init(scenario: Scenario) {
    armCount = scenario.arms.count
    payerCount = scenario.payers.count
    effectCount = scenario.effects.count
    eventCount = scenario.events.count
    referenceArm = scenario.referenceArm
    var columns: [Column] = []
    let payers = scenario.payers.map(\.name) + ["total"]
    for arm in scenario.arms {
      for p in payers { columns.append(.init(kind: .cost, arm: arm.name, payer: p)) }
      for f in scenario.effects { columns.append(.init(kind: .effect, arm: arm.name, effect: f.name)) }
      for e in scenario.events { columns.append(.init(kind: .events, arm: arm.name, event: e.name)) }
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

  /// Columns per block: payers + total + effects + events.
  var block: Int { payerCount + 1 + effectCount + eventCount }

  /// Column of arm `a`'s cost for payer `p` (p == payerCount: total).
  func cost(arm a: Int, payer p: Int) -> Int { a * block + p }
  /// Column of arm `a`'s effect `k`.
  func effect(arm a: Int, effect k: Int) -> Int { a * block + payerCount + 1 + k }
  /// Column of arm `a`'s count of event `e`.
  func events(arm a: Int, event e: Int) -> Int { a * block + payerCount + 1 + effectCount + e }
  /// First column of comparison `k` (k-th non-reference arm).
  func comparison(_ k: Int) -> Int { armCount * block + k * block }

  public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

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
