// Incremental analysis: published tables (DARTH Sick-Sicker, the HERC example of dampack's tests),
// a hand-made case with ties, iterated extended dominance and collinear arms, and properties
// checked on random arm sets against a transliteration of dampack's repeated-pass algorithm and
// against the net-benefit rule.
import Foundation
import Testing

@testable import MBCAnalysis

@Suite("Incremental analysis")
struct IncrementalAnalysisTests {
  // MARK: - Published examples

  /// DARTH Sick-Sicker, time-independent cohort model: Alarid-Escudero, Krijkamp, Enns, Yang,
  /// Hunink, Pechlivanoglou & Jalal (2023), "An Introductory Tutorial on Cohort State-Transition
  /// Models in R Using a Cost-Effectiveness Analysis Example", Med Decis Making 43(1):3–20,
  /// Table 5; the unrounded totals are the re-computation in /work/notes/validation-models.md §1
  /// (which reproduces the published table to all printed digits).
  ///
  /// Published: SoC 151,580 / 20.711 (reference); B 259,100 / 22.184, ΔC 107,521, ΔE 1.473,
  /// ICER 72,988; AB 378,875 / 23.137, ΔC 119,775, ΔE 0.952, ICER 125,764; A 284,805 / 21.499
  /// dominated. The ICERs must come from the unrounded totals: from the rounded ones B's would be
  /// 107,520/1.473 = 72,994.
  @Test(
    "DARTH Sick-Sicker (Alarid-Escudero et al. 2023, Table 5): ICERs 72,988, 125,764; A dominated"
  )
  func test_incremental_darthSickSicker() {
    let costs = [151579.86595738993, 284804.5133705726, 259100.41061700438, 378875.19839449204]
    let qalys = [20.711331464322175, 21.49866280843755, 22.18446514084549, 23.136844135002605]
    let (soc, a, b, ab) = (0, 1, 2, 3)
    let result = IncrementalAnalysis(meanCosts: costs, meanEffects: qalys)

    #expect(result.frontier == [soc, b, ab])
    #expect(result.arms[soc].status == .reference)
    #expect(result.arms[b].status == .nonDominated && result.arms[b].comparator == soc)
    #expect(result.arms[ab].status == .nonDominated && result.arms[ab].comparator == b)
    #expect(result.arms[a].status == .dominated(by: b))
    #expect(result.arms[a].icer == nil && result.arms[soc].icer == nil)

    // As published (rounded to whole dollars and 3 decimals).
    #expect(result.arms[b].icer!.rounded() == 72988)
    #expect(result.arms[ab].icer!.rounded() == 125764)
    #expect(result.arms[b].incrementalCost!.rounded() == 107521)
    #expect(result.arms[ab].incrementalCost!.rounded() == 119775)
    #expect((result.arms[b].incrementalEffect! * 1000).rounded() == 1473)
    #expect((result.arms[ab].incrementalEffect! * 1000).rounded() == 952)
    // Unrounded (numpy on the same totals: 72987.63606665317, 125763.7857536873): one division
    // of two differences, so a few ulps.
    #expect(abs(result.arms[b].icer! / 72987.63606665317 - 1) <= 1e-13)
    #expect(abs(result.arms[ab].icer! / 125763.7857536873 - 1) <= 1e-13)

    // At λ = 100,000 per QALY (numpy: 1919553.28, 1865061.77, 1959346.10, 1934809.22), B is
    // optimal: its ICER 72,988 ≤ λ < 125,764.
    let nmb = result.netMonetaryBenefit(willingnessToPay: 100_000)
    let expected = [1919553.2804748276, 1865061.7674731826, 1959346.1034675448, 1934809.2151057685]
    for k in 0..<4 { #expect(abs(nmb[k] - expected[k]) <= 1e-9 * expected[k]) }
    #expect(result.optimalArm(willingnessToPay: 100_000) == b)
    let nhb = result.netHealthBenefit(willingnessToPay: 100_000)
    #expect(abs(nhb[b] - 19.593461034675446) <= 1e-13 * 20)
    let inmb = result.incrementalNetMonetaryBenefit(willingnessToPay: 100_000, reference: soc)
    #expect(inmb[soc] == 0)
    #expect(abs(inmb[b] - (1959346.1034675448 - 1919553.2804748276)) <= 1e-8)
  }

  /// The example of the VA Health Economics Resource Center (HERC) cost-effectiveness analysis
  /// page, as used in dampack's own tests (DARTH-git/dampack,
  /// tests/testthat/test_calculate_icers.R, "calculate_icers returns correct object"): UC 5,000/1
  /// reference; B 10,000/2 ICER 5,000; D 35,000/4 ICER 12,500; E 55,000/5 ICER 20,000; C 25,000/3
  /// extendedly dominated; A 12,000/1.5 dominated.
  @Test("HERC example from dampack's tests: C extendedly dominated, A dominated")
  func test_incremental_hercExample() {
    let names = ["E", "D", "C", "B", "A", "UC"]
    let result = IncrementalAnalysis(
      meanCosts: [55000, 35000, 25000, 10000, 12000, 5000], meanEffects: [5, 4, 3, 2, 1.5, 1])
    let index = { (name: String) in names.firstIndex(of: name)! }
    #expect(result.frontier.map { names[$0] } == ["UC", "B", "D", "E"])
    #expect(result.arms[index("UC")].status == .reference)
    #expect(result.arms[index("B")].icer == 5000)
    #expect(result.arms[index("D")].icer == 12500)
    #expect(result.arms[index("E")].icer == 20000)
    #expect(result.arms[index("D")].incrementalCost == 25000)
    #expect(result.arms[index("D")].incrementalEffect == 2)
    #expect(
      result.arms[index("C")].status == .extendedlyDominated(between: index("B"), and: index("D")))
    #expect(result.arms[index("A")].status == .dominated(by: index("B")))
  }

