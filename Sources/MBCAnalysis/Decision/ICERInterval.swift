/// Intervals for the incremental cost-effectiveness ratio of two arms from paired per-run
/// incremental costs ΔC and effects ΔE — always as a ratio of means, never a mean of per-run
/// ratios.
///
/// The ICER of the decision is the ratio of expectations, `E[ΔC] / E[ΔE]`, estimated by
/// `mean(ΔC) / mean(ΔE)`. The mean of the per-run ratios ΔCᵣ/ΔEᵣ estimates something else, and has
/// no expectation at all when ΔE can be near 0. Two kinds of interval, as for every metric (DESIGN
/// §6), clearly named:
///
/// - **Confidence sets of the ICER** (Monte Carlo error; they shrink as 1/√n with more runs):
///   ``fieller`` (Fieller's theorem with the variances of the means) and ``bootstrap`` (the
///   nonparametric bootstrap of the pair of means, replicates ordered by angle).
/// - **Uncertainty sets** (the spread of the PSA runs; they do not shrink with more runs):
///   ``uncertaintyFieller`` (Fieller's theorem with the per-run variances: the willingness-to-pay
///   values λ at which the normal approximation of P(λ·ΔE − ΔC > 0) lies between α/2 and 1 − α/2,
///   i.e. where a normal-theory acceptability curve is between 2.5% and 97.5%; Fenwick, O'Brien &
///   Briggs 2004, Health Econ 13:405) and ``uncertaintyWedge`` (the central wedge of the runs
///   themselves, ordered by angle).
///
/// Each is a ``RatioInterval``: bounded, the complement of an interval, or the whole line. Fieller
/// is unbounded exactly when the confidence interval of mean ΔE includes 0
/// (|mean ΔE| ≤ z·SE). The bootstrap set is unbounded exactly when the central `level` wedge of
/// the replicate points (mean ΔE*, mean ΔC*) contains the vertical axis, i.e. when the replicates
/// whose mean ΔE* crosses 0 are not all in the discarded tails; ``bootstrapEffectCrossing`` gives
/// their share. ``quadrants`` gives the probabilities of the four quadrants of the
/// cost-effectiveness plane over the runs, which the ratio alone cannot show.
///
/// Bootstrap conventions: the runs are resampled with replacement, the pair (ΔCᵣ, ΔEᵣ) kept
/// together (Briggs, Wonderling & Mooney 1997, Health Econ 6:327), `bootstrapReplicates` times;
/// the percentile method on the angle about the origin relative to the point estimate. The
/// percentile ends carry their own Monte Carlo error, of the order of
/// `√(p(1 − p)/B) / f(q)` (p = 0.025): with B = 1000 about 0.09 standard deviations of the
/// bootstrap distribution; raise B for publication-grade ends.
public struct ICERInterval: Sendable, Equatable {
  /// Fractions of the runs in each quadrant of the cost-effectiveness plane (ΔE horizontally, ΔC
  /// vertically). The five fields sum to 1.
  public struct Quadrants: Sendable, Equatable {
    /// ΔE > 0 and ΔC > 0: more effective at a higher cost (the ICER is a price of health).
    public let northEast: Double
    /// ΔE > 0 and ΔC < 0: more effective and cheaper (dominant).
    public let southEast: Double
    /// ΔE < 0 and ΔC < 0: less effective and cheaper (the ICER is a saving per unit of health
    /// lost).
    public let southWest: Double
    /// ΔE < 0 and ΔC > 0: less effective and more costly (dominated).
    public let northWest: Double
    /// ΔE = 0 or ΔC = 0 exactly (on an axis; a deterministic arm difference lands here).
    public let onAxis: Double

