import MBCScenario

/// The columns of one run of a budget stress test (`mbc stress`): for each variant (0 = the
/// base case, then the scenario's `variants:` in order) a block of
/// - `cash[measure][year][payer]`: cost with the programme (care + programme), cost without
///   it, the programme's cost, and the net saving (without − with), per calendar year and
///   payer (payer index P = all payers), nominal (indexed, undiscounted);
/// - `total[payer]`: the net saving over the whole stress test;
/// - `payback[payer]`: months until the cumulative net saving turns positive for good
///   (+∞ when it is not positive at the end);
/// - `spend[line][year]`, `cap[line][year]`: each budget line's spending and cap (NaN: no cap);
/// - `monthly[measure][month]`: waiting list at the month's end, clients in service,
///   admissions, mean wait of the month's admissions in months (NaN when none), places;
/// - `yearly[measure][year]`: referrals, admissions, drop-outs from the list, turned away.
public struct StressLayout: Sendable {
  public static let cashMeasures = ["cost_with", "cost_without", "programme", "net_saving"]
  public static let monthlyMeasures = ["waiting", "in_service", "admitted", "waiting_time", "capacity"]
  public static let yearlyMeasures = ["referrals", "admitted", "dropped_out", "turned_away"]

  /// "base", then the variants' names.
  public let variants: [String]
  /// Payers (the total is index `payers`).
  public let payers: Int
  public let years: Int
  public let months: Int
  public let lines: Int

  let cashBase: Int, totalBase: Int, paybackBase: Int, spendBase: Int, capBase: Int, monthlyBase: Int, yearlyBase: Int
  /// Columns per variant.
  public let block: Int

  public init(budget: Scenario.Budget, payers: Int) {
    variants = ["base"] + budget.variants.map(\.name)
    self.payers = payers
    years = budget.years
    months = budget.months
    lines = budget.lines.count
    let W = payers + 1
    cashBase = 0
    totalBase = cashBase + Self.cashMeasures.count * years * W
    paybackBase = totalBase + W
    spendBase = paybackBase + W
    capBase = spendBase + lines * years
    monthlyBase = capBase + lines * years
    yearlyBase = monthlyBase + Self.monthlyMeasures.count * months
    block = yearlyBase + Self.yearlyMeasures.count * years
  }

  public var count: Int { variants.count * block }

  public func cash(variant v: Int, measure k: Int, year y: Int, payer p: Int) -> Int {
    v * block + cashBase + (k * years + y) * (payers + 1) + p
  }
  public func total(variant v: Int, payer p: Int) -> Int { v * block + totalBase + p }
  public func payback(variant v: Int, payer p: Int) -> Int { v * block + paybackBase + p }
  public func spend(variant v: Int, line l: Int, year y: Int) -> Int { v * block + spendBase + l * years + y }
  public func cap(variant v: Int, line l: Int, year y: Int) -> Int { v * block + capBase + l * years + y }
  public func monthly(variant v: Int, measure k: Int, month m: Int) -> Int { v * block + monthlyBase + k * months + m }
  public func yearly(variant v: Int, measure k: Int, year y: Int) -> Int { v * block + yearlyBase + k * years + y }
}
