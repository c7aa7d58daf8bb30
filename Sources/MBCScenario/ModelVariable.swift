/// A quantity that changes within a run and that expressions in transitions, events, costs
/// and effects may use. The engine evaluates such expressions once per value of the
/// variables they use (per cycle, age, subgroup, time in state), never per client.
public enum ModelVariable: String, Sendable, CaseIterable {
  /// The cycle number, 0 in the first cycle.
  case cycle
  /// Model time in years at the start of the cycle: cycle × cycle_length.
  case time
  /// The length of a cycle in years (a constant: 1/12 for monthly cycles).
  case cycleLength = "cycle_length"
  /// The client's age in whole years (the age at the last birthday), advancing with time.
  case age
  /// Cycles since the client entered its current state (0 in its first cycle there).
  case timeInState = "time_in_state"
  /// The client's subgroup; compare with a name: `subgroup == "eviction_threat"`.
  case subgroup
}
