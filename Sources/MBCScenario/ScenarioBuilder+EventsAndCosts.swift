import Yams

extension ScenarioBuilder {
  // MARK: - Events

  /// `events:` — each either `rate: {State: mean per cycle}` (Poisson count per cycle), or
  /// `on_enter: State | [States]`, or `on_transition: {from: ..., to: ...}`.
  func readEvents(_ e: MappingEntry?) -> [Scenario.Event] {
    guard let e, !YAMLWalker.isNull(e.value) else { return [] }
    let entries = walker.mapping(e.value, e.path, what: "events (name: {rate | on_enter | on_transition})") ?? []
    eventNames = entries.map(\.key)
    var events: [Scenario.Event] = []
    for entry in entries {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "event"),
        let fields = walker.mapping(entry.value, entry.path)
      else { continue }
      walker.checkKeys(fields, allowed: ["label", "rate", "on_enter", "on_transition", "source", "assumption", "note"], context: "event '\(entry.key)'")
      let label = walker.entry(fields, "label").flatMap { walker.string($0.value, $0.path) } ?? entry.key
      _ = readProvenance(fields)
      let kinds = ["rate", "on_enter", "on_transition"].compactMap { walker.entry(fields, $0) }
      guard kinds.count == 1 else {
        if kinds.isEmpty {
          walker.error(entry.keyNode, entry.path, "event '\(entry.key)' needs one of 'rate' (Poisson mean per cycle, by state), 'on_enter' (a state) or 'on_transition' (from/to states)")
        } else {
          walker.error(kinds[1].keyNode, kinds[1].path, "give only one of 'rate', 'on_enter' and 'on_transition' for event '\(entry.key)'")
        }
        continue
      }
      let k = kinds[0]
      var kind: Scenario.Event.Kind?
      switch k.key {
      case "rate":
        var rates: [(state: Int, mean: ModelExpression)] = []
        for r in walker.mapping(k.value, k.path, what: "rates by state (state: mean count per cycle)") ?? [] {
          guard let s = resolve(r.key, in: stateNames, what: "state", node: r.keyNode, path: r.path),
            let x = expression(r.value, r.path, what: "a mean count per cycle")
          else { continue }
          if let c = x.constantValue, c < 0 { walker.error(r.value, r.path, "a rate cannot be negative, found \(c)") }
          rates.append((s, x))
        }
        kind = .rate(rates)
      case "on_enter":
        let to = states(k.value, k.path)
        kind = .transition(from: Array(stateNames.indices), to: to)
      default:
        guard let moves = walker.mapping(k.value, k.path, what: "a mapping with 'from' and/or 'to' states") else { continue }
        walker.checkKeys(moves, allowed: ["from", "to"], context: "on_transition")
        let from = walker.entry(moves, "from").map { states($0.value, $0.path) } ?? Array(stateNames.indices)
        let to = walker.entry(moves, "to").map { states($0.value, $0.path) } ?? Array(stateNames.indices)
        kind = .transition(from: from, to: to)
      }
      if let kind { events.append(.init(name: entry.key, label: label, kind: kind, location: walker.location(entry.keyNode))) }
    }
    return events
  }

  /// A state name or a list of state names → indices.
  func states(_ node: Node, _ path: [PathComponent]) -> [Int] {
    (walker.sequence(node, path, allowScalar: true) ?? []).compactMap { item, p in
      walker.string(item, p, what: "a state name").flatMap { resolve($0, in: stateNames, what: "state", node: item, path: p) }
    }
  }

  // MARK: - Costs

  static let costKeys = ["label", "per", "states", "state", "event", "from", "to", "amount", "payer", "payers", "arms", "source", "assumption", "note"]

  /// `costs:` — each line: `per: cycle | event | transition | start`, what it applies to,
  /// `amount:` (an expression), and `payer:` (one payer) or `payers: {payer: share, ...}`.
  func readCosts(_ e: MappingEntry?) -> [Scenario.CostLine] {
    guard let e, !YAMLWalker.isNull(e.value) else { return [] }
    var lines: [Scenario.CostLine] = []
    for entry in walker.mapping(e.value, e.path, what: "cost lines (name: {per, amount, payers})") ?? [] {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "cost line"),
        let fields = walker.mapping(entry.value, entry.path)
      else { continue }
      walker.checkKeys(fields, allowed: Self.costKeys, context: "cost line '\(entry.key)'")
      let label = walker.entry(fields, "label").flatMap { walker.string($0.value, $0.path) } ?? entry.key
      let provenance = readProvenance(fields)

      // What the amount is charged for.
      guard let per = walker.entry(fields, "per") else {
        walker.error(entry.keyNode, entry.path, "cost line '\(entry.key)' needs 'per': cycle (per cycle in given states), event, transition or start (once per client)")
        continue
      }
      var basis: Scenario.CostLine.Basis?
      let perValue = walker.string(per.value, per.path) ?? ""
      func forbid(_ keys: [String]) {
        for k in keys { if let f = walker.entry(fields, k) { walker.error(f.keyNode, f.path, "'\(k)' does not apply to a cost 'per: \(perValue)'") } }
      }
      switch perValue {
      case "cycle":
        forbid(["event", "from", "to"])
        let given = ["states", "state"].compactMap { walker.entry(fields, $0) }
        if given.isEmpty {
          walker.error(per.value, per.path, "a cost per cycle needs 'states': the states in which it is charged")
        } else {
          basis = .perCycle(states: given.flatMap { states($0.value, $0.path) })
        }
      case "event":
        forbid(["states", "state", "from", "to"])
        if let ev = walker.entry(fields, "event"), let name = walker.string(ev.value, ev.path, what: "an event name") {
          if let i = resolve(name, in: eventNames, what: "event", node: ev.value, path: ev.path) { basis = .perEvent(i) }
        } else if walker.entry(fields, "event") == nil {
          walker.error(per.value, per.path, "a cost per event needs 'event': the name of an event under 'events'")
        }
      case "transition":
        forbid(["states", "state", "event"])
        let from = walker.entry(fields, "from").map { states($0.value, $0.path) } ?? Array(stateNames.indices)
        let to = walker.entry(fields, "to").map { states($0.value, $0.path) } ?? Array(stateNames.indices)
        if walker.entry(fields, "from") == nil && walker.entry(fields, "to") == nil {
          walker.error(per.value, per.path, "a cost per transition needs 'from' and/or 'to' states")
        }
        basis = .perTransition(from: from, to: to)
      case "start":
        forbid(["states", "state", "event", "from", "to"])
        basis = .atStart
      default:
        if !perValue.isEmpty {
          let all = ["cycle", "event", "transition", "start"]
          var message = "unknown 'per: \(perValue)'"
          if let g = Spelling.suggestion(for: perValue, among: all) { message += "; did you mean '\(g)'?" } else { message += "; expected cycle, event, transition or start" }
          walker.error(per.value, per.path, message)
        }
      }

      // How much.
      var amount: ModelExpression?
      if let a = walker.entry(fields, "amount") {
        amount = expression(a.value, a.path, what: "an amount")
      } else {
        walker.error(entry.keyNode, entry.path, "cost line '\(entry.key)' needs 'amount' (a number or an expression of parameters)")
      }

      // Who pays.
      let shares = readShares(fields, entry: entry, provenance: provenance)

      // Which arms.
      var arms: [Int]?
      if let a = walker.entry(fields, "arms") {
        arms = (walker.sequence(a.value, a.path, allowScalar: true) ?? []).compactMap { item, p in
          walker.string(item, p, what: "an arm name").flatMap { resolve($0, in: armNames, what: "arm", node: item, path: p) }
        }
      }

      if let basis, let amount, let shares {
        lines.append(.init(name: entry.key, label: label, basis: basis, amount: amount, shares: shares, arms: arms,
                           provenance: provenance, location: walker.location(entry.keyNode)))
      }
    }
    return lines
  }

  private func readShares(_ fields: [MappingEntry], entry: MappingEntry, provenance: Provenance) -> [(payer: Int, share: ModelExpression)]? {
    let single = walker.entry(fields, "payer")
    let multiple = walker.entry(fields, "payers")
    switch (single, multiple) {
    case (let p?, nil):
      guard let name = walker.string(p.value, p.path, what: "a payer name"),
        let i = resolve(name, in: payerNames, what: "payer", node: p.value, path: p.path)
      else { return nil }
      return [(i, ModelExpression(constant: 1))]
    case (nil, let p?):
      var shares: [(payer: Int, share: ModelExpression)] = []
      var ok = true
      let entries = walker.mapping(p.value, p.path, what: "payer shares (payer: share, shares summing to 1)") ?? []
      for s in entries {
        guard let i = resolve(s.key, in: payerNames, what: "payer", node: s.keyNode, path: s.path),
          let x = shareExpression(s.value, s.path)
        else {
          ok = false
          continue
        }
        if let c = x.constantValue, !(0...1).contains(c) {
          walker.error(s.value, s.path, "a payer's share must be between 0 and 1, found \(c)")
          ok = false
        }
        shares.append((i, x))
      }
      guard ok, !shares.isEmpty else {
        if entries.isEmpty { walker.error(p.value, p.path, "at least one payer share is needed") }
        return nil
      }
      let constants = shares.compactMap { $0.share.constantValue }
      if constants.count == shares.count, abs(constants.reduce(0, +) - 1) > 1e-9 {
        walker.error(p.value, p.path, "the payer shares sum to \(constants.reduce(0, +)); they must sum to 1")
        return nil
      }
      if shares.count > 1 && !provenance.isDocumented {
        walker.warning(p.value, p.path, "the split over payers has no source; add 'source:' or 'assumption:' to cost line '\(entry.key)'")
      }
      return shares
    case (.some, .some):
      walker.error(multiple!.keyNode, multiple!.path, "give either 'payer' (one payer pays all) or 'payers' (shares), not both")
      return nil
    case (nil, nil):
      walker.error(entry.keyNode, entry.path, "cost line '\(entry.key)' needs 'payer' (one payer pays all) or 'payers' (shares per payer)")
      return nil
    }
  }

  /// A share: like ``expression(_:_:what:)`` but without the unsourced-literal warning (the
  /// cost line's own source covers its split).
  private func shareExpression(_ node: Node, _ path: [PathComponent]) -> ModelExpression? {
    guard case .scalar(let s) = node, !YAMLWalker.isNull(node) else {
      walker.error(node, path, "expected a share between 0 and 1, found \(YAMLWalker.kind(node))")
      return nil
    }
    if let v = YAMLWalker.parseNumber(s.string) { return ModelExpression(constant: v) }
    return expression(node, path, what: "a share")
  }
}
