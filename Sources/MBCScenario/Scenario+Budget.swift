extension Scenario {
  /// The open-cohort budget model of `mbc stress` (`budget:` in the scenario file): clients are
  /// referred month by month over calendar years, wait for a free caseload place, are served
  /// by the intervention arm, and their costs follow the scenario's per-client model.
  /// `mbc simulate` ignores it.
  ///
  /// Every amount or rate is an expression of parameters, evaluated once per run (so its
  /// uncertainty comes from the parameters it uses). Months count from 0 = January of
  /// ``startYear``. See docs/scenario-format.md § Budget stress tests for the semantics.
  public struct Budget: Sendable {
    /// The intervention arm (clients admitted to the programme follow it); the scenario's
    /// reference arm is usual care (waiting and never-admitted clients follow it).
    public var arm: Int
    /// Calendar year of month 0.
    public var startYear: Int
    /// Length of the stress test in years (months = 12 × years).
    public var years: Int
    public var inflow: Inflow
    public var capacity: Capacity
    public var waiting: Waiting
    public var service: Service
    public var programme: Programme
    /// Yearly price indexation of every cost (programme and model): year y is multiplied by (1 + i)^y.
    public var indexation: ModelExpression
    public var lines: [Line]
    public var variants: [Variant]
    /// Where each number came from, by key path (e.g. `capacity.fte`), for the report.
    public var sources: [String: Provenance]
    public var location: SourceLocation?

    public var months: Int { 12 * years }

    /// New referrals per month: Poisson with mean rate × seasonality[calendar month] ×
    /// (1 + trend)^(m / 12) (× the surge factor of a variant).
    public struct Inflow: Sendable {
      public var rate: ModelExpression
      /// 12 factors, January … December (all 1 when not given).
      public var seasonality: [Double]
      public var trend: ModelExpression
    }

    /// Caseload places: ⌊FTE × caseload × ramp-up⌋, the ramp-up growing linearly to 1 over
    /// the first ``rampUpMonths`` months ((m + 1) / rampUpMonths in month m).
    public struct Capacity: Sendable {
      public var fte: ModelExpression
      public var caseload: ModelExpression
      public var rampUpMonths: Int
    }

    /// A waiting client leaves the list each month with probability ``dropout``; one who has
    /// waited ``maxMonths`` months without a place is turned away.
    public struct Waiting: Sendable {
      public var dropout: ModelExpression
      public var maxMonths: Int
    }

    /// An admitted client holds a place in the admission month and then while, at every month
    /// end, they are in one of ``states`` in the intervention arm (the first spell), at most
    /// ``maxMonths`` months.
    public struct Service: Sendable {
      public var states: [Int]
      public var maxMonths: Int?
    }

    /// The programme's own costs, borne by ``payer``; they replace the model's cost lines
    /// marked `intervention: true` (which approximate them per client).
    public struct Programme: Sendable {
      public var payer: Int
      /// Once, spread evenly over the first 12 months.
      public var startup: ModelExpression
      /// Per year while funded (1/12 per month).
      public var fixedPerYear: ModelExpression
      /// Per FTE-year of funded capacity (1/12 per FTE-month).
      public var perFTEYear: ModelExpression
      /// Once per admission.
      public var perClient: ModelExpression
      /// Per client-month in service.
      public var perClientMonth: ModelExpression
    }

    /// What a budget line pays for.
    public enum Covers: String, Sendable, CaseIterable {
      /// The programme's costs (if the line's payer bears them).
      case programme
      /// The model's costs of every referred client borne by the payer.
      case care
      /// Both.
      case all
    }

    /// A payer's budget line with a yearly cap: `lines:`.
    public struct Line: Sendable {
      public var name: String
      public var label: String
      public var payer: Int
      public var covers: Covers
      /// The cap per year (one expression per year; the last repeats); empty: no cap.
      public var caps: [ModelExpression]
      /// Whether the caps are in prices of year 0 and grow with ``Budget/indexation`` like the costs.
      public var indexed = false
      public var provenance: Provenance
    }

    /// A shock or policy compared with the base case: `variants:`.
    public struct Variant: Sendable {
      public var name: String
      public var label: String
      /// Referrals × (1 + percent/100) from month `fromMonth` on.
      public var surge: (percent: Double, fromMonth: Int)?
      /// Prices × (1 + percent/100) from month `fromMonth` on, for the programme only or for all costs.
      public var priceRise: (percent: Double, fromMonth: Int, programmeOnly: Bool)?
      /// No admissions from month `afterMonth` on; clients in service finish (`finish`) or go
      /// back to usual care (`stop`).
      public var fundingStop: (afterMonth: Int, finish: Bool)?
      /// Replaces the ramp-up.
      public var rampUpMonths: Int?
      public var provenance: Provenance

      public init(name: String, label: String) {
        self.name = name
        self.label = label
        provenance = Provenance()
      }
    }
  }
}
