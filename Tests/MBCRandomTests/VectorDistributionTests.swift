import MBCRandom
import Testing

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// `count` draws of `distribution`, row by row (count × dimension).
func vectorDraws(_ distribution: VectorDistribution, count: Int, label: String) -> [[Double]] {
  var generator = testGenerator("vector \(label)")
  var out = [Double](repeating: 0, count: distribution.dimension)
  var draws: [[Double]] = []
  draws.reserveCapacity(count)
  for _ in 0..<count {
    out.withUnsafeMutableBufferPointer { distribution.sample(using: &generator, into: $0) }
    draws.append(out)
  }
  return draws
}

/// Sample means and the unbiased sample covariance matrix (two passes).
func sampleMeanAndCovariance(_ draws: [[Double]]) -> (mean: [Double], covariance: [[Double]]) {
  let n = Double(draws.count)
  let k = draws[0].count
  var mean = [Double](repeating: 0, count: k)
  for row in draws { for i in 0..<k { mean[i] += row[i] / n } }
  var covariance = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
  for row in draws {
    for i in 0..<k {
      for j in 0..<k { covariance[i][j] += (row[i] - mean[i]) * (row[j] - mean[j]) }
    }
  }
  for i in 0..<k { for j in 0..<k { covariance[i][j] /= n - 1 } }
  return (mean, covariance)
}

@Suite("VectorDistribution")
struct VectorDistributionTests {
  // MARK: - Dirichlet

