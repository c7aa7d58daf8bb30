import Foundation
import MBCRandom
import Yams

/// Builds a ``Scenario`` from a composed YAML tree. Each section is read independently so
/// that one bad section does not hide problems in another; cross-references (states, payers,
/// parameters, events, arms) are resolved after the names are known.
final class ScenarioBuilder {
  let walker: YAMLWalker
  let file: String

  // Names known so far, for resolving references.
  var stateNames: [String] = []
  var payerNames: [String] = []
  var parameterNames: [String] = []
  var eventNames: [String] = []
  var armNames: [String] = []
  /// The document's root, where errors about missing top-level keys point.
  var rootNode: Node?

  init(walker: YAMLWalker, file: String) {
    self.walker = walker
    self.file = file
  }

  func build(_ root: Node) -> Scenario? {
    rootNode = root
    guard let top = walker.mapping(root, [], what: "a scenario (a mapping with keys such as states, parameters, arms)") else {
      return nil
    }
    walker.checkKeys(top, allowed: ScenarioLoader.topLevelKeys, context: "the scenario")
    func section(_ key: String) -> MappingEntry? { walker.entry(top, key) }

    if let f = section("format"), let v = walker.string(f.value, f.path), v != "mbc/1" {
      walker.error(f.value, f.path, "unsupported format '\(v)'; this version of mbc reads 'mbc/1'")
    }
    let name = section("name").flatMap { walker.string($0.value, $0.path) }
      ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    let description = section("description").flatMap { walker.string($0.value, $0.path) } ?? ""
    let currency = section("currency").flatMap { walker.string($0.value, $0.path) } ?? "EUR"
    var priceYear: Int?
    if let e = section("price_year") {
      priceYear = walker.integer(e.value, e.path, what: "a year such as 2024")
    }
    if let e = section("notes") { _ = walker.string(e.value, e.path) }

    var settingSources: [String: Provenance] = [:]
    let cycle = readCycle(section("cycle"))
    let horizon = readHorizon(section("horizon"), cycle: cycle, sources: &settingSources)
    let clients = readPositiveInteger(section("clients"), key: "clients", what: "the number of clients per run", sources: &settingSources, range: 1...10_000_000)
    let discount = readDiscount(section("discount"), sources: &settingSources)

    let payers = readPayers(section("payers"))
    let states = readStates(section("states"))
    var startState = 0
    if let e = section("start") {
      if let s = walker.string(e.value, e.path, what: "a state name") {
        startState = resolve(s, in: stateNames, what: "state", node: e.value, path: e.path) ?? 0
      }
    } else if !states.isEmpty {
      walker.error(root, ["start"], "missing key 'start': the state every client starts in (one of \(stateNames.joined(separator: ", ")))")
    }

    let parameters = readParameters(section("parameters"))
    let sharedRows = section("transitions").map { readTransitionRows($0.value, $0.path) }
    let events = readEvents(section("events"))
    let (arms, referenceArm) = readArms(section("arms"), reference: section("reference"), shared: sharedRows ?? [:], root: root)
    let costs = readCosts(section("costs"))

    checkUnusedParameters(parameters: parameters, arms: arms, events: events, costs: costs)

    guard !walker.hasErrors, let horizon, let clients, let discount else { return nil }
    return Scenario(
      file: file, name: name, description: description, currency: currency, priceYear: priceYear,
      cycle: cycle, horizon: horizon, clients: clients, costDiscountRate: discount,
      states: states, startState: startState, payers: payers, parameters: parameters,
      events: events, costs: costs, arms: arms, referenceArm: referenceArm,
      settingSources: settingSources)
  }

  // MARK: - Shared helpers

