import MBCRandom

/// A validated decision model read from a scenario file: the states clients move between,
/// the arms being compared, the uncertain parameters, the events and the cost lines split
/// over payers. Built by ``ScenarioLoader``; every expression in it refers only to defined
/// parameters, and parameter definitions are in dependency order (no cycles).
///
/// Conventions (documented in docs/scenario-format.md):
/// - Cycle t = 0, 1, …, horizon − 1. At the start of cycle t a client in state s is charged
///   the state's per-cycle costs, discounted by (1 + r)^(−t / cyclesPerYear); rate events are
///   counted for state s; then the client moves by the transition row of s (stay = 1 − Σ moves).
///   Costs of a move (and of events triggered by it) are discounted with the cycle of the move.
/// - Per-start costs are charged once per client at t = 0 (undiscounted).
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

  public var states: [State]
  /// Index into ``states`` of the state every client starts in.
  public var startState: Int
  public var payers: [Payer]
  /// In dependency order: a parameter's expression refers only to earlier parameters.
  public var parameters: [Parameter]
  public var events: [Event]
  public var costs: [CostLine]
  public var arms: [Arm]
  /// Index into ``arms`` of the comparator (usual care) that other arms are compared with.
  public var referenceArm: Int
  /// Where each numeric setting came from (horizon, clients, discount rate, ...).
  public var settingSources: [String: Provenance]
  /// Warnings found while loading (e.g. numbers without a source); never errors.
  public var warnings: [ScenarioDiagnostic] = []

  public var cyclesPerYear: Double { cycle.perYear }

  public func stateIndex(_ name: String) -> Int? { states.firstIndex { $0.name == name } }
  public func payerIndex(_ name: String) -> Int? { payers.firstIndex { $0.name == name } }
  public func parameterIndex(_ name: String) -> Int? { parameters.firstIndex { $0.name == name } }
  public func eventIndex(_ name: String) -> Int? { events.firstIndex { $0.name == name } }
  public func armIndex(_ name: String) -> Int? { arms.firstIndex { $0.name == name } }
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
  /// parameters (expression).
  public struct Parameter: Sendable {
    public enum Definition: Sendable {
      case distribution(Distribution)
      case expression(ModelExpression)
    }
    public var name: String
    public var label: String?
    public var definition: Definition
    public var provenance: Provenance
    public var location: SourceLocation?
    /// How the user wrote a distribution (e.g. "beta(mean 0.15, sd 0.03)"), for reports.
    public var written: String
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
  }

  /// One strategy compared (usual care, the intervention, ...), with its transition matrix.
  public struct Arm: Sendable {
    public var name: String
    public var label: String
    /// Per from-state, the moves out of it: (to-state, probability per cycle). The stay
    /// probability is the complement. Rows of shared `transitions:` unless the arm replaces them.
    public var transitions: [[(to: Int, probability: ModelExpression, location: SourceLocation?)]]
  }
}