    /// The quadrant fractions of paired per-run ΔC and ΔE (same count ≥ 1, finite).
    ///
    /// - Complexity: O(n); no allocation.
    public init(incrementalCosts: [Double], incrementalEffects: [Double]) {
      DecisionInput.checkPaired(
        incrementalCosts, incrementalEffects, names: ("incremental cost", "incremental effect"),
        minimumRuns: 1, caller: "ICERInterval.Quadrants")
      var counts = (ne: 0, se: 0, sw: 0, nw: 0, axis: 0)
      for r in incrementalCosts.indices {
        let c = incrementalCosts[r]
        let e = incrementalEffects[r]
        if c == 0 || e == 0 {
          counts.axis += 1
        } else if e > 0 {
          if c > 0 { counts.ne += 1 } else { counts.se += 1 }
        } else {
          if c < 0 { counts.sw += 1 } else { counts.nw += 1 }
        }
      }
      let n = Double(incrementalCosts.count)
      northEast = Double(counts.ne) / n
      southEast = Double(counts.se) / n
      southWest = Double(counts.sw) / n
      northWest = Double(counts.nw) / n
      onAxis = Double(counts.axis) / n
    }
  }

  /// The number of runs n.
  public let count: Int
  /// The level of every set, e.g. 0.95.
  public let level: Double
  /// mean(ΔC).
  public let meanIncrementalCost: Double
  /// mean(ΔE).
  public let meanIncrementalEffect: Double
  /// The ICER, `mean(ΔC) / mean(ΔE)` (±∞ or NaN when mean ΔE is exactly 0).
  public let icer: Double
  /// Fieller's confidence set of the ICER of expectations, from mean ΔC, mean ΔE and the
  /// (co)variances of the means (per-run (co)variances / n); see `RatioInterval.fieller`.
  public let fieller: RatioInterval
  /// The bootstrap (percentile, by angle) confidence set of the ICER of expectations; `nil` when
  /// `bootstrapReplicates` was 0.
  public let bootstrap: RatioInterval?
  /// The number of bootstrap replicates B (0: none).
  public let bootstrapReplicates: Int
  /// The share of bootstrap replicates whose mean ΔE* is 0 or of the other sign than mean ΔE;
  /// `nil` without a bootstrap. These replicates lie in both angular tails, so a share below α/2
  /// leaves the bootstrap set bounded and a share above α makes it unbounded (up to interpolation
  /// between neighbouring order statistics); in between it depends on how they split.
  public let bootstrapEffectCrossing: Double?
  /// Fieller's set with the per-run (co)variances: the PSA uncertainty of the ICER, the λ range
  /// where the normal approximation of P(λΔE − ΔC > 0) lies in [α/2, 1 − α/2].
  public let uncertaintyFieller: RatioInterval
  /// The central `level` wedge of the per-run points (ΔEᵣ, ΔCᵣ) around the mean, as slopes: the
  /// nonparametric PSA uncertainty set of the ICER (the 2.5th–97.5th percentiles of the per-run
  /// ratios when every run has ΔE of the same sign).
  public let uncertaintyWedge: RatioInterval
  /// The quadrant fractions of the runs.
  public let quadrants: Quadrants

  /// Intervals for the ICER from paired per-run incremental costs and effects, with a seeded
  /// bootstrap.
  ///
  /// - Parameters:
  ///   - incrementalCosts: ΔCᵣ = C(arm)ᵣ − C(comparator)ᵣ per run; at least 2 runs, all finite.
  ///   - incrementalEffects: ΔEᵣ, paired with the costs (the same PSA draw).
  ///   - level: The level of every set, in (0, 1); default 0.95.
  ///   - bootstrapReplicates: B ≥ 2, or 0 for no bootstrap; default 1000, the usual minimum for
  ///     percentile intervals (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*).
  ///   - seed: The seed of the bootstrap's ``Resampling/SplitMix64``; the same seed and data give
  ///     the same replicates. Default 1.
  /// - Complexity: O(B·n) time for the bootstrap plus O(n) for the rest; O(B + n) extra memory
  ///   (the replicate means, and the angles of the runs).
  public init(
    incrementalCosts: [Double], incrementalEffects: [Double], level: Double = 0.95,
    bootstrapReplicates: Int = 1000, seed: UInt64 = 1
  ) {
    var generator = Resampling.SplitMix64(seed: seed)
    self.init(
      incrementalCosts: incrementalCosts, incrementalEffects: incrementalEffects, level: level,
      bootstrapReplicates: bootstrapReplicates, using: &generator)
  }

