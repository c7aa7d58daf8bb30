import Yams

extension ScenarioBuilder {
  static let groupKeys = ["label", "arms", "member", "size", "minimum", "on_close", "source", "assumption", "note"]

  /// `groups: {name: {label, arms, member, size, minimum, on_close}}` (see ``Scenario/Group``).
  /// Checks what makes the group process exact in both engines: no move into the member state
  /// in the group's arms, and member moves that depend on `cycle` and `time` only.
  func readGroups(_ e: MappingEntry?, arms: [Scenario.Arm]) -> [Scenario.Group] {
    guard let e, !YAMLWalker.isNull(e.value) else { return [] }
    var groups: [Scenario.Group] = []
    var armGroup: [Int: String] = [:]
    for entry in walker.mapping(e.value, e.path, what: "groups (name: {arms, member, size, minimum, on_close})") ?? [] {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "group"),
        let fields = walker.mapping(entry.value, entry.path)
      else { continue }
      walker.checkKeys(fields, allowed: Self.groupKeys, context: "group '\(entry.key)'")
      let label = walker.entry(fields, "label").flatMap { walker.string($0.value, $0.path) } ?? entry.key
      let provenance = readProvenance(fields)
      func required(_ key: String, _ what: String) -> MappingEntry? {
        if let f = walker.entry(fields, key) { return f }
        walker.error(entry.keyNode, entry.path, "group '\(entry.key)' needs '\(key)': \(what)")
        return nil
      }
      func state(_ key: String, _ what: String) -> Int? {
        guard let f = required(key, what), let name = walker.string(f.value, f.path, what: "a state name") else { return nil }
        return resolve(name, in: stateNames, what: "state", node: f.value, path: f.path)
      }
      func count(_ key: String, _ what: String) -> ModelExpression? {
        guard let f = required(key, what) else { return nil }
        let x = expression(f.value, f.path, what: what, variables: false)
        if let v = x?.constantValue, !(v >= 0 && v.isFinite) {
          walker.error(f.value, f.path, "\(what) must be a whole number of 0 or more, found \(v)")
          return nil
        }
        if x?.constantValue == nil || x?.literals.isEmpty == false { warnUnsourced(provenance, node: f.value, path: f.path, what: "group '\(entry.key)'.\(key)") }
        return x
      }
      var groupArms: [Int] = []
      if let f = required("arms", "the arms in which clients take part in it") {
        groupArms = (walker.sequence(f.value, f.path, allowScalar: true) ?? []).compactMap { item, p in
          guard let name = walker.string(item, p, what: "an arm name"), let a = resolve(name, in: armNames, what: "arm", node: item, path: p) else { return nil }
          if let other = armGroup[a] {
            walker.error(item, p, "arm '\(name)' already takes part in group '\(other)'; an arm can have one group")
            return nil
          }
          armGroup[a] = entry.key
          return a
        }
      }
      let member = state("member", "the state of its members (in its arms every client starts there)")
      let onClose = state("on_close", "the state its remaining members move to when it closes")
      let size = count("size", "the number of members when it forms")
      let minimum = count("minimum", "the number of members below which it closes (0: it never closes)")
      if let s = size?.constantValue, s < 1, let f = walker.entry(fields, "size") {
        walker.error(f.value, f.path, "a group needs at least 1 member, found \(s)")
      }
      if let member, let onClose, member == onClose, let f = walker.entry(fields, "on_close") {
        walker.error(f.value, f.path, "'on_close' must differ from the member state '\(stateNames[member])'")
      }
      if let member { checkMemberMoves(group: entry.key, member: member, arms: groupArms.map { arms[$0] }, path: entry.path) }
      guard let member, let onClose, let size, let minimum, !groupArms.isEmpty else { continue }
      groups.append(.init(name: entry.key, label: label, arms: groupArms, member: member, onClose: onClose, size: size, minimum: minimum,
                          provenance: provenance, location: walker.location(entry.keyNode)))
    }
    return groups
  }

  /// Members join only when the group forms, and the member state's moves are the same for
  /// every member (cycle and time only): the two conditions under which the cohort engine's
  /// group process is exact.
  private func checkMemberMoves(group: String, member: Int, arms: [Scenario.Arm], path: [PathComponent]) {
    let allowed: Set<String> = [ModelVariable.cycle.rawValue, ModelVariable.time.rawValue, ModelVariable.cycleLength.rawValue]
    for arm in arms {
      for (from, row) in arm.transitions.enumerated() {
        for move in row {
          let at: [PathComponent] = ["arms", .key(arm.name), "transitions", .key(stateNames[from]), .key(stateNames[move.to])]
          if move.to == member {
            walker.error(at: move.location, at, "in arm '\(arm.name)' clients move into '\(stateNames[member])', the member state of group '\(group)'; members join only when the group forms (every client starts as a member), so no move may lead into it")
          }
          if from == member {
            let variables = move.probability.references.map(\.name).filter { !parameterNames.contains($0) && !allowed.contains($0) }
            if let v = variables.first {
              walker.error(at: move.location, at, "the moves of group '\(group)'s members may use 'cycle' and 'time' but not '\(v)': every member must have the same chance to leave, so that a group's size can be followed exactly")
            }
          }
        }
      }
    }
  }
}
