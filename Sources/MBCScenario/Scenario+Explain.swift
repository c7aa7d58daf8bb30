import Foundation
import MBCRandom

extension Scenario {
  /// A plain-text account of what the file says: settings, states, arms, parameters with
  /// their distributions and sources, moves per arm, events and who pays what. Printed by
  /// `mbc check`.
  public func explanation() -> String {
    var out: [String] = []
    out.append("Scenario '\(name)' (\(file))")
    if !description.isEmpty { out.append("  \(description)") }
    let years = Double(horizon) / cyclesPerYear
    let yearsText = years == years.rounded() ? "\(Int(years)) year\(years == 1 ? "" : "s")" : String(format: "%.2f years", years)
    out.append("  Cycle: \(cycle.rawValue); horizon \(horizon) cycles (\(yearsText)); \(clients) clients per run and arm.")
    out.append("  Costs discounted at \(percent(costDiscountRate)) a year, per cycle t by (1 + \(costDiscountRate))^(-t/\(format(cyclesPerYear))); costs of a state are charged at the start of each cycle.")
    out.append("  Currency \(currency)\(priceYear.map { ", price year \($0)" } ?? "").")
    for key in ["horizon", "clients", "discount"] {
      if let p = settingSources[key], p.isDocumented { out.append("  \(key): \(p.summary)") }
    }

    out.append("")
    out.append("States (\(states.count)):")
    for (i, s) in states.enumerated() {
      out.append("  \(s.name)\(s.label != s.name ? " — \(s.label)" : "")\(i == startState ? "   [every client starts here]" : "")")
    }

    out.append("")
    out.append("Arms (\(arms.count)):")
    for (i, a) in arms.enumerated() {
      out.append("  \(a.name)\(a.label != a.name ? " — \(a.label)" : "")\(i == referenceArm ? "   [reference: other arms are compared with it]" : "")")
    }

    out.append("")
    out.append("Payers (\(payers.count)): " + payers.map { $0.label != $0.name ? "\($0.name) (\($0.label))" : $0.name }.joined(separator: ", "))

    out.append("")
    out.append("Parameters (\(parameters.count)), drawn once per run:")
    let width = min(24, parameters.map(\.name.count).max() ?? 0)
    for p in parameters {
      let name = p.name + String(repeating: " ", count: max(0, width - p.name.count))
      var line = "  \(name)  "
      switch p.definition {
      case .distribution(let d):
        if case .fixed(let v) = d {
          line += "fixed \(format(v))"
        } else {
          line += "\(p.written) = \(canonical(d)); mean \(format(d.mean)), sd \(format(d.variance.squareRoot()))"
        }
      case .expression(let e):
        line += "= \(e.text)"
      }
      out.append(line)
      if let label = p.label { out.append("      \(label)") }
      out.append("      \(p.provenance.summary)\(p.provenance.note.map { "; note: \($0)" } ?? "")")
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
        let basis: String
        switch c.basis {
        case .perCycle(let s): basis = "per cycle in \(s.map { states[$0].name }.joined(separator: ", "))"
        case .perEvent(let e): basis = "per \(events[e].name) event"
        case .perTransition(let from, let to):
          basis = "per move from \(from.count == states.count ? "any state" : from.map { states[$0].name }.joined(separator: ", ")) to \(to.map { states[$0].name }.joined(separator: ", "))"
        case .atStart: basis = "once per client at the start"
        }
        let split = c.shares.map { "\(payers[$0.payer].name) \($0.share.constantValue.map(percent) ?? $0.share.text)" }.joined(separator: ", ")
        let arms = c.arms.map { " (arms: \($0.map { self.arms[$0].name }.joined(separator: ", ")))" } ?? ""
        out.append("  \(c.name): \(c.amount.text) \(basis)\(arms); paid by \(split)")
        if c.shares.count > 1 || c.provenance.isDocumented { out.append("      split \(c.provenance.summary)") }
      }
    }
    return out.joined(separator: "\n")
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
    }
  }

  private func percent(_ x: Double) -> String {
    let p = x * 100
    return (p == p.rounded() ? String(Int(p)) : String(format: "%g", p)) + "%"
  }

  private func format(_ x: Double) -> String {
    if x == x.rounded() && abs(x) < 1e12 { return String(Int(x)) }
    return String(format: "%.6g", x)
  }
}
