/// A ratio of two means from paired per-run values, with its intervals: for a payer's return on
/// investment, the mean saving divided by the mean intervention cost.
///
/// ```
/// ratio        r = ȳ / x̄                    (y: numerator per run, x: denominator per run)
/// delta method se(r) = √[(v_yy − 2r·v_xy + r²·v_xx) / n] / |x̄|,   r ± z·se(r)
/// Fieller      {R : (ȳ − R·x̄)² ≤ z²·(v_yy − 2R·v_xy + R²·v_xx) / n}
/// bootstrap    percentiles, by angle, of (x̄*, ȳ*) over B resamples of the runs
/// P(y > 0)     p = #{r : yᵣ > 0} / n,   MCSE √(p(1 − p)/n)
/// ```
///
/// v are the per-run variances and covariance (divisor n − 1). The delta method is the first-order
/// Taylor expansion of ȳ/x̄ around the expectations (see e.g. Willan & Briggs 2006, *Statistical
/// Analysis of Cost-effectiveness Data*, Wiley); it is always bounded and symmetric, and fine when
/// the denominator is many standard errors from 0 (an intervention cost usually is). Fieller
/// (`RatioInterval.fieller`) is exact for normal data and turns unbounded when the denominator's
/// interval includes 0; the bootstrap (``ICERInterval`` describes the angular percentile method)
/// needs no normality. All
/// three are confidence sets of the ratio of expectations E[y]/E[x] (Monte Carlo error, shrinking
/// as 1/√n); ``uncertaintyWedge`` is the spread of the per-run ratios (PSA uncertainty).
///
/// This is the ratio of means, never the mean of the per-run ratios yᵣ/xᵣ, which estimates
/// E[y/x] ≠ E[y]/E[x] and is unstable when xᵣ can be small.
///
/// For a return on investment,
/// ``returnOnInvestment(savings:interventionCosts:level:bootstrapReplicates:seed:)`` takes the
/// payer's saving per run (cost avoided by the payer: positive when the payer saves) and the
/// intervention cost per run. The ratio is the gross return per euro invested; the net return
/// is `ratio − 1`, and its intervals are those of the ratio shifted by −1.
public struct RatioEstimate: Sendable, Equatable {
  /// The number of runs n.
  public let count: Int
  /// The level of every interval, e.g. 0.95.
  public let level: Double
  /// ȳ, the mean numerator (the mean saving).
  public let numeratorMean: Double
  /// x̄, the mean denominator (the mean intervention cost).
  public let denominatorMean: Double
  /// r = ȳ/x̄ (±∞ or NaN when x̄ is exactly 0).
  public let ratio: Double
  /// The delta-method standard error of r.
  public let standardError: Double
  /// The delta-method interval r ± z·se(r), always `.bounded`.
  public let deltaMethod: RatioInterval
  /// Fieller's confidence set of E[y]/E[x].
  public let fieller: RatioInterval
  /// The bootstrap (percentile, by angle) confidence set; `nil` when `bootstrapReplicates` was 0.
  public let bootstrap: RatioInterval?
  /// The number of bootstrap replicates B (0: none).
  public let bootstrapReplicates: Int
  /// The central `level` wedge of the per-run points (xᵣ, yᵣ) around the means, as ratios: the
  /// PSA uncertainty of the ratio (the percentiles of yᵣ/xᵣ when every xᵣ has the same sign).
  public let uncertaintyWedge: RatioInterval
  /// The fraction of runs with a numerator > 0: for a return on investment, P(the payer saves).
  public let probabilityPositive: Double
  /// The binomial Monte Carlo standard error of ``probabilityPositive``, √(p(1 − p)/n) (0 when p is
  /// 0 or 1: then use the rule of three, an upper bound of 3/n at 95%).
  public let probabilityPositiveMCSE: Double

