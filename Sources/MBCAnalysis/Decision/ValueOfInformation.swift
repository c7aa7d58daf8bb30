/// The expected value of perfect information, per person and for a population over a horizon.
///
/// Per person, at a willingness to pay λ, from R runs of the net monetary benefit of K arms
/// (Claxton 1999, J Health Econ 18:341; Briggs, Claxton & Sculpher 2006, *Decision Modelling for
/// Health Economic Evaluation*, ch. 7):
///
/// ```
/// EVPI = E_r[ maxₖ NMBₖᵣ ] − maxₖ E_r[ NMBₖᵣ ]
///      = (1/R) Σᵣ (maxₖ NMBₖᵣ − NMB_k*,r),   k* = argmaxₖ (1/R) Σᵣ NMBₖᵣ
/// ```
///
/// the expected loss of the optimal arm, computed as a mean of non-negative per-run losses (see
/// ``Acceptability`` for why), so EVPI ≥ 0, and EVPI = 0 exactly when one arm is best in every
/// run. It is the most a decision maker should pay, per person, to remove all uncertainty in the
/// model's parameters. Use per-person values: divide cohort totals by the cohort size first.
///
/// For a population (the same references; on the horizon Y, Philips, Claxton & Palmer 2008, Med
/// Decis Making 28:287):
///
/// ```
/// population EVPI = EVPI × N × Σ_{y=0}^{Y−1} (1 + d)^−y
///                 = EVPI × N × (1 − (1 + d)^−Y) / (1 − (1 + d)^−1)     (d ≠ 0; = Y when d = 0)
/// ```
///
/// with N the number of people affected by the decision each year (incidence, or the yearly
/// number eligible), Y the years over which the decision holds (the expected life of the
/// technology or until new evidence is expected), and d the yearly discount rate applied to the
/// monetised benefit (the first year undiscounted). Dutch conventions differ by setting (DESIGN
/// §2: Zorginstituut 3% for costs and 1.5% for effects, 2.25% in a societal cost-benefit analysis);
/// the EVPI is money at a given λ, so state which rate is used.
public enum ValueOfInformation {
  /// EVPI per person at one willingness to pay, from per-run costs and effects indexed
  /// `[arm][run]` (per person, all finite; at least one arm and one run).
  ///
  /// Equal to ``Acceptability/evpi`` at that λ, by the same code.
  ///
  /// - Complexity: O(K·R) time, O(K) extra memory.
  public static func evpi(costs: [[Double]], effects: [[Double]], willingnessToPay lambda: Double)
    -> Double
  {
    let shape = DecisionInput.checkArms(
      costs: costs, effects: effects, caller: "ValueOfInformation")
    precondition(
      lambda.isFinite && lambda >= 0,
      "ValueOfInformation: willingness to pay \(lambda) must be finite and ≥ 0")
    var scratch = [Double](repeating: 0, count: shape.arms)
    let statistics = Acceptability.statistics(
      arms: shape.arms, runs: shape.runs, scratch: &scratch
    ) { arm, run in
      lambda * effects[arm][run] - costs[arm][run]
    }
    return statistics.expectedLoss[statistics.optimal]
  }

  /// EVPI per person from any per-run net benefit indexed `[arm][run]` (monetary or health; all
  /// finite, every arm with the same number ≥ 1 of runs).
  ///
  /// - Complexity: O(K·R) time, O(K) extra memory.
  public static func evpi(netBenefits: [[Double]]) -> Double {
    precondition(!netBenefits.isEmpty, "ValueOfInformation: there must be at least one arm")
    let runs = netBenefits[0].count
    precondition(runs >= 1, "ValueOfInformation: there must be at least one run")
    for (k, arm) in netBenefits.enumerated() {
      precondition(
        arm.count == runs,
        "ValueOfInformation: arm \(k) has \(arm.count) runs of net benefit; arm 0 has \(runs)")
      DecisionInput.checkFinite(arm, what: "net benefit of arm \(k)", caller: "ValueOfInformation")
    }
    var scratch = [Double](repeating: 0, count: netBenefits.count)
    let statistics = Acceptability.statistics(
      arms: netBenefits.count, runs: runs, scratch: &scratch
    ) { arm, run in
      netBenefits[arm][run]
    }
    return statistics.expectedLoss[statistics.optimal]
  }

  /// The population multiplier N × Σ_{y=0}^{Y−1} (1 + d)^−y.
  ///
  /// - Parameters:
  ///   - populationPerYear: N ≥ 0, the people affected by the decision each year.
  ///   - years: Y ≥ 0, the years over which the decision applies (0 gives 0).
  ///   - discountRate: d > −1 per year (0.03 for 3%); year 0 is not discounted.
  /// - Complexity: O(Y) (the sum is formed term by term, exactly as written).
  public static func populationFactor(populationPerYear: Double, years: Int, discountRate: Double)
    -> Double
  {
    precondition(
      populationPerYear.isFinite && populationPerYear >= 0,
      "ValueOfInformation: population per year \(populationPerYear) must be finite and ≥ 0")
    precondition(years >= 0, "ValueOfInformation: years \(years) must be ≥ 0")
    precondition(
      discountRate.isFinite && discountRate > -1,
      "ValueOfInformation: discount rate \(discountRate) must be finite and > −1")
    var factor = 0.0
    var weight = 1.0
    for _ in 0..<years {
      factor += weight
      weight /= 1 + discountRate
    }
    return populationPerYear * factor
  }

  /// Population EVPI: `perPerson × populationFactor(populationPerYear:years:discountRate:)`.
  public static func populationEVPI(
    perPerson: Double, populationPerYear: Double, years: Int, discountRate: Double
  ) -> Double {
    perPerson
      * populationFactor(
        populationPerYear: populationPerYear, years: years, discountRate: discountRate)
  }
}
