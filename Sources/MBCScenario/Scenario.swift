import MBCRandom

/// A validated decision model read from a scenario file: the states clients move between,
/// the arms being compared, the uncertain parameters, the events and the cost lines split
/// over payers. Built by ``ScenarioLoader``; every expression in it refers only to defined
/// parameters, and parameter definitions are in dependency order (no cycles).
///
/// Conventions (documented in docs/scenario-format.md):
/// - Cycle t = 0, 1, …, horizon − 1; boundary t is the start of cycle t (boundary `horizon`
///   is the end of the last cycle). During cycle t a client in state s has its rate events
///   counted for s, then moves by the transition row of s (stay = 1 − Σ moves).
/// - Per-cycle rewards (costs and effects of being in a state) are counted at the boundaries
///   with the weights of their ``RewardTiming`` and the discount factor (1 + r)^(−t/cyclesPerYear)
///   of boundary t. Costs of a move, and of the events it triggers, are discounted with the
///   cycle of the move; per-start costs are charged once per client at t = 0.
public struct Scenario: Sendable {
  /// Where the scenario came from (the path as given).
  public var file: String
  public var name: String
  public var description: String
  public var currency: String
  public var priceYear: Int?

  public var cycle: CycleLength
  /// Number of cycles simulated.
  public var horizon: Int
  /// Clients simulated per run and arm.
  public var clients: Int
  /// Annual discount rate for costs.
  public var costDiscountRate: Double
  /// When per-cycle costs are counted.
  public var costTiming: RewardTiming = .start
  /// When the rewards of moves count.
  public var transitionTiming: TransitionTiming = .move
  /// The engine `mbc simulate` uses unless `--engine` says otherwise.
  public var engine: EngineKind = .individual
  /// What a run does with a transition probability outside [0, 1] (or a row above 1).
  public var invalidProbabilities: InvalidProbabilities = .stop

  public var states: [State]
  /// The state every client starts in when there is one start state (the first of
  /// ``start`` otherwise); kept for simple models.
  public var startState: Int
  /// Starting state distribution: (state, share) with shares summing to 1 (per run).
  public var start: [(state: Int, share: ModelExpression)] = []
  /// Subgroups of clients (at least one: a single `all` subgroup when none are declared).
  public var subgroups: [Subgroup] = []
  /// The subgroup every client is drawn from when the run is restricted to one
  /// (``restricted(toSubgroup:)``, `mbc simulate --subgroup`); nil for the whole mix.
  public var onlySubgroup: String?
  /// Categorical client attributes (e.g. sex), with their category shares.
  public var attributes: [Attribute] = []
  /// The distribution of the age at the start, when clients have an age.
  public var age: AgeSpec?
  public var payers: [Payer]
  /// In dependency order: a parameter's expression refers only to earlier parameters.
  public var parameters: [Parameter]
  public var events: [Event]
  public var costs: [CostLine]
  /// Named health or social effects (QALYs, life-years, days housed, ...).
  public var effects: [Effect] = []
  /// Groups of clients that form together and share costs (support circles), by arm.
  public var groups: [Group] = []
  /// The open-cohort budget model of `mbc stress` (nil when the file has no `budget:`).
  public var budget: Budget?
  /// Lookup tables used by `lookup(table, x)` in expressions.
  public var tables: [LookupTable] = []
  /// Where each table's numbers came from, by table name.
  public var tableSources: [String: Provenance] = [:]
  /// Groups of correlated parameters, sampled by a Gaussian copula.
  public var correlations: [Correlation] = []
  public var arms: [Arm]
  /// Index into ``arms`` of the comparator (usual care) that other arms are compared with.
  public var referenceArm: Int
  /// Where each numeric setting came from (horizon, clients, discount rate, ...).
  public var settingSources: [String: Provenance]
  /// Settings of the decision analysis: outcome, willingness to pay, population, EVPPI groups,
  /// break-even parameter.
  public var analysis = Analysis()
  /// Warnings found while loading (e.g. numbers without a source); never errors.
  public var warnings: [ScenarioDiagnostic] = []

  public var cyclesPerYear: Double { cycle.perYear }

