import Foundation
import MBCRandom
import MBCScenario

/// A scenario turned into flat numeric form for the engine.
///
/// Everything that can vary between runs is an ``ExpressionProgram`` over the parameter
/// values of the run; ``RunTables`` evaluates them once per run into flat arrays (cumulative
/// transition rows, Poisson means, costs per state, event and move, per payer). The
/// per-client loop then only looks numbers up: it never evaluates an expression.
public struct CompiledModel: Sendable {
  public let scenario: Scenario
  public let layout: MetricLayout

  /// Sizes: states, arms, payers, rate events, horizon (cycles), clients per run.
  public let stateCount: Int, armCount: Int, payerCount: Int, rateEventCount: Int
  public let horizon: Int, clients: Int

  /// Discount factor of cycle t for costs: (1 + r)^(−t / cyclesPerYear), t = 0..horizon−1.
  public let discountFactors: [Double]

  // Parameters: distributions drawn from their own streams, then expressions in dependency order.
  struct DrawnParameter: Sendable {
    var slot: Int
    var distribution: Distribution
    var purpose: StreamPurpose
  }
  struct DerivedParameter: Sendable {
    var slot: Int
    var program: ExpressionProgram
  }
  let drawn: [DrawnParameter]
  let derived: [DerivedParameter]
  /// Largest stack any program needs.
  let stackSize: Int

  /// The probability of each listed move, per arm: programs[a][s] = [(to, program)].
  let moves: [[[(to: Int, program: ExpressionProgram)]]]
  /// Rate events: the scenario index of each, and its per-state Poisson-mean programs.
  let rateEvents: [(event: Int, purpose: StreamPurpose, means: [(state: Int, program: ExpressionProgram)])]
  /// Transition events: scenario index and the (from, to) moves that count.
  let transitionEvents: [(event: Int, moves: [(from: Int, to: Int)])]
  /// Cost lines: amount and share programs, where each applies.
  struct Cost: Sendable {
    var name: String
    var amount: ExpressionProgram
    var shares: [(payer: Int, program: ExpressionProgram)]
    var arms: [Bool]
    var basis: Basis
    enum Basis: Sendable {
      case perCycle(states: [Int])
      case perRateEvent(Int)
      case perMoves([(from: Int, to: Int)])
      case atStart
    }
  }
  let costs: [Cost]

  /// The largest Poisson mean per cycle the engine accepts (inversion needs exp(−λ) > 0).
  public static let maximumRate = 700.0

  public init(_ scenario: Scenario) {
    self.scenario = scenario
    layout = MetricLayout(scenario: scenario)
    stateCount = scenario.states.count
    armCount = scenario.arms.count
    payerCount = scenario.payers.count
    horizon = scenario.horizon
    clients = scenario.clients
    let perYear = scenario.cyclesPerYear
    let r = scenario.costDiscountRate
    discountFactors = (0..<scenario.horizon).map { t in Foundation.pow(1 + r, -Double(t) / perYear) }

    // Slots are the scenario's parameter order (dependency order).
    let slots = Dictionary(uniqueKeysWithValues: scenario.parameters.enumerated().map { ($1.name, $0) })
    func compile(_ e: ModelExpression) -> ExpressionProgram {
      // The loader has checked every name, so resolution cannot fail here.
      (try? e.compile { slots[$0] }) ?? .constant(.nan)
    }
    var drawn: [DrawnParameter] = []
    var derived: [DerivedParameter] = []
    for (i, p) in scenario.parameters.enumerated() {
      switch p.definition {
      case .distribution(let d): drawn.append(.init(slot: i, distribution: d, purpose: .parameter(p.name)))
      case .expression(let e): derived.append(.init(slot: i, program: compile(e)))
      }
    }
    self.drawn = drawn
    self.derived = derived

    moves = scenario.arms.map { arm in
      arm.transitions.map { row in row.map { (to: $0.to, program: compile($0.probability)) } }
    }

    var rateEvents: [(Int, StreamPurpose, [(Int, ExpressionProgram)])] = []
    var transitionEvents: [(Int, [(Int, Int)])] = []
    var rateIndex: [Int: Int] = [:]
    var eventMoves: [Int: [(from: Int, to: Int)]] = [:]
    for (i, event) in scenario.events.enumerated() {
      switch event.kind {
      case .rate(let means):
        rateIndex[i] = rateEvents.count
        rateEvents.append((i, .event(event.name), means.map { ($0.state, compile($0.mean)) }))
      case .transition(let from, let to):
        let pairs = Self.pairs(from: from, to: to)
        eventMoves[i] = pairs
        transitionEvents.append((i, pairs))
      }
    }
    self.rateEvents = rateEvents.map { (event: $0.0, purpose: $0.1, means: $0.2.map { (state: $0.0, program: $0.1) }) }
    self.transitionEvents = transitionEvents.map { (event: $0.0, moves: $0.1) }
    rateEventCount = rateEvents.count

    costs = scenario.costs.map { line in
      let basis: Cost.Basis
      switch line.basis {
      case .perCycle(let states): basis = .perCycle(states: states)
      case .perEvent(let e):
        if let r = rateIndex[e] { basis = .perRateEvent(r) } else { basis = .perMoves(eventMoves[e] ?? []) }
      case .perTransition(let from, let to): basis = .perMoves(Self.pairs(from: from, to: to))
      case .atStart: basis = .atStart
      }
      let arms = (0..<scenario.arms.count).map { line.arms?.contains($0) ?? true }
      return Cost(name: line.name, amount: compile(line.amount), shares: line.shares.map { ($0.payer, compile($0.share)) }, arms: arms, basis: basis)
    }

    var stack = 1
    for d in derived { stack = max(stack, d.program.stackSize) }
    for arm in moves { for row in arm { for m in row { stack = max(stack, m.program.stackSize) } } }
    for r in self.rateEvents { for m in r.means { stack = max(stack, m.program.stackSize) } }
    for c in costs {
      stack = max(stack, c.amount.stackSize)
      for s in c.shares { stack = max(stack, s.program.stackSize) }
    }
    stackSize = stack
  }

  /// All (from, to) moves with from ≠ to.
  static func pairs(from: [Int], to: [Int]) -> [(from: Int, to: Int)] {
    var out: [(Int, Int)] = []
    for f in from { for t in to where t != f { out.append((f, t)) } }
    return out.map { (from: $0.0, to: $0.1) }
  }
}
