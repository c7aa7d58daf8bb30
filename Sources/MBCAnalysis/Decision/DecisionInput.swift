/// Checks and small statistics shared by the decision-analysis functions (internal).
///
/// The decision functions take per-run values as `[[Double]]` indexed `[arm][run]`, or as paired
/// `[Double]` vectors indexed by run. Every run must be finite: a NaN or infinite run is a model
/// error, and an argmax, a dominance test or a Fieller bound over it would be meaningless rather
/// than NaN, so these functions stop with a precondition that names the arm and run. (The
/// per-metric summaries, ``Summaries``, report such a metric as NaN instead, which shows where.)
enum DecisionInput {
  /// Checks that `costs` and `effects` are `arms × runs` with the same shape, at least one arm and
  /// `minimumRuns` runs, all finite; returns `(arms, runs)`.
  ///
  /// - Complexity: O(arms · runs).
  static func checkArms(
    costs: [[Double]], effects: [[Double]], minimumRuns: Int = 1, caller: String
  ) -> (arms: Int, runs: Int) {
    precondition(!costs.isEmpty, "\(caller): there must be at least one arm")
    precondition(
      costs.count == effects.count,
      "\(caller): \(costs.count) arms of costs but \(effects.count) arms of effects")
    let runs = costs[0].count
    precondition(
      runs >= minimumRuns, "\(caller): \(runs) runs; at least \(minimumRuns) are needed")
    for k in costs.indices {
      precondition(
        costs[k].count == runs && effects[k].count == runs,
        """
        \(caller): arm \(k) has \(costs[k].count) runs of costs and \(effects[k].count) of \
        effects; arm 0 has \(runs)
        """)
      checkFinite(costs[k], what: "cost of arm \(k)", caller: caller)
      checkFinite(effects[k], what: "effect of arm \(k)", caller: caller)
    }
    return (costs.count, runs)
  }

  /// Checks that two per-run vectors have the same length, at least `minimumRuns`, all finite.
  ///
  /// - Complexity: O(n).
  static func checkPaired(
    _ x: [Double], _ y: [Double], names: (String, String), minimumRuns: Int, caller: String
  ) {
    precondition(
      x.count == y.count,
      "\(caller): \(x.count) runs of \(names.0) but \(y.count) runs of \(names.1)")
    precondition(
      x.count >= minimumRuns, "\(caller): \(x.count) runs; at least \(minimumRuns) are needed")
    checkFinite(x, what: names.0, caller: caller)
    checkFinite(y, what: names.1, caller: caller)
  }

  /// Stops with a message naming the first non-finite value (`index` names what the position is).
  static func checkFinite(
    _ values: [Double], what: String, index: String = "run", caller: String
  ) {
    if let r = values.firstIndex(where: { !$0.isFinite }) {
      preconditionFailure(
        "\(caller): the \(what) in \(index) \(r) is \(values[r]); every value must be finite")
    }
  }

  /// The mean with one correction pass: `m₀ = Σx/n`, `m = m₀ + Σ(x − m₀)/n`.
  ///
  /// The correction (the corrected two-pass algorithm of Chan, Golub & LeVeque 1983) removes most
  /// of the rounding error of the raw sum, and gives a constant vector (a deterministic cost) its
  /// exact value. NaN when `values` is empty.
  ///
  /// - Complexity: O(n), two passes; no allocation.
  static func mean(_ values: [Double]) -> Double {
    let n = Double(values.count)
    var sum = 0.0
    for x in values { sum += x }
    let m0 = sum / n
    var residual = 0.0
    for x in values { residual += x - m0 }
    return m0 + residual / n
  }
}

/// Means, variances and the covariance of two paired per-run vectors (internal), by two passes.
///
/// ```
/// x̄ = (1/n) Σ xᵣ  (with one correction pass, see DecisionInput.mean)
/// vₓₓ = Σ (xᵣ − x̄)² / (n − 1),   v_yy likewise,   vₓᵧ = Σ (xᵣ − x̄)(yᵣ − ȳ) / (n − 1)
/// ```
///
/// These are the moments of the per-run (PSA) distribution; divide by n for the variances of the
/// means. Centring before multiplying keeps costs of order 1e5 from cancelling digits.
struct PairMoments: Sendable, Equatable {
  var count: Int
  var meanX: Double
  var meanY: Double
  var varianceX: Double
  var varianceY: Double
  var covariance: Double

  /// The moments of `x` and `y` (same length ≥ 2, checked by the caller).
  ///
  /// - Complexity: O(n); no allocation.
  init(x: [Double], y: [Double]) {
    let n = x.count
    count = n
    meanX = DecisionInput.mean(x)
    meanY = DecisionInput.mean(y)
    var sxx = 0.0
    var syy = 0.0
    var sxy = 0.0
    for r in 0..<n {
      let dx = x[r] - meanX
      let dy = y[r] - meanY
      sxx += dx * dx
      syy += dy * dy
      sxy += dx * dy
    }
    let divisor = Double(n - 1)
    varianceX = sxx / divisor
    varianceY = syy / divisor
    covariance = sxy / divisor
  }
}
