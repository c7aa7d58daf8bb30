import MBCRandom
import Yams

extension ScenarioBuilder {
  /// The distribution families and the parameterisations each accepts, in the order tried.
  static let parameterisations: [String: [[String]]] = [
    "fixed": [["value"]],
    "beta": [["mean", "sd"], ["alpha", "beta"]],
    "gamma": [["mean", "sd"], ["shape", "scale"], ["shape", "rate"]],
    "lognormal": [["meanlog", "sdlog"], ["median", "sigma"], ["mean", "sd"]],
    "normal": [["mean", "sd"]],
    "uniform": [["min", "max"]],
    "poisson": [["mean"]],
  ]
  static let distributionKeys = ["mean", "sd", "alpha", "beta", "shape", "scale", "rate", "meanlog", "sdlog", "median", "sigma", "min", "max"]
  static let parameterKeys = ["dist", "value", "expr", "label", "source", "assumption", "note"] + distributionKeys

  /// Reads `parameters:`, then orders them so that every expression follows what it uses.
  func readParameters(_ e: MappingEntry?) -> [Scenario.Parameter] {
    guard let e, !YAMLWalker.isNull(e.value) else { return [] }
    let entries = walker.mapping(e.value, e.path, what: "parameters (name: value, distribution or expression)") ?? []
    // Names first, so that expressions can refer to parameters defined later in the file.
    parameterNames = entries.map(\.key)
    var parameters: [Scenario.Parameter] = []
    for entry in entries {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "parameter") else { continue }
      if ScenarioLoader.reservedNames.contains(entry.key) || ModelExpression.Function(rawValue: entry.key) != nil {
        walker.error(entry.keyNode, entry.path, "'\(entry.key)' is a reserved name; choose another parameter name")
        continue
      }
      if let p = readParameter(entry) { parameters.append(p) }
    }
    return orderByDependencies(parameters)
  }

  private func readParameter(_ entry: MappingEntry) -> Scenario.Parameter? {
    let location = walker.location(entry.keyNode)
    func make(_ d: Scenario.Parameter.Definition, _ provenance: Provenance, label: String?, written: String) -> Scenario.Parameter {
      Scenario.Parameter(name: entry.key, label: label, definition: d, provenance: provenance, location: location, written: written)
    }
    switch entry.value {
    case .scalar(let s):
      warnUnsourced(nil, node: entry.value, path: entry.path, what: "parameter '\(entry.key)'")
      if let v = YAMLWalker.parseNumber(s.string) {
        return make(.distribution(.fixed(v)), Provenance(), label: nil, written: ScenarioBuilder.format(v))
      }
      guard let x = expression(entry.value, entry.path, what: "a value") else { return nil }
      return make(.expression(x), Provenance(), label: nil, written: x.text)
    case .mapping:
      guard let fields = walker.mapping(entry.value, entry.path) else { return nil }
      walker.checkKeys(fields, allowed: Self.parameterKeys, context: "parameter '\(entry.key)'")
      let provenance = readProvenance(fields)
      let label = walker.entry(fields, "label").flatMap { walker.string($0.value, $0.path) }
      warnUnsourced(provenance, node: entry.keyNode, path: entry.path, what: "parameter '\(entry.key)'")
      let given = fields.filter { Self.distributionKeys.contains($0.key) }
      let expr = walker.entry(fields, "expr")
      let value = walker.entry(fields, "value")
      let dist = walker.entry(fields, "dist")
      let kinds = [expr, value, dist].compactMap { $0 }
      guard kinds.count == 1 else {
        if kinds.isEmpty {
          walker.error(entry.keyNode, entry.path, "parameter '\(entry.key)' needs one of 'value' (a number), 'dist' (a distribution) or 'expr' (an expression)")
        } else {
          walker.error(kinds[1].keyNode, kinds[1].path, "give only one of 'value', 'dist' and 'expr' for parameter '\(entry.key)'")
        }
        return nil
      }
      if let expr {
        if let g = given.first { walker.error(g.keyNode, g.path, "'\(g.key)' belongs to a distribution; an 'expr' parameter takes no distribution keys") }
        guard let x = expression(expr.value, expr.path, what: "an expression") else { return nil }
        return make(.expression(x), provenance, label: label, written: x.text)
      }
      if let value {
        if let g = given.first { walker.error(g.keyNode, g.path, "'\(g.key)' belongs to a distribution; use 'dist:' to give one, or only 'value:'") }
        guard let v = walker.number(value.value, value.path, what: "a number") else { return nil }
        return make(.distribution(.fixed(v)), provenance, label: label, written: ScenarioBuilder.format(v))
      }
      guard let dist, let family = walker.string(dist.value, dist.path, what: "a distribution name") else { return nil }
      guard let forms = Self.parameterisations[family] else {
        let names = Self.parameterisations.keys.sorted()
        var message = "unknown distribution '\(family)'"
        if let g = Spelling.suggestion(for: family, among: names) { message += "; did you mean '\(g)'?" } else { message += "; expected one of \(names.joined(separator: ", "))" }
        walker.error(dist.value, dist.path, message)
        return nil
      }
      let givenKeys = Set(given.map(\.key))
      guard let form = forms.first(where: { Set($0) == givenKeys }) else {
        let accepted = forms.map { $0.joined(separator: " and ") }.joined(separator: ", or ")
        let found = given.isEmpty ? "none" : given.map(\.key).joined(separator: ", ")
        walker.error(dist.value, dist.path, "a \(family) distribution takes \(accepted); found \(found)")
        return nil
      }
      var values: [String: Double] = [:]
      for g in given {
        guard let v = walker.number(g.value, g.path, what: "a number for '\(g.key)'") else { return nil }
        values[g.key] = v
      }
      let written = "\(family)(" + form.map { "\($0) \(ScenarioBuilder.format(values[$0]!))" }.joined(separator: ", ") + ")"
      do {
        let d = try Self.distribution(family, form, values)
        return make(.distribution(d), provenance, label: label, written: written)
      } catch {
        walker.error(entry.keyNode, entry.path, error.message)
        return nil
      }
    default:
      walker.error(entry.value, entry.path, "expected a number, an expression, or a mapping with 'dist', 'value' or 'expr'; found \(YAMLWalker.kind(entry.value))")
      return nil
    }
  }

  static func distribution(_ family: String, _ form: [String], _ v: [String: Double]) throws(DistributionError) -> Distribution {
    switch (family, form) {
    case ("fixed", _): return try Distribution.fixed(v["value"]!).validated()
    case ("beta", ["mean", "sd"]): return try .beta(mean: v["mean"]!, sd: v["sd"]!)
    case ("beta", _): return try Distribution.beta(alpha: v["alpha"]!, beta: v["beta"]!).validated()
    case ("gamma", ["mean", "sd"]): return try .gamma(mean: v["mean"]!, sd: v["sd"]!)
    case ("gamma", ["shape", "scale"]): return try Distribution.gamma(shape: v["shape"]!, scale: v["scale"]!).validated()
    case ("gamma", _): return try .gamma(shape: v["shape"]!, rate: v["rate"]!)
    case ("lognormal", ["meanlog", "sdlog"]): return try Distribution.lognormal(meanlog: v["meanlog"]!, sdlog: v["sdlog"]!).validated()
    case ("lognormal", ["median", "sigma"]): return try .lognormal(median: v["median"]!, sigma: v["sigma"]!)
    case ("lognormal", _): return try .lognormal(mean: v["mean"]!, sd: v["sd"]!)
    case ("normal", _): return try Distribution.normal(mean: v["mean"]!, sd: v["sd"]!).validated()
    case ("uniform", _): return try Distribution.uniform(min: v["min"]!, max: v["max"]!).validated()
    default: return try Distribution.poisson(mean: v["mean"]!).validated()
    }
  }

  /// Orders parameters so that each expression comes after the parameters it uses (file order
  /// otherwise); reports each dependency cycle with its path.
  func orderByDependencies(_ parameters: [Scenario.Parameter]) -> [Scenario.Parameter] {
    let index = Dictionary(uniqueKeysWithValues: parameters.enumerated().map { ($1.name, $0) })
    var dependencies: [[Int]] = parameters.map { p in
      guard case .expression(let e) = p.definition else { return [] }
      return e.references.compactMap { index[$0.name] }
    }
    var ordered: [Scenario.Parameter] = []
    var state = [UInt8](repeating: 0, count: parameters.count)  // 0 new, 1 on stack, 2 done
    var reported = Set<Int>()
    func visit(_ i: Int, _ stack: [Int]) {
      if state[i] == 2 { return }
      if state[i] == 1 {
        let cycle = Array(stack[stack.firstIndex(of: i)!...]) + [i]
        if reported.insert(cycle.min()!).inserted {
          let names = cycle.map { parameters[$0].name }.joined(separator: " → ")
          walker.error(at: parameters[i].location, ["parameters", .key(parameters[i].name)], "parameters depend on each other in a cycle: \(names)")
        }
        return
      }
      state[i] = 1
      for d in dependencies[i] { visit(d, stack + [i]) }
      state[i] = 2
      ordered.append(parameters[i])
    }
    for i in parameters.indices { visit(i, []) }
    dependencies.removeAll()
    return ordered
  }
}