  // MARK: - Hand-made cases

  /// Costs in euros, effects in QALYs; every value is exact in binary, so the ICER comparisons are
  /// exact.
  ///
  /// ```
  ///  arm  name  cost    QALY   by hand
  ///   0   P3    24000   13     frontier: ICER vs P0 = 23000/3
  ///   1   P0     1000   10     reference
  ///   2   P2    23000   12     ED (first pass: ICER 12000 after P1's 10000, P3's is 1000)
  ///   3   P1    11000   11     ED (second pass: P1 → P3 = 13000/2 = 6500 < P1's 10000)
  ///   4   dup    1000   10     identical to P0: dominated by P0 (the lower index)
  ///   5   Q      1000    9     same cost as P0, less effective: dominated by P0
  ///   6   S     30000   13     same effect as P3, costlier: dominated by P3
  ///   7   P4    47000   16     collinear: ICER vs P3 = 23000/3, equal to P3's, so P3 stays
  /// ```
  @Test("ties, iterated extended dominance, collinear arms")
  func test_incremental_handCase() {
    let result = IncrementalAnalysis(
      meanCosts: [24000, 1000, 23000, 11000, 1000, 1000, 30000, 47000],
      meanEffects: [13, 10, 12, 11, 10, 9, 13, 16])
    #expect(result.frontier == [1, 0, 7])
    #expect(result.arms[1].status == .reference)
    #expect(result.arms[0].status == .nonDominated && result.arms[0].comparator == 1)
    #expect(result.arms[0].icer == 23000.0 / 3)
    #expect(result.arms[7].status == .nonDominated && result.arms[7].comparator == 0)
    #expect(result.arms[7].icer == result.arms[0].icer)
    #expect(result.arms[2].status == .extendedlyDominated(between: 1, and: 0))
    #expect(result.arms[3].status == .extendedlyDominated(between: 1, and: 0))
    #expect(result.arms[4].status == .dominated(by: 1))
    #expect(result.arms[5].status == .dominated(by: 1))
    #expect(result.arms[6].status == .dominated(by: 0))
    for k in [2, 3, 4, 5, 6] {
      #expect(result.arms[k].icer == nil && result.arms[k].comparator == nil)
      #expect(!result.arms[k].isOnFrontier)
    }
    // The same case from per-run values: constant runs average to exactly these means.
    let runs = 7
    let perRun = IncrementalAnalysis(
      costs: result.arms.map { [Double](repeating: $0.cost, count: runs) },
      effects: result.arms.map { [Double](repeating: $0.effect, count: runs) })
    #expect(perRun == result)
  }

  @Test("small cases: one arm, a dominated second arm, equal costs")
  func test_incremental_smallCases() {
    let one = IncrementalAnalysis(meanCosts: [5], meanEffects: [1])
    #expect(one.frontier == [0] && one.arms[0].status == .reference)
    #expect(one.optimalArm(willingnessToPay: 0) == 0)

    let two = IncrementalAnalysis(meanCosts: [200, 100], meanEffects: [1, 2])
    #expect(two.frontier == [1] && two.arms[0].status == .dominated(by: 1))

    // Equal costs: only the most effective survives; at λ = 0 the NMBs tie and the cheaper arm
    // (here: the same cost, so the lower index) is chosen.
    let equal = IncrementalAnalysis(meanCosts: [100, 100, 100], meanEffects: [1, 3, 2])
    #expect(equal.frontier == [1])
    #expect(equal.arms[0].status == .dominated(by: 1) && equal.arms[2].status == .dominated(by: 1))
    #expect(equal.optimalArm(willingnessToPay: 0) == 0)
    #expect(equal.optimalArm(willingnessToPay: 1) == 1)
  }

