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

  static let costKeys = ["label", "per", "states", "state", "event", "from", "to", "group", "amount", "payer", "payers", "arms", "source", "assumption", "note", "price_year", "intervention"]
  static let effectLineKeys = ["label", "per", "states", "state", "event", "from", "to", "amount", "arms", "source", "assumption", "note"]

  /// What a cost or effect line is counted for: `per: cycle` (with `states`), `event` (with
  /// `event`), `transition` (with `from` and/or `to`) or `start` (once per client); cost
  /// lines also `group_cycle` or `group_start` (with `group`: each cycle a group is open, or
  /// once per group formed).
  func readBasis(_ fields: [MappingEntry], entry: MappingEntry, kind: String) -> Scenario.CostLine.Basis? {
    guard let per = walker.entry(fields, "per") else {
      walker.error(entry.keyNode, entry.path, "\(kind) line '\(entry.key)' needs 'per': cycle (per cycle in given states), event, transition or start (once per client)\(kind == "cost" ? ", or group_cycle / group_start (per group)" : "")")
      return nil
    }
    var basis: Scenario.CostLine.Basis?
    let perValue = walker.string(per.value, per.path) ?? ""
    func forbid(_ keys: [String]) {
      for k in keys { if let f = walker.entry(fields, k) { walker.error(f.keyNode, f.path, "'\(k)' does not apply to a \(kind) 'per: \(perValue)'") } }
    }
    switch perValue {
    case "cycle":
      forbid(["event", "from", "to", "group"])
      let given = ["states", "state"].compactMap { walker.entry(fields, $0) }
      if given.isEmpty {
        walker.error(per.value, per.path, "a \(kind) per cycle needs 'states': the states in which it counts")
      } else {
        basis = .perCycle(states: given.flatMap { states($0.value, $0.path) })
      }
    case "event":
      forbid(["states", "state", "from", "to", "group"])
      if let ev = walker.entry(fields, "event"), let name = walker.string(ev.value, ev.path, what: "an event name") {
        if let i = resolve(name, in: eventNames, what: "event", node: ev.value, path: ev.path) { basis = .perEvent(i) }
      } else if walker.entry(fields, "event") == nil {
        walker.error(per.value, per.path, "a \(kind) per event needs 'event': the name of an event under 'events'")
      }
    case "transition":
      forbid(["states", "state", "event", "group"])
      let from = walker.entry(fields, "from").map { states($0.value, $0.path) } ?? Array(stateNames.indices)
      let to = walker.entry(fields, "to").map { states($0.value, $0.path) } ?? Array(stateNames.indices)
      if walker.entry(fields, "from") == nil && walker.entry(fields, "to") == nil {
        walker.error(per.value, per.path, "a \(kind) per transition needs 'from' and/or 'to' states")
      }
      basis = .perTransition(from: from, to: to)
    case "start":
      forbid(["states", "state", "event", "from", "to", "group"])
      basis = .atStart
    case "group_cycle", "group_start":
      forbid(["states", "state", "event", "from", "to"])
      guard kind == "cost" else {
        walker.error(per.value, per.path, "'per: \(perValue)' is for cost lines (a group's shared costs); an effect counts per client")
        break
      }
      guard let g = walker.entry(fields, "group") else {
        walker.error(per.value, per.path, "a cost per group needs 'group': the name of a group under 'groups'")
        break
      }
      if let name = walker.string(g.value, g.path, what: "a group name"), let i = resolve(name, in: groupNames, what: "group", node: g.value, path: g.path) {
        basis = perValue == "group_cycle" ? .perGroupCycle(group: i) : .perGroupStart(group: i)
      }
    default:
      if !perValue.isEmpty {
        let all = ["cycle", "event", "transition", "start"] + (kind == "cost" ? ["group_cycle", "group_start"] : [])
        var message = "unknown 'per: \(perValue)'"
        if let g = Spelling.suggestion(for: perValue, among: all) { message += "; did you mean '\(g)'?" } else { message += "; expected \(all.dropLast().joined(separator: ", ")) or \(all.last!)" }
        walker.error(per.value, per.path, message)
      }
    }
    return basis
  }

  /// The `amount` (an expression) and the `arms` a line applies to (all when absent).
  func readAmountAndArms(_ fields: [MappingEntry], entry: MappingEntry, kind: String) -> (ModelExpression?, [Int]?) {
    var amount: ModelExpression?
    if let a = walker.entry(fields, "amount") {
      amount = expression(a.value, a.path, what: "an amount")
    } else {
      walker.error(entry.keyNode, entry.path, "\(kind) line '\(entry.key)' needs 'amount' (a number or an expression of parameters)")
    }
    var arms: [Int]?
    if let a = walker.entry(fields, "arms") {
      arms = (walker.sequence(a.value, a.path, allowScalar: true) ?? []).compactMap { item, p in
        walker.string(item, p, what: "an arm name").flatMap { resolve($0, in: armNames, what: "arm", node: item, path: p) }
      }
    }
    return (amount, arms)
  }

  // MARK: - Effects

  /// `effects: {qaly: {label, discount, timing, values: {line: {per, states, amount}}}}`.
  func readEffects(_ e: MappingEntry?, defaultDiscount: Double, defaultTiming: RewardTiming) -> [Scenario.Effect] {
    guard let e, !YAMLWalker.isNull(e.value) else { return [] }
    var effects: [Scenario.Effect] = []
    for entry in walker.mapping(e.value, e.path, what: "effects (name: {label, discount, timing, values})") ?? [] {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "effect"),
        let fields = walker.mapping(entry.value, entry.path)
      else { continue }
      walker.checkKeys(fields, allowed: ["label", "discount", "timing", "values", "source", "assumption", "note"], context: "effect '\(entry.key)'")
      let provenance = readProvenance(fields)
      let label = walker.entry(fields, "label").flatMap { walker.string($0.value, $0.path) } ?? entry.key
      var rate = defaultDiscount
      if let d = walker.entry(fields, "discount") {
        warnUnsourced(provenance, node: d.value, path: d.path, what: "the discount rate of effect '\(entry.key)'")
        if let r = walker.number(d.value, d.path, what: "an annual discount rate such as 0.015") {
          if (0..<1).contains(r) { rate = r } else { walker.error(d.value, d.path, "\(r) is not a usable annual discount rate; expected a fraction in [0, 1)") }
        }
      }
      let timing = readTiming(walker.entry(fields, "timing")) ?? defaultTiming
      var lines: [Scenario.EffectLine] = []
      if let v = walker.entry(fields, "values") {
        for line in walker.mapping(v.value, v.path, what: "effect lines (name: {per, states, amount})") ?? [] {
          guard walker.identifier(line.key, line.keyNode, line.path, what: "effect line"),
            let lf = walker.mapping(line.value, line.path)
          else { continue }
          walker.checkKeys(lf, allowed: Self.effectLineKeys, context: "effect line '\(line.key)'")
          let lineProvenance = readProvenance(lf)
          let basis = readBasis(lf, entry: line, kind: "effect")
          let (amount, arms) = readAmountAndArms(lf, entry: line, kind: "effect")
          if let basis, let amount {
            lines.append(.init(name: line.key, basis: basis, amount: amount, arms: arms, provenance: lineProvenance, location: walker.location(line.keyNode)))
          }
        }
      } else {
        walker.error(entry.keyNode, entry.path, "effect '\(entry.key)' needs 'values': the lines that add up to it (e.g. {well: {per: cycle, states: Well, amount: u_well}})")
      }
      effects.append(.init(name: entry.key, label: label, discountRate: rate, timing: timing, lines: lines, location: walker.location(entry.keyNode)))
    }
    return effects
  }

  // MARK: - Tables

  /// `tables: {name: {bands: [...], values: [...]}}` or `{file: x.csv, bands: column, values: column}`.
  func readTables(_ e: MappingEntry?) -> [(table: LookupTable, provenance: Provenance)] {
    guard let e, !YAMLWalker.isNull(e.value) else { return [] }
    var tables: [(LookupTable, Provenance)] = []
    for entry in walker.mapping(e.value, e.path, what: "tables (name: {bands, values})") ?? [] {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "table"),
        let fields = walker.mapping(entry.value, entry.path)
      else { continue }
      walker.checkKeys(fields, allowed: ["bands", "values", "file", "label", "source", "assumption", "note"], context: "table '\(entry.key)'")
      let provenance = readProvenance(fields)
      warnUnsourced(provenance, node: entry.keyNode, path: entry.path, what: "table '\(entry.key)'")
      guard let b = walker.entry(fields, "bands"), let v = walker.entry(fields, "values") else {
        walker.error(entry.keyNode, entry.path, "table '\(entry.key)' needs 'bands' (lower bounds) and 'values'")
        continue
      }
      var bounds: [Double]?
      var values: [Double]?
      if let f = walker.entry(fields, "file") {
        guard let name = walker.string(f.value, f.path, what: "a CSV file name"),
          let bc = walker.string(b.value, b.path, what: "the column of the bands' lower bounds"),
          let vc = walker.string(v.value, v.path, what: "the column of the values")
        else { continue }
        bounds = readCSVColumn(name, column: bc, node: f.value, path: f.path)
        values = readCSVColumn(name, column: vc, node: f.value, path: f.path)
      } else {
        func list(_ x: MappingEntry) -> [Double]? {
          let items = walker.sequence(x.value, x.path) ?? []
          let numbers = items.compactMap { walker.number($0.0, $0.1) }
          return numbers.count == items.count && !items.isEmpty ? numbers : nil
        }
        bounds = list(b)
        values = list(v)
      }
      guard let bounds, let values else { continue }
      guard bounds.count == values.count else {
        walker.error(v.value, v.path, "table '\(entry.key)' has \(bounds.count) bands but \(values.count) values")
        continue
      }
      if let i = bounds.indices.dropFirst().first(where: { !(bounds[$0] > bounds[$0 - 1]) }) {
        walker.error(b.value, b.path, "the bands of table '\(entry.key)' must increase; \(bounds[i]) follows \(bounds[i - 1])")
        continue
      }
      tables.append((LookupTable(name: entry.key, bounds: bounds, values: values), provenance))
    }
    tableNames = tables.map(\.0.name)
    return tables
  }

  // MARK: - Correlations

  /// `correlations: {name: {parameters: [a, b], rank: [[1, .5], [.5, 1]], repair: false}}`
  /// (`pearson:` instead of `rank:` for the correlation of the normal scores).
  func readCorrelations(_ e: MappingEntry?, parameters: [Scenario.Parameter]) -> [Scenario.Correlation] {
    guard let e, !YAMLWalker.isNull(e.value) else { return [] }
    var out: [Scenario.Correlation] = []
    var taken: [String: String] = [:]
    for entry in walker.mapping(e.value, e.path, what: "correlation groups (name: {parameters, rank})") ?? [] {
      guard let fields = walker.mapping(entry.value, entry.path) else { continue }
      walker.checkKeys(fields, allowed: ["parameters", "rank", "pearson", "repair", "source", "assumption", "note"], context: "correlation '\(entry.key)'")
      warnUnsourced(readProvenance(fields), node: entry.keyNode, path: entry.path, what: "correlation '\(entry.key)'")
      guard let p = walker.entry(fields, "parameters") else {
        walker.error(entry.keyNode, entry.path, "correlation '\(entry.key)' needs 'parameters': the names of the correlated parameters")
        continue
      }
      var indices: [Int] = []
      for (item, path) in walker.sequence(p.value, p.path) ?? [] {
        guard let name = walker.string(item, path, what: "a parameter name") else { continue }
        guard let i = parameters.firstIndex(where: { $0.name == name }) else {
          _ = resolve(name, in: parameters.map(\.name), what: "parameter", node: item, path: path)
          continue
        }
        guard case .distribution(let d) = parameters[i].definition else {
          walker.error(item, path, "'\(name)' is not drawn from a distribution of its own, so it cannot be correlated")
          continue
        }
        if case .fixed = d {
          walker.error(item, path, "'\(name)' is a fixed number; only uncertain parameters can be correlated")
          continue
        }
        if !d.supportsQuantile {
          walker.error(item, path, "'\(name)' has a distribution (\(parameters[i].written)) that cannot be sampled through a copula")
          continue
        }
        if let other = taken[name] {
          walker.error(item, path, "'\(name)' is already in correlation '\(other)'; a parameter can be in one group only")
          continue
        }
        taken[name] = entry.key
        indices.append(i)
      }
      let kinds = ["rank", "pearson"].compactMap { walker.entry(fields, $0) }
      guard kinds.count == 1 else {
        walker.error(entry.keyNode, entry.path, "correlation '\(entry.key)' needs exactly one of 'rank' (Spearman) or 'pearson' (of the normal scores): a matrix")
        continue
      }
      let count = (walker.sequence(p.value, p.path) ?? []).count
      guard let matrix = readMatrix(kinds[0], order: count, what: "correlation") else { continue }
      var ok = indices.count == count
      for i in 0..<count {
        if matrix[i * count + i] != 1 {
          walker.error(kinds[0].value, kinds[0].path, "the diagonal of a correlation matrix must be 1; row \(i + 1) has \(matrix[i * count + i])")
          ok = false
        }
        for j in 0..<count where !(-1...1).contains(matrix[i * count + j]) {
          walker.error(kinds[0].value, kinds[0].path, "correlations must lie in [-1, 1]; row \(i + 1), column \(j + 1) is \(matrix[i * count + j])")
          ok = false
        }
      }
      let repair = walker.entry(fields, "repair").flatMap { walker.bool($0.value, $0.path, what: "'repair'") } ?? false
      if ok {
        out.append(.init(name: entry.key, parameters: indices, matrix: matrix, kind: kinds[0].key == "rank" ? .rank : .pearson, repair: repair, location: walker.location(entry.keyNode)))
      }
    }
    return out
  }

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

      let basis = readBasis(fields, entry: entry, kind: "cost")
      let factor = priceFactor(fields)
      let (amount, arms) = readAmountAndArms(fields, entry: entry, kind: "cost")
      if let basis, let amount { checkGroupAmount(basis, amount, fields: fields, line: entry.key) }

      // Who pays.
      let shares = readShares(fields, entry: entry, provenance: provenance)
      let intervention = walker.entry(fields, "intervention").flatMap { walker.bool($0.value, $0.path, what: "'intervention'") } ?? false

      if let basis, let amount, let shares {
        var line = Scenario.CostLine(name: entry.key, label: label, basis: basis, amount: amount, shares: shares, arms: arms,
                                     provenance: provenance, location: walker.location(entry.keyNode), priceFactor: factor)
        line.intervention = intervention
        lines.append(line)
      }
    }
    return lines
  }

  /// A group's cost per cycle may change with `cycle` and `time` (e.g. a start-up year), but
  /// not with a client's variables: it is the group's, not a member's. A cost per group
  /// formed is charged at the start: parameters only.
  private func checkGroupAmount(_ basis: Scenario.CostLine.Basis, _ amount: ModelExpression, fields: [MappingEntry], line: String) {
    let allowed: Set<String>
    switch basis {
    case .perGroupCycle: allowed = [ModelVariable.cycle.rawValue, ModelVariable.time.rawValue, ModelVariable.cycleLength.rawValue]
    case .perGroupStart: allowed = [ModelVariable.cycleLength.rawValue]
    default: return
    }
    for name in amount.references.map(\.name) where !parameterNames.contains(name) && !allowed.contains(name) {
      if let a = walker.entry(fields, "amount") {
        walker.error(a.value, a.path, "the amount of cost line '\(line)' is a group's cost and cannot use '\(name)'\(allowed.count > 1 ? "; it may use cycle and time" : "; a cost per group formed may use parameters only")")
      }
      return
    }
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
          let x = shareExpression(s.value, s.path, what: "a payer's share")
        else {
          ok = false
          continue
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

  /// A share: like ``expression(_:_:what:variables:)`` but without the unsourced-literal
  /// warning (the enclosing line's own source covers it), and checked to lie in [0, 1] when
  /// it is a number.
  func shareExpression(_ node: Node, _ path: [PathComponent], what: String = "a share") -> ModelExpression? {
    guard case .scalar(let s) = node, !YAMLWalker.isNull(node) else {
      walker.error(node, path, "expected \(what) between 0 and 1, found \(YAMLWalker.kind(node))")
      return nil
    }
    if let v = YAMLWalker.parseNumber(s.string) {
      guard (0...1).contains(v) else {
        walker.error(node, path, "\(what) must be between 0 and 1, found \(v)")
        return nil
      }
      return ModelExpression(constant: v)
    }
    return expression(node, path, what: what, variables: false)
  }
}
