extension Scenario {
  /// A group of clients that forms together and is an entity of its own: a neighbourhood
  /// support circle (Buurtcirkel), a therapy group. `groups:` in the scenario file.
  ///
  /// In the arms listed, every client starts as a member (in the ``member`` state) of one of
  /// ⌈N / size⌉ groups, the N clients of a run divided over them as evenly as possible
  /// (sizes differ by at most one; clients are assigned in order). Members leave by the
  /// member state's transition row like any move. At each boundary t = 0 … T − 1 a group
  /// with fewer than ``minimum`` members left closes: its remaining members move to
  /// ``onClose`` (at t = 0, a group too small to form: its members start there). Cost lines
  /// `per: group_cycle` are charged for each cycle a group is open (discounted with the
  /// cycle, like rate events) and `per: group_start` once per group that forms; they are the
  /// group's shared costs, spread over its members in the per-client outputs.
  ///
  /// For the cohort engine to be exact, members must be exchangeable and cannot come back:
  /// in the group's arms no move may lead into the member state, and the member state's
  /// moves may depend on `cycle` and `time` only (not on age, subgroup, attributes or time
  /// in state). The loader enforces both.
  public struct Group: Sendable {
    public var name: String
    public var label: String
    /// The arms in which clients take part in the group.
    public var arms: [Int]
    /// The state of a client who is a member.
    public var member: Int
    /// Where the remaining members go when their group closes.
    public var onClose: Int
    /// Members per group when it forms (an expression of parameters, rounded to a whole number ≥ 1).
    public var size: ModelExpression
    /// A group with fewer members closes (an expression of parameters, rounded; 0: never closes).
    public var minimum: ModelExpression
    public var provenance: Provenance
    public var location: SourceLocation?
  }

  /// The group clients of arm `a` take part in, if any (an arm has at most one).
  public func group(ofArm a: Int) -> Int? {
    groups.firstIndex { $0.arms.contains(a) }
  }
}
