extension Scenario {
  /// What the decision analysis reports on (the scenario's `analysis:` section). Everything
  /// has a default, so a scenario without the section is analysed too.
  public struct Analysis: Sendable {
    /// The health or social outcome that incremental cost-effectiveness ratios, net benefit,
    /// the acceptability curves and the value of information are about.
    public enum Outcome: Sendable, Equatable {
      /// A named effect (QALYs, days housed, …): more is better.
      case effect(Int)
      /// An event (evictions, admissions, …): fewer is better; the outcome is the number avoided.
      case eventsAvoided(Int)
    }

    /// The outcome; nil when the scenario has neither effects nor a chosen event: the analysis
    /// is then on costs alone (net monetary benefit = −cost, the same at any willingness to pay).
    public var outcome: Outcome?
    /// The willingness to pay per unit of the outcome at which net monetary and net health
    /// benefit are reported; nil when the scenario gives none.
    public var willingnessToPay: Double?
    public var willingnessToPayProvenance = Provenance()
    /// The willingness-to-pay values of the acceptability curves and the value of information,
    /// ascending. Default 0 … 100,000 in 51 steps, plus ``willingnessToPay``.
    public var willingnessToPayGrid: [Double] = Analysis.defaultGrid
    /// Clients who would receive the decision per year and for how many years: scales the
    /// per-client EVPI to the population (discounted at the cost discount rate).
    public var population: Population?
    /// Parameter groups whose partial EVPI is estimated (indices into ``Scenario/parameters``);
    /// empty: every uncertain parameter on its own.
    public var evppiGroups: [(name: String, parameters: [Int])] = []
    /// The parameter whose break-even value is searched, and the range searched.
    public var breakEven: BreakEven?
    /// The calendar year in which the first cycle starts (for `cashflow.csv`), if given.
    public var startYear: Int?

    public init() {}

    /// 0, 2,000, …, 100,000.
    public static let defaultGrid = (0...50).map { Double($0) * 2000 }

    /// The grid with ``willingnessToPay`` added (sorted, without duplicates); `[0]` when
    /// there is no outcome (the analysis does not depend on it).
    public var grid: [Double] {
      guard outcome != nil else { return [0] }
      var g = willingnessToPayGrid
      if let w = willingnessToPay, !g.contains(w) { g.append(w) }
      return g.sorted()
    }
  }

  /// A population that the value of information is scaled to.
  public struct Population: Sendable {
    /// New clients per year.
    public var perYear: Double
    /// Years the decision applies to.
    public var years: Int
    public var provenance: Provenance

    public init(perYear: Double, years: Int, provenance: Provenance = Provenance()) {
      self.perYear = perYear
      self.years = years
      self.provenance = provenance
    }
  }

  /// A one-way threshold analysis: the value of `parameter` in `low … high` at which the
  /// expected net saving of an arm is zero, per payer.
  public struct BreakEven: Sendable {
    public var parameter: Int
    public var low: Double
    public var high: Double
  }

  /// The outcome's name as written in outputs: the effect's name, or `<event>_avoided`.
  public var outcomeName: String? {
    switch analysis.outcome {
    case .effect(let k)?: effects[k].name
    case .eventsAvoided(let e)?: "\(events[e].name)_avoided"
    case nil: nil
    }
  }

  /// The outcome's description for reports, e.g. "QALYs" or "evictions avoided".
  public var outcomeLabel: String? {
    switch analysis.outcome {
    case .effect(let k)?: effects[k].label
    case .eventsAvoided(let e)?: "\(events[e].label.lowercased()) avoided"
    case nil: nil
    }
  }
}
