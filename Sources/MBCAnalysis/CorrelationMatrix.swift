// Correlation matrices for the Gaussian copula that correlates named uncertain parameters.
//
// Sampling: z ~ N(0, I), x = L·z with Σ = L·Lᵀ (``CorrelationMatrix/cholesky(_:order:)``),
// u_i = Φ(x_i), value_i = F_i⁻¹(u_i). Σ is the correlation matrix of the normal scores x. A user
// may give it directly (Pearson correlation of the normal scores) or as rank correlations, which
// ``CorrelationMatrix/normalCorrelation(fromSpearman:)`` converts entry by entry. Either way the
// matrix may fail to be positive definite (inconsistent judgements, or the entrywise conversion);
// ``CorrelationMatrix/nearestCorrelation(_:order:tolerance:maxIterations:)`` repairs it.
//
// All matrices are dense and row-major: element (i, j) of an n × n matrix is at `i * n + j`.
#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Correlation matrices for a Gaussian copula: conversion from Spearman's ρ, validation, Cholesky
/// factor, symmetric eigendecomposition and the nearest correlation matrix.
public enum CorrelationMatrix {
  /// Absolute tolerance of the symmetry and unit-diagonal checks of ``validate(_:order:)``.
  public static let symmetryTolerance = 1e-12

  /// The smallest eigenvalue that ``nearestCorrelation(_:order:tolerance:maxIterations:)`` leaves
  /// in its result (before rescaling to a unit diagonal), so that the result is strictly positive
  /// definite and its Cholesky factorisation succeeds.
  ///
  /// 1e-10 is far above the rounding error of forming V·Λ·Vᵀ for the orders a scenario uses
  /// (about n·ε·‖Σ‖₂ ≤ n²·2.2e-16, i.e. 2e-12 for n = 100), and far below anything that matters
  /// for sampling: raising eigenvalues from 0 to 1e-10 moves the matrix by at most √n·1e-10 in
  /// the Frobenius norm. Should the factorisation still fail (a much larger order), the floor is
  /// raised tenfold until it succeeds.
  public static let eigenvalueFloor = 1e-10

  // MARK: - Spearman to Pearson

  /// Pearson correlation of the normal scores giving Spearman ρ_s under a Gaussian copula:
  /// r = 2 sin(π ρ_s / 6) (Pearson 1907; Kruskal 1958). Exact for the copula.
  ///
  /// For a bivariate normal pair with correlation r, Spearman's rank correlation is
  /// ρ_s = (6/π)·arcsin(r/2); this is its inverse. Spearman's ρ is invariant under the increasing
  /// marginal transforms F_i⁻¹(Φ(·)), so the sampled parameters have rank correlation ρ_s whatever
  /// their distributions. Odd and strictly increasing; |r| ≥ |ρ_s|, with the largest difference
  /// about 0.018 (at |ρ_s| ≈ 0.58). ±1 maps to exactly ±1.
  ///
  /// Note that a valid Spearman matrix can become indefinite entry by entry; check the result
  /// with ``cholesky(_:order:)`` and repair it with
  /// ``nearestCorrelation(_:order:tolerance:maxIterations:)``.
  ///
  /// - Parameter rho: Spearman's ρ_s, finite and in [−1, 1] (a precondition: validate user input
  ///   first, with ``validate(_:order:)``).
  public static func normalCorrelation(fromSpearman rho: Double) -> Double {
    precondition(
      rho.isFinite && abs(rho) <= 1,
      "CorrelationMatrix.normalCorrelation: Spearman's rho = \(rho) must be in [-1, 1]")
    // 2·sin(π/6) rounds to 0.9999999999999999, so the ends are exact by definition.
    if abs(rho) == 1 { return rho }
    return min(1, max(-1, 2 * sin(Double.pi * rho / 6)))
  }

  // MARK: - Validation

