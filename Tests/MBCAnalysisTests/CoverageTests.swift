// Does the reported 95% confidence interval of the mean cover the true mean 95% of the time?
//
// Design. 4000 independent datasets of n = 200 values from a distribution with known mean μ; each
// is summarised by Summaries.summarize(values:), the code path summary.csv uses, and we count how
// often ciLow ≤ μ ≤ ciHigh.
//
// Expected coverage of the z-interval x̄ ± 1.959964·s/√n (s with divisor n − 1):
// - Normal data: (x̄ − μ)/(s/√n) follows Student's t with n − 1 = 199 degrees of freedom exactly,
//   so the coverage is P(|t₁₉₉| ≤ 1.959964) = 0.94860 (scipy: 1 − 2·t.sf(1.959964, 199); by hand,
//   the expansion 2Φ(z) − 1 − 2φ(z)(z³ + z)/(4ν) = 0.95 − 0.00139). Slightly below 0.95 because
//   z < t₀.₉₇₅,₁₉₉ = 1.972.
// - Exponential data (skewness γ = 2, excess kurtosis κ = 6): by the Edgeworth expansion of the
//   studentised mean (Hall 1992, The Bootstrap and Edgeworth Expansion, §2.6; written here for the
//   divisor n − 1)
//     P(|T| ≤ z) = 2Φ(z) − 1 + (2/n)·q(z)·φ(z) + O(n⁻²),
//     q(z) = z·[κ(z² − 3)/12 − γ²(z⁴ + 2z² − 3)/18 − (z² + 1)/4],
//   q(1.96) = −10.01, so the coverage is 0.95 − 0.0059 = 0.9441. The one-sided errors are O(n^−½)
//   but cancel to first order in a two-sided interval. (Checked with numpy: 4·10⁵ datasets gave
//   0.9438 ± 0.0004 for the exponential and 0.9486 for the normal.)
//
// Tolerance. The count of covering datasets is Binomial(N = 4000, p), with standard error
// √(p(1 − p)/N) = 0.0035 (normal) and 0.0036 (exponential). We accept ±4 SE around the expected
// value: [0.9346, 0.9626] and [0.9297, 0.9585]. For a randomly chosen seed a correct interval would
// fall outside with probability 6e-5 (the test uses fixed seeds, so it is deterministic, not
// flaky). The expansion's O(n⁻²) remainder is ~1e-4, far inside the band.
//
// Power. The band excludes every plausible mistake by many SE: sd instead of mcse gives coverage
// ≈ 1 (asserted below as a control); z = 1.645 (a 90% interval) gives 0.90; s/n instead of s/√n
// gives ≈ 0.11; divisor n for the variance changes the coverage by only 0.0005 and is caught by
// the moments tests instead.
import Foundation
import Testing

@testable import MBCAnalysis

@Suite("Coverage of the 95% confidence interval of the mean")
struct CoverageTests {
  static let datasets = 4000
  static let runs = 200

  /// Coverage of the reported CI, and of the wrong interval mean ± z·sd (a control that must fail).
  static func coverage(
    trueMean: Double, seed: UInt64, draw: (inout TestRandom) -> Double
  ) -> (ci: Double, control: Double) {
    var random = TestRandom(seed: seed)
    var covered = 0
    var coveredByControl = 0
    var values = [Double](repeating: 0, count: runs)
    for _ in 0..<datasets {
      for i in 0..<runs { values[i] = draw(&random) }
      let summary = Summaries.summarize(values: values)
      if summary.ciLow <= trueMean && trueMean <= summary.ciHigh { covered += 1 }
      let halfWidth = MetricSummary.z975 * summary.sd
      if abs(summary.mean - trueMean) <= halfWidth { coveredByControl += 1 }
    }
    return (Double(covered) / Double(datasets), Double(coveredByControl) / Double(datasets))
  }

  /// ±4 binomial standard errors around `expected`.
  static func band(around expected: Double) -> ClosedRange<Double> {
    let se = (expected * (1 - expected) / Double(datasets)).squareRoot()
    return (expected - 4 * se)...(expected + 4 * se)
  }

  @Test("normal data: coverage ≈ P(|t₁₉₉| ≤ 1.96) = 0.9486")
  func test_coverage_normal() {
    let result = Self.coverage(trueMean: 5, seed: 11) { 5 + 2 * $0.normal() }
    let band = Self.band(around: 0.94860)
    #expect(band.contains(result.ci), "coverage \(result.ci) outside \(band)")
    #expect(!band.contains(result.control), "the sd-based control covered \(result.control)")
  }

  @Test("exponential data (skewed): coverage ≈ 0.9441 by the Edgeworth expansion")
  func test_coverage_exponential() {
    let result = Self.coverage(trueMean: 1, seed: 12) { $0.exponential() }
    let band = Self.band(around: 0.9441)
    #expect(band.contains(result.ci), "coverage \(result.ci) outside \(band)")
    #expect(!band.contains(result.control), "the sd-based control covered \(result.control)")
  }
}