  /// Resolves a name against a list of defined names, reporting an unknown one with a suggestion.
  func resolve(_ name: String, in names: [String], what: String, node: Node, path: [PathComponent]) -> Int? {
    if let i = names.firstIndex(of: name) { return i }
    var message = "unknown \(what) '\(name)'"
    if let s = Spelling.suggestion(for: name, among: names) {
      message += "; did you mean '\(s)'?"
    } else if names.isEmpty {
      message += "; no \(what)s are defined"
    } else {
      message += "; the \(what)s are \(names.joined(separator: ", "))"
    }
    walker.error(node, path, message)
    return nil
  }

  /// A number written either bare (`36`) or with its provenance (`{value: 36, source: "..."}`).
  func sourcedValue(_ node: Node, _ path: [PathComponent]) -> (node: Node, path: [PathComponent], provenance: Provenance?) {
    guard case .mapping = node, let entries = walker.mapping(node, path) else { return (node, path, nil) }
    walker.checkKeys(entries, allowed: ["value", "source", "assumption", "note"], context: "a sourced value")
    guard let v = walker.entry(entries, "value") else {
      walker.error(node, path, "expected a number, or a mapping with 'value' and 'source'")
      return (node, path, nil)
    }
    return (v.value, v.path, readProvenance(entries))
  }

  func readProvenance(_ entries: [MappingEntry]) -> Provenance {
    var p = Provenance()
    if let e = walker.entry(entries, "source") { p.source = walker.string(e.value, e.path, what: "a citation") }
    if let e = walker.entry(entries, "assumption") { p.assumption = walker.string(e.value, e.path, what: "the reason for the assumption") }
    if let e = walker.entry(entries, "note") { p.note = walker.string(e.value, e.path) }
    return p
  }

  func warnUnsourced(_ provenance: Provenance?, node: Node, path: [PathComponent], what: String) {
    if provenance?.isDocumented != true {
      walker.warning(node, path, "\(what) has no source; add 'source:' (a citation) or 'assumption:' (why this value)")
    }
  }

  // MARK: - Settings

  func readCycle(_ e: MappingEntry?) -> CycleLength {
    guard let e else { return .month }
    guard let s = walker.string(e.value, e.path) else { return .month }
    guard let c = CycleLength(rawValue: s) else {
      let all = CycleLength.allCases.map(\.rawValue)
      var message = "unknown cycle length '\(s)'; expected one of \(all.joined(separator: ", "))"
      if let g = Spelling.suggestion(for: s, among: all) { message = "unknown cycle length '\(s)'; did you mean '\(g)'?" }
      walker.error(e.value, e.path, message)
      return .month
    }
    return c
  }

  /// `horizon: 36` (cycles) or `horizon: "3 years"` / `"36 months"`.
  func readHorizon(_ e: MappingEntry?, cycle: CycleLength, sources: inout [String: Provenance]) -> Int? {
    guard let e else {
      walker.error(rootNode, ["horizon"], "missing key 'horizon': the number of cycles to simulate (e.g. 36, or \"3 years\")")
      return nil
    }
    let (node, path, provenance) = sourcedValue(e.value, e.path)
    sources["horizon"] = provenance
    warnUnsourced(provenance, node: node, path: path, what: "the horizon")
    guard case .scalar(let s) = node else {
      walker.error(node, path, "expected a number of cycles, found \(YAMLWalker.kind(node))")
      return nil
    }
    var cycles: Double?
    if let v = YAMLWalker.parseNumber(s.string) {
      cycles = v
    } else {
      let parts = s.string.split(separator: " ").map(String.init)
      if parts.count == 2, let n = YAMLWalker.parseNumber(parts[0]) {
        let unit = parts[1].hasSuffix("s") ? String(parts[1].dropLast()) : parts[1]
        if let u = CycleLength(rawValue: unit) {
          cycles = n * cycle.perYear / u.perYear
        }
      }
      if cycles == nil {
        walker.error(node, path, "expected a number of cycles (e.g. 36) or a duration such as \"3 years\", found '\(s.string)'")
        return nil
      }
    }
    guard let c = cycles, c >= 1, c <= 100_000, abs(c - c.rounded()) < 1e-9 else {
      walker.error(node, path, "the horizon must be a whole number of cycles between 1 and 100000, found \(cycles.map { "\($0)" } ?? s.string) (a \(cycle.rawValue) cycle)")
      return nil
    }
    return Int(c.rounded())
  }