  /// Intervals for the ICER, drawing the bootstrap indices from `generator` (for instance a keyed
  /// MBCRandom stream); otherwise as the seeded initialiser.
  public init<G: RandomNumberGenerator>(
    incrementalCosts: [Double], incrementalEffects: [Double], level: Double = 0.95,
    bootstrapReplicates: Int = 1000, using generator: inout G
  ) {
    let caller = "ICERInterval"
    DecisionInput.checkPaired(
      incrementalCosts, incrementalEffects, names: ("incremental cost", "incremental effect"),
      minimumRuns: 2, caller: caller)
    precondition(level > 0 && level < 1, "\(caller): level \(level) must be in (0, 1)")
    precondition(
      bootstrapReplicates == 0 || bootstrapReplicates >= 2,
      "\(caller): bootstrapReplicates \(bootstrapReplicates) must be 0 (none) or ≥ 2")

    let moments = PairMoments(x: incrementalEffects, y: incrementalCosts)
    let n = Double(moments.count)
    let z = StandardNormal.z(level: level)
    count = moments.count
    self.level = level
    meanIncrementalCost = moments.meanY
    meanIncrementalEffect = moments.meanX
    icer = moments.meanY / moments.meanX
    fieller = .fieller(
      numeratorMean: moments.meanY, denominatorMean: moments.meanX,
      numeratorVariance: moments.varianceY / n, denominatorVariance: moments.varianceX / n,
      covariance: moments.covariance / n, z: z)
    uncertaintyFieller = .fieller(
      numeratorMean: moments.meanY, denominatorMean: moments.meanX,
      numeratorVariance: moments.varianceY, denominatorVariance: moments.varianceX,
      covariance: moments.covariance, z: z)
    let centre = (x: moments.meanX, y: moments.meanY)
    uncertaintyWedge = .wedge(
      numerators: incrementalCosts, denominators: incrementalEffects, centre: centre,
      level: level)
    quadrants = Quadrants(
      incrementalCosts: incrementalCosts, incrementalEffects: incrementalEffects)

    self.bootstrapReplicates = bootstrapReplicates
    if bootstrapReplicates > 0 {
      let replicates = Resampling.bootstrapMeans(
        incrementalEffects, incrementalCosts, replicates: bootstrapReplicates, using: &generator)
      bootstrap = .wedge(
        numerators: replicates.y, denominators: replicates.x, centre: centre, level: level)
      let crossing = replicates.x.count(where: { moments.meanX > 0 ? $0 <= 0 : $0 >= 0 })
      bootstrapEffectCrossing = Double(crossing) / Double(bootstrapReplicates)
    } else {
      bootstrap = nil
      bootstrapEffectCrossing = nil
    }
  }

  /// Intervals for the ICER of `arm` versus `comparator` from per-run costs and effects indexed
  /// `[arm][run]` (ΔCᵣ = costs[arm][r] − costs[comparator][r], likewise ΔE).
  ///
  /// - Complexity: O(n) to form the differences, then as
  ///   ``init(incrementalCosts:incrementalEffects:level:bootstrapReplicates:seed:)``.
  public init(
    costs: [[Double]], effects: [[Double]], arm: Int, comparator: Int, level: Double = 0.95,
    bootstrapReplicates: Int = 1000, seed: UInt64 = 1
  ) {
    let shape = DecisionInput.checkArms(
      costs: costs, effects: effects, minimumRuns: 2, caller: "ICERInterval")
    precondition(
      (0..<shape.arms).contains(arm) && (0..<shape.arms).contains(comparator) && arm != comparator,
      "ICERInterval: arm \(arm) and comparator \(comparator) must be distinct arms in "
        + "0..<\(shape.arms)")
    let deltaC = (0..<shape.runs).map { costs[arm][$0] - costs[comparator][$0] }
    let deltaE = (0..<shape.runs).map { effects[arm][$0] - effects[comparator][$0] }
    self.init(
      incrementalCosts: deltaC, incrementalEffects: deltaE, level: level,
      bootstrapReplicates: bootstrapReplicates, seed: seed)
  }
}
