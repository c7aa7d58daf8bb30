/// A distribution over a vector of named components (a whole transition row, regression
/// coefficients).
///
/// The components are drawn jointly, into a caller-owned buffer, by
/// ``sample(using:into:)``; the names live with the caller (the scenario), which keeps the
/// order. Like ``Distribution``, a draw is a pure function of the generator state, so each
/// vector parameter gets its own stream (``StreamKey``).
public enum VectorDistribution: Sendable, Equatable, CustomStringConvertible {
  /// The Dirichlet distribution with concentrations α₁, …, α_k > 0 (R's `gtools::rdirichlet`;
  /// the usual prior/posterior for a row of transition probabilities).
  ///
  /// ```
  /// f(p) = Γ(α₀)/∏ Γ(αᵢ) · ∏ pᵢ^(αᵢ−1),   pᵢ ≥ 0, Σ pᵢ = 1,   α₀ = Σ αᵢ
  /// E[pᵢ] = αᵢ/α₀,   Var[pᵢ] = αᵢ(α₀ − αᵢ)/(α₀²(α₀ + 1))
  /// ```
  /// Sampled as Gᵢ/Σ Gⱼ with Gᵢ ~ Gamma(αᵢ, 1) independent, drawn in component order
  /// (Devroye 1986, *Non-Uniform Random Variate Generation*, ch. XI; the gammas by Marsaglia
  /// and Tsang 2000, as for ``Distribution/gamma(shape:scale:)``). The components then sum to
  /// 1 within k ulp. For an observed row of transition counts use ``dirichlet(counts:prior:)``.
  case dirichlet(alpha: [Double])

  /// The multivariate normal distribution N(μ, Σ) given by its mean μ (n components) and the
  /// lower-triangular Cholesky factor L of Σ = L Lᵀ, row-major n × n (`choleskyLower[i * n + j]`
  /// is L_ij; the entries above the diagonal must be 0).
  ///
  /// ```
  /// X = μ + L Z,   Z = (Z₁, …, Z_n) independent N(0, 1)
  /// E[X] = μ,   Cov[X] = L Lᵀ
  /// ```
  /// The caller factors Σ (LAPACK `dpotrf` lives in the analysis module, not here), e.g. for
  /// the regression coefficients of a published model with their covariance matrix. Sampled
  /// with Zᵢ = Φ⁻¹(Uᵢ) of n open uniforms in component order (``StandardNormal/quantile(_:)``),
  /// as for ``Distribution/normal(mean:sd:)``.
  case multivariateNormal(mean: [Double], choleskyLower: [Double])

  /// The number of components.
  public var dimension: Int {
    switch self {
    case .dirichlet(let alpha): alpha.count
    case .multivariateNormal(let mean, _): mean.count
    }
  }

  /// The exact mean vector: αᵢ/α₀ for the Dirichlet, μ for the multivariate normal.
  public var mean: [Double] {
    switch self {
    case .dirichlet(let alpha):
      let total = alpha.reduce(0, +)
      return alpha.map { $0 / total }
    case .multivariateNormal(let mean, _):
      return mean
    }
  }

  /// The case and its parameters as written in Swift, e.g. `dirichlet(alpha: [1.0, 2.0])`.
  public var description: String {
    switch self {
    case .dirichlet(let alpha): "dirichlet(alpha: \(alpha))"
    case .multivariateNormal(let mean, let choleskyLower):
      "multivariateNormal(mean: \(mean), choleskyLower: \(choleskyLower))"
    }
  }