  func readPositiveInteger(_ e: MappingEntry?, key: String, what: String, sources: inout [String: Provenance], range: ClosedRange<Int>) -> Int? {
    guard let e else {
      walker.error(rootNode, [.key(key)], "missing key '\(key)': \(what)")
      return nil
    }
    let (node, path, provenance) = sourcedValue(e.value, e.path)
    sources[key] = provenance
    warnUnsourced(provenance, node: node, path: path, what: "'\(key)'")
    guard let v = walker.integer(node, path, what: what) else { return nil }
    guard range.contains(v) else {
      walker.error(node, path, "\(v) is out of range; expected \(what) between \(range.lowerBound) and \(range.upperBound)")
      return nil
    }
    return v
  }

  /// `discount: 0.04`, `discount: {costs: 0.04, source: ...}`.
  func readDiscount(_ e: MappingEntry?, sources: inout [String: Provenance]) -> Double? {
    guard let e else { return 0 }
    var node = e.value
    var path = e.path
    var provenance: Provenance?
    if case .mapping = e.value, let entries = walker.mapping(e.value, e.path) {
      walker.checkKeys(entries, allowed: ["costs", "source", "assumption", "note"], context: "discount")
      provenance = readProvenance(entries)
      guard let c = walker.entry(entries, "costs") else {
        walker.error(e.value, e.path, "missing key 'costs': the annual discount rate for costs, e.g. 0.03")
        return nil
      }
      (node, path) = (c.value, c.path)
    }
    sources["discount"] = provenance
    warnUnsourced(provenance, node: node, path: path, what: "the discount rate")
    guard let r = walker.number(node, path, what: "an annual discount rate such as 0.03") else { return nil }
    guard r >= 0, r < 1 else {
      walker.error(node, path, "\(r) is not a usable annual discount rate; expected a fraction in [0, 1), e.g. 0.03 for 3%")
      return nil
    }
    return r
  }

  // MARK: - Payers and states

  /// `payers: [municipality, insurer]` or `payers: {municipality: "Gemeente (Wmo)", ...}`.
  func readPayers(_ e: MappingEntry?) -> [Scenario.Payer] {
    guard let e else {
      walker.error(rootNode, ["payers"], "missing key 'payers': who bears the costs (e.g. [municipality, health_insurer])")
      return []
    }
    var payers: [Scenario.Payer] = []
    for (name, label, node, path) in namedList(e, what: "payer") {
      if name == "total" {
        walker.error(node, path, "'total' is reserved (it names the sum over payers in the outputs)")
        continue
      }
      payers.append(.init(name: name, label: label ?? name))
    }
    if payers.isEmpty, !walker.hasErrors { walker.error(e.value, e.path, "at least one payer is needed") }
    payerNames = payers.map(\.name)
    return payers
  }

  func readStates(_ e: MappingEntry?) -> [Scenario.State] {
    guard let e else {
      walker.error(rootNode, ["states"], "missing key 'states': the list of states clients move between")
      return []
    }
    var states: [Scenario.State] = []
    for (name, label, node, _) in namedList(e, what: "state") {
      states.append(.init(name: name, label: label ?? name, location: walker.location(node)))
    }
    if states.isEmpty, !walker.hasErrors { walker.error(e.value, e.path, "at least one state is needed") }
    if states.count > 64 { walker.error(e.value, e.path, "\(states.count) states; at most 64 are supported") }
    stateNames = states.map(\.name)
    return states
  }