  /// Problems with a user's matrix, each a full sentence naming the entry (row, column) and value.
  ///
  /// Checks, in row-major order of the entries: every entry is finite; the diagonal is 1 (within
  /// ``symmetryTolerance``); each pair (i, j), (j, i) agrees (within ``symmetryTolerance``); every
  /// off-diagonal entry is in [−1, 1]. Rows and columns are numbered from 1, as a user counts. A
  /// symmetric pair out of range is reported once, naming both entries. An empty result means the
  /// matrix is a symmetric unit-diagonal matrix with entries in [−1, 1]; it may still fail to be
  /// positive semi-definite, which ``cholesky(_:order:)`` reports.
  ///
  /// - Parameters:
  ///   - m: The matrix, row-major; a wrong number of elements is itself reported (as the only
  ///     problem).
  ///   - n: Its order, at least 0.
  public static func validate(_ m: [Double], order n: Int) -> [String] {
    precondition(n >= 0, "CorrelationMatrix.validate: order \(n) must not be negative")
    guard m.count == n * n else {
      return [
        "The correlation matrix has \(m.count) entries, but a matrix of order \(n) has \(n * n)."
      ]
    }
    var problems: [String] = []
    func notFinite(_ i: Int, _ j: Int) -> String {
      """
      Entry (\(i + 1), \(j + 1)) of the correlation matrix is \(m[i * n + j]), not a finite \
      number.
      """
    }
    for i in 0..<n {
      let d = m[i * n + i]
      if !d.isFinite {
        problems.append(notFinite(i, i))
      } else if abs(d - 1) > symmetryTolerance {
        problems.append(
          "Diagonal entry (\(i + 1), \(i + 1)) of the correlation matrix is \(d); it must be 1.")
      }
      for j in (i + 1)..<n {
        let upper = m[i * n + j]
        let lower = m[j * n + i]
        guard upper.isFinite, lower.isFinite else {
          if !upper.isFinite { problems.append(notFinite(i, j)) }
          if !lower.isFinite { problems.append(notFinite(j, i)) }
          continue
        }
        if abs(upper - lower) > symmetryTolerance {
          problems.append(
            """
            The correlation matrix is not symmetric: entry (\(i + 1), \(j + 1)) is \(upper) but \
            entry (\(j + 1), \(i + 1)) is \(lower).
            """)
          for (r, c, value) in [(i, j, upper), (j, i, lower)] where abs(value) > 1 {
            problems.append(
              """
              Entry (\(r + 1), \(c + 1)) of the correlation matrix is \(value), outside [-1, 1].
              """)
          }
        } else if abs(upper) > 1 {
          problems.append(
            """
            Entries (\(i + 1), \(j + 1)) and (\(j + 1), \(i + 1)) of the correlation matrix are \
            \(upper), outside [-1, 1].
            """)
        }
      }
    }
    return problems
  }

  // MARK: - Cholesky

  /// The matrix is not positive definite: its Cholesky factorisation failed.
  public struct NotPositiveDefinite: Error, Equatable, CustomStringConvertible {
    /// The order of the first leading principal minor that is not positive definite (LAPACK
    /// `dpotrf`'s `info`), from 1 to n.
    public var leadingMinor: Int
    /// The smallest eigenvalue of the (symmetric) matrix, ≤ 0 up to rounding: how far the matrix
    /// is from being positive semi-definite, for the message.
    public var smallestEigenvalue: Double

    public init(leadingMinor: Int, smallestEigenvalue: Double) {
      self.leadingMinor = leadingMinor
      self.smallestEigenvalue = smallestEigenvalue
    }

    /// A sentence for the user.
    public var description: String {
      """
      The correlation matrix is not positive definite: its leading \(leadingMinor) × \
      \(leadingMinor) block is not, and its smallest eigenvalue is \(smallestEigenvalue). \
      Correct the correlations, or use the nearest correlation matrix.
      """
    }
  }

