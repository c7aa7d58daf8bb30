// Acceptability curves, frontier and expected loss: a hand-computed example, and identities on
// random data.
import Foundation
import Testing

@testable import MBCAnalysis

@Suite("Acceptability: CEAC, CEAF, expected loss")
struct AcceptabilityTests {
  /// Three arms, four runs; NMB = λ·E − C.
  ///
  /// ```
  /// costs    arm 0: 0  0  0  0    arm 1: 10 20 30 40    arm 2: 25 25 25 25
  /// effects  arm 0: 0  0  0  0    arm 1:  2  1  4  3    arm 2:  3  3  1  2
  ///
  /// λ = 0:  NMB₁ = −10 −20 −30 −40, NMB₂ = −25 (all): arm 0 best in every run.
  ///         CEAC (1, 0, 0); E[NMB] (0, −25, −25); loss (0, 25, 25); CEAF arm 0, 1; EVPI 0.
  /// λ = 5:  NMB₁ = 0 −15 −10 −25, NMB₂ = −10 −10 −20 −15: run 0 ties arms 0 and 1 at 0 (½ each).
  ///         CEAC (3.5/4, 0.5/4, 0) = (0.875, 0.125, 0); E[NMB] (0, −12.5, −13.75);
  ///         loss (0, 12.5, 13.75); CEAF arm 0, 0.875; EVPI 0.
  /// λ = 10: NMB₁ = 10 −10 10 −10, NMB₂ = 5 5 −15 −5; run maxima 10 5 10 0 (mean 6.25), won by
  ///         arms 1, 2, 1, 0. CEAC (0.25, 0.5, 0.25); E[NMB] (0, 0, −2.5): arms 0 and 1 tie and
  ///         the lower index is optimal — with the *lowest* CEAC of the two, 0.25;
  ///         loss (6.25, 6.25, 8.75); EVPI 6.25.
  /// λ = 20: NMB₁ = 30 0 50 20, NMB₂ = 35 35 −5 15; maxima 35 35 50 20 (mean 35), won by arms
  ///         2, 2, 1, 1. CEAC (0, 0.5, 0.5); E[NMB] (0, 25, 20); CEAF arm 1, 0.5;
  ///         loss (35, 10, 15); EVPI = 35 − 25 = 10.
  /// ```
  ///
  /// All values are exact in binary and the sums are short, so the comparisons are exact.
  @Test("a hand example with ties, at λ = 0, 5, 10, 20")
  func test_acceptability_hand() {
    let costs: [[Double]] = [[0, 0, 0, 0], [10, 20, 30, 40], [25, 25, 25, 25]]
    let effects: [[Double]] = [[0, 0, 0, 0], [2, 1, 4, 3], [3, 3, 1, 2]]
    let a = Acceptability(costs: costs, effects: effects, willingnessToPay: [0, 5, 10, 20])
    #expect(
      a.probabilityCostEffective == [
        [1, 0.875, 0.25, 0], [0, 0.125, 0.5, 0.5], [0, 0, 0.25, 0.5],
      ])
    #expect(
      a.expectedNetBenefit == [[0, 0, 0, 0], [-25, -12.5, 0, 25], [-25, -13.75, -2.5, 20]])
    #expect(a.expectedLoss == [[0, 0, 6.25, 35], [25, 12.5, 6.25, 10], [25, 13.75, 8.75, 15]])
    #expect(a.optimalArm == [0, 0, 0, 1])
    #expect(a.frontierProbability == [1, 0.875, 0.25, 0.5])
    #expect(a.evpi == [0, 0, 6.25, 10])
    #expect(a.runs == 4)
    #expect(a.probabilityCostEffectiveMCSE(arm: 1, index: 2) == (0.25 / 4).squareRoot())
  }

  /// Random data, 4 arms, 500 runs sharing a common draw, 9 values of λ: the identities that hold
  /// by definition.
  /// - the CEAC sums to 1 over the arms (to rounding of the shares: 1e-12);
  /// - the expected losses are ≥ 0, and the EVPI is the loss of the CEAF arm and the smallest loss
  ///   (up to rounding, 1e-9 relative: Lₖ = E[max] − E[NMBₖ], so the arm of least loss is the arm
  ///   of highest mean NMB);
  /// - EVPI = E[maxₖ NMBₖ] − maxₖ E[NMBₖ] computed naively (1e-9 relative to the NMB level of
  ///   ~10⁵: the naive difference loses digits, which is why the code does not use it);
  /// - the CEAF arm has the highest mean NMB.
  @Test("random data: CEAC sums to 1, losses ≥ 0, EVPI = loss of the optimal arm = E[max] − max E")
  func test_acceptability_identities() {
    var random = TestRandom(seed: 5)
    let runs = 500
    let arms = 4
    var costs = [[Double]]()
    var effects = [[Double]]()
    let shared = (0..<runs).map { _ in random.normal() }  // a PSA draw common to the arms
    for k in 0..<arms {
      costs.append(shared.map { 20_000 + 3_000 * Double(k) + 4_000 * $0 + 1_000 * random.normal() })
      effects.append(shared.map { 8 + 0.1 * Double(k) + 0.3 * $0 + 0.2 * random.normal() })
    }
    let lambdas: [Double] = [0, 5_000, 10_000, 20_000, 30_000, 40_000, 60_000, 80_000, 100_000]
    let a = Acceptability(costs: costs, effects: effects, willingnessToPay: lambdas)
    for (l, lambda) in lambdas.enumerated() {
      let total = (0..<arms).map { a.probabilityCostEffective[$0][l] }.reduce(0, +)
      #expect(abs(total - 1) <= 1e-12, "λ \(lambda): CEAC sums to \(total)")
      let losses = (0..<arms).map { a.expectedLoss[$0][l] }
      #expect(losses.allSatisfy { $0 >= 0 })
      #expect(a.evpi[l] == losses[a.optimalArm[l]])
      #expect(a.evpi[l] <= losses.min()! * (1 + 1e-9) + 1e-9)
      let means = (0..<arms).map { a.expectedNetBenefit[$0][l] }
      #expect(means[a.optimalArm[l]] == means.max())

      var meanOfMax = 0.0
      for r in 0..<runs {
        meanOfMax += (0..<arms).map { lambda * effects[$0][r] - costs[$0][r] }.max()!
      }
      meanOfMax /= Double(runs)
      let naive = meanOfMax - means.max()!
      let level = abs(meanOfMax) + 1
      expectClose(a.evpi[l], naive, scale: level, tolerance: 1e-9, "EVPI at λ \(lambda)")
    }
    // The curves vary: at λ = 0 the cheapest arm (0) is best almost always, at 100 000 not.
    #expect(a.probabilityCostEffective[0][0] > 0.9 && a.probabilityCostEffective[0][8] < 0.5)
  }

  /// Arm 1 costs 1 less and gains 0.1 more than arm 0 in every run, so its NMB is higher by
  /// 0.1·λ + 1 > 0 at every λ ≥ 0: CEAC (0, 1), no loss, EVPI exactly 0.
  @Test("one arm better in every run: EVPI exactly 0 at every λ")
  func test_acceptability_dominantArm() {
    var random = TestRandom(seed: 9)
    let c0 = (0..<300).map { _ in 10_000 + 2_000 * random.normal() }
    let e0 = (0..<300).map { _ in 5 + random.normal() }
    let a = Acceptability(
      costs: [c0, c0.map { $0 - 1 }], effects: [e0, e0.map { $0 + 0.1 }],
      willingnessToPay: [0, 1, 1_000, 50_000, 1e6])
    #expect(a.evpi == [0, 0, 0, 0, 0])
    #expect(a.optimalArm == [1, 1, 1, 1, 1])
    #expect(a.probabilityCostEffective[1] == [1, 1, 1, 1, 1])
    #expect(a.expectedLoss[1] == [0, 0, 0, 0, 0])
  }
}