  public func stateIndex(_ name: String) -> Int? { states.firstIndex { $0.name == name } }
  public func payerIndex(_ name: String) -> Int? { payers.firstIndex { $0.name == name } }
  public func parameterIndex(_ name: String) -> Int? { parameters.firstIndex { $0.name == name } }
  public func eventIndex(_ name: String) -> Int? { events.firstIndex { $0.name == name } }
  public func armIndex(_ name: String) -> Int? { arms.firstIndex { $0.name == name } }

  /// Length of a cycle in years.
  public var cycleLength: Double { 1 / cycle.perYear }
}

/// When the per-cycle rewards of a state (costs, effects) are counted. With m_t the state at
/// boundary t (t = 0 … T, boundary t being the start of cycle t) and d_t its discount factor,
/// a reward r counts Σ_t ω_t·d_t·r(m_t) with these weights ω:
public enum RewardTiming: Sendable, Equatable {
  /// ω = 1 for t = 0 … T−1, 0 at T: the state at the start of each cycle.
  case start
  /// ω = 0 at t = 0, 1 for t = 1 … T: the state at the end of each cycle.
  case end
  /// ω = ½ at t = 0 and t = T, 1 in between: the half-cycle correction (the trapezoid over
  /// the boundaries, each discounted at its own time).
  case halfCycle
  /// Per cycle the mean of its start and end occupancy, discounted at the cycle's start:
  /// Σ_{t<T} d_t·½(r(m_t) + r(m_{t+1})) (the life-table method); written as boundary weights
  /// ω_t·d_t = ½(d_{t−1} + d_t) inside, ½d_0 and ½d_{T−1} at the ends.
  case lifeTable
  /// Simpson's 1/3 rule over the boundaries: ω = 1/3, 4/3, 2/3, 4/3, …, 4/3, 1/3 (textbook:
  /// 4/3 on odd t; needs an even number of cycles).
  case simpson
  /// Explicit weights: `first` at t = 0, `last` at t = T, `odd` on odd t and `even` on even t
  /// in between. E.g. DARTH's tutorials use first 1/3, odd 2/3, even 4/3, last 1/3; counting
  /// every boundary 0 … T once is first 1, odd 1, even 1, last 1.
  case custom(first: Double, odd: Double, even: Double, last: Double)

  /// The names of the built-in rules, as written in scenario files.
  public static let named: [String: RewardTiming] = [
    "start": .start, "end": .end, "half_cycle": .halfCycle, "life_table": .lifeTable, "simpson": .simpson,
  ]

  public var name: String {
    switch self {
    case .start: "start"
    case .end: "end"
    case .halfCycle: "half_cycle"
    case .lifeTable: "life_table"
    case .simpson: "simpson"
    case .custom(let f, let o, let e, let l): "weights(first \(f), odd \(o), even \(e), last \(l))"
    }
  }

  /// ω_t·d_t for boundaries t = 0 … T, given the discount factors d_0 … d_T.
  public func weights(discount d: [Double]) -> [Double] {
    let T = d.count - 1
    var w = [Double](repeating: 0, count: T + 1)
    switch self {
    case .start: for t in 0..<T { w[t] = d[t] }
    case .end: for t in stride(from: 1, through: T, by: 1) { w[t] = d[t] }
    case .halfCycle:
      for t in 0...T { w[t] = d[t] }
      if T > 0 {
        w[0] *= 0.5
        w[T] *= 0.5
      }
    case .lifeTable:
      for t in 0..<T {
        w[t] += 0.5 * d[t]
        w[t + 1] += 0.5 * d[t]
      }
    case .simpson:
      for t in 0...T { w[t] = d[t] * (t == 0 || t == T ? 1.0 / 3 : (t % 2 == 1 ? 4.0 / 3 : 2.0 / 3)) }
    case .custom(let first, let odd, let even, let last):
      for t in 0...T { w[t] = d[t] * (t == 0 ? first : t == T ? last : (t % 2 == 1 ? odd : even)) }
    }
    return w
  }
}