  /// Lower Cholesky factor (row-major n×n, upper part zero) via dpotrf, or the order of the first
  /// leading minor that is not positive (dpotrf's info).
  ///
  /// Only the lower triangle of `m` (row ≥ column) is read, as by LAPACK; validate symmetry first
  /// with ``validate(_:order:)``. On success L·Lᵀ = m with L lower triangular, positive diagonal
  /// and exact zeros above the diagonal. On failure, the error carries `dpotrf`'s `info` and the
  /// smallest eigenvalue of the symmetric matrix whose lower triangle is that of `m`
  /// (``symmetricEigen(_:order:)`` reads the same triangle). A positive semi-definite but singular
  /// matrix usually fails too (its last pivot is 0 up to rounding); the copula needs a strictly
  /// positive definite Σ only for this factorisation, and
  /// ``nearestCorrelation(_:order:tolerance:maxIterations:)`` provides one.
  ///
  /// - Parameters:
  ///   - m: `n * n` elements, row-major; the lower triangle must be finite (a precondition).
  ///   - n: The order, at least 0. The empty matrix factors as itself.
  /// - Complexity: O(n³/3); O(n³) more on failure, for the eigenvalue.
  public static func cholesky(_ m: [Double], order n: Int) -> Result<[Double], NotPositiveDefinite>
  {
    checkShape(m, n, "cholesky")
    checkLowerTriangleFinite(m, n, "cholesky")
    var factor = m
    let info = BLAS.potrf(&factor, order: n)
    if info == 0 { return .success(factor) }
    var scratch = m
    var values = [Double](repeating: 0, count: n)
    let eigenInfo = BLAS.syevd(&scratch, order: n, eigenvalues: &values, computeVectors: false)
    precondition(
      eigenInfo == 0, "CorrelationMatrix.cholesky: dsyevd did not converge (\(eigenInfo))")
    return .failure(NotPositiveDefinite(leadingMinor: info, smallestEigenvalue: values[0]))
  }

  // MARK: - Eigendecomposition

  /// Eigenvalues (ascending) and eigenvectors (columns, row-major storage documented) of a
  /// symmetric matrix via LAPACK.
  ///
  /// `vectors` is the n × n orthogonal matrix V, row-major, whose **column k** is the unit
  /// eigenvector for `values[k]`: component i of that eigenvector is `vectors[i * n + k]`, and
  /// m = V·diag(values)·Vᵀ. (LAPACK returns the eigenvectors column-major; they are transposed
  /// here into this row-major layout.) Each eigenvector's sign is arbitrary, and for a repeated
  /// eigenvalue any orthonormal basis of its eigenspace may come back.
  ///
  /// Uses `dsyevd` (divide and conquer) through
  /// ``BLAS/syevd(_:order:eigenvalues:computeVectors:)``. Only the lower triangle of `m`
  /// (row ≥ column) is read, as by ``cholesky(_:order:)``.
  ///
  /// - Parameters:
  ///   - m: `n * n` elements, row-major; the lower triangle must be finite (a precondition).
  ///   - n: The order, at least 0.
  /// - Complexity: O(n³).
  public static func symmetricEigen(_ m: [Double], order n: Int) -> (
    values: [Double], vectors: [Double]
  ) {
    checkShape(m, n, "symmetricEigen")
    checkLowerTriangleFinite(m, n, "symmetricEigen")
    var rowsAreVectors = m
    var values = [Double](repeating: 0, count: n)
    let info = BLAS.syevd(&rowsAreVectors, order: n, eigenvalues: &values)
    precondition(info == 0, "CorrelationMatrix.symmetricEigen: dsyevd did not converge (\(info))")
    var vectors = [Double](repeating: 0, count: n * n)
    for k in 0..<n {
      for i in 0..<n { vectors[i * n + k] = rowsAreVectors[k * n + i] }
    }
    return (values, vectors)
  }

  // MARK: - Nearest correlation matrix

