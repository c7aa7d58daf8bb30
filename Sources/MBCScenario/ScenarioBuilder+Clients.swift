import MBCRandom
import Yams

/// The `clients:` section as read before the parameters are known; shares (which may be
/// expressions of parameters) are read afterwards by ``ScenarioBuilder/readClientShares(_:startEntry:)``.
struct ClientsSpec {
  var count: Int?
  var subgroups: [Scenario.Subgroup] = []
  var attributes: [Scenario.Attribute] = []
  var age: Scenario.AgeSpec?
  var start: [(state: Int, share: ModelExpression)] = []
  // Nodes whose expressions are read after the parameters.
  var subgroupShareNodes: [(Node, [PathComponent])?] = []
  var subgroupStartNodes: [(Node, [PathComponent])?] = []
  var attributeShareNodes: [[(Node, [PathComponent])]] = []
  var subgroupAttributeNodes: [[Int: [(Node, [PathComponent])]]] = []
}

extension ScenarioBuilder {
  static let clientKeys = ["count", "attributes", "subgroups", "source", "assumption", "note"]

  /// `clients: 100` or `clients: {count, attributes, subgroups}`.
  func readClients(_ e: MappingEntry?, sources: inout [String: Provenance]) -> ClientsSpec {
    var spec = ClientsSpec()
    guard let e else {
      walker.error(rootNode, ["clients"], "missing key 'clients': the number of clients per run (e.g. 100), or {count, attributes, subgroups}")
      return spec
    }
    guard case .mapping = e.value, let fields = walker.mapping(e.value, e.path), walker.entry(fields, "value") == nil else {
      spec.count = readPositiveInteger(e, key: "clients", what: "the number of clients per run", sources: &sources, range: 1...10_000_000)
      return spec
    }
    walker.checkKeys(fields, allowed: Self.clientKeys, context: "clients")
    if let c = walker.entry(fields, "count") {
      spec.count = readPositiveInteger(c, key: "clients", what: "the number of clients per run", sources: &sources, range: 1...10_000_000)
    } else {
      walker.error(e.keyNode, e.path, "missing key 'count': the number of clients per run")
    }
    if let a = walker.entry(fields, "attributes") {
      let (attributes, age, nodes) = readAttributes(a.value, a.path, declared: nil)
      spec.attributes = attributes
      spec.age = age
      spec.attributeShareNodes = attributes.indices.map { nodes[$0] ?? [] }
      hasAge = age != nil
    }
    attributeCategories = Dictionary(spec.attributes.map { ($0.name, $0.categories) }, uniquingKeysWith: { a, _ in a })
    if let g = walker.entry(fields, "subgroups") {
      for entry in walker.mapping(g.value, g.path, what: "subgroups (name: {share, label, start, attributes})") ?? [] {
        guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "subgroup"),
          let sf = walker.mapping(entry.value, entry.path)
        else { continue }
        walker.checkKeys(sf, allowed: ["label", "share", "start", "attributes", "source", "assumption", "note", "description"], context: "subgroup '\(entry.key)'")
        let provenance = readProvenance(sf)
        let label = walker.entry(sf, "label").flatMap { walker.string($0.value, $0.path) } ?? entry.key
        if let d = walker.entry(sf, "description") { _ = walker.string(d.value, d.path) }
        let share = walker.entry(sf, "share")
        if share == nil { walker.error(entry.keyNode, entry.path, "subgroup '\(entry.key)' needs 'share': its fraction of the clients") }
        if let share, YAMLWalker.parseNumber(scalarText(share.value) ?? "") != nil { warnUnsourced(provenance, node: share.value, path: share.path, what: "the share of subgroup '\(entry.key)'") }
        var age: Scenario.AgeSpec?
        var overrideNodes: [Int: [(Node, [PathComponent])]] = [:]
        if let a = walker.entry(sf, "attributes") {
          let (over, subAge, nodes) = readAttributes(a.value, a.path, declared: spec.attributes)
          age = subAge
          if subAge != nil { hasAge = true }
          for (i, attr) in over.enumerated() {
            if let k = spec.attributes.firstIndex(where: { $0.name == attr.name }) { overrideNodes[k] = nodes[i] ?? [] }
          }
        }
        spec.subgroups.append(.init(name: entry.key, label: label, share: ModelExpression(constant: 1), start: [], age: age, attributeShares: [:]))
        spec.subgroupShareNodes.append(share.map { ($0.value, $0.path) })
        spec.subgroupStartNodes.append(walker.entry(sf, "start").map { ($0.value, $0.path) })
        spec.subgroupAttributeNodes.append(overrideNodes)
      }
    }
    subgroupNames = spec.subgroups.map(\.name)
    if hasAge, spec.age == nil, spec.subgroups.contains(where: { $0.age == nil }) {
      walker.error(e.keyNode, e.path, "some subgroups have an age and others not; give every subgroup an age, or clients.attributes.age for all")
    }
    return spec
  }

  private func scalarText(_ node: Node) -> String? {
    if case .scalar(let s) = node { return s.string }
    return nil
  }

  /// `attributes: {age: <number or distribution>, sex: {female: 0.4, male: 0.6, source: ...}}`.
  /// With `declared`, only attributes declared at the top may appear (subgroup overrides).
  private func readAttributes(_ node: Node, _ path: [PathComponent], declared: [Scenario.Attribute]?)
    -> ([Scenario.Attribute], Scenario.AgeSpec?, [Int: [(Node, [PathComponent])]])
  {
    var attributes: [Scenario.Attribute] = []
    var age: Scenario.AgeSpec?
    var nodes: [Int: [(Node, [PathComponent])]] = [:]
    for entry in walker.mapping(node, path, what: "attributes (age: distribution; name: {category: share})") ?? [] {
      if entry.key == "age" {
        age = readAge(entry)
        continue
      }
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "attribute") else { continue }
      if ScenarioLoader.reservedNames.contains(entry.key) {
        walker.error(entry.keyNode, entry.path, "'\(entry.key)' is a reserved name; choose another attribute name")
        continue
      }
      if let declared, !declared.contains(where: { $0.name == entry.key }) {
        walker.error(entry.keyNode, entry.path, "attribute '\(entry.key)' is not declared in clients.attributes; declare it there first")
        continue
      }
      guard let fields = walker.mapping(entry.value, entry.path, what: "category shares, e.g. {female: 0.4, male: 0.6}") else { continue }
      let provenance = readProvenance(fields)
      let categories = fields.filter { !["source", "assumption", "note"].contains($0.key) }
      if categories.count < 2 {
        walker.error(entry.keyNode, entry.path, "a categorical attribute needs at least two categories with shares")
        continue
      }
      if let decl = declared?.first(where: { $0.name == entry.key }), decl.categories != categories.map(\.key) {
        walker.error(entry.keyNode, entry.path, "the categories of '\(entry.key)' must be those declared in clients.attributes (\(decl.categories.joined(separator: ", "))), in that order")
        continue
      }
      for c in categories { _ = walker.identifier(c.key, c.keyNode, c.path, what: "category") }
      if categories.contains(where: { YAMLWalker.parseNumber(scalarText($0.value) ?? "") != nil }) {
        warnUnsourced(provenance, node: entry.keyNode, path: entry.path, what: "the split of '\(entry.key)' into categories")
      }
      nodes[attributes.count] = categories.map { ($0.value, $0.path) }
      attributes.append(.init(name: entry.key, categories: categories.map(\.key), shares: []))
    }
    return (attributes, age, nodes)
  }

  private func readAge(_ entry: MappingEntry) -> Scenario.AgeSpec? {
    if case .scalar = entry.value, let v = walker.number(entry.value, entry.path, what: "an age in years or a distribution") {
      warnUnsourced(nil, node: entry.value, path: entry.path, what: "the age")
      guard (0...Scenario.AgeSpec.maximumAge).contains(v) else {
        walker.error(entry.value, entry.path, "an age of \(v) years is outside 0 to \(Int(Scenario.AgeSpec.maximumAge))")
        return nil
      }
      return .init(distribution: .fixed(v), written: ScenarioBuilder.format(v))
    }
    guard let fields = walker.mapping(entry.value, entry.path, what: "an age in years or a distribution") else { return nil }
    walker.checkKeys(fields, allowed: ["dist", "value", "source", "assumption", "note"] + Self.distributionKeys, context: "age")
    warnUnsourced(readProvenance(fields), node: entry.keyNode, path: entry.path, what: "the age distribution")
    guard let (d, written) = readScalarDistribution(fields, node: entry.keyNode, path: entry.path, name: "age") else { return nil }
    if case .fixed(let v) = d, !(0...Scenario.AgeSpec.maximumAge).contains(v) {
      walker.error(entry.keyNode, entry.path, "an age of \(v) years is outside 0 to \(Int(Scenario.AgeSpec.maximumAge))")
      return nil
    }
    return .init(distribution: d, written: written)
  }

  /// Reads the shares of subgroups, categories and start states, which may use parameters.
  func readClientShares(_ spec: inout ClientsSpec, startEntry: MappingEntry?) {
    for (k, nodes) in spec.attributeShareNodes.enumerated() {
      spec.attributes[k].shares = nodes.compactMap { shareExpression($0.0, $0.1, what: "a category share") }
    }
    let everySubgroupHasStart = !spec.subgroups.isEmpty && spec.subgroupStartNodes.allSatisfy { $0 != nil }
    if let startEntry {
      spec.start = readStart(startEntry.value, startEntry.path)
    } else if !stateNames.isEmpty && !everySubgroupHasStart {
      walker.error(rootNode, ["start"], "missing key 'start': the state every client starts in (one of \(stateNames.joined(separator: ", "))), or shares {State: share}")
    }
    if spec.subgroups.isEmpty {
      spec.subgroups = [.init(name: "all", label: "All clients", share: ModelExpression(constant: 1), start: [], age: spec.age, attributeShares: [:])]
      return
    }
    for i in spec.subgroups.indices {
      if let (node, path) = spec.subgroupShareNodes[i], let x = shareExpression(node, path, what: "a subgroup share") {
        spec.subgroups[i].share = x
      }
      if let (node, path) = spec.subgroupStartNodes[i] { spec.subgroups[i].start = readStart(node, path) }
      if spec.subgroups[i].age == nil { spec.subgroups[i].age = spec.age }
      for (k, nodes) in spec.subgroupAttributeNodes[i] {
        spec.subgroups[i].attributeShares[k] = nodes.compactMap { shareExpression($0.0, $0.1, what: "a category share") }
      }
    }
    let constants = spec.subgroups.compactMap { $0.share.constantValue }
    if constants.count == spec.subgroups.count, abs(constants.reduce(0, +) - 1) > 1e-9 {
      walker.error(rootNode, ["clients", "subgroups"], "the subgroup shares sum to \(constants.reduce(0, +)); they must sum to 1")
    }
  }

  /// `start: State` or `start: {State: share, ...}` (shares summing to 1).
  func readStart(_ node: Node, _ path: [PathComponent]) -> [(state: Int, share: ModelExpression)] {
    if case .scalar = node {
      guard let s = walker.string(node, path, what: "a state name"),
        let i = resolve(s, in: stateNames, what: "state", node: node, path: path)
      else { return [] }
      return [(i, ModelExpression(constant: 1))]
    }
    var out: [(state: Int, share: ModelExpression)] = []
    let entries = walker.mapping(node, path, what: "a state name, or shares {State: share}") ?? []
    for e in entries {
      guard let i = resolve(e.key, in: stateNames, what: "state", node: e.keyNode, path: e.path),
        let x = shareExpression(e.value, e.path, what: "a share")
      else { continue }
      out.append((i, x))
    }
    let constants = out.compactMap { $0.share.constantValue }
    if !entries.isEmpty, constants.count == out.count, abs(constants.reduce(0, +) - 1) > 1e-9 {
      walker.error(node, path, "the start shares sum to \(constants.reduce(0, +)); they must sum to 1")
    }
    return out
  }
}
