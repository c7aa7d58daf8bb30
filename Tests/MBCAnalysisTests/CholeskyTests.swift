// CorrelationMatrix.cholesky: the lower factor on success, dpotrf's failing minor and the smallest
// eigenvalue otherwise.
import Testing

@testable import MBCAnalysis

@Suite("Cholesky factor of a correlation matrix")
struct CholeskyTests {
  /// L·Lᵀ in plain loops, for the check.
  static func lowerTimesTranspose(_ l: [Double], order n: Int) -> [Double] {
    var product = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        for k in 0..<n { product[i * n + j] += l[i * n + k] * l[j * n + k] }
      }
    }
    return product
  }

  // A = [1 .5 .3; .5 1 .2; .3 .2 1]. By hand: L = [1 0 0; .5 √3/2 0; .3 1/(10√3) √(68/75)]
  // (l₃₂ = (0.2 − 0.3·0.5)/(√3/2), l₃₃² = 1 − 0.09 − 1/300 = 68/75). Each computed entry is a few
  // roundings from the exact value (≤ 1 in magnitude), so 1e-15 ≈ 4.5 ulps of 1. Cholesky is
  // backward stable: L·Lᵀ = A + E with |E| ≤ (n+1)·u·|L|·|Lᵀ| ≈ 4 · 1.1e-16 · 1 here (Higham, ASNA
  // Thm 10.3); 1e-14 is the brief's bound, twenty times that.
  @Test("known 3 × 3 correlation matrix: hand factor, L·Lᵀ = A to 1e-14, exact zeros above")
  func test_spd() throws {
    let a: [Double] = [1, 0.5, 0.3, 0.5, 1, 0.2, 0.3, 0.2, 1]
    let l = try CorrelationMatrix.cholesky(a, order: 3).get()
    let root3 = 3.0.squareRoot()
    let expected: [Double] = [
      1, 0, 0,
      0.5, root3 / 2, 0,
      0.3, 1 / (10 * root3), (68.0 / 75).squareRoot(),
    ]
    for e in 0..<9 {
      expectClose(l[e], expected[e], scale: 1, tolerance: 1e-15, "L[\(e / 3), \(e % 3)]")
    }
    #expect(l[1] == 0 && l[2] == 0 && l[5] == 0)
    let product = Self.lowerTimesTranspose(l, order: 3)
    for e in 0..<9 {
      expectClose(product[e], a[e], scale: 1, tolerance: 1e-14, "(L·Lᵀ)[\(e / 3), \(e % 3)]")
    }
  }

  @Test("only the lower triangle is read")
  func test_lowerOnly() throws {
    let full: [Double] = [1, 0.5, 0.3, 0.5, 1, 0.2, 0.3, 0.2, 1]
    let lower: [Double] = [1, .nan, .nan, 0.5, 1, .nan, 0.3, 0.2, 1]
    let a = try CorrelationMatrix.cholesky(full, order: 3).get()
    let b = try CorrelationMatrix.cholesky(lower, order: 3).get()
    #expect(bits(a) == bits(b))
  }

  // B = [1 .9 −.9; .9 1 .9; −.9 .9 1]: every 2 × 2 minor is 1 − 0.81 > 0, but (1, −1, 1) is an
  // eigenvector with eigenvalue 1 − 0.9 − 0.9 = −0.8, so the full matrix fails at minor 3.
  // dsyevd's eigenvalues are accurate to a few ε·‖B‖₂ = few · 2.2e-16 · 1.9; 1e-14 allows ~20.
  @Test("inconsistent correlations: fails at the 3rd leading minor, smallest eigenvalue −0.8")
  func test_notPositiveDefinite() {
    let b: [Double] = [1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1]
    guard case .failure(let error) = CorrelationMatrix.cholesky(b, order: 3) else {
      Issue.record("expected a failure")
      return
    }
    #expect(error.leadingMinor == 3)
    expectClose(error.smallestEigenvalue, -0.8, scale: 1, tolerance: 1e-14, "smallest eigenvalue")
    #expect(error.description.contains("not positive definite"))
    #expect(error.description.contains("3 × 3"))

    // [1 1.2 0; 1.2 1 0; 0 0 1]: the 2 × 2 block already fails (eigenvalues −0.2, 2.2, 1).
    guard
      case .failure(let second) = CorrelationMatrix.cholesky(
        [1, 1.2, 0, 1.2, 1, 0, 0, 0, 1], order: 3)
    else {
      Issue.record("expected a failure")
      return
    }
    #expect(second.leadingMinor == 2)
    expectClose(second.smallestEigenvalue, -0.2, scale: 1, tolerance: 1e-14, "smallest eigenvalue")
  }

  // [1 1; 1 1] is a valid (semi-definite) correlation matrix, but it has no Cholesky factor with a
  // positive diagonal: the second pivot is 1 − 1 = 0. Its eigenvalues are 0 and 2; the computed 0
  // is within a few ε·2 of 0.
  @Test("perfect correlation is only semi-definite: fails at minor 2, eigenvalue ≈ 0")
  func test_singular() {
    guard case .failure(let error) = CorrelationMatrix.cholesky([1, 1, 1, 1], order: 2) else {
      Issue.record("expected a failure")
      return
    }
    #expect(error.leadingMinor == 2)
    #expect(abs(error.smallestEigenvalue) <= 1e-15)
  }

  @Test("1 × 1 and empty matrices")
  func test_small() {
    #expect(CorrelationMatrix.cholesky([1], order: 1) == .success([1]))
    #expect(CorrelationMatrix.cholesky([4], order: 1) == .success([2]))
    #expect(
      CorrelationMatrix.cholesky([-1], order: 1)
        == .failure(.init(leadingMinor: 1, smallestEigenvalue: -1)))
    #expect(
      CorrelationMatrix.cholesky([0], order: 1)
        == .failure(.init(leadingMinor: 1, smallestEigenvalue: 0)))
    #expect(CorrelationMatrix.cholesky([], order: 0) == .success([]))
  }
}
