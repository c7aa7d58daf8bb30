import MBCScenario

/// The columns of the runs × metrics matrix the engine fills: one value per run for each.
///
/// Order: for each arm, its discounted cost per payer then the total over payers, then its
/// event counts; then, for each arm other than the reference, its net saving per payer and in
/// total (reference cost − arm cost, so positive = the arm saves) and its events avoided
/// (reference count − arm count).
public struct MetricLayout: Sendable {
  public enum Kind: String, Sendable {
    /// Discounted cost over the horizon for the whole cohort, for one payer or `total`.
    case cost
    /// Number of occurrences of an event over the horizon for the whole cohort (undiscounted).
    case events
    /// Reference arm's cost minus this arm's cost (positive = saving), per payer or `total`.
    case netSaving = "net_saving"
    /// Reference arm's event count minus this arm's (positive = fewer events).
    case eventsAvoided = "events_avoided"
  }

  public struct Column: Sendable, Hashable {
    public var kind: Kind
    /// The arm (for net saving and events avoided: the arm compared with the reference).
    public var arm: String
    /// The reference arm for comparisons, nil otherwise.
    public var versus: String?
    /// Payer name or `total` for cost kinds; nil for event kinds.
    public var payer: String?
    /// Event name for event kinds; nil for cost kinds.
    public var event: String?

    /// A stable column name, e.g. `cost.UC.municipality`, `net_saving.BZ.total`,
    /// `events.BZ.eviction`, `events_avoided.BZ.eviction`.
    public var name: String { "\(kind.rawValue).\(arm).\(payer ?? event ?? "")" }
  }

  public let columns: [Column]
  let armCount: Int
  let payerCount: Int
  let eventCount: Int
  let referenceArm: Int

  public init(scenario: Scenario) {
    armCount = scenario.arms.count
    payerCount = scenario.payers.count
    eventCount = scenario.events.count
    referenceArm = scenario.referenceArm
    var columns: [Column] = []
    let payers = scenario.payers.map(\.name) + ["total"]
    for arm in scenario.arms {
      for p in payers { columns.append(.init(kind: .cost, arm: arm.name, payer: p)) }
      for e in scenario.events { columns.append(.init(kind: .events, arm: arm.name, event: e.name)) }
    }
    let reference = scenario.arms[scenario.referenceArm].name
    for arm in scenario.arms where arm.name != reference {
      for p in payers { columns.append(.init(kind: .netSaving, arm: arm.name, versus: reference, payer: p)) }
      for e in scenario.events { columns.append(.init(kind: .eventsAvoided, arm: arm.name, versus: reference, event: e.name)) }
    }
    self.columns = columns
  }

  public var count: Int { columns.count }

  /// Columns per arm block: payers + total + events.
  var armBlock: Int { payerCount + 1 + eventCount }

  /// Column of arm `a`'s cost for payer `p` (p == payerCount: total).
  func cost(arm a: Int, payer p: Int) -> Int { a * armBlock + p }
  /// Column of arm `a`'s count of event `e`.
  func events(arm a: Int, event e: Int) -> Int { a * armBlock + payerCount + 1 + e }
  /// First column of comparison `k` (k-th non-reference arm).
  func comparison(_ k: Int) -> Int { armCount * armBlock + k * armBlock }

  public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }
}
