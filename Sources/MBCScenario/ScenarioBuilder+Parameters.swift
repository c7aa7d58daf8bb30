import Foundation
import MBCRandom
import Yams

extension ScenarioBuilder {
  /// The distribution families and the parameterisations each accepts, in the order tried.
  /// `lower`/`upper` are a 95% interval; `min`/`max` are bounds of the support.
  static let parameterisations: [String: [[String]]] = [
    "fixed": [["value"]],
    "beta": [["mean", "sd"], ["alpha", "beta"], ["mean", "lower", "upper"]],
    "gamma": [["mean", "sd"], ["shape", "scale"], ["shape", "rate"], ["mean", "lower", "upper"]],
    "lognormal": [["meanlog", "sdlog"], ["median", "sigma"], ["mean", "sd"], ["median", "lower", "upper"], ["mean", "lower", "upper"]],
    "normal": [["mean", "sd"], ["mean", "lower", "upper"]],
    "truncated_normal": [["mean", "sd", "min", "max"], ["mean", "sd", "min"], ["mean", "sd", "max"]],
    "uniform": [["min", "max"]],
    "triangular": [["min", "mode", "max"]],
    "pert": [["min", "mode", "max"], ["min", "mode", "max", "shape"]],
    "poisson": [["mean"]],
    "empirical": [["values"], ["file", "column"]],
    "bootstrap": [["values"], ["file", "column"]],
    "dirichlet": [["counts"], ["alpha"]],
    "mvnormal": [["mean", "covariance"]],
  ]
  static let numericKeys = [
    "mean", "sd", "alpha", "beta", "shape", "scale", "rate", "meanlog", "sdlog", "median", "sigma", "min", "max",
    "mode", "lower", "upper",
  ]
  static let distributionKeys = numericKeys + ["values", "file", "column", "counts", "covariance"]
  static let parameterKeys = ["dist", "value", "expr", "label", "source", "assumption", "note", "price_year"] + distributionKeys

