// Coverage of the two intervals of RatioEstimate that had no coverage test (issue 9,
// "Statistical correctness"): the delta-method interval of the ratio, and P(y > 0) ± z·MCSE.
// (Fieller's coverage for the ROI is in RatioEstimateTests, for the ICER in ICERIntervalTests;
// the CI of the mean in CoverageTests; the percentile interval in
// UncertaintyIntervalCoverageTests.)
//
// Tolerance. Each test counts the covering datasets among D = 4000 independent ones: the count
// is Binomial(D, c) with c the expected coverage, so the observed fraction has standard error
// √(c(1 − c)/D) ≈ 0.0035–0.0038, and each test accepts ±4 SE around c (a correct interval falls
// outside with probability 6.3e-5; the seeds are fixed, so the outcome is deterministic).
import Foundation
import Testing

@testable import MBCAnalysis

@Suite("Ratio estimate coverage: delta method and P(y > 0)")
struct RatioEstimateCoverageTests {
  static let datasets = 4000

  static func band(around expected: Double) -> Double {
    4 * (expected * (1 - expected) / Double(datasets)).squareRoot()
  }

  /// Denominators N(1000, 600²), numerators N(1200, 900²), correlation 0.3, true ratio 1.2, as
  /// in the Fieller ROI test but with n = 200 runs per dataset (mean denominator 23.6 SE from
  /// 0). The delta method studentises ȳ − r·x̄ with the plug-in r, so to first order its
  /// coverage is that of the t-interval, P(|t₁₉₉| ≤ 1.959964) = 0.94860 (scipy); the
  /// second-order terms are O(CV(x̄)²) = O(0.0018). Checked with numpy on 2·10⁵ datasets of
  /// this design: 0.94865 ± 0.0005, so the expectation is exact to well inside the band
  /// ±4·√(0.9486·0.0514/4000) = ±0.0140. Control: the interval built from the per-run
  /// standard deviation instead of the standard error (no /√n) covers ≈ 1.
  @Test("delta-method interval of the ratio covers with probability ≈ P(|t₁₉₉| ≤ z) = 0.9486")
  func test_deltaMethod_coverage() {
    var random = TestRandom(seed: 2_026_911)
    var covered = 0
    var coveredByControl = 0
    for _ in 0..<Self.datasets {
      let runs = bivariateRuns(
        count: 200, meanEffect: 1000, sdEffect: 600, meanCost: 1200, sdCost: 900,
        correlation: 0.3, random: &random)
      let roi = RatioEstimate(numerators: runs.costs, denominators: runs.effects, bootstrapReplicates: 0)
      if roi.deltaMethod.contains(1.2) { covered += 1 }
      let wrongHalfWidth = 1.959963984540054 * roi.standardError * Double(200).squareRoot()
      if abs(roi.ratio - 1.2) <= wrongHalfWidth { coveredByControl += 1 }
    }
    let coverage = Double(covered) / Double(Self.datasets)
    let expected = 0.948604
    let band = Self.band(around: expected)
    #expect(abs(coverage - expected) <= band, "coverage \(coverage) vs \(expected) ± \(band)")
    let control = Double(coveredByControl) / Double(Self.datasets)
    #expect(control > expected + band, "the per-run control covered only \(control)")
  }

  /// P(y > 0) is reported with MCSE √(p̂(1 − p̂)/n): the Wald interval p̂ ± z·MCSE. Its exact
  /// coverage for n runs with true probability p is Σ_k C(n, k) p^k (1 − p)^(n−k) over the k
  /// whose interval holds p, computed below by enumeration (for n = 50, p = 0.8: 0.937531, the
  /// same in scipy; the Wald interval is known to undercover, Brown, Cai and DasGupta 2001,
  /// Statistical Science 16:101). Data: yᵣ ~ N(Φ⁻¹(0.8), 1), so P(y > 0) = 0.8 exactly.
  /// Band ±4·√(c(1 − c)/4000) = ±0.0153.
  @Test("P(y > 0) ± z·MCSE covers with the exact Wald coverage (0.9375 for n = 50, p = 0.8)")
  func test_probabilityPositive_coverage() {
    let n = 50
    let p = 0.8
    let z = 1.959963984540054
    var expected = 0.0
    var logChoose = 0.0  // ln C(n, k)
    for k in 0...n {
      if k > 0 { logChoose += log(Double(n - k + 1)) - log(Double(k)) }
      let ph = Double(k) / Double(n)
      if abs(ph - p) <= z * (ph * (1 - ph) / Double(n)).squareRoot() {
        expected += exp(logChoose + Double(k) * log(p) + Double(n - k) * log(1 - p))
      }
    }
    #expect(abs(expected - 0.937531123312009) < 1e-9, "enumerated coverage \(expected)")

    let mu = 0.8416212335729143  // Φ⁻¹(0.8)
    var random = TestRandom(seed: 2_026_912)
    var covered = 0
    for _ in 0..<Self.datasets {
      let numerators = (0..<n).map { _ in mu + random.normal() }
      let denominators = (0..<n).map { _ in 1000 + 100 * random.normal() }
      let roi = RatioEstimate(numerators: numerators, denominators: denominators, bootstrapReplicates: 0)
      if abs(roi.probabilityPositive - p) <= z * roi.probabilityPositiveMCSE { covered += 1 }
    }
    let coverage = Double(covered) / Double(Self.datasets)
    let band = Self.band(around: expected)
    #expect(abs(coverage - expected) <= band, "coverage \(coverage) vs \(expected) ± \(band)")
  }
}
