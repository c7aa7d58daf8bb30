import Yams

extension ScenarioBuilder {
  static let budgetKeys = [
    "arm", "start_year", "years", "inflow", "capacity", "waiting", "service", "programme", "indexation", "lines",
    "variants", "note",
  ]
  static let variantKeys = [
    "label", "referral_surge", "price_rise", "funding_stop", "ramp_up_months", "source", "assumption", "note",
  ]

  /// `budget:` (see ``Scenario/Budget``): the open-cohort budget model of `mbc stress`.
  func readBudget(_ e: MappingEntry?, arms: [Scenario.Arm], referenceArm: Int, priceYear: Int?, groups: [Scenario.Group])
    -> Scenario.Budget?
  {
    guard let e, !YAMLWalker.isNull(e.value) else { return nil }
    guard let fields = walker.mapping(e.value, e.path, what: "the budget model (inflow, capacity, waiting, service, ...)") else {
      return nil
    }
    walker.checkKeys(fields, allowed: Self.budgetKeys, context: "budget")
    budgetNode = e.keyNode
    var sources: [String: Provenance] = [:]

    // The intervention arm.
    var arm: Int?
    if let f = walker.entry(fields, "arm") {
      if let name = walker.string(f.value, f.path, what: "an arm name") {
        arm = resolve(name, in: armNames, what: "arm", node: f.value, path: f.path)
        if arm == referenceArm {
          walker.error(f.value, f.path, "'\(name)' is the reference arm (usual care); the budget's arm is the intervention that clients are admitted to")
        }
      }
    } else {
      let others = arms.indices.filter { $0 != referenceArm }
      if others.count == 1 {
        arm = others[0]
      } else {
        walker.error(e.keyNode, e.path, "budget needs 'arm': the intervention arm clients are admitted to (one of \(others.map { arms[$0].name }.joined(separator: ", ")))")
      }
    }
    if let a = arm, let g = groups.first(where: { $0.arms.contains(a) || $0.arms.contains(referenceArm) }) {
      walker.error(e.keyNode, e.path, "group '\(g.name)' takes part in the budget's arms; mbc stress does not model groups yet (clients would have to form circles as they arrive)")
    }

    let startYear: Int
    if let f = walker.entry(fields, "start_year") {
      let (node, path, _) = sourcedValue(f.value, f.path)
      let v = walker.integer(node, path, what: "a calendar year such as 2026") ?? 2026
      if !(1900...2200).contains(v) { walker.error(node, path, "start_year must be a calendar year between 1900 and 2200, found \(v)") }
      startYear = v
    } else {
      startYear = priceYear ?? 1
    }
    let validYears = wholeNumber(fields, "years", path: e.path, what: "the length of the stress test in years", range: 1...50, required: true)
    let years = validYears ?? 1

    // Inflow.
    var inflow: Scenario.Budget.Inflow?
    if let section = subsection(fields, "inflow", path: e.path, allowed: ["rate", "seasonality", "trend", "source", "assumption", "note"],
                                what: "the referrals: {rate, seasonality, trend}") {
      let rate = budgetExpression(section, "rate", what: "new referrals per month (the Poisson mean)", key: "inflow.rate", sources: &sources)
      var seasonality = [Double](repeating: 1, count: 12)
      if let f = walker.entry(section.fields, "seasonality") {
        let (node, path, own) = sourcedValue(f.value, f.path)
        // Like the rate and trend: the section's own source documents the factors.
        let shared = readProvenance(section.fields)
        let provenance = own?.isDocumented == true ? own : (shared.isDocumented ? shared : own)
        sources["inflow.seasonality"] = provenance
        warnUnsourced(provenance, node: node, path: path, what: "budget.inflow.seasonality")
        let items = walker.sequence(node, path) ?? []
        let values = items.compactMap { walker.number($0.0, $0.1, what: "a factor for one calendar month") }
        if items.count != 12 {
          walker.error(node, path, "seasonality needs 12 factors, January to December, found \(items.count)")
        } else if values.count == 12 {
          if let (i, bad) = values.enumerated().first(where: { !($0.element >= 0 && $0.element.isFinite) }) {
            walker.error(items[i].0, items[i].1, "a seasonal factor must be 0 or more, found \(bad)")
          } else {
            let mean = values.reduce(0, +) / 12
            if abs(mean - 1) > 0.005 {
              walker.warning(node, path, "the seasonal factors average \(Self.format((mean * 1000).rounded() / 1000)), not 1: they change the yearly number of referrals, not only its timing")
            }
            seasonality = values
          }
        }
      }
      let trend = budgetExpression(section, "trend", what: "the growth of the rate per year (0.03: +3 % a year)", key: "inflow.trend",
                                   sources: &sources, default: 0)
      if let rate, let trend { inflow = .init(rate: rate, seasonality: seasonality, trend: trend) }
    }

    // Capacity.
    var capacity: Scenario.Budget.Capacity?
    if let section = subsection(fields, "capacity", path: e.path, allowed: ["fte", "caseload", "ramp_up_months", "source", "assumption", "note"],
                                what: "the caseload places: {fte, caseload, ramp_up_months}") {
      let fte = budgetExpression(section, "fte", what: "the funded FTE", key: "capacity.fte", sources: &sources)
      let caseload = budgetExpression(section, "caseload", what: "clients per FTE at the same time", key: "capacity.caseload", sources: &sources)
      let ramp = wholeNumber(section.fields, "ramp_up_months", path: section.path, what: "months until full capacity", range: 0...600,
                             required: false) ?? 0
      if let fte, let caseload { capacity = .init(fte: fte, caseload: caseload, rampUpMonths: ramp) }
    }

    // Waiting list.
    var waiting: Scenario.Budget.Waiting?
    if let section = subsection(fields, "waiting", path: e.path, allowed: ["dropout", "max_months", "source", "assumption", "note"],
                                what: "the waiting list: {dropout, max_months}") {
      let dropout = budgetExpression(section, "dropout", what: "the monthly probability of leaving the waiting list", key: "waiting.dropout",
                                     sources: &sources, default: 0)
      if let v = dropout?.constantValue, !(0...1).contains(v), let f = walker.entry(section.fields, "dropout") {
        walker.error(f.value, f.path, "the monthly drop-out from the waiting list is a probability between 0 and 1, found \(Self.format(v))")
      }
      let max = wholeNumber(section.fields, "max_months", path: section.path, what: "the longest wait in months", range: 1...600, required: true)
      if let dropout, let max { waiting = .init(dropout: dropout, maxMonths: max) }
    }

    // Service.
    var service: Scenario.Budget.Service?
    if let section = subsection(fields, "service", path: e.path, allowed: ["states", "max_months", "source", "assumption", "note"],
                                what: "the service: {states, max_months}") {
      var states: [Int] = []
      if let f = walker.entry(section.fields, "states") {
        states = (walker.sequence(f.value, f.path, allowScalar: true) ?? []).compactMap { node, path in
          walker.string(node, path, what: "a state name").flatMap { resolve($0, in: stateNames, what: "state", node: node, path: path) }
        }
        if states.isEmpty { walker.error(f.value, f.path, "name at least one state in which a client holds a caseload place") }
      } else {
        walker.error(section.node, section.path, "service needs 'states': the states of the intervention arm in which a client holds a caseload place")
      }
      let max = wholeNumber(section.fields, "max_months", path: section.path, what: "the longest service in months", range: 1...600, required: false)
      if !states.isEmpty { service = .init(states: states, maxMonths: max) }
    }

    // Programme costs.
    var programme: Scenario.Budget.Programme?
    if let section = subsection(fields, "programme", path: e.path,
                                allowed: ["payer", "startup", "fixed_per_year", "per_fte_year", "per_client", "per_client_month", "price_year",
                                          "source", "assumption", "note"],
                                what: "the programme's costs: {payer, startup, fixed_per_year, per_fte_year, per_client, per_client_month}") {
      var payer: Int?
      if let f = walker.entry(section.fields, "payer") {
        payer = walker.string(f.value, f.path, what: "a payer").flatMap { resolve($0, in: payerNames, what: "payer", node: f.value, path: f.path) }
      } else {
        walker.error(section.node, section.path, "programme needs 'payer': who funds the programme (one of \(payerNames.joined(separator: ", ")))")
      }
      // Amounts of another price year are brought to the scenario's with the price index.
      let factor = priceFactor(section.fields)
      func amount(_ key: String, _ what: String) -> ModelExpression? {
        guard let x = budgetExpression(section, key, what: what, key: "programme.\(key)", sources: &sources, default: 0, nonNegative: true)
        else { return nil }
        if factor == 1 { return x }
        if let v = x.constantValue { return ModelExpression(constant: v * factor) }
        return (try? ModelExpression("(\(x.text)) * \(factor)")) ?? x
      }
      let startup = amount("startup", "the start-up cost (spread over the first year)")
      let fixed = amount("fixed_per_year", "the fixed cost per year")
      let perFTE = amount("per_fte_year", "the cost of one FTE for a year")
      let perClient = amount("per_client", "the cost per admission")
      let perClientMonth = amount("per_client_month", "the cost per client-month in service")
      if let payer, let startup, let fixed, let perFTE, let perClient, let perClientMonth {
        programme = .init(payer: payer, startup: startup, fixedPerYear: fixed, perFTEYear: perFTE, perClient: perClient,
                          perClientMonth: perClientMonth)
      }
    }
    let indexation = budgetExpression((fields, e.value, e.path), "indexation", what: "the yearly price indexation (0.03: +3 % a year)",
                                      key: "indexation", sources: &sources, default: 0)

    let lines = readBudgetLines(fields, path: e.path)
    // Without a valid `years` the months of the variants cannot be checked (no cascade of errors).
    let variants = readVariants(fields, path: e.path, months: validYears.map { 12 * $0 })

    guard let arm, let inflow, let capacity, let waiting, let service,
      let programme, let indexation
    else { return nil }
    return Scenario.Budget(arm: arm, startYear: startYear, years: years, inflow: inflow, capacity: capacity, waiting: waiting,
                           service: service, programme: programme, indexation: indexation, lines: lines, variants: variants,
                           sources: sources, location: walker.location(e.keyNode))
  }

