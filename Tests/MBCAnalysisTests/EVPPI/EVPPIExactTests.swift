// EVPPI.regression on model A (EVPPITestModels.swift), whose EVPPI values are known exactly, with
// PSA samples of 5,000 runs.
//
// Tolerances. The estimate's error has two independent parts (ε, the part of ΔNMB not explained
// by the parameters of interest, is independent of them and has mean 0):
// - the outer mean over the sampled θ: SD = sd(L)/√n, with L the per-run opportunity loss
//   max(0, E(ΔNMB | θ)) − max(0, E ΔNMB) under the true conditional mean;
// - the noise of the fitted curve: to first order the estimate moves by (1/n)·Σ_{r ∈ A} δ_r,
//   δ = H·ε the fitted noise (H the hat matrix, a projection) and A the runs where the positive
//   part is active, whose variance is σ²·1_Aᵀ·H·1_A/n² ≤ σ²·|A|/n² ≤ σ²/n (σ the residual SD).
// So SD(estimate) ≤ √(sd(L)² + σ²)/√n. With sd(L) from the closed forms (or 10⁷ draws) and
// n = 5,000 (√n = 70.71):
//
//   θ₁      sd(L) = 857.5, σ = √(c² + e²) = 1,700        → SD ≤ √(12.13² + 24.04²) = 26.9
//   θ₂      sd(L) = 432.7, σ = √(a² + 2b² + e²) = 1,889  → SD ≤ √(6.12² + 26.72²) = 27.4
//   θ₁, θ₂  sd(L) = 943.3, σ = e = 1,500                  → SD ≤ √(13.34² + 21.21²) = 25.1
//
// (Measured over 60 seeds: 17.9, 18.6 and 17.6; the bound on the fit part is not tight.) Each
// seed must be within 4 SD (a normal deviate beyond 4 SD has probability 6e-5), and the mean of
// m = 8 seeds within 4·SD/√8 plus an allowance of 2 for the spline's approximation error (the
// noise-free fit below shows it is well under 1).
import Testing

@testable import MBCAnalysis

@Suite("EVPPI against exact values (model A)")
struct EVPPIExactTests {
  /// The seeds of the independent PSA samples.
  static let seeds: [UInt64] = [11, 23, 37, 41, 53, 67, 79, 97]
  static let runs = 5_000

  /// Checks each seed's estimate within 4·`sd` of `exact`, and their mean within 4·sd/√m + 2.
  static func expectUnbiased(
    _ estimates: [Double], exact: Double, sd: Double, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    for (seed, estimate) in zip(seeds, estimates) {
      expectClose(
        estimate, exact, scale: 1, tolerance: 4 * sd, "\(what), seed \(seed)",
        sourceLocation: sourceLocation)
    }
    let mean = estimates.reduce(0, +) / Double(estimates.count)
    expectClose(
      mean, exact, scale: 1, tolerance: 4 * sd / Double(estimates.count).squareRoot() + 2,
      "\(what), mean of \(estimates.count) seeds", sourceLocation: sourceLocation)
  }

  @Test("the exact values: closed forms agree with quadrature")
  func test_exactValues() {
    // The closed form of EVPPI(θ₁) against the quadrature routine on the same integrand (the
    // kinks of max(0, q) make Simpson's rule first-order near the roots: error ≈ h²·|q'| ≈ 1e-3).
    let quadrature = normalExpectation { max(0, ModelA.conditionalMean($0)) }
    expectClose(ModelA.evppiTheta1, quadrature, scale: 1, tolerance: 1e-2, "EVPPI(θ₁)")
    // Values from mpmath (30 digits, quad over the real line split at the roots):
    // 393.68333690354632 (θ₁), 271.64397203881088 (θ₂), 489.41191226587309 (θ₁, θ₂),
    // 759.99364098888253 (EVPI). The closed forms are good to rounding (erfc, 1e-13 relative);
    // the Simpson quadrature to its h⁴ error.
    expectClose(ModelA.evppiTheta1, 393.68333690354632, scale: 1, tolerance: 1e-9, "EVPPI(θ₁)")
    expectClose(ModelA.evppiTheta2, 271.64397203881088, scale: 1, tolerance: 1e-9, "EVPPI(θ₂)")
    expectClose(ModelA.evppiTheta12, 489.41191226587309, scale: 1, tolerance: 1e-7, "EVPPI(θ₁,θ₂)")
    expectClose(ModelA.evpi, 759.99364098888253, scale: 1, tolerance: 1e-7, "EVPI")
  }

