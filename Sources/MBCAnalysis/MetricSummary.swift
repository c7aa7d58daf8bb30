/// What `summary.csv` reports for one metric: the mean with its Monte Carlo error, and the spread
/// of the per-run values.
///
/// Two different intervals, not to be confused (DESIGN §6):
/// - the **95% confidence interval of the mean**, `ciLow...ciHigh = mean ± z·mcse`: how precisely
///   the simulation has estimated the expected value; it shrinks as 1/√n with more runs;
/// - the **95% uncertainty interval**, `p2_5...p97_5`: where 95% of the per-run (PSA) values lie;
///   it does not shrink with more runs.
///
/// Small counts: with `count == 0` every field but `count` is NaN; with `count == 1`, `mean` and
/// the percentiles are the single value and `sd`, `mcse`, `ciLow`, `ciHigh` are NaN. A NaN among
/// the values makes every statistic NaN (including `pPositive`): a NaN run is a model error, not a
/// data point. As NaN ≠ NaN, summaries holding NaN never compare equal with `==`.
public struct MetricSummary: Sendable, Equatable {
  /// Φ⁻¹(0.975), the standard normal quantile of the two-sided 95% interval.
  public static let z975 = 1.959963984540054

  /// The number of runs.
  public var count: Int
  /// The mean over runs.
  public var mean: Double
  /// The standard deviation over runs (divisor n − 1).
  public var sd: Double
  /// The Monte Carlo standard error of the mean, `sd/√n`.
  public var mcse: Double
  /// The lower end of the 95% confidence interval of the mean, `mean − z·mcse`, z = ``z975``.
  public var ciLow: Double
  /// The upper end of the 95% confidence interval of the mean, `mean + z·mcse`, z = ``z975``.
  public var ciHigh: Double
  /// The 2.5th percentile of the per-run values (type 7): the lower end of the 95% uncertainty
  /// interval.
  public var p2_5: Double
  /// The median of the per-run values (type 7).
  public var p50: Double
  /// The 97.5th percentile of the per-run values (type 7): the upper end of the 95% uncertainty
  /// interval.
  public var p97_5: Double
  /// The fraction of runs with a value > 0 (for a net saving: the probability that it saves).
  public var pPositive: Double

  /// A summary from its fields (for tests and for readers of `summary.csv`).
  public init(
    count: Int, mean: Double, sd: Double, mcse: Double, ciLow: Double, ciHigh: Double,
    p2_5: Double, p50: Double, p97_5: Double, pPositive: Double
  ) {
    self.count = count
    self.mean = mean
    self.sd = sd
    self.mcse = mcse
    self.ciLow = ciLow
    self.ciHigh = ciHigh
    self.p2_5 = p2_5
    self.p50 = p50
    self.p97_5 = p97_5
    self.pPositive = pPositive
  }
}
