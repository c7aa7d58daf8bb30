import Yams

extension ScenarioBuilder {
  static let analysisKeys = ["outcome", "wtp", "wtp_grid", "population", "evppi", "break_even", "start_year", "note"]

  /// `analysis: {outcome, wtp, wtp_grid, population, evppi, break_even, start_year}`.
  func readAnalysis(_ e: MappingEntry?, parameters: [Scenario.Parameter], effects: [Scenario.Effect], events: [Scenario.Event]) -> Scenario.Analysis {
    var analysis = Scenario.Analysis()
    analysis.outcome = effects.isEmpty ? nil : .effect(0)
    guard let e, !YAMLWalker.isNull(e.value), let fields = walker.mapping(e.value, e.path) else { return analysis }
    walker.checkKeys(fields, allowed: Self.analysisKeys, context: "analysis")

    if let o = walker.entry(fields, "outcome"), let name = walker.string(o.value, o.path, what: "an effect or event name") {
      if let k = effects.firstIndex(where: { $0.name == name }) {
        analysis.outcome = .effect(k)
      } else if let i = events.firstIndex(where: { $0.name == name }) {
        analysis.outcome = .eventsAvoided(i)
      } else if name == "none" || name == "costs" {
        analysis.outcome = nil
      } else {
        let names = effects.map(\.name) + events.map(\.name)
        var message = "unknown outcome '\(name)'"
        if let g = Spelling.suggestion(for: name, among: names) { message += "; did you mean '\(g)'?" }
        message += names.isEmpty ? "; the scenario has no effects or events (use 'costs' for an analysis of costs alone)" : "; expected an effect or an event: \(names.joined(separator: ", ")), or 'costs'"
        walker.error(o.value, o.path, message)
      }
    }

    if let w = walker.entry(fields, "wtp") {
      let (node, path, provenance) = sourcedValue(w.value, w.path)
      warnUnsourced(provenance, node: node, path: path, what: "the willingness to pay")
      if let v = walker.number(node, path, what: "a willingness to pay per unit of the outcome, e.g. 50000") {
        if v < 0 { walker.error(node, path, "the willingness to pay must be 0 or more, found \(v)") } else { analysis.willingnessToPay = v }
      }
      analysis.willingnessToPayProvenance = provenance ?? Provenance()
      if analysis.outcome == nil {
        walker.warning(w.keyNode, w.path, "'wtp' has no effect: the analysis has no outcome (add effects, or 'outcome: <event>')")
      }
    }

    if let g = walker.entry(fields, "wtp_grid") { analysis.willingnessToPayGrid = readGrid(g) ?? Scenario.Analysis.defaultGrid }

    if let p = walker.entry(fields, "population"), let pf = walker.mapping(p.value, p.path, what: "a population {per_year, years}") {
      walker.checkKeys(pf, allowed: ["per_year", "years", "source", "assumption", "note"], context: "population")
      let provenance = readProvenance(pf)
      warnUnsourced(provenance, node: p.keyNode, path: p.path, what: "the population")
      let perYear = walker.entry(pf, "per_year").flatMap { walker.number($0.value, $0.path, what: "clients per year") }
      let years = walker.entry(pf, "years").flatMap { walker.integer($0.value, $0.path, what: "a number of years") }
      if walker.entry(pf, "per_year") == nil || walker.entry(pf, "years") == nil {
        walker.error(p.value, p.path, "a population needs 'per_year' (new clients per year) and 'years' (how long the decision applies)")
      } else if let perYear, let years {
        if perYear <= 0 || !(1...1000).contains(years) {
          walker.error(p.value, p.path, "expected per_year > 0 and years between 1 and 1000, found per_year \(perYear), years \(years)")
        } else {
          analysis.population = .init(perYear: perYear, years: years, provenance: provenance)
        }
      }
    }

    if let g = walker.entry(fields, "evppi") {
      for group in walker.mapping(g.value, g.path, what: "EVPPI groups (name: [parameters])") ?? [] {
        guard walker.identifier(group.key, group.keyNode, group.path, what: "EVPPI group") else { continue }
        let members = (walker.sequence(group.value, group.path, allowScalar: true) ?? []).compactMap { item, p -> Int? in
          guard let name = walker.string(item, p, what: "a parameter name"),
            let i = resolve(name, in: parameters.map(\.name), what: "parameter", node: item, path: p)
          else { return nil }
          if case .expression = parameters[i].definition {
            walker.error(item, p, "'\(name)' is computed from other parameters; the value of information is about uncertain inputs: name the parameters it is computed from")
            return nil
          }
          return i
        }
        if !members.isEmpty { analysis.evppiGroups.append((group.key, members)) }
      }
    }

    if let b = walker.entry(fields, "break_even"), let bf = walker.mapping(b.value, b.path, what: "{parameter, from, to}") {
      walker.checkKeys(bf, allowed: ["parameter", "from", "to", "note"], context: "break_even")
      let index = walker.entry(bf, "parameter").flatMap { p in
        walker.string(p.value, p.path, what: "a parameter name").flatMap { resolve($0, in: parameters.map(\.name), what: "parameter", node: p.value, path: p.path) }
      }
      let low = walker.entry(bf, "from").flatMap { walker.number($0.value, $0.path, what: "the lower end of the range searched") }
      let high = walker.entry(bf, "to").flatMap { walker.number($0.value, $0.path, what: "the upper end of the range searched") }
      if walker.entry(bf, "parameter") == nil || walker.entry(bf, "from") == nil || walker.entry(bf, "to") == nil {
        walker.error(b.value, b.path, "break_even needs 'parameter' and the range searched, 'from' and 'to'")
      } else if let index, let low, let high {
        if case .vector = parameters[index].definition {
          walker.error(b.value, b.path, "'\(parameters[index].name)' is a vector parameter; break-even needs a single number")
        } else if !(low < high) {
          walker.error(b.value, b.path, "'from' (\(low)) must be below 'to' (\(high))")
        } else {
          analysis.breakEven = .init(parameter: index, low: low, high: high)
        }
      }
    }

    if let y = walker.entry(fields, "start_year"), let year = walker.integer(y.value, y.path, what: "a year such as 2026") {
      if (1800...2200).contains(year) { analysis.startYear = year } else { walker.error(y.value, y.path, "\(year) is not a plausible start year") }
    }
    if let n = walker.entry(fields, "note") { _ = walker.string(n.value, n.path) }
    return analysis
  }