  /// The ratio of the means of `numerators` to `denominators`, with its intervals.
  ///
  /// - Parameters:
  ///   - numerators: yᵣ per run; at least 2 runs, all finite.
  ///   - denominators: xᵣ per run, paired with the numerators (the same PSA draw).
  ///   - level: The level of every interval, in (0, 1); default 0.95.
  ///   - bootstrapReplicates: B ≥ 2, or 0 for no bootstrap; default 1000.
  ///   - seed: The seed of the bootstrap generator (``Resampling/SplitMix64``); default 1.
  /// - Complexity: O(B·n + n) time; O(B + n) extra memory.
  public init(
    numerators: [Double], denominators: [Double], level: Double = 0.95,
    bootstrapReplicates: Int = 1000, seed: UInt64 = 1
  ) {
    var generator = Resampling.SplitMix64(seed: seed)
    self.init(
      numerators: numerators, denominators: denominators, level: level,
      bootstrapReplicates: bootstrapReplicates, using: &generator)
  }

  /// As ``init(numerators:denominators:level:bootstrapReplicates:seed:)``, drawing the bootstrap
  /// indices from `generator`.
  public init<G: RandomNumberGenerator>(
    numerators: [Double], denominators: [Double], level: Double = 0.95,
    bootstrapReplicates: Int = 1000, using generator: inout G
  ) {
    let caller = "RatioEstimate"
    DecisionInput.checkPaired(
      numerators, denominators, names: ("numerator", "denominator"), minimumRuns: 2,
      caller: caller)
    precondition(level > 0 && level < 1, "\(caller): level \(level) must be in (0, 1)")
    precondition(
      bootstrapReplicates == 0 || bootstrapReplicates >= 2,
      "\(caller): bootstrapReplicates \(bootstrapReplicates) must be 0 (none) or ≥ 2")

    let moments = PairMoments(x: denominators, y: numerators)
    let n = Double(moments.count)
    let z = StandardNormal.z(level: level)
    let r = moments.meanY / moments.meanX
    count = moments.count
    self.level = level
    numeratorMean = moments.meanY
    denominatorMean = moments.meanX
    ratio = r
    let variance = moments.varianceY - 2 * r * moments.covariance + r * r * moments.varianceX
    standardError = (Swift.max(0, variance) / n).squareRoot() / abs(moments.meanX)
    deltaMethod = .bounded(lower: r - z * standardError, upper: r + z * standardError)
    fieller = .fieller(
      numeratorMean: moments.meanY, denominatorMean: moments.meanX,
      numeratorVariance: moments.varianceY / n, denominatorVariance: moments.varianceX / n,
      covariance: moments.covariance / n, z: z)
    let centre = (x: moments.meanX, y: moments.meanY)
    uncertaintyWedge = .wedge(
      numerators: numerators, denominators: denominators, centre: centre, level: level)

    self.bootstrapReplicates = bootstrapReplicates
    if bootstrapReplicates > 0 {
      let replicates = Resampling.bootstrapMeans(
        denominators, numerators, replicates: bootstrapReplicates, using: &generator)
      bootstrap = .wedge(
        numerators: replicates.y, denominators: replicates.x, centre: centre, level: level)
    } else {
      bootstrap = nil
    }

    let p = Double(numerators.count(where: { $0 > 0 })) / n
    probabilityPositive = p
    probabilityPositiveMCSE = (p * (1 - p) / n).squareRoot()
  }

  /// The return on investment of a payer: mean saving ÷ mean intervention cost, with intervals
  /// and P(the payer saves).
  ///
  /// - Parameters:
  ///   - savings: The payer's saving per run (its costs without the intervention minus with it;
  ///     negative when the payer pays more).
  ///   - interventionCosts: The cost of the intervention per run (normally > 0 in every run, so
  ///     the intervals are bounded).
  ///   - level: As for ``init(numerators:denominators:level:bootstrapReplicates:seed:)``.
  ///   - bootstrapReplicates: Likewise.
  ///   - seed: Likewise.
  public static func returnOnInvestment(
    savings: [Double], interventionCosts: [Double], level: Double = 0.95,
    bootstrapReplicates: Int = 1000, seed: UInt64 = 1
  ) -> RatioEstimate {
    RatioEstimate(
      numerators: savings, denominators: interventionCosts, level: level,
      bootstrapReplicates: bootstrapReplicates, seed: seed)
  }
}
