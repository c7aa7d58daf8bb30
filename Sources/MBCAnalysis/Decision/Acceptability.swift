/// Cost-effectiveness acceptability curves and frontier, expected loss curves and the EVPI curve
/// over a grid of willingness-to-pay values, from per-run costs and effects of any number of arms.
///
/// At a willingness to pay λ (money per unit of effect), run r and arm k have the net monetary
/// benefit NMBₖᵣ = λ·Eₖᵣ − Cₖᵣ. With R runs:
///
/// ```
/// CEAC      P_k(λ)  = (1/R) Σᵣ 1[k has the highest NMB in run r]          (ties shared, below)
/// E[NMB]    N̄_k(λ)  = (1/R) Σᵣ NMBₖᵣ
/// CEAF      k*(λ)   = argmax_k N̄_k(λ),  with value P_k*(λ)
/// loss      L_k(λ)  = (1/R) Σᵣ (maxⱼ NMBⱼᵣ − NMBₖᵣ)                         ≥ 0
/// EVPI      EVPI(λ) = (1/R) Σᵣ maxⱼ NMBⱼᵣ − maxₖ N̄_k(λ)  =  L_k*(λ)
/// ```
///
/// - The CEAC (van Hout, Al, Gordon & Rutten 1994, Health Econ 3:309) gives, per arm, the share of
///   runs in which it is the best choice. When m arms tie exactly for the highest NMB in a run,
///   each gets 1/m of that run, so the curves sum to 1 at every λ.
/// - The CEAF (Fenwick, Claxton & Sculpher 2001, Health Econ 10:779) follows the arm with the
///   highest *expected* NMB — the decision — which is not always the arm with the highest CEAC
///   (a skewed NMB distribution can make the optimal arm the less often best one). Ties in
///   expected NMB go to the lower arm index.
/// - Expected loss curves (Alarid-Escudero, Enns, Kuntz, Michaud & Jalal 2019, Value Health
///   22:611) give the expected NMB forgone by choosing arm k instead of the best arm of each run;
///   they rank arms by what is at stake, not by how often they win.
/// - The EVPI per person (Claxton 1999, J Health Econ 18:341; Briggs, Claxton & Sculpher 2006,
///   *Decision Modelling for Health Economic Evaluation*, ch. 7) is the expected loss of the
///   optimal arm. It is computed that way — as a mean of per-run losses, each ≥ 0 — rather than as
///   the difference of two large means: at λ = 50 000 and 20 QALYs the NMBs are ~10⁶ and the
///   difference would lose digits, while the loss form is exactly 0 when one arm is best in every
///   run and can never be negative. See ``ValueOfInformation`` for the population EVPI.
///
/// The inputs are per person: when the model reports totals for a cohort, divide costs and
/// effects (or the resulting EVPI) by the cohort size.
public struct Acceptability: Sendable, Equatable {
  /// The willingness-to-pay grid λ, as given.
  public let willingnessToPay: [Double]
  /// The CEAC: `probabilityCostEffective[k][l]` is the share of runs in which arm k has the highest
  /// NMB at `willingnessToPay[l]`.
  public let probabilityCostEffective: [[Double]]
  /// `expectedNetBenefit[k][l]`, the mean NMB of arm k at `willingnessToPay[l]`.
  public let expectedNetBenefit: [[Double]]
  /// The expected loss curves: `expectedLoss[k][l]` = mean over runs of (best NMB − NMB of k).
  public let expectedLoss: [[Double]]
  /// The CEAF arm at each λ: the arm with the highest expected NMB.
  public let optimalArm: [Int]
  /// The CEAF value at each λ: the CEAC of ``optimalArm``.
  public let frontierProbability: [Double]
  /// EVPI per person at each λ: the expected loss of ``optimalArm``.
  public let evpi: [Double]
  /// The number of runs R.
  public let runs: Int