  /// A list of names, or a mapping name → label (text) or name → {label: ...}.
  func namedList(_ e: MappingEntry, what: String) -> [(String, String?, Node, [PathComponent])] {
    var out: [(String, String?, Node, [PathComponent])] = []
    var seen = Set<String>()
    func add(_ name: String, _ label: String?, _ node: Node, _ path: [PathComponent]) {
      guard walker.identifier(name, node, path, what: what) else { return }
      guard seen.insert(name).inserted else {
        walker.error(node, path, "\(what) '\(name)' is defined twice")
        return
      }
      out.append((name, label, node, path))
    }
    switch e.value {
    case .sequence:
      for (item, path) in walker.sequence(e.value, e.path) ?? [] {
        if let name = walker.string(item, path, what: "a \(what) name") { add(name, nil, item, path) }
      }
    case .mapping:
      for entry in walker.mapping(e.value, e.path) ?? [] {
        var label: String?
        switch entry.value {
        case .mapping:
          if let fields = walker.mapping(entry.value, entry.path) {
            walker.checkKeys(fields, allowed: ["label", "description", "note"], context: "a \(what)")
            label = walker.entry(fields, "label").flatMap { walker.string($0.value, $0.path) }
            if let d = walker.entry(fields, "description") { _ = walker.string(d.value, d.path) }
            if let d = walker.entry(fields, "note") { _ = walker.string(d.value, d.path) }
          }
        case _ where YAMLWalker.isNull(entry.value): break
        default: label = walker.string(entry.value, entry.path, what: "a label")
        }
        add(entry.key, label, entry.keyNode, entry.path)
      }
    default:
      walker.error(e.value, e.path, "expected a list of \(what) names, found \(YAMLWalker.kind(e.value))")
    }
    return out
  }

  // MARK: - Expressions

  /// Reads a number or an expression (a YAML number or a text such as `p_admit * rr`),
  /// checking that every name it uses is a defined parameter.
  func expression(_ node: Node, _ path: [PathComponent], what: String) -> ModelExpression? {
    guard case .scalar(let s) = node, !YAMLWalker.isNull(node) else {
      walker.error(node, path, "expected \(what) (a number or an expression), found \(YAMLWalker.kind(node))")
      return nil
    }
    let expr: ModelExpression
    do {
      expr = try ModelExpression(s.string)
    } catch {
      walker.error(at: walker.location(node, offset: error.offset), path, "in expression '\(s.string)': \(error.message)")
      return nil
    }
    var ok = true
    for (name, offset) in expr.references where !parameterNames.contains(name) {
      ok = false
      var message = "in expression '\(s.string)': unknown parameter '\(name)'"
      if let g = Spelling.suggestion(for: name, among: parameterNames) { message += "; did you mean '\(g)'?" }
      walker.error(at: walker.location(node, offset: offset), path, message)
    }
    for (value, offset) in expr.literals where value != 0 && value != 1 {
      walker.warning(at: walker.location(node, offset: offset), path,
                     "the number \(Self.format(value)) in '\(s.string)' has no source; make it a parameter with 'source:' or 'assumption:'")
    }
    return ok ? expr : nil
  }

  static func format(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
  }

  // MARK: - Transitions and arms

  typealias Row = [(to: Int, probability: ModelExpression, location: SourceLocation?)]

