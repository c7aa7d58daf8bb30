// CorrelationMatrix.normalCorrelation(fromSpearman:): r = 2·sin(π·ρ_s/6), against closed forms and
// against a Monte Carlo sample of the Gaussian copula itself.
import Foundation
import Testing

@testable import MBCAnalysis

@Suite("Spearman to normal-score correlation")
struct SpearmanConversionTests {
  @Test("0 → 0, ±1 → ±1 exactly; odd")
  func test_ends() {
    #expect(CorrelationMatrix.normalCorrelation(fromSpearman: 0) == 0)
    // 2·sin(π/6) rounds to 0.9999999999999999 in Double; the ends are special-cased to be exact.
    #expect(CorrelationMatrix.normalCorrelation(fromSpearman: 1) == 1)
    #expect(CorrelationMatrix.normalCorrelation(fromSpearman: -1) == -1)
    for rho in stride(from: 0.0, through: 1.0, by: 0.01) {
      #expect(
        CorrelationMatrix.normalCorrelation(fromSpearman: -rho)
          == -CorrelationMatrix.normalCorrelation(fromSpearman: rho))
    }
  }

  // Closed forms: sin(π/10) = (√5 − 1)/4 and sin(π/12) = (√6 − √2)/4. The computed value is sin of
  // a rounded argument times 2, so a few ulps (≈ 1e-16 each at 0.6) from the exact value; 4e-16
  // allows about 4 ulps.
  @Test("closed forms: ρ_s = 0.6 → (√5 − 1)/2, ρ_s = 0.5 → (√6 − √2)/2")
  func test_closedForms() {
    expectClose(
      CorrelationMatrix.normalCorrelation(fromSpearman: 0.6), (5.0.squareRoot() - 1) / 2,
      scale: 1, tolerance: 4e-16, "ρ_s = 0.6")
    expectClose(
      CorrelationMatrix.normalCorrelation(fromSpearman: 0.5),
      (6.0.squareRoot() - 2.0.squareRoot()) / 2, scale: 1, tolerance: 4e-16, "ρ_s = 0.5")
  }

  @Test("strictly increasing on a grid of step 0.001, |r| ≥ |ρ_s|, inverse (6/π)·asin(r/2)")
  func test_monotone_inverse() {
    var previous = -Double.infinity
    for step in -1000...1000 {
      let rho = Double(step) / 1000
      let r = CorrelationMatrix.normalCorrelation(fromSpearman: rho)
      #expect(r > previous, "not increasing at ρ_s = \(rho)")
      #expect(abs(r) >= abs(rho), "|r| < |ρ_s| at ρ_s = \(rho)")
      #expect(abs(r) <= 1)
      // Round trip through the forward formula ρ_s = (6/π)·asin(r/2); asin's derivative is at most
      // 1/cos(π/6) ≈ 1.15 on [−1/2, 1/2], and the factor 6/π ≈ 1.9 makes that ≈ 2.2: an error of
      // ≤ 2 ulps (2.2e-16) in r plus the rounding of asin and the product stay below 2e-15.
      expectClose(6 / Double.pi * asin(r / 2), rho, scale: 1, tolerance: 2e-15, "round trip \(rho)")
      previous = r
    }
  }

  // The copula itself: z ~ N(0, I), x = L·z with L·Lᵀ = [1 r; r 1], r = normalCorrelation(0.6); the
  // sample Spearman correlation of (x₁, x₂) must be close to 0.6.
  //
  // Tolerance. For bivariate normal samples, Fieller, Hartley & Pearson (1957) give
  // var(atanh r_s) ≈ 1.06/(n − 3); by the delta method SE(r_s) ≈ (1 − ρ_s²)·√(1.06/(n − 3)), which
  // is the brief's rough (1 − ρ²)/√n with a 3 % larger factor: 0.64 · 0.00230 = 0.00147 for
  // n = 200 000. Five standard errors, 0.0074, fail a correct implementation for fewer than one
  // seed in a million. (The sample is deterministic: fixed seed.)
  //
  // Teeth. Using ρ_s itself as the normal-score correlation (the common mistake) gives a Spearman
  // correlation of (6/π)·asin(0.3) = 0.5819, 0.018 (2.5 tolerances) too low; the test asserts that
  // this would fail too.
  @Test("Monte Carlo: 200 000 copula pairs with r = normalCorrelation(0.6) have Spearman ≈ 0.6")
  func test_monteCarlo() throws {
    let target = 0.6
    let n = 200_000
    let r = CorrelationMatrix.normalCorrelation(fromSpearman: target)
    let l = try CorrelationMatrix.cholesky([1, r, r, 1], order: 2).get()
    var random = TestRandom(seed: 20_260_601)
    var first = [Double](repeating: 0, count: n)
    var second = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let z1 = random.normal()
      let z2 = random.normal()
      first[i] = l[0] * z1
      second[i] = l[2] * z1 + l[3] * z2
    }
    let spearman = Self.spearman(first, second)
    let standardError = (1 - target * target) * (1.06 / Double(n - 3)).squareRoot()
    let tolerance = 5 * standardError
    #expect(
      abs(spearman - target) <= tolerance,
      "sample Spearman \(spearman), target \(target), tolerance \(tolerance)")
    let uncorrected = 6 / Double.pi * asin(target / 2)  // Spearman when r = ρ_s is used directly
    #expect(abs(uncorrected - target) > 2 * tolerance)
  }

  /// Spearman's rank correlation without ties: 1 − 6·Σd²/(n(n² − 1)), with Σd² summed exactly in
  /// integers (d² ≤ n², Σd² ≤ n³/3 ≈ 2.7e15 < 2⁶³ for n = 200 000).
  static func spearman(_ x: [Double], _ y: [Double]) -> Double {
    let rx = ranks(x)
    let ry = ranks(y)
    var sum = 0
    for i in x.indices {
      let d = rx[i] - ry[i]
      sum += d * d
    }
    let n = Double(x.count)
    return 1 - 6 * Double(sum) / (n * (n * n - 1))
  }

  /// 0-based ranks (continuous data: no ties).
  static func ranks(_ values: [Double]) -> [Int] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var rank = [Int](repeating: 0, count: values.count)
    for (position, index) in order.enumerated() { rank[index] = position }
    return rank
  }
}
