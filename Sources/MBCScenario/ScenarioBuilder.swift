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
  var tableNames: [String] = []
  var subgroupNames: [String] = []
  var groupNames: [String] = []
  /// The arms of each group (cost lines per group apply there).
  var groupArms: [[Int]] = []
  /// Categorical attributes: name → categories.
  var attributeCategories: [String: [String]] = [:]
  var hasAge = false
  /// Price index: year → factor to the scenario's price year.
  var priceFactors: [Int: Double] = [:]
  var scenarioPriceYear: Int?
  var cycleLength = 1.0 / 12
  /// The document's root, where errors about missing top-level keys point.
  var rootNode: Node?
  /// The `budget` key, where errors about missing budget keys point.
  var budgetNode: Node?

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
    cycleLength = 1 / cycle.perYear
    let horizon = readHorizon(section("horizon"), cycle: cycle, sources: &settingSources)
    let discount = readDiscount(section("discount"), sources: &settingSources)
    let engine = readEnum(section("engine"), EngineKind.self, what: "engine") ?? .individual
    let costTiming = readTiming(section("timing")) ?? .start
    let transitionTiming = readEnum(section("transition_timing"), TransitionTiming.self, what: "transition timing") ?? .move
    let invalidProbabilities = readEnum(section("invalid_probabilities"), InvalidProbabilities.self, what: "choice for invalid probabilities") ?? .stop
    scenarioPriceYear = priceYear
    readPriceIndex(section("price_index"))

    let payers = readPayers(section("payers"))
    let states = readStates(section("states"))
    let tables = readTables(section("tables"))
    var clients = readClients(section("clients"), sources: &settingSources)

    let parameters = readParameters(section("parameters"))
    readClientShares(&clients, startEntry: section("start"))
    let sharedRows = section("transitions").map { readTransitionRows($0.value, $0.path) }
    let events = readEvents(section("events"))
    let (arms, referenceArm) = readArms(section("arms"), reference: section("reference"), shared: sharedRows ?? [:], root: root)
    let groups = readGroups(section("groups"), arms: arms)
    groupNames = groups.map(\.name)
    groupArms = groups.map(\.arms)
    let costs = readCosts(section("costs"))
    let effects = readEffects(section("effects"), defaultDiscount: discount?.effects ?? 0, defaultTiming: costTiming)
    let correlations = readCorrelations(section("correlations"), parameters: parameters)
    let analysis = readAnalysis(section("analysis"), parameters: parameters, effects: effects, events: events)
    let budget = readBudget(section("budget"), arms: arms, referenceArm: referenceArm, priceYear: priceYear, groups: groups)

    if costTiming == .simpson || effects.contains(where: { $0.timing == .simpson }), let h = horizon, h % 2 != 0 {
      walker.error(section("timing")?.value ?? root, ["timing"], "Simpson's rule needs an even number of cycles; the horizon is \(h)")
    }
    checkUnusedParameters(parameters: parameters, arms: arms, events: events, costs: costs, effects: effects, clients: clients, groups: groups, budget: budget)

    guard !walker.hasErrors, let horizon, let count = clients.count, let discount else { return nil }
    var scenario = Scenario(
      file: file, name: name, description: description, currency: currency, priceYear: priceYear,
      cycle: cycle, horizon: horizon, clients: count, costDiscountRate: discount.costs,
      states: states, startState: clients.start.first?.state ?? 0, payers: payers, parameters: parameters,
      events: events, costs: costs, arms: arms, referenceArm: referenceArm,
      settingSources: settingSources)
    scenario.costTiming = costTiming
    scenario.transitionTiming = transitionTiming
    scenario.invalidProbabilities = invalidProbabilities
    scenario.engine = engine
    scenario.start = clients.start
    scenario.subgroups = clients.subgroups
    scenario.attributes = clients.attributes
    scenario.age = clients.age
    scenario.effects = effects
    scenario.tables = tables.map(\.table)
    scenario.tableSources = Dictionary(tables.map { ($0.table.name, $0.provenance) }, uniquingKeysWith: { a, _ in a })
    scenario.correlations = correlations
    scenario.analysis = analysis
    scenario.groups = groups
    scenario.budget = budget
    return scenario
  }

  /// A value from a fixed set of names (`engine: cohort`, `timing: half_cycle`).
  func readEnum<E: RawRepresentable & CaseIterable>(_ e: MappingEntry?, _ type: E.Type, what: String) -> E? where E.RawValue == String {
    guard let e, let text = walker.string(e.value, e.path, what: "a \(what)") else { return nil }
    if let v = E(rawValue: text) { return v }
    let all = E.allCases.map(\.rawValue)
    var message = "unknown \(what) '\(text)'"
    if let g = Spelling.suggestion(for: text, among: all) { message += "; did you mean '\(g)'?" } else { message += "; expected one of \(all.joined(separator: ", "))" }
    walker.error(e.value, e.path, message)
    return nil
  }

  /// `timing: start | end | half_cycle | life_table | simpson` or explicit boundary weights
  /// `timing: {first: 1/3, odd: 2/3, even: 4/3, last: 1/3}` (numbers or constant expressions).
  func readTiming(_ e: MappingEntry?) -> RewardTiming? {
    guard let e else { return nil }
    if case .mapping = e.value, let fields = walker.mapping(e.value, e.path) {
      walker.checkKeys(fields, allowed: ["first", "odd", "even", "last", "source", "assumption", "note"], context: "timing weights")
      var w: [String: Double] = [:]
      for k in ["first", "odd", "even", "last"] {
        guard let f = walker.entry(fields, k) else {
          walker.error(e.value, e.path, "timing weights need 'first', 'odd', 'even' and 'last'")
          return nil
        }
        guard case .scalar(let s) = f.value, let x = try? ModelExpression(s.string), let v = x.constantValue, v.isFinite, v >= 0 else {
          walker.error(f.value, f.path, "expected a weight such as 1, 0.5 or 1/3")
          return nil
        }
        w[k] = v
      }
      return .custom(first: w["first"]!, odd: w["odd"]!, even: w["even"]!, last: w["last"]!)
    }
    guard let text = walker.string(e.value, e.path, what: "a timing") else { return nil }
    if let t = RewardTiming.named[text] { return t }
    let all = RewardTiming.named.keys.sorted()
    var message = "unknown timing '\(text)'"
    if let g = Spelling.suggestion(for: text, among: all) { message += "; did you mean '\(g)'?" } else { message += "; expected one of \(all.joined(separator: ", ")), or weights {first, odd, even, last}" }
    walker.error(e.value, e.path, message)
    return nil
  }

  /// `price_index: {factors: {2016: 1.299, ...}, source: ...}`: the factor that brings a price
  /// from each year to the scenario's `price_year`.
  func readPriceIndex(_ e: MappingEntry?) {
    guard let e, let fields = walker.mapping(e.value, e.path) else { return }
    walker.checkKeys(fields, allowed: ["factors", "source", "assumption", "note"], context: "price_index")
    let provenance = readProvenance(fields)
    warnUnsourced(provenance, node: e.keyNode, path: e.path, what: "the price index")
    if scenarioPriceYear == nil {
      walker.error(e.keyNode, e.path, "a price index needs the scenario's 'price_year' (the year its factors lead to)")
    }
    guard let f = walker.entry(fields, "factors") else {
      walker.error(e.keyNode, e.path, "missing key 'factors': year: factor to the scenario's price year, e.g. {2016: 1.299}")
      return
    }
    for entry in walker.mapping(f.value, f.path, what: "year: factor pairs") ?? [] {
      guard let year = Int(entry.key), (1800...2200).contains(year) else {
        walker.error(entry.keyNode, entry.path, "'\(entry.key)' is not a year")
        continue
      }
      guard let factor = walker.number(entry.value, entry.path, what: "a price factor"), factor > 0 else {
        if case .scalar = entry.value { walker.error(entry.value, entry.path, "a price factor must be positive") }
        continue
      }
      priceFactors[year] = factor
    }
  }

  /// The factor for `price_year: Y` on a parameter or cost line (1 for the scenario's own year).
  func priceFactor(_ fields: [MappingEntry]) -> Double {
    guard let e = walker.entry(fields, "price_year"), let year = walker.integer(e.value, e.path, what: "a year such as 2016") else { return 1 }
    if year == scenarioPriceYear { return 1 }
    guard let f = priceFactors[year] else {
      let known = priceFactors.keys.sorted().map(String.init).joined(separator: ", ")
      walker.error(e.value, e.path, "no price index factor for \(year)\(known.isEmpty ? "; add 'price_index: {factors: {\(year): ...}}'" : "; the index has \(known)")")
      return 1
    }
    return f
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

  /// `discount: 0.04` (costs), or `discount: {costs: 0.03, effects: 0.015, source: ...}`.
  /// Effects default to 0 unless given here or per effect.
  func readDiscount(_ e: MappingEntry?, sources: inout [String: Provenance]) -> (costs: Double, effects: Double)? {
    guard let e else { return (0, 0) }
    var provenance: Provenance?
    var items: [(key: String, node: Node, path: [PathComponent])] = [("costs", e.value, e.path)]
    if case .mapping = e.value, let entries = walker.mapping(e.value, e.path) {
      walker.checkKeys(entries, allowed: ["costs", "effects", "source", "assumption", "note"], context: "discount")
      provenance = readProvenance(entries)
      items = ["costs", "effects"].compactMap { k in walker.entry(entries, k).map { (k, $0.value, $0.path) } }
      if items.isEmpty {
        walker.error(e.value, e.path, "give 'costs' and/or 'effects': annual discount rates, e.g. {costs: 0.03, effects: 0.015}")
        return nil
      }
    }
    sources["discount"] = provenance
    var rates: [String: Double] = [:]
    var ok = true
    for (key, node, path) in items {
      warnUnsourced(provenance, node: node, path: path, what: "the discount rate")
      guard let r = walker.number(node, path, what: "an annual discount rate such as 0.03") else {
        ok = false
        continue
      }
      guard r >= 0, r < 1 else {
        walker.error(node, path, "\(r) is not a usable annual discount rate; expected a fraction in [0, 1), e.g. 0.03 for 3%")
        ok = false
        continue
      }
      rates[key] = r
    }
    return ok ? (rates["costs"] ?? 0, rates["effects"] ?? 0) : nil
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
  /// checking every name it uses: parameters always; the model variables (`cycle`, `age`,
  /// attributes, ...) only where `variables` is true (not in parameters, which are drawn once
  /// per run); tables; and the categories it compares with.
  func expression(_ node: Node, _ path: [PathComponent], what: String, variables: Bool = true) -> ModelExpression? {
    guard case .scalar(let s) = node, !YAMLWalker.isNull(node) else {
      walker.error(node, path, "expected \(what) (a number or an expression), found \(YAMLWalker.kind(node))")
      return nil
    }
    let expr: ModelExpression
    do {
      expr = try ModelExpression(s.string)
    } catch {
      var message = "in expression '\(s.string)': \(error.message)"
      if s.style == .plain && error.message.hasSuffix("found end of expression") {
        // `{B: if(c, a, b)}`: YAML splits a flow mapping at every comma.
        message += " (an expression with commas inside { } must be in quotes: \"if(c, a, b)\")"
      }
      walker.error(at: walker.location(node, offset: error.offset), path, message)
      return nil
    }
    var ok = true
    func fail(_ offset: Int, _ message: String) {
      ok = false
      walker.error(at: walker.location(node, offset: offset), path, "in expression '\(s.string)': \(message)")
    }
    let variableNames = ModelVariable.allCases.map(\.rawValue) + attributeCategories.keys.sorted()
    for (name, offset) in expr.references where !parameterNames.contains(name) {
      if ModelVariable(rawValue: name) != nil || attributeCategories[name] != nil {
        if !variables {
          fail(offset, "'\(name)' changes during a run, but parameters are drawn once per run; use '\(name)' in transitions, events, costs or effects instead")
        } else if name == ModelVariable.age.rawValue && !hasAge {
          fail(offset, "'age' needs clients with an age; give one in clients.attributes.age")
        }
        continue
      }
      var message = "unknown name '\(name)'"
      let candidates = parameterNames + (variables ? variableNames : [])
      if let g = Spelling.suggestion(for: name, among: candidates) { message += "; did you mean '\(g)'?" }
      fail(offset, message)
    }
    for (name, offset) in expr.tableReferences where !tableNames.contains(name) {
      var message = "unknown table '\(name)'"
      if let g = Spelling.suggestion(for: name, among: tableNames) { message += "; did you mean '\(g)'?" } else if tableNames.isEmpty { message += "; tables are defined under 'tables:'" }
      fail(offset, message)
    }
    if ok {
      // Compile once against placeholder slots to check texts compared with categories.
      var context = ModelExpression.Context { _ in 0 }
      context.table = { LookupTable(name: $0, bounds: [0], values: [0]) }
      let categories = attributeCategories
      let subgroups = subgroupNames
      context.category = { name, text in
        let list = name == ModelVariable.subgroup.rawValue ? subgroups : categories[name]
        guard let list else {
          return .failure(ExpressionError(message: "'\(name)' is not a categorical variable; only subgroup and attributes such as sex can be compared with a text", offset: 0))
        }
        if let i = list.firstIndex(of: text) { return .success(Double(i)) }
        return .failure(ExpressionError(message: "\"\(text)\" is not a \(name == "subgroup" ? "subgroup" : "category of '\(name)'"); expected one of \(list.map { "\"\($0)\"" }.joined(separator: ", "))", offset: 0))
      }
      do {
        _ = try expr.compile(context)
      } catch {
        fail(error.offset, error.message)
      }
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

  /// `arms: {name: {label, inherits, transitions, parameters}}`. An arm starts from the
  /// shared `transitions` (or, with `inherits: other`, from that arm's rows and parameter
  /// settings; the other arm must be listed above), then replaces the rows it gives and sets
  /// the parameters it gives.
  func readArms(_ e: MappingEntry?, reference: MappingEntry?, shared: [Int: Row], root: Node) -> ([Scenario.Arm], Int) {
    guard let e else {
      walker.error(root, ["arms"], "missing key 'arms': the strategies to compare (e.g. usual care and the intervention)")
      return ([], 0)
    }
    var arms: [Scenario.Arm] = []
    var rowsByArm: [String: [Int: Row]] = [:]
    let entries = walker.mapping(e.value, e.path, what: "arms (name: {label, transitions})") ?? []
    armNames = entries.map(\.key)
    for entry in entries {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "arm") else { continue }
      var label = entry.key
      var rows = shared
      var overrides: [(name: String, value: ModelExpression)] = []
      var parent: String?
      if !YAMLWalker.isNull(entry.value), let fields = walker.mapping(entry.value, entry.path) {
        walker.checkKeys(fields, allowed: ["label", "description", "inherits", "transitions", "parameters", "note"], context: "an arm")
        if let l = walker.entry(fields, "label"), let s = walker.string(l.value, l.path) { label = s }
        if let d = walker.entry(fields, "description") { _ = walker.string(d.value, d.path) }
        if let d = walker.entry(fields, "note") { _ = walker.string(d.value, d.path) }
        if let i = walker.entry(fields, "inherits"), let name = walker.string(i.value, i.path, what: "an arm name") {
          if let base = arms.first(where: { $0.name == name }) {
            parent = name
            rows = rowsByArm[name] ?? shared
            overrides = base.parameterOverrides
            if walker.entry(fields, "label") == nil { label = base.label }
          } else if armNames.contains(name) {
            walker.error(i.value, i.path, "arm '\(entry.key)' inherits from '\(name)', which must be listed above it")
          } else {
            _ = resolve(name, in: armNames, what: "arm", node: i.value, path: i.path)
          }
        }
        if let t = walker.entry(fields, "transitions") {
          for (from, row) in readTransitionRows(t.value, t.path) { rows[from] = row }
        }
        if let p = walker.entry(fields, "parameters") {
          for o in walker.mapping(p.value, p.path, what: "parameter settings (name: value or expression)") ?? [] {
            guard let index = resolve(o.key, in: parameterNames, what: "parameter", node: o.keyNode, path: o.path) else { continue }
            if parameterNames[index].contains(".") {
              walker.error(o.keyNode, o.path, "a component of a vector parameter cannot be set per arm; set a scalar parameter that uses it")
              continue
            }
            // A number with its source ({value: 200, source: ...}), or an expression.
            var value: ModelExpression?
            if case .mapping = o.value {
              let (node, path, provenance) = sourcedValue(o.value, o.path)
              warnUnsourced(provenance, node: node, path: path, what: "the value of '\(o.key)' in arm '\(entry.key)'")
              value = walker.number(node, path, what: "a number").map { ModelExpression(constant: $0) }
            } else {
              value = expression(o.value, o.path, what: "a value", variables: false)
            }
            guard let x = value else { continue }
            overrides.removeAll { $0.name == o.key }
            overrides.append((o.key, x))
          }
        }
      }
      rowsByArm[entry.key] = rows
      var matrix = Array(repeating: Row(), count: stateNames.count)
      for (from, row) in rows where from < matrix.count { matrix[from] = row }
      arms.append(.init(name: entry.key, label: label, transitions: matrix, parameterOverrides: overrides, inherits: parent))
    }
    if entries.isEmpty, !walker.hasErrors { walker.error(e.value, e.path, "at least one arm is needed") }
    var referenceIndex = 0
    if let r = reference, let name = walker.string(r.value, r.path, what: "an arm name") {
      referenceIndex = resolve(name, in: armNames, what: "arm", node: r.value, path: r.path) ?? 0
    }
    return (arms, referenceIndex)
  }

  // MARK: - Checks across sections

  func checkUnusedParameters(
    parameters: [Scenario.Parameter], arms: [Scenario.Arm], events: [Scenario.Event], costs: [Scenario.CostLine],
    effects: [Scenario.Effect], clients: ClientsSpec, groups: [Scenario.Group], budget: Scenario.Budget?
  ) {
    var used = Set<String>()
    func use(_ e: ModelExpression) { for (n, _) in e.references { used.insert(n) } }
    for p in parameters { if case .expression(let e) = p.definition { use(e) } }
    for a in arms {
      for row in a.transitions { for m in row { use(m.probability) } }
      for o in a.parameterOverrides { use(o.value) }
    }
    for ev in events { if case .rate(let r) = ev.kind { for x in r { use(x.mean) } } }
    for c in costs {
      use(c.amount)
      for s in c.shares { use(s.share) }
    }
    for e in effects { for l in e.lines { use(l.amount) } }
    for g in groups {
      use(g.size)
      use(g.minimum)
    }
    if let b = budget {
      for x in [b.inflow.rate, b.inflow.trend, b.capacity.fte, b.capacity.caseload, b.waiting.dropout, b.indexation] { use(x) }
      let p = b.programme
      for x in [p.startup, p.fixedPerYear, p.perFTEYear, p.perClient, p.perClientMonth] { use(x) }
      for l in b.lines { for x in l.caps { use(x) } }
    }
    for a in clients.attributes { for x in a.shares { use(x) } }
    for (_, x) in clients.start { use(x) }
    for g in clients.subgroups {
      use(g.share)
      for (_, x) in g.start { use(x) }
      for (_, xs) in g.attributeShares { for x in xs { use(x) } }
    }
    for p in parameters where !p.valueNames.contains(where: used.contains) {
      walker.warning(at: p.location, ["parameters", .key(p.name)], "parameter '\(p.name)' is not used by any transition, event, cost or effect")
    }
  }
}