  // MARK: - Lines and variants

  private func readBudgetLines(_ fields: [MappingEntry], path: [PathComponent]) -> [Scenario.Budget.Line] {
    guard let f = walker.entry(fields, "lines"), !YAMLWalker.isNull(f.value) else { return [] }
    var lines: [Scenario.Budget.Line] = []
    for entry in walker.mapping(f.value, f.path, what: "budget lines (name: {label, payer, covers, cap})") ?? [] {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "budget line"), let line = walker.mapping(entry.value, entry.path) else {
        continue
      }
      walker.checkKeys(line, allowed: ["label", "payer", "covers", "cap", "indexed", "source", "assumption", "note"],
                       context: "budget line '\(entry.key)'")
      let provenance = readProvenance(line)
      let label = walker.entry(line, "label").flatMap { walker.string($0.value, $0.path) } ?? entry.key
      var payer: Int?
      if let p = walker.entry(line, "payer") {
        payer = walker.string(p.value, p.path, what: "a payer").flatMap { resolve($0, in: payerNames, what: "payer", node: p.value, path: p.path) }
      } else {
        walker.error(entry.keyNode, entry.path, "budget line '\(entry.key)' needs 'payer': whose budget it is (one of \(payerNames.joined(separator: ", ")))")
      }
      var covers = Scenario.Budget.Covers.all
      if let c = walker.entry(line, "covers") { covers = readEnum(c, Scenario.Budget.Covers.self, what: "budget line content") ?? .all }
      var caps: [ModelExpression] = []
      if let c = walker.entry(line, "cap") {
        let items: [(Node, [PathComponent])]
        if case .sequence = c.value { items = walker.sequence(c.value, c.path) ?? [] } else { items = [(c.value, c.path)] }
        for (node, p) in items {
          let (valueNode, valuePath, own) = sourcedValue(node, p)
          let documented = own?.isDocumented == true || provenance.isDocumented
          guard let x = documented ? quietExpression(valueNode, valuePath, what: "a yearly cap") : expression(valueNode, valuePath, what: "a yearly cap", variables: false)
          else { continue }
          if let v = x.constantValue, !(v >= 0 && v.isFinite) {
            walker.error(valueNode, valuePath, "a budget cap must be an amount of 0 or more, found \(Self.format(v))")
          }
          caps.append(x)
        }
        if caps.isEmpty && items.isEmpty { walker.error(c.value, c.path, "give the cap per year as an amount or a list of amounts (one per year)") }
      }
      var indexed = false
      if let i = walker.entry(line, "indexed") { indexed = walker.bool(i.value, i.path, what: "true or false") ?? false }
      guard let payer else { continue }
      lines.append(.init(name: entry.key, label: label, payer: payer, covers: covers, caps: caps, indexed: indexed, provenance: provenance))
    }
    return lines
  }

  private func readVariants(_ fields: [MappingEntry], path: [PathComponent], months: Int?) -> [Scenario.Budget.Variant] {
    guard let f = walker.entry(fields, "variants"), !YAMLWalker.isNull(f.value) else { return [] }
    var variants: [Scenario.Budget.Variant] = []
    for entry in walker.mapping(f.value, f.path, what: "variants (name: {label, referral_surge, price_rise, funding_stop, ramp_up_months})") ?? [] {
      guard walker.identifier(entry.key, entry.keyNode, entry.path, what: "variant"), let v = walker.mapping(entry.value, entry.path) else { continue }
      if entry.key == "base" {
        walker.error(entry.keyNode, entry.path, "'base' is the name of the scenario without a variant; choose another name")
        continue
      }
      walker.checkKeys(v, allowed: Self.variantKeys, context: "variant '\(entry.key)'")
      var variant = Scenario.Budget.Variant(name: entry.key, label: walker.entry(v, "label").flatMap { walker.string($0.value, $0.path) } ?? entry.key)
      variant.provenance = readProvenance(v)
      func month(_ fields: [MappingEntry], _ key: String, _ at: MappingEntry) -> Int? {
        guard let m = walker.entry(fields, key) else {
          let last = months.map { " to \($0 - 1)" } ?? " on"
          walker.error(at.keyNode, at.path, "'\(at.key)' needs '\(key)': a month number from 0 (January of the start year)\(last)")
          return nil
        }
        guard let x = walker.integer(m.value, m.path, what: "a month number") else { return nil }
        guard let months else { return x }
        guard (0..<months).contains(x) else {
          walker.error(m.value, m.path, "month \(x) is outside the stress test (months 0 to \(months - 1))")
          return nil
        }
        return x
      }
      func percent(_ fields: [MappingEntry], _ at: MappingEntry) -> Double? {
        guard let p = walker.entry(fields, "percent") else {
          walker.error(at.keyNode, at.path, "'\(at.key)' needs 'percent': the change in percent (30 for +30 %)")
          return nil
        }
        guard let x = walker.number(p.value, p.path, what: "a percentage") else { return nil }
        guard x > -100, x.isFinite else {
          walker.error(p.value, p.path, "a change of \(Self.format(x)) % would leave nothing or less; expected more than -100")
          return nil
        }
        return x
      }
      var any = false
      if let s = walker.entry(v, "referral_surge"), let sf = walker.mapping(s.value, s.path, what: "{percent, from_month}") {
        walker.checkKeys(sf, allowed: ["percent", "from_month"], context: "referral_surge")
        if let p = percent(sf, s), let m = month(sf, "from_month", s) { variant.surge = (p, m) }
        any = true
      }
      if let s = walker.entry(v, "price_rise"), let sf = walker.mapping(s.value, s.path, what: "{percent, from_month, applies_to}") {
        walker.checkKeys(sf, allowed: ["percent", "from_month", "applies_to"], context: "price_rise")
        var programmeOnly = true
        if let a = walker.entry(sf, "applies_to"), let text = walker.string(a.value, a.path, what: "programme or all") {
          if text == "all" { programmeOnly = false } else if text != "programme" {
            walker.error(a.value, a.path, "unknown value '\(text)'; expected 'programme' (the programme's costs) or 'all' (every cost)")
          }
        }
        if let p = percent(sf, s), let m = month(sf, "from_month", s) { variant.priceRise = (p, m, programmeOnly) }
        any = true
      }
      if let s = walker.entry(v, "funding_stop"), let sf = walker.mapping(s.value, s.path, what: "{after_month, in_care}") {
        walker.checkKeys(sf, allowed: ["after_month", "in_care"], context: "funding_stop")
        var finish = true
        if let a = walker.entry(sf, "in_care"), let text = walker.string(a.value, a.path, what: "finish or stop") {
          if text == "stop" { finish = false } else if text != "finish" {
            walker.error(a.value, a.path, "unknown value '\(text)'; expected 'finish' (clients in service finish it) or 'stop' (they go back to usual care)")
          }
        }
        if let m = month(sf, "after_month", s) { variant.fundingStop = (m, finish) }
        any = true
      }
      if walker.entry(v, "ramp_up_months") != nil {
        variant.rampUpMonths = wholeNumber(v, "ramp_up_months", path: entry.path, what: "months until full capacity", range: 0...600, required: false)
        any = true
      }
      if !any {
        walker.error(entry.keyNode, entry.path, "variant '\(entry.key)' changes nothing; give referral_surge, price_rise, funding_stop or ramp_up_months")
      }
      variants.append(variant)
    }
    return variants
  }

  // MARK: - Helpers

  typealias Section = (fields: [MappingEntry], node: Node, path: [PathComponent])

  private func subsection(_ fields: [MappingEntry], _ key: String, path: [PathComponent], allowed: [String], what: String) -> Section? {
    guard let f = walker.entry(fields, key) else {
      walker.error(budgetNode, path.appending(key), "budget needs '\(key)': \(what)")
      return nil
    }
    guard let m = walker.mapping(f.value, f.path, what: what) else { return nil }
    walker.checkKeys(m, allowed: allowed, context: "budget.\(key)")
    return (m, f.value, f.path)
  }

  /// An amount or rate of the budget: a number with its source, or an expression of
  /// parameters (which carry the sources). A section's own `source:`/`assumption:` documents
  /// the plain numbers in it.
  private func budgetExpression(_ section: Section, _ key: String, what: String, key path: String, sources: inout [String: Provenance],
                                default value: Double? = nil, nonNegative: Bool = false) -> ModelExpression? {
    guard let f = walker.entry(section.fields, key) else {
      if let value { return ModelExpression(constant: value) }
      walker.error(section.node, section.path, "missing key '\(key)': \(what)")
      return nil
    }
    let (node, p, own) = sourcedValue(f.value, f.path)
    let shared = readProvenance(section.fields)
    sources[path] = own ?? (shared.isDocumented ? shared : nil)
    let documented = own?.isDocumented == true || shared.isDocumented
    guard let x = documented ? quietExpression(node, p, what: what) : expression(node, p, what: what, variables: false) else { return nil }
    if let v = x.constantValue, !v.isFinite || (nonNegative && v < 0) {
      walker.error(node, p, "expected \(what)\(nonNegative ? ", 0 or more" : ""), found \(Self.format(v))")
    }
    return x
  }

  /// An expression whose plain numbers are documented by a source next to it (no warnings
  /// about unsourced numbers).
  private func quietExpression(_ node: Node, _ path: [PathComponent], what: String) -> ModelExpression? {
    if case .scalar(let s) = node, let v = YAMLWalker.parseNumber(s.string) { return ModelExpression(constant: v) }
    return walker.withoutWarnings { expression(node, path, what: what, variables: false) }
  }

  private func wholeNumber(_ fields: [MappingEntry], _ key: String, path: [PathComponent], what: String, range: ClosedRange<Int>,
                           required: Bool) -> Int? {
    guard let f = walker.entry(fields, key) else {
      if required { walker.error(budgetNode, path.appending(key), "missing key '\(key)': \(what)") }
      return nil
    }
    let (node, p, _) = sourcedValue(f.value, f.path)
    guard let v = walker.integer(node, p, what: what) else { return nil }
    guard range.contains(v) else {
      walker.error(node, p, "\(v) is out of range; expected \(what) between \(range.lowerBound) and \(range.upperBound)")
      return nil
    }
    return v
  }
}