  /// Checks the case's own parameters and returns `self` unchanged when they are valid.
  ///
  /// | case | requirement |
  /// |---|---|
  /// | `dirichlet(alpha)` | at least one component; every αᵢ finite and > 0; α₀ finite |
  /// | `multivariateNormal(mean, L)` | at least one component; mean finite; L has n² finite entries, a positive diagonal and zeros above it |
  ///
  /// The zero upper triangle catches a covariance matrix passed where its Cholesky factor
  /// belongs. As for ``Distribution/validated()``, the sampler assumes a valid distribution
  /// (it returns NaN components or meaningless numbers otherwise, and traps only on a buffer
  /// of the wrong size).
  ///
  /// - Throws: ``DistributionError`` naming the component, the value and the requirement.
  public func validated() throws(DistributionError) -> VectorDistribution {
    switch self {
    case .dirichlet(let alpha):
      guard !alpha.isEmpty else {
        throw DistributionError(
          message: "A Dirichlet distribution needs at least one component, got none.")
      }
      if let i = alpha.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
        throw DistributionError(
          message: "A Dirichlet distribution needs finite concentrations alpha > 0, but "
            + "component \(i + 1) of \(alpha.count) has alpha = \(alpha[i]).")
      }
      guard alpha.reduce(0, +).isFinite else {
        throw DistributionError(
          message: "A Dirichlet distribution cannot use concentrations this large: their sum "
            + "is not a finite number.")
      }
    case .multivariateNormal(let mean, let lower):
      let n = mean.count
      guard n > 0 else {
        throw DistributionError(
          message: "A multivariate normal distribution needs at least one component, got none.")
      }
      if let i = mean.firstIndex(where: { !$0.isFinite }) {
        throw DistributionError(
          message: "A multivariate normal distribution needs a finite mean, but component "
            + "\(i + 1) of \(n) has mean \(mean[i]).")
      }
      guard lower.count == n * n else {
        throw DistributionError(
          message: "A multivariate normal distribution with \(n) components needs a "
            + "\(n) x \(n) Cholesky factor (\(n * n) numbers, row by row), got \(lower.count) "
            + "numbers.")
      }
      for i in 0..<n {
        for j in 0..<n {
          let value = lower[i * n + j]
          let position = "row \(i + 1), column \(j + 1)"
          guard value.isFinite else {
            throw DistributionError(
              message: "A multivariate normal distribution needs a finite Cholesky factor, "
                + "but the entry at \(position) is \(value).")
          }
          if j == i && !(value > 0) {
            throw DistributionError(
              message: "A multivariate normal distribution needs a Cholesky factor with a "
                + "positive diagonal, but the entry at \(position) is \(value); the "
                + "covariance matrix must be positive definite.")
          }
          if j > i && value != 0 {
            throw DistributionError(
              message: "A multivariate normal distribution needs the lower-triangular "
                + "Cholesky factor L of the covariance (Sigma = L L^T), but the entry above "
                + "the diagonal at \(position) is \(value), not 0; pass L, not Sigma.")
          }
        }
      }
    }
    return self
  }
}

extension VectorDistribution {
  /// The Dirichlet distribution for a row of observed counts (e.g. transitions out of a
  /// state), with a symmetric prior: αᵢ = countsᵢ + prior.
  ///
  /// This is the posterior of the transition probabilities under multinomial sampling and a
  /// Dirichlet(prior, …, prior) prior (Briggs, Claxton and Sculpher 2006, *Decision Modelling
  /// for Health Economic Evaluation*, ch. 4; Briggs, Ades and Price 2003, "Probabilistic
  /// sensitivity analysis for decision trees with multiple branches: use of the Dirichlet
  /// distribution in a Bayesian framework", Medical Decision Making 23(4):341–350).
  ///
  /// - Parameters:
  ///   - counts: finite and ≥ 0 (need not be whole: weighted or scaled counts are fine).
  ///   - prior: finite and ≥ 0; the default 0 uses the counts alone, which then must all be
  ///     > 0. A prior of 1 (uniform) or ½ (Jeffreys) allows zero counts.
  /// - Throws: ``DistributionError`` naming the offending count, and suggesting a prior when
  ///   a zero count would give α = 0.
  public static func dirichlet(counts: [Double], prior: Double = 0) throws(DistributionError)
    -> VectorDistribution
  {
    guard prior.isFinite, prior >= 0 else {
      throw DistributionError(
        message: "A Dirichlet distribution from counts needs a finite prior >= 0, "
          + "got prior = \(prior).")
    }
    guard !counts.isEmpty else {
      throw DistributionError(
        message: "A Dirichlet distribution from counts needs at least one count, got none.")
    }
    if let i = counts.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
      throw DistributionError(
        message: "A Dirichlet distribution from counts needs finite counts >= 0, but count "
          + "\(i + 1) of \(counts.count) is \(counts[i]).")
    }
    if let i = counts.firstIndex(where: { !($0 + prior > 0) }) {
      throw DistributionError(
        message: "A Dirichlet distribution from counts needs every count plus the prior to be "
          + "> 0, but count \(i + 1) of \(counts.count) is \(counts[i]) and the prior is "
          + "\(prior); give a prior > 0 (e.g. 1, or 0.5) or leave out a state that is never "
          + "reached.")
    }
    return try VectorDistribution.dirichlet(alpha: counts.map { $0 + prior }).validated()
  }
}