  /// `wtp_grid: {from: 0, to: 100000, step: 1000}` or a list of values.
  private func readGrid(_ g: MappingEntry) -> [Double]? {
    if case .sequence = g.value {
      let values = (walker.sequence(g.value, g.path) ?? []).compactMap { walker.number($0.0, $0.1, what: "a willingness to pay") }
      guard !values.isEmpty, values.allSatisfy({ $0 >= 0 }) else {
        walker.error(g.value, g.path, "the grid needs at least one value, each 0 or more")
        return nil
      }
      return Array(Set(values)).sorted()
    }
    guard let f = walker.mapping(g.value, g.path, what: "a grid {from, to, step} or a list of values") else { return nil }
    walker.checkKeys(f, allowed: ["from", "to", "step"], context: "wtp_grid")
    guard let from = walker.entry(f, "from").flatMap({ walker.number($0.value, $0.path) }),
      let to = walker.entry(f, "to").flatMap({ walker.number($0.value, $0.path) }),
      let step = walker.entry(f, "step").flatMap({ walker.number($0.value, $0.path) })
    else {
      walker.error(g.value, g.path, "a grid needs 'from', 'to' and 'step'")
      return nil
    }
    guard from >= 0, to >= from, step > 0, (to - from) / step <= 10_000 else {
      walker.error(g.value, g.path, "expected 0 ≤ from ≤ to, step > 0 and at most 10,000 points; found from \(from), to \(to), step \(step)")
      return nil
    }
    let n = Int(((to - from) / step + 1e-9).rounded(.down))
    return (0...n).map { from + Double($0) * step }
  }
}