  /// Nearest correlation matrix in the Frobenius norm: Higham (2002), "Computing the nearest
  /// correlation matrix — a problem from finance", IMA J. Numer. Anal. 22:329–343, alternating
  /// projections with Dykstra's correction.
  ///
  /// The input is first symmetrised, A = (m + mᵀ)/2 (the nearest correlation matrix to m is the
  /// one nearest to its symmetric part, since the skew part is orthogonal to every symmetric
  /// matrix); its diagonal is irrelevant to the result. If A has a unit diagonal (within
  /// ``symmetryTolerance``; it is then set to exactly 1), smallest eigenvalue at least
  /// ``eigenvalueFloor`` and a Cholesky factor, it is returned as it is, with 0 iterations.
  ///
  /// Otherwise Higham's iteration, with his weight matrix W = I: with ΔS₀ = 0, Y₀ = A, for
  /// k = 1, 2, …
  ///
  /// ```
  /// R_k = Y_{k−1} − ΔS_{k−1}
  /// X_k = P_S(R_k)          projection onto the positive semi-definite cone
  /// ΔS_k = X_k − R_k        Dykstra's correction
  /// Y_k = P_U(X_k)          projection onto unit-diagonal matrices: set the diagonal to 1
  /// ```
  ///
  /// P_S(R) = V·diag(max(λ, 0))·Vᵀ from the symmetric eigendecomposition R = V·diag(λ)·Vᵀ (LAPACK
  /// `dsyevd`), formed as B·Bᵀ with B = V·diag(√max(λ, 0)) by `dsyrk`, so X_k is exactly symmetric.
  /// The iteration stops, as Higham's `nearcorr.m`, when the largest of ‖X_k − X_{k−1}‖/‖X_k‖,
  /// ‖Y_k − Y_{k−1}‖/‖Y_k‖ and ‖Y_k − X_k‖/‖Y_k‖ (Frobenius norms) is at most `tolerance`.
  /// Convergence is linear: the tests' examples take 23–27 iterations at order 3–5 and 53 for a
  /// badly indefinite matrix of order 30 (well under 0.1 s in a debug build).
  ///
  /// The limit is positive *semi*-definite, usually singular, and rounding leaves eigenvalues of
  /// about −tolerance; its Cholesky factorisation would fail. So, last, Y is made strictly
  /// positive definite: its eigenvalues below ``eigenvalueFloor`` (1e-10) are raised to it, and
  /// the unit diagonal is restored by the congruence D^(−1/2)·Y·D^(−1/2), D = diag(Y), which keeps
  /// it positive definite (the diagonal is then set to exactly 1). This moves the result by about
  /// 1e-10 per raised eigenvalue. If the factorisation still fails, the floor is raised tenfold
  /// and the step repeated from Y.
  ///
  /// - Parameters:
  ///   - m: `n * n` elements, row-major, all finite (a precondition).
  ///   - n: The order, at least 0.
  ///   - tolerance: Relative convergence tolerance, positive; default 1e-10.
  ///   - maxIterations: At most this many iterations, at least 1; default 10 000. When it is
  ///     reached, the last Y is made positive definite and returned: a correlation matrix, but
  ///     not necessarily the nearest (the returned `iterations` then equals `maxIterations`).
  /// - Returns: The symmetric, unit-diagonal, positive-definite matrix (row-major) and the number
  ///   of iterations taken (0 when the input was returned as it is).
  /// - Complexity: O(n³) per iteration.
  public static func nearestCorrelation(
    _ m: [Double], order n: Int, tolerance: Double = 1e-10, maxIterations: Int = 10_000
  ) -> (matrix: [Double], iterations: Int) {
    checkShape(m, n, "nearestCorrelation")
    precondition(
      m.allSatisfy(\.isFinite), "CorrelationMatrix.nearestCorrelation: entries must be finite")
    precondition(
      tolerance > 0, "CorrelationMatrix.nearestCorrelation: tolerance \(tolerance) must be > 0")
    precondition(
      maxIterations >= 1,
      "CorrelationMatrix.nearestCorrelation: maxIterations \(maxIterations) must be ≥ 1")
    guard n > 0 else { return ([], 0) }

    var a = m
    for i in 0..<n {
      for j in (i + 1)..<n {
        let average = 0.5 * (m[i * n + j] + m[j * n + i])
        a[i * n + j] = average
        a[j * n + i] = average
      }
    }

    // Already a (strictly positive definite) correlation matrix: keep it.
    if (0..<n).allSatisfy({ abs(a[$0 * n + $0] - 1) <= symmetryTolerance }) {
      var unit = a
      for i in 0..<n { unit[i * n + i] = 1 }
      if symmetricEigen(unit, order: n).values[0] >= eigenvalueFloor,
        case .success = cholesky(unit, order: n)
      {
        return (unit, 0)
      }
    }

    // Higham's alternating projections with Dykstra's correction.
    var y = a
    var x = a
    var deltaS = [Double](repeating: 0, count: n * n)
    var r = [Double](repeating: 0, count: n * n)
    var iterations = maxIterations
    for k in 1...maxIterations {
      for e in 0..<(n * n) { r[e] = y[e] - deltaS[e] }
      let newX = projectPositiveSemidefinite(r, order: n)
      for e in 0..<(n * n) { deltaS[e] = newX[e] - r[e] }
      var newY = newX
      for i in 0..<n { newY[i * n + i] = 1 }

      let changeX = frobeniusDistance(newX, x) / frobeniusNorm(newX)
      let changeY = frobeniusDistance(newY, y) / frobeniusNorm(newY)
      let gap = frobeniusDistance(newY, newX) / frobeniusNorm(newY)
      x = newX
      y = newY
      if max(changeX, changeY, gap) <= tolerance {
        iterations = k
        break
      }
    }
    return (makePositiveDefinite(y, order: n), iterations)
  }