  // MARK: - Properties on random arm sets

  /// dampack's `calculate_icers` transliterated (R/icers.R in DARTH-git/dampack): strong dominance
  /// by a double loop over the cost-sorted arms, then repeated passes that remove, all at once,
  /// every arm whose ICER exceeds the next one's, until a pass removes none. Returns "D", "ED" or
  /// "ND" per arm.
  static func dampackStatuses(costs: [Double], effects: [Double]) -> [String] {
    let k = costs.count
    let order = (0..<k).sorted {
      costs[$0] != costs[$1] ? costs[$0] < costs[$1] : effects[$0] > effects[$1]
    }
    var status = [String](repeating: "ND", count: k)
    for i in 0..<(k - 1) {
      for j in (i + 1)..<k where effects[order[j]] <= effects[order[i]] { status[order[j]] = "D" }
    }
    while true {
      let nd = order.filter { status[$0] == "ND" }
      if nd.count <= 2 { break }
      var icers = [Double](repeating: .nan, count: nd.count)
      for i in 1..<nd.count {
        icers[i] = (costs[nd[i]] - costs[nd[i - 1]]) / (effects[nd[i]] - effects[nd[i - 1]])
      }
      var removed = 0
      for i in 1..<(nd.count - 1) where icers[i] > icers[i + 1] {
        status[nd[i]] = "ED"
        removed += 1
      }
      if removed == 0 { break }
    }
    return status
  }

  /// 300 random sets of 2–9 arms (costs and effects continuous, so no exact ties or collinear
  /// triples): the statuses equal dampack's; every frontier arm is the unique NMB-optimal arm on
  /// its λ segment (midpoint of its ICER and the next; beyond the last ICER for the last arm); no
  /// arm off the frontier is ever optimal. NMB_k − maxⱼ NMBⱼ is concave in λ (linear minus convex),
  /// so checking it at λ = 0, at every frontier ICER and at a λ beyond the last covers λ ≥ 0.
  @Test(
    "random arm sets: dampack's statuses, and the frontier is exactly the set of NMB-optimal arms")
  func test_incremental_randomProperties() {
    var random = TestRandom(seed: 2024)
    var seen = (dominated: 0, extended: 0)
    for trial in 0..<300 {
      let k = 2 + trial % 8
      // Odd trials: arms scattered uniformly (mostly strong dominance). Even trials: arms near a
      // convex cost curve, cost ≈ 4000·(E − 5)², where the noise creates extended dominance.
      let effects = (0..<k).map { _ in 5 + 3 * random.uniform() }
      let costs = effects.map { e in
        trial % 2 == 1
          ? 1000 + 50_000 * random.uniform() : 4000 * (e - 5) * (e - 5) + 8000 * random.uniform()
      }
      let result = IncrementalAnalysis(meanCosts: costs, meanEffects: effects)

      let reference = Self.dampackStatuses(costs: costs, effects: effects)
      let ours = result.arms.map { arm -> String in
        switch arm.status {
        case .reference, .nonDominated: "ND"
        case .dominated: "D"
        case .extendedlyDominated: "ED"
        }
      }
      #expect(ours == reference, "trial \(trial)")
      seen.dominated += ours.count(where: { $0 == "D" })
      seen.extended += ours.count(where: { $0 == "ED" })

      let icers = result.frontier.dropFirst().map { result.arms[$0].icer! }
      for (p, arm) in result.frontier.enumerated() {
        let low = p == 0 ? 0 : icers[p - 1]
        let high = p == icers.count ? 2 * low + 1e5 : icers[p]
        let lambda = (low + high) / 2
        let nmb = result.netMonetaryBenefit(willingnessToPay: lambda)
        for other in 0..<k where other != arm {
          #expect(nmb[other] < nmb[arm], "trial \(trial): arm \(other) beats frontier arm \(arm)")
        }
        #expect(result.optimalArm(willingnessToPay: lambda) == arm)
      }
      let checkpoints = [0.0] + icers + [2 * (icers.last ?? 0) + 1e5]
      for lambda in checkpoints {
        let nmb = result.netMonetaryBenefit(willingnessToPay: lambda)
        let best = result.frontier.map { nmb[$0] }.max()!
        for arm in 0..<k where !result.arms[arm].isOnFrontier {
          // Strictly worse, up to rounding at the breakpoints, where two frontier arms tie.
          #expect(nmb[arm] < best + 1e-9 * abs(best), "trial \(trial), λ \(lambda)")
        }
      }
      #expect(result.arms.filter(\.isOnFrontier).count == result.frontier.count)
    }
    // The sets exercise both kinds of dominance, many times.
    #expect(seen.dominated > 300 && seen.extended > 100, "\(seen.dominated), \(seen.extended)")
  }
}
