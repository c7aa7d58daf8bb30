/// Restricting a scenario to one subgroup of its clients, for results per subgroup
/// (`mbc simulate --subgroup NAME`, `mbc check --base-case --subgroup NAME`).
extension Scenario {
  /// Why a subgroup name cannot be used: it is not one of the scenario's subgroups.
  public struct UnknownSubgroup: Error, CustomStringConvertible {
    public var name: String
    public var known: [String]
    public var suggestion: String?
    public var description: String {
      "no subgroup '\(name)'\(suggestion.map { "; did you mean '\($0)'?" } ?? ""); the subgroups are \(known.joined(separator: ", "))"
    }
  }

  /// The same scenario with every client drawn from subgroup `name`: its share becomes 1 and
  /// every other subgroup's 0. Everything else (parameters, their draws, the clients' start
  /// states, attributes and ages within the subgroup, and the random streams) is unchanged,
  /// so the results are those of a cohort of ``clients`` clients of that subgroup, and the
  /// runs of different subgroups share their parameter draws (the same seed gives the same
  /// parameter values in every run).
  ///
  /// A scenario without subgroups has the one subgroup `all`.
  public func restricted(toSubgroup name: String) throws(UnknownSubgroup) -> Scenario {
    let names = subgroups.map(\.name)
    guard let chosen = names.firstIndex(of: name) else {
      throw UnknownSubgroup(name: name, known: names, suggestion: Spelling.suggestion(for: name, among: names))
    }
    var copy = self
    for g in copy.subgroups.indices {
      copy.subgroups[g].share = ModelExpression(constant: g == chosen ? 1 : 0)
    }
    copy.onlySubgroup = name
    return copy
  }

  /// The label of the subgroup the scenario is restricted to, e.g. "Threatened eviction".
  public var onlySubgroupLabel: String? {
    onlySubgroup.map { name in subgroups.first { $0.name == name }?.label ?? name }
  }
}