  /// The curves from per-run costs and effects, both indexed `[arm][run]`.
  ///
  /// - Parameters:
  ///   - costs: Per-run costs per arm (per person); at least one arm and one run, all finite.
  ///   - effects: Per-run effects per arm, the same shape; the runs of different arms share the
  ///     same PSA draw.
  ///   - willingnessToPay: The grid λ, each finite and ≥ 0; any order.
  /// - Complexity: O(L·K·R) time for L values of λ, K arms and R runs (one pass over the runs per
  ///   λ); O(K·L) memory for the results and O(K) scratch.
  public init(costs: [[Double]], effects: [[Double]], willingnessToPay: [Double]) {
    let shape = DecisionInput.checkArms(costs: costs, effects: effects, caller: "Acceptability")
    for lambda in willingnessToPay {
      precondition(
        lambda.isFinite && lambda >= 0,
        "Acceptability: willingness to pay \(lambda) must be finite and ≥ 0")
    }
    let k = shape.arms
    let l = willingnessToPay.count
    var ceac = [[Double]](repeating: [Double](repeating: 0, count: l), count: k)
    var mean = ceac
    var loss = ceac
    var optimal = [Int](repeating: 0, count: l)
    var frontier = [Double](repeating: 0, count: l)
    var evpi = [Double](repeating: 0, count: l)
    var scratch = [Double](repeating: 0, count: k)
    for (j, lambda) in willingnessToPay.enumerated() {
      let statistics = Self.statistics(arms: k, runs: shape.runs, scratch: &scratch) { arm, run in
        lambda * effects[arm][run] - costs[arm][run]
      }
      for arm in 0..<k {
        ceac[arm][j] = statistics.probabilityBest[arm]
        mean[arm][j] = statistics.mean[arm]
        loss[arm][j] = statistics.expectedLoss[arm]
      }
      optimal[j] = statistics.optimal
      frontier[j] = statistics.probabilityBest[statistics.optimal]
      evpi[j] = statistics.expectedLoss[statistics.optimal]
    }
    self.willingnessToPay = willingnessToPay
    probabilityCostEffective = ceac
    expectedNetBenefit = mean
    expectedLoss = loss
    optimalArm = optimal
    frontierProbability = frontier
    self.evpi = evpi
    runs = shape.runs
  }

  /// The binomial Monte Carlo standard error of a CEAC value, √(p(1 − p)/R).
  public func probabilityCostEffectiveMCSE(arm: Int, index: Int) -> Double {
    let p = probabilityCostEffective[arm][index]
    return (p * (1 - p) / Double(runs)).squareRoot()
  }

  // MARK: - The shared kernel

  /// Per-arm statistics of a per-run net benefit at one λ (internal; also used by
  /// ``ValueOfInformation``).
  struct NetBenefitStatistics {
    /// Mean net benefit per arm.
    var mean: [Double]
    /// Share of runs in which each arm is best (ties shared).
    var probabilityBest: [Double]
    /// Mean of (best net benefit of the run − net benefit of the arm) per arm.
    var expectedLoss: [Double]
    /// The arm with the highest mean net benefit (lowest index among ties).
    var optimal: Int
  }

  /// One pass over the runs: per run, the K net benefits into `scratch`, their maximum, then the
  /// per-arm sums of net benefit, of loss, and of wins.
  ///
  /// - Complexity: O(K·R) time; no allocation beyond the three K-element results.
  static func statistics(
    arms k: Int, runs: Int, scratch: inout [Double], netBenefit: (Int, Int) -> Double
  ) -> NetBenefitStatistics {
    var sum = [Double](repeating: 0, count: k)
    var lossSum = [Double](repeating: 0, count: k)
    var wins = [Double](repeating: 0, count: k)
    for run in 0..<runs {
      var best = -Double.infinity
      for arm in 0..<k {
        let value = netBenefit(arm, run)
        scratch[arm] = value
        if value > best { best = value }
      }
      var ties = 0
      for arm in 0..<k where scratch[arm] == best { ties += 1 }
      let share = 1 / Double(ties)
      for arm in 0..<k {
        let value = scratch[arm]
        sum[arm] += value
        lossSum[arm] += best - value
        if value == best { wins[arm] += share }
      }
    }
    let n = Double(runs)
    var optimal = 0
    for arm in 1..<Swift.max(k, 1) where sum[arm] > sum[optimal] { optimal = arm }
    return NetBenefitStatistics(
      mean: sum.map { $0 / n }, probabilityBest: wins.map { $0 / n },
      expectedLoss: lossSum.map { $0 / n }, optimal: optimal)
  }
}