  /// Reads `parameters:`, then orders them so that every expression follows what it uses.
  func readParameters(_ e: MappingEntry?) -> [Scenario.Parameter] {
    guard let e, !YAMLWalker.isNull(e.value) else { return [] }
    let entries = walker.mapping(e.value, e.path, what: "parameters (name: value, distribution or expression)") ?? []
    // Names first, so that expressions can refer to parameters defined later in the file.
    parameterNames = entries.flatMap { entry -> [String] in
      guard let fields = entry.value.mapping, let dist = fields["dist"]?.scalar?.string, dist == "dirichlet" || dist == "mvnormal" else {
        return [entry.key]
      }
      let key = dist == "dirichlet" ? (fields["counts"] != nil ? "counts" : "alpha") : "mean"
      let components = fields[key]?.mapping?.keys.compactMap { $0.scalar?.string } ?? []
      return components.map { "\(entry.key).\($0)" }
    }
    var parameters: [Scenario.Parameter] = []
    for entry in entries {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "parameter") else { continue }
      if ScenarioLoader.reservedNames.contains(entry.key) || ModelExpression.Function(rawValue: entry.key) != nil
        || attributeCategories[entry.key] != nil
      {
        walker.error(entry.keyNode, entry.path, "'\(entry.key)' is a reserved name; choose another parameter name")
        continue
      }
      if let p = readParameter(entry) { parameters.append(p) }
    }
    return orderByDependencies(parameters)
  }

  private func readParameter(_ entry: MappingEntry) -> Scenario.Parameter? {
    let location = walker.location(entry.keyNode)
    func make(_ d: Scenario.Parameter.Definition, _ provenance: Provenance, label: String?, written: String, factor: Double = 1) -> Scenario.Parameter {
      Scenario.Parameter(name: entry.key, label: label, definition: d, provenance: provenance, location: location, written: written, priceFactor: factor)
    }
    switch entry.value {
    case .scalar(let s):
      warnUnsourced(nil, node: entry.value, path: entry.path, what: "parameter '\(entry.key)'")
      if let v = YAMLWalker.parseNumber(s.string) {
        return make(.distribution(.fixed(v)), Provenance(), label: nil, written: ScenarioBuilder.format(v))
      }
      guard let x = expression(entry.value, entry.path, what: "a value", variables: false) else { return nil }
      return make(.expression(x), Provenance(), label: nil, written: x.text)
    case .mapping:
      guard let fields = walker.mapping(entry.value, entry.path) else { return nil }
      walker.checkKeys(fields, allowed: Self.parameterKeys, context: "parameter '\(entry.key)'")
      let provenance = readProvenance(fields)
      let label = walker.entry(fields, "label").flatMap { walker.string($0.value, $0.path) }
      warnUnsourced(provenance, node: entry.keyNode, path: entry.path, what: "parameter '\(entry.key)'")
      let factor = priceFactor(fields)
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
        guard let x = expression(expr.value, expr.path, what: "an expression", variables: false) else { return nil }
        return make(.expression(x), provenance, label: label, written: x.text, factor: factor)
      }
      if let value {
        if let g = given.first { walker.error(g.keyNode, g.path, "'\(g.key)' belongs to a distribution; use 'dist:' to give one, or only 'value:'") }
        guard let v = walker.number(value.value, value.path, what: "a number") else { return nil }
        return make(.distribution(.fixed(v)), provenance, label: label, written: ScenarioBuilder.format(v), factor: factor)
      }
      if let family = dist.flatMap({ walker.string($0.value, $0.path) }), family == "dirichlet" || family == "mvnormal" {
        if walker.entry(fields, "price_year") != nil {
          walker.error(entry.keyNode, entry.path, "a \(family) parameter cannot have a price_year; index its components' uses instead")
        }
        guard let (spec, components, written) = readVectorDistribution(family, fields, node: entry.keyNode, path: entry.path) else { return nil }
        return make(.vector(spec, components: components), provenance, label: label, written: written)
      }
      guard let (d, written) = readScalarDistribution(fields, node: entry.keyNode, path: entry.path, name: entry.key) else { return nil }
      return make(.distribution(d), provenance, label: label, written: written, factor: factor)
    default:
      walker.error(entry.value, entry.path, "expected a number, an expression, or a mapping with 'dist', 'value' or 'expr'; found \(YAMLWalker.kind(entry.value))")
      return nil
    }
  }

  /// A scalar distribution from a mapping with `dist:` (or `value:` for a fixed number) and
  /// the keys of one of its parameterisations. Returns it with how it was written.
  func readScalarDistribution(_ fields: [MappingEntry], node: Node, path: [PathComponent], name: String) -> (Distribution, String)? {
    if let value = walker.entry(fields, "value"), walker.entry(fields, "dist") == nil {
      guard let v = walker.number(value.value, value.path, what: "a number") else { return nil }
      return (.fixed(v), ScenarioBuilder.format(v))
    }
    guard let dist = walker.entry(fields, "dist") else {
      walker.error(node, path, "'\(name)' needs 'dist' (a distribution) or 'value' (a number)")
      return nil
    }
    guard let family = walker.string(dist.value, dist.path, what: "a distribution name") else { return nil }
    guard let forms = Self.parameterisations[family], family != "dirichlet", family != "mvnormal" else {
      let names = Self.parameterisations.keys.filter { $0 != "dirichlet" && $0 != "mvnormal" }.sorted()
      var message = "unknown distribution '\(family)'"
      if Self.parameterisations[family] != nil {
        message = "a \(family) distribution has several components and cannot be used here"
      } else if let g = Spelling.suggestion(for: family, among: Array(Self.parameterisations.keys)) {
        message += "; did you mean '\(g)'?"
      } else {
        message += "; expected one of \(names.joined(separator: ", "))"
      }
      walker.error(dist.value, dist.path, message)
      return nil
    }
    let given = fields.filter { Self.distributionKeys.contains($0.key) }
    let givenKeys = Set(given.map(\.key))
    guard let form = forms.first(where: { Set($0) == givenKeys }) else {
      let accepted = forms.map { $0.joined(separator: " and ") }.joined(separator: ", or ")
      let found = given.isEmpty ? "none" : given.map(\.key).joined(separator: ", ")
      walker.error(dist.value, dist.path, "a \(family) distribution takes \(accepted); found \(found)")
      return nil
    }
    if family == "empirical" || family == "bootstrap" {
      guard let values = readDataValues(fields, node: node, path: path) else { return nil }
      let written = "\(family)(\(values.count) values\(walker.entry(fields, "file").map { " from \(walker.string($0.value, $0.path) ?? "")" } ?? ""))"
      do {
        let d = try (family == "empirical" ? Distribution.empirical(values) : Distribution.bootstrapMean(values)).validated()
        return (d, written)
      } catch {
        walker.error(node, path, error.message)
        return nil
      }
    }
    var values: [String: Double] = [:]
    for g in given {
      guard let v = walker.number(g.value, g.path, what: "a number for '\(g.key)'") else { return nil }
      values[g.key] = v
    }
    let written = "\(family)(" + form.map { "\($0) \(ScenarioBuilder.format(values[$0]!))" }.joined(separator: ", ") + ")"
    do {
      return (try Self.distribution(family, form, values), written)
    } catch {
      walker.error(node, path, error.message)
      return nil
    }
  }

  static func distribution(_ family: String, _ form: [String], _ v: [String: Double]) throws(DistributionError) -> Distribution {
    func x(_ k: String) -> Double { v[k]! }
    switch (family, form) {
    case ("fixed", _): return try Distribution.fixed(x("value")).validated()
    case ("beta", ["mean", "sd"]): return try .beta(mean: x("mean"), sd: x("sd"))
    case ("beta", ["alpha", "beta"]): return try Distribution.beta(alpha: x("alpha"), beta: x("beta")).validated()
    case ("beta", _): return try .beta(mean: x("mean"), lower: x("lower"), upper: x("upper"))
    case ("gamma", ["mean", "sd"]): return try .gamma(mean: x("mean"), sd: x("sd"))
    case ("gamma", ["shape", "scale"]): return try Distribution.gamma(shape: x("shape"), scale: x("scale")).validated()
    case ("gamma", ["shape", "rate"]): return try .gamma(shape: x("shape"), rate: x("rate"))
    case ("gamma", _): return try .gamma(mean: x("mean"), lower: x("lower"), upper: x("upper"))
    case ("lognormal", ["meanlog", "sdlog"]): return try Distribution.lognormal(meanlog: x("meanlog"), sdlog: x("sdlog")).validated()
    case ("lognormal", ["median", "sigma"]): return try .lognormal(median: x("median"), sigma: x("sigma"))
    case ("lognormal", ["mean", "sd"]): return try .lognormal(mean: x("mean"), sd: x("sd"))
    case ("lognormal", ["median", "lower", "upper"]): return try .lognormal(median: x("median"), lower: x("lower"), upper: x("upper"))
    case ("lognormal", _): return try .lognormal(mean: x("mean"), lower: x("lower"), upper: x("upper"))
    case ("normal", ["mean", "sd"]): return try Distribution.normal(mean: x("mean"), sd: x("sd")).validated()
    case ("normal", _): return try .normal(mean: x("mean"), lower: x("lower"), upper: x("upper"))
    case ("truncated_normal", _):
      return try Distribution.truncatedNormal(mean: x("mean"), sd: x("sd"), lower: v["min"] ?? -.infinity, upper: v["max"] ?? .infinity).validated()
    case ("uniform", _): return try Distribution.uniform(min: x("min"), max: x("max")).validated()
    case ("triangular", _): return try Distribution.triangular(min: x("min"), mode: x("mode"), max: x("max")).validated()
    case ("pert", _): return try Distribution.pert(min: x("min"), mode: x("mode"), max: x("max"), shape: v["shape"] ?? 4).validated()
    default: return try Distribution.poisson(mean: x("mean")).validated()
    }
  }

  /// `values: [...]`, or `file: data.csv` with `column: name` (a path relative to the scenario).
  private func readDataValues(_ fields: [MappingEntry], node: Node, path: [PathComponent]) -> [Double]? {
    if let list = walker.entry(fields, "values") {
      let items = walker.sequence(list.value, list.path) ?? []
      let values = items.compactMap { walker.number($0.0, $0.1, what: "a number") }
      guard values.count == items.count else { return nil }
      if values.isEmpty { walker.error(list.value, list.path, "the list of values is empty") }
      return values.isEmpty ? nil : values
    }
    guard let f = walker.entry(fields, "file"), let name = walker.string(f.value, f.path, what: "a CSV file name"),
      let c = walker.entry(fields, "column"), let column = walker.string(c.value, c.path, what: "a column name")
    else { return nil }
    return readCSVColumn(name, column: column, node: f.value, path: f.path)
  }

  /// One numeric column of a CSV file next to the scenario (header row, `,` separators).
  func readCSVColumn(_ name: String, column: String, node: Node, path: [PathComponent]) -> [Double]? {
    let base = URL(fileURLWithPath: file).deletingLastPathComponent()
    let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : base.appendingPathComponent(name)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      walker.error(node, path, "cannot read the CSV file '\(url.path)'")
      return nil
    }
    let table = CSVReader.parse(text)
    guard let header = table.first, let j = header.firstIndex(of: column) else {
      walker.error(node, path, "'\(url.path)' has no column '\(column)'\(table.first.map { "; its columns are \($0.joined(separator: ", "))" } ?? "")")
      return nil
    }
    var values: [Double] = []
    for (i, row) in table.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
      guard j < row.count, let v = YAMLWalker.parseNumber(row[j]) else {
        walker.error(node, path, "'\(url.path)' line \(i + 2), column '\(column)': '\(j < row.count ? row[j] : "")' is not a number")
        return nil
      }
      values.append(v)
    }
    if values.isEmpty { walker.error(node, path, "column '\(column)' of '\(url.path)' has no values") }
    return values.isEmpty ? nil : values
  }

  /// Dirichlet (`counts:` or `alpha:` by component) or multivariate normal (`mean:` by
  /// component and `covariance:` as a list of rows).
  private func readVectorDistribution(_ family: String, _ fields: [MappingEntry], node: Node, path: [PathComponent])
    -> (Scenario.VectorSpec, [String], String)?
  {
    let allowed = family == "dirichlet" ? ["counts", "alpha"] : ["mean", "covariance"]
    for f in fields where Self.distributionKeys.contains(f.key) && !allowed.contains(f.key) {
      walker.error(f.keyNode, f.path, "'\(f.key)' does not apply to a \(family) distribution; it takes \(family == "dirichlet" ? "counts (or alpha)" : "mean and covariance")")
      return nil
    }
    func namedNumbers(_ e: MappingEntry) -> ([String], [Double])? {
      let entries = walker.mapping(e.value, e.path, what: "component: number pairs") ?? []
      var names: [String] = []
      var values: [Double] = []
      for c in entries {
        guard walker.identifier(c.key, c.keyNode, c.path, what: "component"), let v = walker.number(c.value, c.path) else { return nil }
        names.append(c.key)
        values.append(v)
      }
      if entries.isEmpty { walker.error(e.value, e.path, "at least one component is needed") }
      return entries.isEmpty ? nil : (names, values)
    }
    if family == "dirichlet" {
      guard let e = walker.entry(fields, "counts") ?? walker.entry(fields, "alpha"), let (names, alpha) = namedNumbers(e) else {
        walker.error(node, path, "a dirichlet distribution takes 'counts' (or 'alpha'): {component: count, ...}")
        return nil
      }
      if let bad = alpha.firstIndex(where: { !($0 > 0) }) {
        walker.error(e.value, e.path, "every Dirichlet count must be positive; '\(names[bad])' is \(alpha[bad])")
        return nil
      }
      let written = "dirichlet(" + zip(names, alpha).map { "\($0) \(ScenarioBuilder.format($1))" }.joined(separator: ", ") + ")"
      return (.dirichlet(alpha: alpha), names, written)
    }
    guard let m = walker.entry(fields, "mean"), let (names, mean) = namedNumbers(m) else {
      walker.error(node, path, "an mvnormal distribution takes 'mean' ({component: mean}) and 'covariance' (rows)")
      return nil
    }
    guard let c = walker.entry(fields, "covariance") else {
      walker.error(node, path, "an mvnormal distribution needs 'covariance': a list of \(names.count) rows of \(names.count) numbers")
      return nil
    }
    guard let matrix = readMatrix(c, order: names.count, what: "covariance") else { return nil }
    let written = "mvnormal(" + names.joined(separator: ", ") + ")"
    return (.multivariateNormal(mean: mean, covariance: matrix), names, written)
  }

  /// A square matrix written as a list of rows; checks its order and symmetry.
  func readMatrix(_ e: MappingEntry, order n: Int, what: String) -> [Double]? {
    let rows = walker.sequence(e.value, e.path) ?? []
    guard rows.count == n else {
      walker.error(e.value, e.path, "the \(what) matrix has \(rows.count) rows; expected \(n)")
      return nil
    }
    var matrix: [Double] = []
    for (row, rowPath) in rows {
      let items = walker.sequence(row, rowPath) ?? []
      guard items.count == n else {
        walker.error(row, rowPath, "this row has \(items.count) numbers; expected \(n)")
        return nil
      }
      for (item, itemPath) in items {
        guard let v = walker.number(item, itemPath) else { return nil }
        matrix.append(v)
      }
    }
    for i in 0..<n {
      for j in 0..<i where abs(matrix[i * n + j] - matrix[j * n + i]) > 1e-12 * max(1, abs(matrix[i * n + j])) {
        walker.error(e.value, e.path, "the \(what) matrix is not symmetric: row \(i + 1), column \(j + 1) is \(matrix[i * n + j]) but row \(j + 1), column \(i + 1) is \(matrix[j * n + i])")
        return nil
      }
    }
    return matrix
  }

  /// Orders parameters so that each expression comes after the parameters it uses (file order
  /// otherwise); reports each dependency cycle with its path.
  func orderByDependencies(_ parameters: [Scenario.Parameter]) -> [Scenario.Parameter] {
    var index: [String: Int] = [:]
    for (i, p) in parameters.enumerated() { for n in p.valueNames { index[n] = i } }
    let dependencies: [[Int]] = parameters.map { p in
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
    return ordered
  }
}
