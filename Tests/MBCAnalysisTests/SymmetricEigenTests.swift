// CorrelationMatrix.symmetricEigen: ascending eigenvalues and the eigenvectors as the columns of a
// row-major V, against hand cases and on random symmetric matrices.
import Testing

@testable import MBCAnalysis

@Suite("Symmetric eigendecomposition")
struct SymmetricEigenTests {
  /// Random symmetric matrix with entries uniform in (−1, 1).
  static func randomSymmetric(order n: Int, seed: UInt64) -> [Double] {
    var random = TestRandom(seed: seed)
    var m = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0...i {
        let value = 2 * random.uniform() - 1
        m[i * n + j] = value
        m[j * n + i] = value
      }
    }
    return m
  }

  /// Expects column k of the row-major `vectors` to be ±`expected`.
  static func expectColumn(
    _ vectors: [Double], order n: Int, column k: Int, equalsUpToSign expected: [Double],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let column = (0..<n).map { vectors[$0 * n + k] }
    let sign: Double = zip(column, expected).reduce(0) { $0 + $1.0 * $1.1 } < 0 ? -1 : 1
    for i in 0..<n {
      // Components of unit vectors from a backward-stable method on a well-separated spectrum
      // (gaps ≥ √2 − 0 here): error ≈ ε·‖A‖/gap ≈ 1e-16·4/1; 1e-15 is a few times that.
      expectClose(
        sign * column[i], expected[i], scale: 1, tolerance: 1e-15, "v[\(i)] of column \(k)",
        sourceLocation: sourceLocation)
    }
  }

  @Test("hand cases: [2 1; 1 2] and the second-difference matrix tridiag(−1, 2, −1)")
  func test_handCases() {
    let two = CorrelationMatrix.symmetricEigen([2, 1, 1, 2], order: 2)
    // Eigenvalues 1 and 3: a few ulps of ‖A‖₂ = 3; 1e-15 ≈ 2 ulps of 3.
    expectClose(two.values[0], 1, scale: 1, tolerance: 1e-15, "λ₀")
    expectClose(two.values[1], 3, scale: 1, tolerance: 1e-15, "λ₁")
    let h = 0.5.squareRoot()
    Self.expectColumn(two.vectors, order: 2, column: 0, equalsUpToSign: [h, -h])
    Self.expectColumn(two.vectors, order: 2, column: 1, equalsUpToSign: [h, h])

    // T = [2 −1 0; −1 2 −1; 0 −1 2]: λ = 2 − √2, 2, 2 + √2 with eigenvectors (1, √2, 1)/2,
    // (1, 0, −1)/√2, (1, −√2, 1)/2.
    let r2 = 2.0.squareRoot()
    let three = CorrelationMatrix.symmetricEigen([2, -1, 0, -1, 2, -1, 0, -1, 2], order: 3)
    let expectedValues = [2 - r2, 2, 2 + r2]
    for k in 0..<3 {
      expectClose(three.values[k], expectedValues[k], scale: 1, tolerance: 2e-15, "λ\(k)")
    }
    Self.expectColumn(three.vectors, order: 3, column: 0, equalsUpToSign: [0.5, r2 / 2, 0.5])
    Self.expectColumn(three.vectors, order: 3, column: 1, equalsUpToSign: [h, 0, -h])
    Self.expectColumn(three.vectors, order: 3, column: 2, equalsUpToSign: [0.5, -r2 / 2, 0.5])
  }

  @Test("a diagonal matrix: its diagonal sorted ascending, the vectors a signed permutation")
  func test_diagonal() {
    let (values, vectors) = CorrelationMatrix.symmetricEigen([3, 0, 0, 0, 1, 0, 0, 0, 2], order: 3)
    #expect(values == [1, 2, 3])
    #expect(vectors.map(abs) == [0, 0, 1, 1, 0, 0, 0, 1, 0])  // column k = ±e_{index of λ_k}
  }

  // Residuals. dsyevd is backward stable: the computed pairs are exact for A + E with
  // ‖E‖₂ ≤ p(n)·ε·‖A‖₂. Entries in (−1, 1) give ‖A‖₂ ≤ ‖A‖_F < n, so for n ≤ 40 the residual
  // ‖A·v − λ·v‖ is of order n·ε·n ≈ 40·2.2e-16·40 ≈ 3.5e-13 at the very worst (observed:
  // ≤ 3.6e-15); the brief's 1e-12 holds. Orthonormality |VᵀV − I| is of order n·ε ≈ 1e-14.
  @Test(
    "random symmetric matrices: A·v = λ·v and VᵀV = I to 1e-12, ascending, Σλ = trace",
    arguments: [1, 2, 5, 17, 40])
  func test_random(order n: Int) {
    let a = Self.randomSymmetric(order: n, seed: UInt64(1000 + n))
    let (values, vectors) = CorrelationMatrix.symmetricEigen(a, order: n)
    #expect(values.count == n && vectors.count == n * n)
    for k in 1..<max(n, 1) { #expect(values[k - 1] <= values[k]) }

    var worstResidual = 0.0
    var worstOrthogonality = 0.0
    for k in 0..<n {
      for i in 0..<n {
        var av = 0.0
        for j in 0..<n { av += a[i * n + j] * vectors[j * n + k] }
        worstResidual = max(worstResidual, abs(av - values[k] * vectors[i * n + k]))
      }
      for l in 0..<n {
        var dot = 0.0
        for i in 0..<n { dot += vectors[i * n + k] * vectors[i * n + l] }
        worstOrthogonality = max(worstOrthogonality, abs(dot - (k == l ? 1 : 0)))
      }
    }
    #expect(worstResidual <= 1e-12, "max |A·v − λ·v| = \(worstResidual), n = \(n)")
    #expect(worstOrthogonality <= 1e-12, "max |VᵀV − I| = \(worstOrthogonality), n = \(n)")

    let trace = (0..<n).reduce(0) { $0 + a[$1 * n + $1] }
    // Σλ = trace exactly in exact arithmetic; each λ carries ~n·ε·‖A‖ error: 1e-12 as above.
    #expect(abs(values.reduce(0, +) - trace) <= 1e-12)
  }

  @Test("only the lower triangle is read; the empty matrix")
  func test_lowerOnly_empty() {
    let a = Self.randomSymmetric(order: 6, seed: 7)
    var lower = a
    for i in 0..<6 {
      for j in (i + 1)..<6 { lower[i * 6 + j] = .nan }
    }
    let full = CorrelationMatrix.symmetricEigen(a, order: 6)
    let fromLower = CorrelationMatrix.symmetricEigen(lower, order: 6)
    #expect(bits(full.values) == bits(fromLower.values))
    #expect(bits(full.vectors) == bits(fromLower.vectors))

    let empty = CorrelationMatrix.symmetricEigen([], order: 0)
    #expect(empty.values.isEmpty && empty.vectors.isEmpty)
  }
}
