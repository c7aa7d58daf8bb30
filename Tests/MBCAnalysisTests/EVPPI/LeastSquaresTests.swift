// BLAS.gelsd (LAPACK dgelsd): least squares with known solutions, rank deficiency, shapes.
//
// Tolerances: dgelsd is backward stable, so the solution's error is about ε·κ(A)·‖x‖ (κ the
// condition number); the matrices here have κ < 100 and entries of order 1–10, so 1e-12 (about
// 50·ε·κ) is tight but safe.
import Testing

@testable import MBCAnalysis

@Suite("Least squares (LAPACK dgelsd)")
struct LeastSquaresTests {
  @Test("overdetermined with an exact fit: the solution, full rank, singular values")
  func test_exactFit() {
    // A (5 × 3) of small integers, x = [1, −2, 3], b = A·x: the residual is zero and x is the
    // unique least-squares solution (A has full column rank).
    let a: [Double] = [
      1, 0, 2,
      2, 1, 0,
      0, 3, 1,
      1, 1, 1,
      4, -1, 2,
    ]
    let x: [Double] = [1, -2, 3]
    var b = [Double](repeating: 0, count: 5)
    BLAS.gemv(a, rows: 5, columns: 3, transposeA: false, x: x, y: &b)
    var solution = [Double](repeating: .nan, count: 3)
    var singularValues = [Double](repeating: .nan, count: 3)
    let (rank, info) = BLAS.gelsd(
      a, rows: 5, columns: 3, b: b, rightHandSides: 1, solution: &solution,
      singularValues: &singularValues)
    #expect(info == 0)
    #expect(rank == 3)
    for i in 0..<3 { expectClose(solution[i], x[i], scale: 1, tolerance: 1e-12, "x[\(i)]") }
    #expect(singularValues[0] >= singularValues[1] && singularValues[1] >= singularValues[2])
    #expect(singularValues[2] > 0.5)  // well conditioned
    // Σσᵢ² = ‖A‖²_F = 1+4+4+1+9+1+1+1+1+16+1+4 = 44.
    let frobenius = singularValues.reduce(0) { $0 + $1 * $1 }
    expectClose(frobenius, 44, scale: 44, tolerance: 1e-14, "Σσ²")
  }

  @Test("a straight line through four points: the textbook solution; two right-hand sides")
  func test_lineFit() {
    // Points (0, 1), (1, 3), (2, 2), (3, 5): slope = Sxy/Sxx = 5.5/5 = 1.1, intercept
    // ȳ − slope·x̄ = 2.75 − 1.65 = 1.1. Second right-hand side: y = 2 + 3x exactly.
    let a: [Double] = [1, 0, 1, 1, 1, 2, 1, 3]
    let b: [Double] = [1, 2, 3, 5, 2, 8, 5, 11]  // row-major 4 × 2
    var solution = [Double](repeating: 0, count: 4)
    var singularValues = [Double](repeating: 0, count: 2)
    let (rank, info) = BLAS.gelsd(
      a, rows: 4, columns: 2, b: b, rightHandSides: 2, solution: &solution,
      singularValues: &singularValues)
    #expect(info == 0 && rank == 2)
    // Row-major 2 × 2: [intercept₁, intercept₂; slope₁, slope₂].
    let expected: [Double] = [1.1, 2, 1.1, 3]
    for i in 0..<4 { expectClose(solution[i], expected[i], scale: 1, tolerance: 1e-12, "X[\(i)]") }
  }

  @Test("rank-deficient: a column that is the sum of two others is detected; minimum-norm x")
  func test_rankDeficient() {
    // Column 3 = column 1 + column 2, so rank 2 and the null space is spanned by v = [1, 1, −1].
    // b = A·[1, 2, 0] lies in the column space; every x = [1, 2, 0] + t·v fits exactly, and the
    // minimum-norm one is orthogonal to v: t = −(1 + 2)/3 = −1, x = [0, 1, 1].
    let a: [Double] = [
      1, 0, 1,
      0, 1, 1,
      1, 1, 2,
      2, -1, 1,
    ]
    let b: [Double] = [1, 2, 3, 0]
    var solution = [Double](repeating: 0, count: 3)
    var singularValues = [Double](repeating: 0, count: 3)
    let (rank, info) = BLAS.gelsd(
      a, rows: 4, columns: 3, b: b, rightHandSides: 1, solution: &solution,
      singularValues: &singularValues)
    #expect(info == 0)
    #expect(rank == 2)
    // The third singular value is zero up to rounding: ≤ ε·max(m, n)·σ₁ is the threshold.
    #expect(singularValues[2] <= Double.ulpOfOne * 4 * singularValues[0])
    let expected: [Double] = [0, 1, 1]
    for i in 0..<3 { expectClose(solution[i], expected[i], scale: 1, tolerance: 1e-12, "x[\(i)]") }
  }

  @Test("rcond: a nearly dependent column counts as dependent only above the threshold")
  func test_rcond() {
    // Column 2 = column 1 + 1e-9·e₁, column 1 = [1, 1, 1]: σ₁ ≈ √6, σ₂ ≈ 1e-9·√(2/3)/√2 ≈ 5.8e-10,
    // so σ₂/σ₁ ≈ 2.4e-10: well above the default threshold ε·3 = 6.7e-16, below 1e-6.
    let a: [Double] = [1, 1 + 1e-9, 1, 1, 1, 1]
    let b: [Double] = [1, 1, 1]
    var solution = [Double](repeating: 0, count: 2)
    var singularValues = [Double](repeating: 0, count: 2)
    let full = BLAS.gelsd(
      a, rows: 3, columns: 2, b: b, rightHandSides: 1, solution: &solution,
      singularValues: &singularValues)
    #expect(full.rank == 2)
    let truncated = BLAS.gelsd(
      a, rows: 3, columns: 2, b: b, rightHandSides: 1, solution: &solution,
      singularValues: &singularValues, rcond: 1e-6)
    #expect(truncated.rank == 1)
    // Rank 1: the minimum-norm solution spreads the weight over the two (almost equal) columns.
    expectClose(solution[0], 0.5, scale: 1, tolerance: 1e-8, "x[0]")
    expectClose(solution[1], 0.5, scale: 1, tolerance: 1e-8, "x[1]")
  }

  @Test("underdetermined: the minimum-norm solution; empty problems")
  func test_underdeterminedAndEmpty() {
    // x₁ + x₂ = 2: minimum norm x = [1, 1].
    var solution = [Double](repeating: 0, count: 2)
    var singularValues = [Double](repeating: 0, count: 1)
    let (rank, info) = BLAS.gelsd(
      [1, 1], rows: 1, columns: 2, b: [2], rightHandSides: 1, solution: &solution,
      singularValues: &singularValues)
    #expect(info == 0 && rank == 1)
    expectClose(solution[0], 1, scale: 1, tolerance: 1e-14, "x[0]")
    expectClose(solution[1], 1, scale: 1, tolerance: 1e-14, "x[1]")
    expectClose(singularValues[0], 2.0.squareRoot(), scale: 1, tolerance: 1e-14, "σ")

    var empty: [Double] = [.nan, .nan]
    var noValues: [Double] = []
    let none = BLAS.gelsd(
      [], rows: 0, columns: 2, b: [], rightHandSides: 1, solution: &empty,
      singularValues: &noValues)
    #expect(none.rank == 0 && none.info == 0)
    #expect(empty == [0, 0])
  }
}