  /// Each component of Dirichlet(α) is Beta(αᵢ, α₀ − αᵢ), so the moment tolerances of
  /// DistributionMomentTests apply per component: |x̄ᵢ − αᵢ/α₀| ≤ 4σᵢ/√n and
  /// |sᵢ² − σᵢ²| ≤ 4√((μ₄ − σᵢ⁴)/n), with σᵢ² = αᵢ(α₀ − αᵢ)/(α₀²(α₀ + 1)) and μ₄ the fourth
  /// central moment of that beta. n = 100,000; 6 checks per case, each failing by chance with
  /// probability 6.3e-5. The components of every draw must sum to 1 within 1e-12 (the
  /// normalisation leaves k ulp).
  @Test(
    "Dirichlet components have mean αᵢ/α₀ and variance αᵢ(α₀ − αᵢ)/(α₀²(α₀ + 1)); rows sum to 1",
    arguments: [
      [2.0, 3, 5],  // all ≥ 1: direct gammas
      [0.3, 0.5, 0.2],  // all < 1: log-space gammas
      [0.7, 12, 1],  // mixed: log space
      [40.0, 25, 10, 5],
    ])
  func test_dirichlet_moments(_ alpha: [Double]) {
    let distribution = VectorDistribution.dirichlet(alpha: alpha)
    let n = 100_000
    let draws = vectorDraws(distribution, count: n, label: "dirichlet \(alpha)")
    var worstSum = 0.0
    var outside = 0
    for row in draws {
      worstSum = max(worstSum, abs(row.reduce(0, +) - 1))
      if !row.allSatisfy({ $0 >= 0 && $0 <= 1 }) { outside += 1 }
    }
    #expect(worstSum <= 1e-12, "largest |Σ pᵢ − 1| = \(worstSum)")
    #expect(outside == 0)
    let (mean, covariance) = sampleMeanAndCovariance(draws)
    let total = alpha.reduce(0, +)
    #expect(distribution.mean.count == alpha.count)
    for i in 0..<alpha.count {
      let marginal = Distribution.beta(alpha: alpha[i], beta: total - alpha[i])
      let variance = alpha[i] * (total - alpha[i]) / (total * total * (total + 1))
      #expect(relativeError(marginal.variance, variance) <= 1e-14)
      #expect(relativeError(distribution.mean[i], alpha[i] / total) <= 1e-15)
      let meanTolerance = 4 * (variance / Double(n)).squareRoot()
      let varianceTolerance =
        4 * ((fourthCentralMoment(of: marginal) - variance * variance) / Double(n)).squareRoot()
      #expect(
        abs(mean[i] - alpha[i] / total) <= meanTolerance,
        "component \(i): mean \(mean[i]) vs \(alpha[i] / total) ± \(meanTolerance)")
      #expect(
        abs(covariance[i][i] - variance) <= varianceTolerance,
        "component \(i): variance \(covariance[i][i]) vs \(variance) ± \(varianceTolerance)")
    }
  }

  /// The check has power: swapping two concentrations (a mislabelled state) moves the
  /// component means by (α₁ − α₀)/α₀ = 0.1, dozens of standard errors with 20,000 draws.
  @Test("the Dirichlet moment check rejects swapped concentrations")
  func test_dirichlet_detectsSwap() {
    let draws = vectorDraws(.dirichlet(alpha: [3, 2, 5]), count: 20_000, label: "swap")
    let (mean, _) = sampleMeanAndCovariance(draws)
    let expected = 2.0 / 10  // what [2, 3, 5] promises for the first component
    let sd = (2.0 * 8 / (100 * 11)).squareRoot()
    #expect(abs(mean[0] - expected) > 4 * sd / (20_000.0).squareRoot())
  }

  /// As all αᵢ → 0 with fixed ratios, Dirichlet(α) tends to the unit vector eᵢ with
  /// probability αᵢ/α₀; with concentrations near the smallest doubles every log-gamma is −∞
  /// and the sampler uses that limit. With α ∝ (1, 2) and n = 30,000 the fraction of e₀ is
  /// 1/3 within 4√(p(1 − p)/n) = 0.011.
  @Test("Dirichlet with tiny concentrations draws unit vectors in proportion to α")
  func test_dirichlet_tinyConcentrations() {
    let n = 30_000
    let draws = vectorDraws(.dirichlet(alpha: [1e-300, 2e-300]), count: n, label: "tiny")
    var first = 0
    var notUnit = 0
    for row in draws {
      if !(row == [1, 0] || row == [0, 1]) { notUnit += 1 }
      if row[0] > 0.5 { first += 1 }
    }
    #expect(notUnit == 0)
    let p = 1.0 / 3
    #expect(abs(Double(first) / Double(n) - p) <= 4 * (p * (1 - p) / Double(n)).squareRoot())
  }

  @Test("dirichlet(counts:prior:) adds the prior and names bad counts")
  func test_dirichletCounts() throws {
    #expect(
      try VectorDistribution.dirichlet(counts: [12, 3, 0], prior: 1)
        == .dirichlet(alpha: [13, 4, 1]))
    #expect(try VectorDistribution.dirichlet(counts: [12, 3.5]) == .dirichlet(alpha: [12, 3.5]))
    #expect(
      vectorErrorMessage { try VectorDistribution.dirichlet(counts: [12, 0, 3]) }
        == "A Dirichlet distribution from counts needs every count plus the prior to be > 0, "
        + "but count 2 of 3 is 0.0 and the prior is 0.0; give a prior > 0 (e.g. 1, or 0.5) or "
        + "leave out a state that is never reached.")
    #expect(
      vectorErrorMessage { try VectorDistribution.dirichlet(counts: [12, -1, 3], prior: 1) }
        == "A Dirichlet distribution from counts needs finite counts >= 0, but count 2 of 3 is "
        + "-1.0.")
    #expect(
      vectorErrorMessage { try VectorDistribution.dirichlet(counts: [1, 2], prior: -0.5) }
        == "A Dirichlet distribution from counts needs a finite prior >= 0, got prior = -0.5.")
    #expect(vectorErrorMessage { try VectorDistribution.dirichlet(counts: []) } != nil)
  }

  // MARK: - Multivariate normal

  /// Σ = L Lᵀ for a row-major lower-triangular L.
  static func covariance(fromCholesky lower: [Double], dimension n: Int) -> [[Double]] {
    var sigma = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
      for j in 0..<n {
        for k in 0...min(i, j) { sigma[i][j] += lower[i * n + k] * lower[j * n + k] }
      }
    }
    return sigma
  }

  /// For jointly normal X, the sample covariance sᵢⱼ has variance (Σᵢᵢ Σⱼⱼ + Σᵢⱼ²)/(n − 1)
  /// (Isserlis' theorem: E[(Xᵢ − μᵢ)²(Xⱼ − μⱼ)²] = ΣᵢᵢΣⱼⱼ + 2Σᵢⱼ², minus Σᵢⱼ²), and x̄ᵢ has
  /// variance Σᵢᵢ/n; both are checked within 4 SD. n = 100,000; 2×2: 2 means + 4 covariance
  /// entries, 3×3: 3 + 9 (the symmetric pairs are the same statistic); chance failure about
  /// 6.3e-5 each.
  @Test(
    "multivariate normal draws have mean μ and covariance L Lᵀ",
    arguments: [
      // Σ = [[4, 1.2], [1.2, 1]]: L = [[2, 0], [0.6, 0.8]]
      ([10.0, -3], [2.0, 0, 0.6, 0.8]),
      // a 3×3 with a negative correlation and unequal scales
      ([0.0, 1_000, -2], [1.0, 0, 0, -0.5, 2, 0, 0.25, 0.75, 0.1]),
    ] as [([Double], [Double])])
  func test_multivariateNormal_moments(_ mean: [Double], _ lower: [Double]) throws {
    let n = mean.count
    let distribution = try VectorDistribution.multivariateNormal(mean: mean, choleskyLower: lower)
      .validated()
    #expect(distribution.dimension == n)
    #expect(distribution.mean == mean)
    let count = 100_000
    let draws = vectorDraws(distribution, count: count, label: "mvn \(mean)")
    let (sampleMean, sampleCovariance) = sampleMeanAndCovariance(draws)
    let sigma = Self.covariance(fromCholesky: lower, dimension: n)
    for i in 0..<n {
      let tolerance = 4 * (sigma[i][i] / Double(count)).squareRoot()
      #expect(
        abs(sampleMean[i] - mean[i]) <= tolerance,
        "mean \(i): \(sampleMean[i]) vs \(mean[i]) ± \(tolerance)")
      for j in 0..<n {
        let tolerance =
          4
          * ((sigma[i][i] * sigma[j][j] + sigma[i][j] * sigma[i][j]) / Double(count - 1))
          .squareRoot()
        #expect(
          abs(sampleCovariance[i][j] - sigma[i][j]) <= tolerance,
          "Σ[\(i)][\(j)]: \(sampleCovariance[i][j]) vs \(sigma[i][j]) ± \(tolerance)")
      }
    }
  }

  /// The check has power: using Lᵀ instead of L (an upper factor read as lower) gives
  /// Σ' = LᵀL = [[4.36, 0.48], [0.48, 0.64]] instead of [[4, 1.2], [1.2, 1]]: the covariance
  /// 0.48 vs 1.2 is off by about 50 standard errors with 20,000 draws.
  @Test("the covariance check rejects a transposed factor")
  func test_multivariateNormal_detectsTransposedFactor() {
    // Lᵀ = [[2, 0.6], [0, 0.8]] is upper triangular; as a "lower" factor the sampler would
    // ignore its upper entry, so build the same distribution of LᵀZ from its own lower
    // Cholesky factor: LᵀL = [[4.36, 0.48], [0.48, 0.64]] = M Mᵀ with
    // M = [[√4.36, 0], [0.48/√4.36, √(0.64 − 0.48²/4.36)]].
    let m00 = 4.36.squareRoot()
    let m10 = 0.48 / m00
    let m11 = (0.64 - m10 * m10).squareRoot()
    let wrong = VectorDistribution.multivariateNormal(
      mean: [0, 0], choleskyLower: [m00, 0, m10, m11])
    let draws = vectorDraws(wrong, count: 20_000, label: "transposed")
    let (_, covariance) = sampleMeanAndCovariance(draws)
    let tolerance = 4 * ((4 * 1 + 1.2 * 1.2) / 19_999.0).squareRoot()
    #expect(abs(covariance[0][1] - 1.2) > tolerance)
  }

  /// The first draw from `Xoshiro256PlusPlus(seed: 42)` with L = [[2, 0], [0.6, 0.8]]:
  /// Z₀ = Φ⁻¹(U₀), Z₁ = Φ⁻¹(U₁) from the first two open uniforms, then X = μ + L Z. The
  /// expected values are computed here from `StandardNormal.quantile` and the formula, so the
  /// test pins the order (component by component) and the use of the lower triangle.
  @Test("a multivariate normal draw is μ + L Z with Z from consecutive open uniforms")
  func test_multivariateNormal_formula() {
    var generator = Xoshiro256PlusPlus(seed: 42)
    var uniforms = generator
    var out = [0.0, 0.0]
    out.withUnsafeMutableBufferPointer {
      VectorDistribution.multivariateNormal(mean: [10, -3], choleskyLower: [2, 0, 0.6, 0.8])
        .sample(using: &generator, into: $0)
    }
    let z0 = StandardNormal.quantile(uniforms.nextOpenDouble())
    let z1 = StandardNormal.quantile(uniforms.nextOpenDouble())
    #expect(out[0] == 10 + 2 * z0)
    #expect(out[1] == (-3 + 0.6 * z0) + 0.8 * z1)  // summed from μᵢ in column order
    #expect(generator.state == uniforms.state)  // exactly n uniforms consumed
  }

  @Test("a vector draw is a pure function of the generator state")
  func test_vector_deterministic() {
    for distribution in [
      VectorDistribution.dirichlet(alpha: [0.5, 2, 3]),
      .multivariateNormal(mean: [1, 2], choleskyLower: [1, 0, 0.5, 1]),
    ] {
      let a = vectorDraws(distribution, count: 200, label: "determinism")
      let b = vectorDraws(distribution, count: 200, label: "determinism")
      #expect(a == b, "\(distribution)")
    }
  }

  // MARK: - Validation

  @Test(
    "validated() rejects invalid vector distributions with a sentence naming the entry",
    arguments: [
      (
        VectorDistribution.dirichlet(alpha: []),
        "A Dirichlet distribution needs at least one component, got none."
      ),
      (
        .dirichlet(alpha: [1, 0, 2]),
        "A Dirichlet distribution needs finite concentrations alpha > 0, but component 2 of 3 "
          + "has alpha = 0.0."
      ),
      (.dirichlet(alpha: [1, .infinity]), "component 2 of 2 has alpha = inf."),
      (.dirichlet(alpha: [1e308, 1e308]), "their sum is not a finite number."),
      (.multivariateNormal(mean: [], choleskyLower: []), "needs at least one component"),
      (
        .multivariateNormal(mean: [0, .nan], choleskyLower: [1, 0, 0, 1]),
        "needs a finite mean, but component 2 of 2 has mean nan."
      ),
      (
        .multivariateNormal(mean: [0, 0], choleskyLower: [1, 0, 1]),
        "A multivariate normal distribution with 2 components needs a 2 x 2 Cholesky factor "
          + "(4 numbers, row by row), got 3 numbers."
      ),
      (
        .multivariateNormal(mean: [0, 0], choleskyLower: [1, 0, 0.5, -1]),
        "positive diagonal, but the entry at row 2, column 2 is -1.0; the covariance matrix "
          + "must be positive definite."
      ),
      (
        .multivariateNormal(mean: [0, 0], choleskyLower: [4, 1.2, 1.2, 1]),
        "but the entry above the diagonal at row 1, column 2 is 1.2, not 0; pass L, not Sigma."
      ),
      (
        .multivariateNormal(mean: [0, 0], choleskyLower: [1, 0, .nan, 1]),
        "needs a finite Cholesky factor, but the entry at row 2, column 1 is nan."
      ),
    ] as [(VectorDistribution, String)])
  func test_validated_rejects(_ distribution: VectorDistribution, _ fragment: String) {
    let message = vectorErrorMessage { try distribution.validated() }
    #expect(message?.contains(fragment) == true, "\(message ?? "no error")")
  }

  @Test("validated() accepts valid vector distributions unchanged; descriptions")
  func test_validated_accepts() throws {
    let dirichlet = VectorDistribution.dirichlet(alpha: [0.5, 1, 7])
    #expect(try dirichlet.validated() == dirichlet)
    let normal = VectorDistribution.multivariateNormal(
      mean: [1, 2], choleskyLower: [1, 0, -3, 0.1])
    #expect(try normal.validated() == normal)
    #expect(dirichlet.description == "dirichlet(alpha: [0.5, 1.0, 7.0])")
    #expect(
      normal.description
        == "multivariateNormal(mean: [1.0, 2.0], choleskyLower: [1.0, 0.0, -3.0, 0.1])")
  }
}

/// The message of the ``DistributionError`` that `make` throws, or nil when it succeeds.
func vectorErrorMessage(_ make: () throws -> VectorDistribution) -> String? {
  do {
    _ = try make()
    return nil
  } catch {
    return (error as? DistributionError)?.message ?? "unexpected error type: \(error)"
  }
}