/// When the costs and effects of a move (and of the transition events it triggers) count.
public enum TransitionTiming: String, Sendable, CaseIterable {
  /// In the cycle of the move t, discounted with d_t, weight 1 (the default).
  case move
  /// At the boundary after the move (t + 1), with that boundary's state-reward weight and
  /// discount, like the state rewards (as in DARTH's transition-reward arrays).
  case nextBoundary = "next_boundary"
}

/// What a run does with a transition probability that its parameter draw puts outside [0, 1]
/// (`invalid_probabilities:`).
public enum InvalidProbabilities: String, Sendable, CaseIterable {
  /// Stop the simulation with a run-time error naming the run (the default).
  case stop
  /// Clamp the probability into [0, 1] (scale a row whose moves sum above 1 down to 1) and
  /// count how often that happened.
  case clamp
}

/// Which engine computes the results.
public enum EngineKind: String, Sendable, CaseIterable {
  /// Individual-level microsimulation: each client is simulated with its own random streams.
  case individual
  /// The expected-value Markov trace (exact given a run's parameters; no sampling within a run).
  case cohort
}

/// Where a number came from: a citation or an explicit assumption, plus an optional note.
public struct Provenance: Sendable, Hashable {
  public var source: String?
  public var assumption: String?
  public var note: String?

  public init(source: String? = nil, assumption: String? = nil, note: String? = nil) {
    self.source = source
    self.assumption = assumption
    self.note = note
  }

  /// True when the number has a source or is declared an assumption.
  public var isDocumented: Bool { source != nil || assumption != nil }

  /// "source: …", "assumption: …" or "no source".
  public var summary: String {
    if let source { return "source: \(source)" }
    if let assumption { return "assumption: \(assumption)" }
    return "no source"
  }
}

/// The length of a model cycle.
public enum CycleLength: String, Sendable, CaseIterable {
  case day, week, month, quarter, year

  /// Cycles per year: 365.25, 52.1775 (365.25 / 7), 12, 4, 1.
  public var perYear: Double {
    switch self {
    case .day: 365.25
    case .week: 365.25 / 7
    case .month: 12
    case .quarter: 4
    case .year: 1
    }
  }
}

extension Scenario {
  /// A health or social state a client is in during a cycle.
  public struct State: Sendable {
    public var name: String
    public var label: String
    public var location: SourceLocation?
  }

  /// Who bears a cost or saving (municipality, health insurer, housing corporation, ...).
  public struct Payer: Sendable {
    public var name: String
    public var label: String
  }

  /// A named model input, drawn once per run (distribution) or computed from other
  /// parameters (expression). A vector parameter (Dirichlet, multivariate normal) has named
  /// components, used in expressions as `name.component`.
  public struct Parameter: Sendable {
    public enum Definition: Sendable {
      case distribution(Distribution)
      case expression(ModelExpression)
      /// Components are named; the Cholesky factor of a multivariate normal is computed when
      /// the model is compiled (``VectorSpec``).
      case vector(VectorSpec, components: [String])
    }
    public var name: String
    public var label: String?
    public var definition: Definition
    public var provenance: Provenance
    public var location: SourceLocation?
    /// How the user wrote a distribution (e.g. "beta(mean 0.15, sd 0.03)"), for reports.
    public var written: String
    /// Multiplier bringing the value from its own price year to the scenario's (1 when none).
    public var priceFactor: Double = 1

    /// The names this parameter provides: its own, or `name.component` for each component.
    public var valueNames: [String] {
      if case .vector(_, let components) = definition { return components.map { "\(name).\($0)" } }
      return [name]
    }
  }

  /// A vector distribution as written; the engine turns it into a ``VectorDistribution``.
  public enum VectorSpec: Sendable {
    case dirichlet(alpha: [Double])
    case multivariateNormal(mean: [Double], covariance: [Double])
  }

  /// A group of client characteristics and its share of the clients.
  public struct Subgroup: Sendable {
    public var name: String
    public var label: String
    /// Share of the clients (an expression of parameters; shares sum to 1 per run).
    public var share: ModelExpression
    /// Starting state distribution of the subgroup (the scenario's `start` when empty).
    public var start: [(state: Int, share: ModelExpression)]
    /// The subgroup's own age distribution (the scenario's otherwise).
    public var age: AgeSpec?
    /// Category shares that differ from the scenario's, by attribute index.
    public var attributeShares: [Int: [ModelExpression]]
  }

