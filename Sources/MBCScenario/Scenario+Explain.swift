import Foundation
import MBCRandom

extension Scenario {
  /// A plain-text account of what the file says: settings, clients, states, arms, parameters
  /// with their distributions and sources, moves per arm, events, and who pays what. Printed
  /// by `mbc check --explain`.
  public func explanation() -> String {
    var out: [String] = []
    out.append("Scenario '\(name)' (\(file))")
    if !description.isEmpty { out.append("  \(description)") }
    let years = Double(horizon) / cyclesPerYear
    let yearsText = years == years.rounded() ? "\(Int(years)) year\(years == 1 ? "" : "s")" : String(format: "%.2f years", years)
    out.append("  Cycle: \(cycle.rawValue); horizon \(horizon) cycles (\(yearsText)); \(clients) clients per run and arm; \(engine.rawValue) engine.")
    out.append("  Costs discounted at \(percent(costDiscountRate)) a year (boundary t weighted by (1 + \(format(costDiscountRate)))^(-t·\(format(cycleLength))) ); state costs counted with timing '\(costTiming.name)'; costs of moves \(transitionTiming == .move ? "in the cycle of the move" : "at the boundary after the move").")
    out.append("  Currency \(currency)\(priceYear.map { ", price year \($0)" } ?? "").")
    if invalidProbabilities == .clamp {
      out.append("  Transition probabilities that a parameter draw puts outside [0, 1] are clamped into it (rows above 1 scaled down to 1) and counted (invalid_probabilities: clamp).")
    }
    for key in ["horizon", "clients", "discount"] {
      if let p = settingSources[key], p.isDocumented { out.append("  \(key): \(p.summary)") }
    }

    out.append("")
    out.append("Clients:")
    let startText = { (start: [(state: Int, share: ModelExpression)]) -> String in
      start.count == 1 && start[0].share.constantValue == 1 ? "start in \(self.states[start[0].state].name)"
        : "start in " + start.map { "\(self.states[$0.state].name) \(self.share($0.share))" }.joined(separator: ", ")
    }
    if subgroups.count == 1 && subgroups[0].name == "all" {
      out.append("  all clients \(startText(start))\(age.map { "; age \($0.written)" } ?? "")")
    } else {
      for g in subgroups {
        var parts = ["share \(share(g.share))", startText(g.start.isEmpty ? start : g.start)]
        if let a = g.age { parts.append("age \(a.written)") }
        for (k, shares) in g.attributeShares.sorted(by: { $0.key < $1.key }) {
          parts.append("\(attributes[k].name): " + zip(attributes[k].categories, shares).map { "\($0) \(share($1))" }.joined(separator: ", "))
        }
        out.append("  \(g.name)\(g.label != g.name ? " — \(g.label)" : ""): " + parts.joined(separator: "; "))
      }
    }
    for a in attributes {
      out.append("  attribute \(a.name): " + zip(a.categories, a.shares).map { "\($0) \(share($1))" }.joined(separator: ", "))
    }

    out.append("")
    out.append("States (\(states.count)): " + states.map { $0.label != $0.name ? "\($0.name) (\($0.label))" : $0.name }.joined(separator: ", "))

    out.append("")
    out.append("Arms (\(arms.count)):")
    for (i, a) in arms.enumerated() {
      var line = "  \(a.name)\(a.label != a.name ? " — \(a.label)" : "")"
      if i == referenceArm { line += "   [reference: other arms are compared with it]" }
      if let base = a.inherits { line += "   [as \(base), except as below]" }
      out.append(line)
      for o in a.parameterOverrides { out.append("      sets \(o.name) = \(o.value.text)") }
    }

    out.append("")
    out.append("Payers (\(payers.count)): " + payers.map { $0.label != $0.name ? "\($0.name) (\($0.label))" : $0.name }.joined(separator: ", "))

    out.append("")
    out.append("Parameters (\(parameters.count)), drawn once per run:")
    let width = min(24, parameters.map(\.name.count).max() ?? 0)
    for p in parameters {
      var line = "  \(p.name)\(String(repeating: " ", count: max(0, width - p.name.count)))  "
      switch p.definition {
      case .distribution(let d):
        if case .fixed(let v) = d {
          line += "fixed \(format(v))"
        } else {
          line += "\(p.written) = \(canonical(d)); mean \(format(d.mean)), sd \(format(d.variance.squareRoot()))"
        }
      case .expression(let e):
        line += "= \(e.text)"
      case .vector:
        line += p.written + "; components " + p.valueNames.joined(separator: ", ")
      }
      if p.priceFactor != 1 { line += "; × \(format(p.priceFactor)) to \(priceYear.map(String.init) ?? "the scenario's") prices" }
      out.append(line)
      if let label = p.label { out.append("      \(label)") }
      out.append("      \(p.provenance.summary)\(p.provenance.note.map { "; note: \($0)" } ?? "")")
    }

    for c in correlations {
      out.append("  correlated (\(c.kind == .rank ? "rank" : "Pearson of normal scores")\(c.repair ? ", repaired if needed" : "")): "
        + c.parameters.map { parameters[$0].name }.joined(separator: ", "))
    }

    if !tables.isEmpty {
      out.append("")
      out.append("Tables (value of the band with lower bound ≤ x < next bound):")
      for t in tables {
        let preview = zip(t.bounds, t.values).prefix(4).map { "\(format($0))+: \(format($1))" }.joined(separator: ", ")
        out.append("  \(t.name): \(t.bounds.count) bands (\(preview)\(t.bounds.count > 4 ? ", …" : "")); \(tableSources[t.name]?.summary ?? "no source")")
      }
    }

    out.append("")
    out.append("Moves per cycle (the stay probability is 1 minus the moves out of a state):")
    for a in arms {
      out.append("  \(a.name):")
      for (s, row) in a.transitions.enumerated() where !row.isEmpty {
        let moves = row.map { "\(states[$0.to].name) \($0.probability.text)" }.joined(separator: "; ")
        out.append("    \(states[s].name) → \(moves)")
      }
    }

    if !groups.isEmpty {
      out.append("")
      out.append("Groups (clients that form a group together and share its costs):")
      for g in groups {
        let arms = g.arms.map { self.arms[$0].name }.joined(separator: ", ")
        out.append("  \(g.name)\(g.label != g.name ? " — \(g.label)" : ""): in \(arms) every client starts in \(states[g.member].name), in groups of \(g.size.text) members (the clients of a run divided as evenly as possible);")
        out.append("      a group with fewer than \(g.minimum.text) members left closes, and its members move to \(states[g.onClose].name)")
        out.append("      \(g.provenance.summary)\(g.provenance.note.map { "; note: \($0)" } ?? "")")
      }
    }

    if !events.isEmpty {
      out.append("")
      out.append("Events (counted per client):")
      for e in events {
        switch e.kind {
        case .rate(let means):
          let by = means.map { "\(states[$0.state].name) \($0.mean.text)" }.joined(separator: "; ")
          out.append("  \(e.name) (\(e.label)): Poisson count per cycle with mean by state: \(by)")
        case .transition(let from, let to):
          let f = from.count == states.count ? "any state" : from.map { states[$0].name }.joined(separator: ", ")
          let t = to.map { states[$0].name }.joined(separator: ", ")
          out.append("  \(e.name) (\(e.label)): each move from \(f) into \(t)")
        }
      }
    }

    if !costs.isEmpty {
      out.append("")
      out.append("Costs (who pays what):")
      for c in costs {
        let split = c.shares.map { "\(payers[$0.payer].name) \(share($0.share))" }.joined(separator: ", ")
        let arms = c.arms.map { " (arms: \($0.map { self.arms[$0].name }.joined(separator: ", ")))" } ?? ""
        let price = c.priceFactor != 1 ? " × \(format(c.priceFactor))" : ""
        out.append("  \(c.name): \(c.amount.text)\(price) \(basis(c.basis))\(arms); paid by \(split)")
        if c.shares.count > 1 || c.provenance.isDocumented { out.append("      split \(c.provenance.summary)") }
      }
    }

    if !effects.isEmpty {
      out.append("")
      out.append("Effects:")
      for f in effects {
        out.append("  \(f.name) (\(f.label)): discounted at \(percent(f.discountRate)) a year, timing '\(f.timing.name)'")
        for l in f.lines {
          let arms = l.arms.map { " (arms: \($0.map { self.arms[$0].name }.joined(separator: ", ")))" } ?? ""
          out.append("    \(l.name): \(l.amount.text) \(basis(l.basis))\(arms)")
        }
      }
    }
    if let b = budget { out += budgetExplanation(b) }
    return out.joined(separator: "\n")
  }

  /// The `budget:` section in words (for `mbc stress`).
  private func budgetExplanation(_ b: Budget) -> [String] {
    var out = ["", "Budget stress test (mbc stress), \(b.startYear)–\(b.startYear + b.years - 1), month by month:"]
    let season = b.inflow.seasonality.allSatisfy { $0 == 1 } ? "" : " × the seasonal factor of the calendar month"
    out.append("  referrals per month: Poisson with mean \(b.inflow.rate.text)\(season) × (1 + \(b.inflow.trend.text))^(month/12)")
    out.append("  places: floor(\(b.capacity.fte.text) FTE × \(b.capacity.caseload.text) clients per FTE)\(b.capacity.rampUpMonths > 0 ? ", growing over the first \(b.capacity.rampUpMonths) months" : "")")
    out.append("  waiting: a client leaves the list with probability \(b.waiting.dropout.text) a month and is turned away after \(b.waiting.maxMonths) months")
    out.append("  service: in arm \(arms[b.arm].name) while in \(b.service.states.map { states[$0].name }.joined(separator: ", "))\(b.service.maxMonths.map { ", at most \($0) months" } ?? ""); waiting and never-admitted clients follow \(arms[referenceArm].name)")
    let p = b.programme
    out.append("  programme (paid by \(payers[p.payer].name); replaces the cost lines marked intervention): start-up \(p.startup.text), fixed \(p.fixedPerYear.text) a year, \(p.perFTEYear.text) per FTE-year, \(p.perClient.text) per admission, \(p.perClientMonth.text) per client-month")
    if b.indexation.constantValue != 0 { out.append("  every cost of year y × (1 + \(b.indexation.text))^y") }
    for l in b.lines {
      let cap = l.caps.isEmpty ? "no cap" : "cap \(l.caps.map(\.text).joined(separator: ", "))\(l.indexed ? ", indexed" : "")"
      out.append("  line \(l.name) (\(l.label)): \(payers[l.payer].name), \(l.covers.rawValue); \(cap)")
    }
    for v in b.variants {
      var what: [String] = []
      if let x = v.surge { what.append("referrals \(format(x.percent))% from month \(x.fromMonth)") }
      if let x = v.priceRise { what.append("\(x.programmeOnly ? "programme" : "all") prices \(format(x.percent))% from month \(x.fromMonth)") }
      if let x = v.fundingStop { what.append("no admissions from month \(x.afterMonth), clients in service \(x.finish ? "finish" : "stop")") }
      if let x = v.rampUpMonths { what.append("ramp-up over \(x) months") }
      out.append("  variant \(v.name) (\(v.label)): \(what.joined(separator: "; "))")
    }
    return out
  }

  private func basis(_ b: CostLine.Basis) -> String {
    switch b {
    case .perCycle(let s): "per cycle in \(s.map { states[$0].name }.joined(separator: ", "))"
    case .perEvent(let e): "per \(events[e].name) event"
    case .perTransition(let from, let to):
      "per move from \(from.count == states.count ? "any state" : from.map { states[$0].name }.joined(separator: ", ")) to \(to.map { states[$0].name }.joined(separator: ", "))"
    case .atStart: "once per client at the start"
    case .perGroupCycle(let g): "per \(groups[g].name) group per cycle it is open"
    case .perGroupStart(let g): "once per \(groups[g].name) group formed"
    }
  }

  private func share(_ x: ModelExpression) -> String {
    x.constantValue.map(percent) ?? x.text
  }

  /// The distribution in its sampling parameterisation, with 6 significant digits.
  private func canonical(_ d: Distribution) -> String {
    switch d {
    case .fixed(let v): "fixed(\(format(v)))"
    case .beta(let a, let b): "beta(alpha \(format(a)), beta \(format(b)))"
    case .gamma(let k, let theta): "gamma(shape \(format(k)), scale \(format(theta)))"
    case .lognormal(let m, let s): "lognormal(meanlog \(format(m)), sdlog \(format(s)))"
    case .normal(let m, let s): "normal(mean \(format(m)), sd \(format(s)))"
    case .uniform(let a, let b): "uniform(min \(format(a)), max \(format(b)))"
    case .poisson(let m): "poisson(mean \(format(m)))"
    case .truncatedNormal(let m, let s, let lo, let hi): "normal(mean \(format(m)), sd \(format(s))) truncated to [\(format(lo)), \(format(hi))]"
    case .triangular(let a, let m, let b): "triangular(min \(format(a)), mode \(format(m)), max \(format(b)))"
    case .pert(let a, let m, let b, let l): "pert(min \(format(a)), mode \(format(m)), max \(format(b)), shape \(format(l)))"
    case .empirical(let v): "empirical(\(v.count) values)"
    case .bootstrapMean(let v): "bootstrap mean of \(v.count) values"
    }
  }

  private func percent(_ x: Double) -> String {
    let p = x * 100
    return (p == p.rounded() ? String(Int(p)) : String(format: "%g", p)) + "%"
  }

  private func format(_ x: Double) -> String {
    if x.isInfinite { return x > 0 ? "∞" : "-∞" }
    if x == x.rounded() && abs(x) < 1e12 { return String(Int(x)) }
    return String(format: "%.6g", x)
  }
}
