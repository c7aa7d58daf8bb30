/// The design matrix of the EVPPI regression: an intercept column of ones followed by the basis
/// columns of ``EVPPIBasis``, each centred and scaled to unit SD over the runs.
///
/// Row-major `rows × columns` (one row per run), as every matrix handed to ``BLAS``.
struct EVPPIDesign {
  /// The elements, row-major; column 0 is all ones.
  var matrix: [Double]
  /// The number of runs.
  let rows: Int
  /// The number of columns, intercept included.
  let columns: Int
  /// The basis that was built (``EVPPIBasis/automatic`` resolved).
  let basis: EVPPIBasis
  /// The number of parameters that vary over the runs (constant ones contribute no column).
  let varyingParameters: Int

  /// Builds the design for `theta` (parameters × runs, every value finite).
  init(theta: [[Double]], runs: Int, basis requested: EVPPIBasis) {
    // Standardise each varying parameter: z = (θ − mean)/SD.
    var standardised: [[Double]] = []
    for values in theta {
      precondition(values.count == runs, "EVPPIDesign: a parameter has the wrong number of runs")
      let (mean, sd) = Self.meanAndSD(values)
      guard sd > 0, sd > 1e-13 * abs(mean) else { continue }  // constant (up to rounding)
      standardised.append(values.map { ($0 - mean) / sd })
    }
    let p = standardised.count
    let basis = Self.resolve(requested, parameters: p, runs: runs)

    var raw: [[Double]] = []
    switch basis {
    case .automatic:
      preconditionFailure("EVPPIDesign: the automatic basis was not resolved")
    case .naturalSpline(let knotCount, let interactions):
      for z in standardised {
        raw.append(z)
        guard knotCount >= 3 else { continue }
        let knots = NaturalCubicSpline.quantileKnots(sortedValues: z.sorted(), count: knotCount)
        guard knots.count >= 3 else { continue }  // two distinct values: the line is exact
        let spline = NaturalCubicSpline(knots: knots)
        var columns = [[Double]](
          repeating: [Double](repeating: 0, count: runs), count: spline.nonlinearCount)
        var values = [Double](repeating: 0, count: spline.nonlinearCount)
        values.withUnsafeMutableBufferPointer { buffer in
          for r in 0..<runs {
            spline.evaluate(z[r], into: buffer)
            for j in 0..<buffer.count { columns[j][r] = buffer[j] }
          }
        }
        raw.append(contentsOf: columns)
      }
      if interactions {
        for i in 0..<p {
          for j in (i + 1)..<p {
            raw.append(zip(standardised[i], standardised[j]).map { $0 * $1 })
          }
        }
      }
    case .polynomial(let degree):
      for exponents in Self.monomials(parameters: p, degree: degree) {
        var column = [Double](repeating: 1, count: runs)
        for (parameter, power) in exponents.enumerated() where power > 0 {
          let z = standardised[parameter]
          for r in 0..<runs {
            var factor = 1.0
            for _ in 0..<power { factor *= z[r] }
            column[r] *= factor
          }
        }
        raw.append(column)
      }
    }

    // Centre and scale every column; drop the (numerically) constant ones.
    var kept: [[Double]] = []
    for column in raw {
      let (mean, sd) = Self.meanAndSD(column)
      guard sd > 1e-12 * (mean * mean + sd * sd).squareRoot() else { continue }
      kept.append(column.map { ($0 - mean) / sd })
    }
    let columns = kept.count + 1
    var matrix = [Double](repeating: 1, count: runs * columns)
    for (j, column) in kept.enumerated() {
      for r in 0..<runs { matrix[r * columns + j + 1] = column[r] }
    }
    self.matrix = matrix
    self.rows = runs
    self.columns = columns
    self.basis = basis
    self.varyingParameters = p
  }

  // MARK: - Basis choice

  /// The basis to build for `parameters` varying parameters and `runs` runs: `requested` itself,
  /// or for ``EVPPIBasis/automatic`` the rule documented there.
  static func resolve(_ requested: EVPPIBasis, parameters p: Int, runs: Int) -> EVPPIBasis {
    switch requested {
    case .naturalSpline(let knots, _):
      precondition(knots >= 2, "EVPPIBasis.naturalSpline: knots = \(knots) must be ≥ 2")
      return requested
    case .polynomial(let degree):
      precondition(degree >= 1, "EVPPIBasis.polynomial: degree = \(degree) must be ≥ 1")
      return requested
    case .automatic:
      let budget = runs / EVPPI.runsPerColumn
      if p <= 1 {
        let knots = min(8, budget)
        return .naturalSpline(knots: knots >= 3 ? knots : 2, interactions: false)
      }
      let ladder: [EVPPIBasis] = [
        .naturalSpline(knots: 5, interactions: true), .naturalSpline(knots: 4, interactions: true),
        .naturalSpline(knots: 3, interactions: true), .naturalSpline(knots: 3, interactions: false),
      ]
      for candidate in ladder where columnCount(candidate, parameters: p) <= budget {
        return candidate
      }
      return .naturalSpline(knots: 2, interactions: false)
    }
  }

  /// The number of columns (intercept included) of `basis` for `p` varying parameters with
  /// distinct knots; merged knots can only lower it.
  static func columnCount(_ basis: EVPPIBasis, parameters p: Int) -> Int {
    switch basis {
    case .automatic:
      preconditionFailure("EVPPIDesign.columnCount: resolve the automatic basis first")
    case .naturalSpline(let knots, let interactions):
      return 1 + p * (knots - 1) + (interactions ? p * (p - 1) / 2 : 0)
    case .polynomial(let degree):
      // C(p + d, d), computed exactly term by term: C(p + i, i) = C(p + i − 1, i − 1)·(p + i)/i.
      var count = 1
      for i in stride(from: 1, through: degree, by: 1) { count = count * (p + i) / i }
      return count
    }
  }

  /// The exponent vectors of all monomials in `p` variables of total degree 1 … `degree`, by
  /// degree, then lexicographically (descending in the first variable).
  static func monomials(parameters p: Int, degree: Int) -> [[Int]] {
    guard p > 0 else { return [] }
    var result: [[Int]] = []
    var exponents = [Int](repeating: 0, count: p)
    func fill(_ index: Int, remaining: Int) {
      if index == p - 1 {
        exponents[index] = remaining
        result.append(exponents)
        return
      }
      for power in stride(from: remaining, through: 0, by: -1) {
        exponents[index] = power
        fill(index + 1, remaining: remaining - power)
      }
    }
    for total in stride(from: 1, through: degree, by: 1) { fill(0, remaining: total) }
    return result
  }

  // MARK: - Helpers

  /// The mean and the population SD (divisor n) by two passes.
  static func meanAndSD(_ values: [Double]) -> (mean: Double, sd: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (mean, (squares / n).squareRoot())
  }
}