  @Test("one nonlinear parameter: EVPPI(θ₁) = 393.68; the bootstrap SE matches the spread")
  func test_singleNonlinearParameter() {
    var estimates: [Double] = []
    var standardErrors: [Double] = []
    for seed in Self.seeds {
      let model = ModelA(runs: Self.runs, seed: seed)
      let result = EVPPI.regression(theta: [model.theta1], nmb: model.nmb, bootstrapReplicates: 50)
      #expect(result.basis == .naturalSpline(knots: 8, interactions: false))
      #expect(result.basisSize == 8 && result.rank == 8)
      #expect(result.warnings.isEmpty)
      #expect(!result.tooManyColumns)
      // R² of ΔNMB on θ₁: Var(q(θ₁)) / Var(ΔNMB) = (a² + 2b²)/(a² + 2b² + c² + e²) = 1.32e6/4.21e6
      // = 0.3135. For normal data the sample R² has SD ≈ 2ρ(1 − ρ²)/√n = 0.011 (ρ² = 0.3135,
      // n = 5,000); q(θ₁) is not normal, so allow 0.06.
      expectClose(result.rSquared[1], 0.3135, scale: 1, tolerance: 0.06, "R², seed \(seed)")
      #expect(result.rSquared[0].isNaN && result.residualSD[0].isNaN)
      // Residual SD = √(c² + e²) = 1,700, within a few percent.
      expectClose(result.residualSD[1], 1_700, scale: 1_700, tolerance: 0.05, "residual SD")
      estimates.append(result.evppi)
      standardErrors.append(result.standardError ?? .nan)
    }
    Self.expectUnbiased(estimates, exact: ModelA.evppiTheta1, sd: 26.9, "EVPPI(θ₁)")

    // The bootstrap SE against the spread of the estimates over the 8 independent samples. The
    // sample SD of 8 values is σ·√(χ²₇/7), between 0.26·σ and 1.93·σ with probability 0.999; the
    // mean of 8 bootstrap SEs (B = 50, each with relative SD 1/√(2B) = 10%) is within a few
    // percent of its expectation. So SD/SE ∈ [0.26, 1.93] if the SE is right. That alone is a
    // weak check (8 samples); the second one pins the SE between the two components of the error.
    let mean = estimates.reduce(0, +) / Double(estimates.count)
    let spread =
      (estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(estimates.count - 1))
      .squareRoot()
    let meanSE = standardErrors.reduce(0, +) / Double(standardErrors.count)
    #expect(spread / meanSE >= 0.26 && spread / meanSE <= 1.93, "SD \(spread) vs mean SE \(meanSE)")
    // And the SE is not the outer-mean error alone (12.1), nor the fit-noise bound (26.9).
    #expect(meanSE > 13 && meanSE < 26.9, "mean bootstrap SE \(meanSE)")
  }

  @Test("the spline basis approximates the parabola: noise-free fit, R² > 0.9995")
  func test_basisApproximation() {
    // Regress q(θ₁) itself (no noise): the only error left is the basis's. The EVPPI of the fit
    // must match the sample value mean max(0, q(θ₁)) − max(0, mean q) closely. A natural spline
    // cannot represent a parabola exactly: it has zero curvature at the boundary knots (here the
    // sample minimum and maximum), where q'' = 2b. The misfit is confined to the outer intervals,
    // which hold few runs: R² = 0.99985 for this sample.
    let model = ModelA(runs: Self.runs, seed: 5)
    let signal = model.theta1.map(ModelA.conditionalMean)
    let result = EVPPI.regression(
      theta: [model.theta1], nmb: [[Double](repeating: 0, count: Self.runs), signal],
      bootstrapReplicates: 0)
    #expect(result.rSquared[1] > 0.9995, "R² \(result.rSquared[1])")
    // For the noise-free response, EVPI is exactly the sample value the fit should reproduce.
    // |Σ max(0, ĝ) − Σ max(0, q)| ≤ Σ|ĝ − q| ≤ n·RMS residual, so the difference is at most the
    // residual RMS (< 0.022·sd(q) = 26 by the R²); it is much smaller in practice, because the
    // misfit is in the tails and of both signs.
    expectClose(result.evppi, result.evpi, scale: 1, tolerance: 1, "noise-free EVPPI vs sample")
  }