  // MARK: - Helpers

  /// P_S(R) = V·diag(max(λ, 0))·Vᵀ = B·Bᵀ with B = V·diag(√max(λ, 0)), keeping only the columns of
  /// positive eigenvalues (`dsyrk` with an empty inner dimension gives the zero matrix).
  private static func projectPositiveSemidefinite(_ r: [Double], order n: Int) -> [Double] {
    clippedProduct(r, order: n, floor: 0)
  }

  /// V·diag(max(λ, floor))·Vᵀ for the eigendecomposition of `s`, as B·Bᵀ (exactly symmetric).
  private static func clippedProduct(_ s: [Double], order n: Int, floor: Double) -> [Double] {
    let (values, vectors) = symmetricEigen(s, order: n)
    let kept = (0..<n).filter { max(values[$0], floor) > 0 }
    let p = kept.count
    var b = [Double](repeating: 0, count: n * p)
    for (column, k) in kept.enumerated() {
      let scale = max(values[k], floor).squareRoot()
      for i in 0..<n { b[i * p + column] = vectors[i * n + k] * scale }
    }
    var product = [Double](repeating: 0, count: n * n)
    BLAS.syrk(b, rows: n, columns: p, transposeA: false, c: &product)
    return product
  }

  /// Raises the eigenvalues of `y` to at least ``eigenvalueFloor`` and restores the unit diagonal
  /// by D^(−1/2)·X·D^(−1/2); raises the floor tenfold until the Cholesky factorisation succeeds.
  private static func makePositiveDefinite(_ y: [Double], order n: Int) -> [Double] {
    var floor = eigenvalueFloor
    while true {
      var result = y
      if symmetricEigen(y, order: n).values[0] < floor {
        result = clippedProduct(y, order: n, floor: floor)
        let scale = (0..<n).map { 1 / result[$0 * n + $0].squareRoot() }
        for i in 0..<n {
          for j in 0..<n { result[i * n + j] *= scale[i] * scale[j] }
        }
      }
      for i in 0..<n { result[i * n + i] = 1 }
      if case .success = cholesky(result, order: n) { return result }
      precondition(
        floor < 0.1,
        "CorrelationMatrix.nearestCorrelation: no positive-definite correction found")
      floor *= 10
    }
  }

  private static func frobeniusNorm(_ a: [Double]) -> Double {
    a.reduce(0) { $0 + $1 * $1 }.squareRoot()
  }

  private static func frobeniusDistance(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
  }

  private static func checkShape(_ m: [Double], _ n: Int, _ function: String) {
    precondition(n >= 0, "CorrelationMatrix.\(function): order \(n) must not be negative")
    precondition(
      m.count == n * n,
      "CorrelationMatrix.\(function): the matrix has \(m.count) elements, expected \(n) × \(n)")
  }

  private static func checkLowerTriangleFinite(_ m: [Double], _ n: Int, _ function: String) {
    for i in 0..<n {
      for j in 0...i {
        precondition(
          m[i * n + j].isFinite,
          "CorrelationMatrix.\(function): entry (\(i), \(j)) = \(m[i * n + j]) is not finite")
      }
    }
  }
}
