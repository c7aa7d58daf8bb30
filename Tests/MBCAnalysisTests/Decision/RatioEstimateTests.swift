// Ratio estimates for the payer ledger: a hand example, delta method against Fieller, exact
// coverage of Fieller for the return on investment, P(saves) with its binomial MCSE.
import Foundation
import Testing

@testable import MBCAnalysis

@Suite("Ratio estimates (return on investment)")
struct RatioEstimateTests {
  /// Savings y = (3, −1, 0, 5, 2), intervention costs x = (2, 2, 3, 1, 2):
  ///
  /// ```
  /// ȳ = 9/5 = 1.8, x̄ = 10/5 = 2, r = 0.9
  /// v_yy = 5.7, v_xx = 0.5, v_xy = −1.25   (numpy, ddof 1)
  /// se = √[(5.7 − 2·0.9·(−1.25) + 0.81·0.5)/5] / 2 = √(8.355/5)/2 = 0.6463358260223551
  /// delta method 0.9 ∓ 1.959964·se = [−0.36679494092176224, 2.166794940921762]
  /// P(saves) = #{3, 5, 2}/5 = 0.6, MCSE √(0.6·0.4/5) = 0.21908902300206645
  /// ```
  @Test("a hand example: ratio, delta method, P(saves)")
  func test_ratio_hand() {
    let roi = RatioEstimate.returnOnInvestment(
      savings: [3, -1, 0, 5, 2], interventionCosts: [2, 2, 3, 1, 2], bootstrapReplicates: 0)
    #expect(roi.count == 5 && roi.numeratorMean == 1.8 && roi.denominatorMean == 2)
    #expect(abs(roi.ratio - 0.9) <= 1e-15)
    #expect(abs(roi.standardError - 0.6463358260223551) <= 1e-15)
    guard case .bounded(let lower, let upper) = roi.deltaMethod else {
      Issue.record("delta method \(roi.deltaMethod)")
      return
    }
    #expect(abs(lower - -0.36679494092176224) <= 1e-14 && abs(upper - 2.166794940921762) <= 1e-14)
    #expect(roi.probabilityPositive == 0.6)
    #expect(abs(roi.probabilityPositiveMCSE - 0.21908902300206645) <= 1e-16)
    #expect(roi.bootstrap == nil)
  }

  /// Savings N(1500, 2000²) and intervention costs N(1000, 150²) per run, correlation 0.5,
  /// n = 5000: the cost is 470 SE from 0, so the ratio is nearly linear in the means and the delta
  /// method, Fieller and the bootstrap agree. Fieller − delta differ by O(se²/r) (second order),
  /// here < 0.01·se; the bootstrap ends carry MC error 0.085·se each at B = 1000 (as in the ICER
  /// test), so 4 of those, 0.35·se, plus 0.05·se for method differences: 0.4·se.
  @Test("delta method ≈ Fieller ≈ bootstrap when the cost is far from 0")
  func test_ratio_methodsAgree() throws {
    var random = TestRandom(seed: 61)
    let runs = bivariateRuns(
      count: 5000, meanEffect: 1000, sdEffect: 150, meanCost: 1500, sdCost: 2000,
      correlation: 0.5, random: &random)
    let roi = RatioEstimate.returnOnInvestment(
      savings: runs.costs, interventionCosts: runs.effects, seed: 2)
    let se = roi.standardError
    guard case .bounded(let dl, let du) = roi.deltaMethod,
      case .bounded(let fl, let fu) = roi.fieller,
      case .bounded(let bl, let bu) = try #require(roi.bootstrap)
    else {
      Issue.record("unbounded: \(roi)")
      return
    }
    #expect(
      abs(fl - dl) <= 0.01 * se && abs(fu - du) <= 0.01 * se,
      "Fieller \(fl)…\(fu), delta \(dl)…\(du)")
    #expect(
      abs(bl - dl) <= 0.4 * se && abs(bu - du) <= 0.4 * se,
      "bootstrap \(bl)…\(bu), delta \(dl)…\(du)")
    // The PSA spread of the per-run ratio is much wider than the confidence interval of the ratio.
    guard case .bounded(let ul, let uu) = roi.uncertaintyWedge else {
      Issue.record("uncertainty \(roi.uncertaintyWedge)")
      return
    }
    #expect(uu - ul > 20 * (du - dl))
    // P(saves) = P(N(1500, 2000²) > 0) = Φ(0.75) = 0.773373 (scipy); 4 binomial SE = 0.0237.
    #expect(abs(roi.probabilityPositive - 0.773373) <= 4 * roi.probabilityPositiveMCSE)
  }

  /// Exact coverage as in the ICER test (Fieller inverts a t-test): costs N(1000, 600²) and
  /// savings N(1200, 900²), correlation 0.3, true ROI 1.2, n = 20 per dataset (the mean cost is
  /// 7.5 SE from 0, so the ratio's sampling distribution is visibly skewed): coverage of Fieller is
  /// P(|t₁₉| ≤ 1.959964) = 0.935167 (scipy), band ±4·√(p(1−p)/4000) = ±0.0156.
  @Test("Fieller for the ROI covers with probability P(|t₁₉| ≤ z) = 0.9352")
  func test_ratio_fiellerCoverage() {
    var random = TestRandom(seed: 67)
    let datasets = 4000
    var covered = 0
    for _ in 0..<datasets {
      let runs = bivariateRuns(
        count: 20, meanEffect: 1000, sdEffect: 600, meanCost: 1200, sdCost: 900,
        correlation: 0.3, random: &random)
      let roi = RatioEstimate(
        numerators: runs.costs, denominators: runs.effects, bootstrapReplicates: 0)
      if roi.fieller.contains(1.2) { covered += 1 }
    }
    let coverage = Double(covered) / Double(datasets)
    let expected = 0.935167
    let band = 4 * (expected * (1 - expected) / Double(datasets)).squareRoot()
    #expect(abs(coverage - expected) <= band, "coverage \(coverage) vs \(expected) ± \(band)")
  }

  @Test("P(saves) edge cases: all saving, none saving (MCSE 0)")
  func test_ratio_probabilityEdges() {
    let all = RatioEstimate(
      numerators: [1, 2, 3], denominators: [1, 1, 2], bootstrapReplicates: 0)
    #expect(all.probabilityPositive == 1 && all.probabilityPositiveMCSE == 0)
    let none = RatioEstimate(
      numerators: [0, -2, -3], denominators: [1, 1, 2], bootstrapReplicates: 0)
    #expect(none.probabilityPositive == 0 && none.probabilityPositiveMCSE == 0)
  }
}