  @Test("one linear parameter: EVPPI(θ₂) = 271.64")
  func test_singleLinearParameter() {
    let estimates = Self.seeds.map { seed in
      let model = ModelA(runs: Self.runs, seed: seed)
      return EVPPI.regression(theta: [model.theta2], nmb: model.nmb, bootstrapReplicates: 0).evppi
    }
    Self.expectUnbiased(estimates, exact: ModelA.evppiTheta2, sd: 27.4, "EVPPI(θ₂)")
  }

  @Test("a group of two: EVPPI(θ₁, θ₂) = 489.41")
  func test_group() {
    let estimates = Self.seeds.map { seed in
      let model = ModelA(runs: Self.runs, seed: seed)
      let result = EVPPI.regression(
        theta: [model.theta1, model.theta2], nmb: model.nmb, bootstrapReplicates: 0)
      // 1 + 2·4 spline columns + 1 product.
      #expect(result.basis == .naturalSpline(knots: 5, interactions: true))
      #expect(result.basisSize == 10 && result.rank == 10)
      return result.evppi
    }
    Self.expectUnbiased(estimates, exact: ModelA.evppiTheta12, sd: 25.1, "EVPPI(θ₁, θ₂)")
  }

  @Test("all parameters together give the EVPI; every EVPPI ≤ EVPI; a null parameter ≈ 0")
  func test_boundsAndNullParameter() {
    for seed in Self.seeds.prefix(4) {
      let model = ModelA(runs: Self.runs, seed: seed)
      let all = EVPPI.regression(
        theta: [model.theta1, model.theta2, model.psi], nmb: model.nmb, bootstrapReplicates: 0)
      // ΔNMB is a function of (θ₁, θ₂, ψ) alone, so E(ΔNMB | all) = ΔNMB and EVPPI = EVPI of the
      // same runs, up to the basis error: |EVPPI − EVPI| ≤ mean |ĝ − ΔNMB| ≤ residual RMS. The
      // residual SD is that of the spline's approximation of b·θ₁² (≈ 0.01·sd(ΔNMB) by the R²);
      // measured differences are about 0.1 against a bound of about 20.
      #expect(all.rSquared[1] > 0.9995, "R² \(all.rSquared[1])")
      expectClose(all.evppi, all.evpi, scale: 1, tolerance: all.residualSD[1], "EVPPI(all)")
      // The sample EVPI against the exact one: sd(max(0, ΔNMB))/√n ≤ sd(ΔNMB)/√n = 2,052/70.7 =
      // 29, 4 SD = 116.
      expectClose(all.evpi, ModelA.evpi, scale: 1, tolerance: 116, "sample EVPI, seed \(seed)")

      let one = EVPPI.regression(theta: [model.theta1], nmb: model.nmb, bootstrapReplicates: 0)
      let two = EVPPI.regression(
        theta: [model.theta1, model.theta2], nmb: model.nmb, bootstrapReplicates: 0)
      // Exact gaps: 95.7 between θ₁ and (θ₁, θ₂), 270.6 between (θ₁, θ₂) and the EVPI. The
      // estimates share the runs, so their differences vary less than each (≤ 4·27 = 108 by the
      // bounds above, when independent); the inequalities must hold with room to spare.
      #expect(one.evppi <= two.evppi, "θ₁ \(one.evppi) vs θ₁, θ₂ \(two.evppi)")
      #expect(two.evppi <= all.evpi, "θ₁, θ₂ \(two.evppi) vs EVPI \(all.evpi)")
      #expect(one.evpi == all.evpi)  // the EVPI does not depend on the parameters

      // ω does not enter the NMB: EVPPI(ω) = 0. The estimate is ≥ 0 and is the fitting-noise
      // bias alone: the fitted curve is noise of RMS ≈ σ·√(q/n) = 2,052·√(8/5000) = 82 around
      // the mean −100, so the estimate is about E max(0, −100 + 82·Z) = 4.8. Its distribution is
      // skewed; over 1,000 independent samples: mean 4.3, median 2.6, 99th percentile 23,
      // maximum 32. Tolerance 40: above that maximum, and 5% of the EVPI.
      let null = EVPPI.regression(theta: [model.omega], nmb: model.nmb, bootstrapReplicates: 0)
      #expect(null.evppi >= 0 && null.evppi <= 40, "EVPPI(ω) = \(null.evppi)")
      #expect(null.rSquared[1] < 0.01, "R² of ω \(null.rSquared[1])")
    }
  }
}