  /// `{From: {To: probability, ...}, ...}` → rows by from-state index.
  func readTransitionRows(_ node: Node, _ path: [PathComponent]) -> [Int: Row] {
    var rows: [Int: Row] = [:]
    for fromEntry in walker.mapping(node, path, what: "transition rows (from-state: {to-state: probability})") ?? [] {
      guard let from = resolve(fromEntry.key, in: stateNames, what: "state", node: fromEntry.keyNode, path: fromEntry.path) else { continue }
      var row: Row = []
      if YAMLWalker.isNull(fromEntry.value) {
        rows[from] = row
        continue
      }
      for toEntry in walker.mapping(fromEntry.value, fromEntry.path, what: "moves out of '\(fromEntry.key)' (to-state: probability)") ?? [] {
        guard let to = resolve(toEntry.key, in: stateNames, what: "state", node: toEntry.keyNode, path: toEntry.path) else { continue }
        if to == from {
          walker.error(toEntry.keyNode, toEntry.path, "'\(fromEntry.key)' → '\(toEntry.key)' is the stay probability, which is 1 minus the other moves; remove it")
          continue
        }
        if let p = expression(toEntry.value, toEntry.path, what: "a probability per cycle") {
          if let c = p.constantValue, !(0...1).contains(c) {
            walker.error(toEntry.value, toEntry.path, "probability \(c) is outside [0, 1]")
          }
          row.append((to, p, walker.location(toEntry.value)))
        }
      }
      let constants = row.compactMap { $0.probability.constantValue }
      if constants.count == row.count, constants.allSatisfy({ (0...1).contains($0) }), constants.reduce(0, +) > 1 + 1e-9 {
        walker.error(fromEntry.keyNode, fromEntry.path, "the moves out of '\(fromEntry.key)' sum to \(constants.reduce(0, +)); they must sum to at most 1")
      }
      rows[from] = row
    }
    return rows
  }

  func readArms(_ e: MappingEntry?, reference: MappingEntry?, shared: [Int: Row], root: Node) -> ([Scenario.Arm], Int) {
    guard let e else {
      walker.error(root, ["arms"], "missing key 'arms': the strategies to compare (e.g. usual care and the intervention)")
      return ([], 0)
    }
    var arms: [Scenario.Arm] = []
    let entries = walker.mapping(e.value, e.path, what: "arms (name: {label, transitions})") ?? []
    armNames = entries.map(\.key)
    for entry in entries {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "arm") else { continue }
      var label = entry.key
      var rows = shared
      if !YAMLWalker.isNull(entry.value), let fields = walker.mapping(entry.value, entry.path) {
        walker.checkKeys(fields, allowed: ["label", "description", "transitions", "note"], context: "an arm")
        if let l = walker.entry(fields, "label"), let s = walker.string(l.value, l.path) { label = s }
        if let d = walker.entry(fields, "description") { _ = walker.string(d.value, d.path) }
        if let d = walker.entry(fields, "note") { _ = walker.string(d.value, d.path) }
        if let t = walker.entry(fields, "transitions") {
          for (from, row) in readTransitionRows(t.value, t.path) { rows[from] = row }
        }
      }
      var matrix = Array(repeating: Row(), count: stateNames.count)
      for (from, row) in rows where from < matrix.count { matrix[from] = row }
      arms.append(.init(name: entry.key, label: label, transitions: matrix))
    }
    if entries.isEmpty, !walker.hasErrors { walker.error(e.value, e.path, "at least one arm is needed") }
    var referenceIndex = 0
    if let r = reference, let name = walker.string(r.value, r.path, what: "an arm name") {
      referenceIndex = resolve(name, in: armNames, what: "arm", node: r.value, path: r.path) ?? 0
    }
    return (arms, referenceIndex)
  }

  // MARK: - Checks across sections

  func checkUnusedParameters(parameters: [Scenario.Parameter], arms: [Scenario.Arm], events: [Scenario.Event], costs: [Scenario.CostLine]) {
    var used = Set<String>()
    func use(_ e: ModelExpression) { for (n, _) in e.references { used.insert(n) } }
    for p in parameters { if case .expression(let e) = p.definition { use(e) } }
    for a in arms { for row in a.transitions { for m in row { use(m.probability) } } }
    for ev in events { if case .rate(let r) = ev.kind { for x in r { use(x.mean) } } }
    for c in costs {
      use(c.amount)
      for s in c.shares { use(s.share) }
    }
    for p in parameters where !used.contains(p.name) {
      walker.warning(at: p.location, ["parameters", .key(p.name)], "parameter '\(p.name)' is not used by any transition, event or cost")
    }
  }
}
