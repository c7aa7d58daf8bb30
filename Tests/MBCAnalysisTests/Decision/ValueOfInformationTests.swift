// EVPI: the analytic two-arm normal case, agreement of the entry points, the population factor.
import Foundation
import Testing

@testable import MBCAnalysis

@Suite("Value of information")
struct ValueOfInformationTests {
  /// Two arms; arm 0 costs and gains nothing, arm 1 has ΔE ~ N(0.3, 0.25²) QALY and
  /// ΔC ~ N(6000, 3000²) euros, independent. Then INB(λ) = λΔE − ΔC ~ N(μ, σ²) with
  /// μ = 0.3λ − 6000 and σ² = (0.25λ)² + 3000², and
  ///
  /// ```
  /// EVPI(λ) = E[max(0, INB)] − max(0, μ) = σ·φ(μ/σ) − |μ|·Φ(−|μ|/σ)
  /// CEAC₁(λ) = Φ(μ/σ)
  /// ```
  ///
  /// (E[max(0, X)] = μΦ(μ/σ) + σφ(μ/σ) for X ~ N(μ, σ²).) At λ = 10 000, 40 000, 80 000 (scipy):
  /// EVPI = 496.2915, 1834.5677, 2068.4265; CEAC₁ = 0.221178, 0.717251, 0.813279.
  ///
  /// Tolerance. With |μ|/σ ≥ 0.57 and R = 40 000 runs the estimated optimal arm is the true one
  /// (|μ| is > 100 SE of the mean INB), so the estimate is the mean of R i.i.d. per-run losses
  /// Y⁺, Y ~ N(−|μ|, σ²), whose SD is √[(μ² + σ²)Φ(−|μ|/σ) − |μ|σφ(μ/σ) − EVPI²] = 1279.8, 4055.4,
  /// 5904.2 (scipy); we allow 4 SD/√R: 25.6, 81.1, 118.1 (5.2%, 4.4%, 5.7% of the EVPI). The CEAC
  /// is a binomial share: 4·√(p(1 − p)/R) ≈ 0.008. A wrong formula is caught by far: E|INB|
  /// instead of the loss is 3–8× the EVPI; forgetting the max(0, μ) term adds |μ| ≥ 3000.
  @Test("two normal arms: EVPI = σφ(μ/σ) − |μ|Φ(−|μ|/σ) and CEAC = Φ(μ/σ), within 4 MC SE")
  func test_evpi_normalAnalytic() {
    let runs = 40_000
    var random = TestRandom(seed: 77)
    let deltaE = (0..<runs).map { _ in 0.3 + 0.25 * random.normal() }
    let deltaC = (0..<runs).map { _ in 6000 + 3000 * random.normal() }
    let zeros = [Double](repeating: 0, count: runs)
    let lambdas: [Double] = [10_000, 40_000, 80_000]
    let a = Acceptability(
      costs: [zeros, deltaC], effects: [zeros, deltaE], willingnessToPay: lambdas)

    func density(_ x: Double) -> Double { exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }
    func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
    for (l, lambda) in lambdas.enumerated() {
      let mu = 0.3 * lambda - 6000
      let sigma = ((0.25 * lambda) * (0.25 * lambda) + 3000 * 3000).squareRoot()
      let evpi = sigma * density(mu / sigma) - abs(mu) * cdf(-abs(mu) / sigma)
      let secondMoment =
        (mu * mu + sigma * sigma) * cdf(-abs(mu) / sigma) - abs(mu) * sigma * density(mu / sigma)
      let sd = (secondMoment - evpi * evpi).squareRoot()
      let tolerance = 4 * sd / Double(runs).squareRoot()
      #expect(
        abs(a.evpi[l] - evpi) <= tolerance, "λ \(lambda): \(a.evpi[l]) vs \(evpi) ± \(tolerance)")
      let p = cdf(mu / sigma)
      let ceacTolerance = 4 * (p * (1 - p) / Double(runs)).squareRoot()
      #expect(
        abs(a.probabilityCostEffective[1][l] - p) <= ceacTolerance,
        "λ \(lambda): CEAC \(a.probabilityCostEffective[1][l]) vs \(p)")
      #expect(a.optimalArm[l] == (mu > 0 ? 1 : 0))
    }
    // The reference values in the comment, recomputed (guards against a slip in the formula
    // above: scipy's 496.29153858730785, 1834.567680487641, 2068.42645965078).
    let check = [496.29153858730785, 1834.567680487641, 2068.42645965078]
    for (l, lambda) in lambdas.enumerated() {
      let mu = 0.3 * lambda - 6000
      let sigma = ((0.25 * lambda) * (0.25 * lambda) + 3000 * 3000).squareRoot()
      expectClose(
        sigma * density(mu / sigma) - abs(mu) * cdf(-abs(mu) / sigma), check[l], scale: check[l],
        tolerance: 1e-12, "analytic EVPI at λ \(lambda)")
    }
  }

  @Test("the entry points agree bit for bit with Acceptability")
  func test_evpi_entryPoints() {
    var random = TestRandom(seed: 13)
    let costs = (0..<3).map { k in (0..<200).map { _ in 1000 * Double(k) + 800 * random.normal() } }
    let effects = (0..<3).map { k in (0..<200).map { _ in 0.05 * Double(k) + 0.1 * random.normal() }
    }
    let lambda = 20_000.0
    let a = Acceptability(costs: costs, effects: effects, willingnessToPay: [lambda])
    let direct = ValueOfInformation.evpi(costs: costs, effects: effects, willingnessToPay: lambda)
    let nmb = (0..<3).map { k in (0..<200).map { lambda * effects[k][$0] - costs[k][$0] } }
    let fromNetBenefit = ValueOfInformation.evpi(netBenefits: nmb)
    #expect(direct == a.evpi[0] && fromNetBenefit == a.evpi[0] && direct > 0)
  }

  /// N = 1000 a year, Y = 10 years, d = 3%: Σ_{y=0}^{9} 1.03^−y = 8.786108921879 (numpy, both as a
  /// sum and as the annuity (1 − 1.03^−10)/(1 − 1/1.03)); the factor is 8786.108921879106.
  @Test("population EVPI: N × Σ (1 + d)^−y, with the edge cases d = 0, Y = 0, Y = 1")
  func test_evpi_population() {
    let factor = ValueOfInformation.populationFactor(
      populationPerYear: 1000, years: 10, discountRate: 0.03)
    #expect(abs(factor - 8786.108921879106) <= 1e-11)
    #expect(
      ValueOfInformation.populationFactor(populationPerYear: 250, years: 4, discountRate: 0) == 1000
    )
    #expect(
      ValueOfInformation.populationFactor(populationPerYear: 250, years: 0, discountRate: 0.04) == 0
    )
    #expect(
      ValueOfInformation.populationFactor(populationPerYear: 250, years: 1, discountRate: 0.04)
        == 250)
    let population = ValueOfInformation.populationEVPI(
      perPerson: 12.5, populationPerYear: 1000, years: 10, discountRate: 0.03)
    #expect(abs(population - 12.5 * 8786.108921879106) <= 1e-9)
  }
}