  /// A categorical client attribute such as sex, with the shares of its categories.
  public struct Attribute: Sendable {
    public var name: String
    public var categories: [String]
    public var shares: [ModelExpression]
  }

  /// Age at the start, in years: a fixed value or a distribution drawn per client; ages are
  /// used in whole years (the age at the last birthday) and limited to 0…``maximumAge``.
  public struct AgeSpec: Sendable {
    public var distribution: Distribution
    public var written: String
    public static let maximumAge = 120.0
  }

  /// Parameters whose draws are correlated (Gaussian copula).
  public struct Correlation: Sendable {
    public enum Kind: String, Sendable { case rank, pearson }
    public var name: String
    /// Parameter indices (into ``Scenario/parameters``).
    public var parameters: [Int]
    /// Correlation matrix (row-major, order = parameters.count), as given.
    public var matrix: [Double]
    public var kind: Kind
    /// Replace a matrix that is not positive definite by the nearest correlation matrix.
    public var repair: Bool
    public var location: SourceLocation?
  }

  /// A named effect (outcome) measure: its lines, discount rate and timing.
  public struct Effect: Sendable {
    public var name: String
    public var label: String
    public var discountRate: Double
    public var timing: RewardTiming
    public var lines: [EffectLine]
    public var location: SourceLocation?
  }

  /// An amount of an effect per cycle in some states, per event, per transition or at start.
  public struct EffectLine: Sendable {
    public var name: String
    public var basis: CostLine.Basis
    public var amount: ModelExpression
    public var arms: [Int]?
    public var provenance: Provenance
    public var location: SourceLocation?
  }

  /// Something counted per client: rate events occur a Poisson number of times per cycle in
  /// given states; transition events occur on given moves.
  public struct Event: Sendable {
    public enum Kind: Sendable {
      /// Poisson mean per cycle, per state (states not listed: rate 0).
      case rate([(state: Int, mean: ModelExpression)])
      /// Occurs on every move from a state in `from` to a state in `to` (`from != to`).
      case transition(from: [Int], to: [Int])
    }
    public var name: String
    public var label: String
    public var kind: Kind
    public var location: SourceLocation?
  }

  /// An amount charged per cycle in some states, per event, per transition or once at start,
  /// split over payers by shares that sum to 1.
  public struct CostLine: Sendable {
    public enum Basis: Sendable {
      case perCycle(states: [Int])
      case perEvent(Int)
      case perTransition(from: [Int], to: [Int])
      case atStart
      /// Each cycle a group of ``Scenario/groups``[g] is open (cost lines only).
      case perGroupCycle(group: Int)
      /// Once per group that forms, at the start (cost lines only).
      case perGroupStart(group: Int)
    }
    public var name: String
    public var label: String
    public var basis: Basis
    public var amount: ModelExpression
    /// (payer index, share) pairs; shares are expressions over parameters.
    public var shares: [(payer: Int, share: ModelExpression)]
    /// Arms the line applies to (all arms when nil).
    public var arms: [Int]?
    public var provenance: Provenance
    public var location: SourceLocation?
    /// Multiplier bringing the amount from its price year to the scenario's (1 when none).
    public var priceFactor: Double = 1
    /// Whether the line is the cost of the intervention itself (the investment), as opposed
    /// to the costs it may save: the denominator of the return on investment per payer.
    public var intervention = false
  }

  /// One strategy compared (usual care, the intervention, ...), with its transition matrix.
  public struct Arm: Sendable {
    public var name: String
    public var label: String
    /// Per from-state, the moves out of it: (to-state, probability per cycle). The stay
    /// probability is the complement. Rows of shared `transitions:` unless the arm replaces them.
    public var transitions: [[(to: Int, probability: ModelExpression, location: SourceLocation?)]]
    /// Parameters this arm sets differently: (parameter name, expression over parameters).
    public var parameterOverrides: [(name: String, value: ModelExpression)] = []
    /// The arm this one was derived from (`inherits:`), if any.
    public var inherits: String?
  }
}
