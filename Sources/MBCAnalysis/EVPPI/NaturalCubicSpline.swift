/// The nonlinear columns of a natural cubic spline in the truncated-power form of Stone & Koo
/// (1985) ("restricted cubic spline"), for the EVPPI design.
///
/// With knots t₀ < t₁ < … < t_{K−1} (K ≥ 3), the natural cubic splines (cubic between knots, twice
/// continuously differentiable, linear below t₀ and above t_{K−1}) form a K-dimensional space
/// spanned by 1, x and the K − 2 functions
///
/// ```
/// c_j(x) = [ (x − t_j)³₊ − (x − t_{K−2})³₊ · (t_{K−1} − t_j)/(t_{K−1} − t_{K−2})
///                        + (x − t_{K−1})³₊ · (t_{K−2} − t_j)/(t_{K−1} − t_{K−2}) ]
///          / (t_{K−1} − t₀)²
/// ```
///
/// for j = 0 … K − 3, with u₊ = max(u, 0). The two correction terms cancel the cubic and quadratic
/// parts of (x − t_j)³₊ beyond the last knot, which makes c_j linear there; every term vanishes
/// below t₀. Dividing by (t_{K−1} − t₀)² keeps the values of the order of x (Harrell's
/// normalisation). The truncated-power form is ill-conditioned when knots are close; the design
/// centres and scales every column and the least squares go through the SVD, which is enough for
/// the knot counts used here (at most a few tens).
struct NaturalCubicSpline {
  /// The knots, strictly increasing, at least 3.
  let knots: [Double]

  /// The number of nonlinear columns, K − 2.
  var nonlinearCount: Int { knots.count - 2 }

  /// A spline on strictly increasing `knots` (at least 3).
  init(knots: [Double]) {
    precondition(knots.count >= 3, "NaturalCubicSpline: \(knots.count) knots; at least 3 needed")
    for i in 1..<knots.count {
      precondition(knots[i] > knots[i - 1], "NaturalCubicSpline: knots must increase strictly")
    }
    self.knots = knots
  }

  /// Knots at the order statistics of `sortedValues` (ascending) at ranks round(i·(n − 1)/(K − 1)),
  /// i = 0 … K − 1, with repeats merged.
  ///
  /// The knots are data values, so a parameter with m distinct values gets at most m distinct
  /// knots, and the K-column spline basis (with intercept and linear term) never has more columns
  /// than distinct values: it stays of full rank. (Interpolated quantiles, such as type 7, could
  /// put a knot between two values of a discrete parameter and make the basis rank-deficient.)
  ///
  /// - Returns: The distinct knots, ascending; fewer than `count` when values repeat, and fewer
  ///   than 3 when the spline degenerates to a straight line.
  static func quantileKnots(sortedValues: [Double], count: Int) -> [Double] {
    precondition(count >= 2, "NaturalCubicSpline.quantileKnots: count \(count) must be ≥ 2")
    let n = sortedValues.count
    guard n > 0 else { return [] }
    var knots: [Double] = []
    for i in 0..<count {
      let rank = (Double(i) * Double(n - 1) / Double(count - 1)).rounded()
      let value = sortedValues[Int(rank)]
      if knots.last != value { knots.append(value) }
    }
    return knots
  }

  /// Writes c₀(x) … c_{K−3}(x) into `output` (K − 2 elements).
  func evaluate(_ x: Double, into output: UnsafeMutableBufferPointer<Double>) {
    let k = knots.count
    let last = knots[k - 1]
    let penultimate = knots[k - 2]
    let tailWidth = last - penultimate
    let normalisation = 1 / ((last - knots[0]) * (last - knots[0]))
    let cubeBeyondPenultimate = Self.positiveCube(x - penultimate)
    let cubeBeyondLast = Self.positiveCube(x - last)
    for j in 0..<(k - 2) {
      let t = knots[j]
      let value =
        Self.positiveCube(x - t)
        - cubeBeyondPenultimate * ((last - t) / tailWidth)
        + cubeBeyondLast * ((penultimate - t) / tailWidth)
      output[j] = value * normalisation
    }
  }

  /// u³ for u > 0, else 0.
  @inline(__always)
  private static func positiveCube(_ u: Double) -> Double {
    u > 0 ? u * u * u : 0
  }
}
