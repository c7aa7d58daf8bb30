// EVPPI.regression: exact properties (fits that reproduce the sample exactly, invariances), the
// basis construction, diagnostics and edge cases.
import Foundation
import Testing

@testable import MBCAnalysis

@Suite("EVPPI properties, basis and diagnostics")
struct EVPPIPropertyTests {
  /// mean_r max(0, Δ_r) − max(0, mean Δ): the sample EVPPI of two arms when Δ = E(Δ | θ).
  static func sampleGain(_ increments: [Double]) -> Double {
    let n = Double(increments.count)
    return increments.reduce(0) { $0 + max(0, $1) } / n - max(0, increments.reduce(0, +) / n)
  }

  // MARK: - Basis construction

  @Test("natural cubic spline columns: zero below the first knot, linear beyond the last, C²")
  func test_splineShape() {
    let spline = NaturalCubicSpline(knots: [-2, -0.5, 0, 1, 3])
    var values = [Double](repeating: 0, count: 3)
    func evaluate(_ x: Double) -> [Double] {
      values.withUnsafeMutableBufferPointer { spline.evaluate(x, into: $0) }
      return values
    }
    #expect(evaluate(-2) == [0, 0, 0])
    #expect(evaluate(-7) == [0, 0, 0])
    // Beyond the last knot: second differences vanish (up to the rounding of cubes of size
    // (x − t)³/(t_K − t₀)² ≈ 216/25 ≈ 9, i.e. about 1e-14).
    for j in 0..<3 {
      let (a, b, c) = (evaluate(4)[j], evaluate(5)[j], evaluate(6)[j])
      expectClose(a - 2 * b + c, 0, scale: 1, tolerance: 1e-12, "second difference, column \(j)")
    }
    // Continuous second derivative at every knot: central second differences with step h just
    // left and just right of the knot agree to O(h) (the third derivative jumps, the second does
    // not).
    let h = 1e-3
    for t in spline.knots {
      for j in 0..<3 {
        let left = (evaluate(t - 2 * h)[j] - 2 * evaluate(t - h)[j] + evaluate(t)[j]) / (h * h)
        let right = (evaluate(t)[j] - 2 * evaluate(t + h)[j] + evaluate(t + 2 * h)[j]) / (h * h)
        expectClose(left, right, scale: 1, tolerance: 1e-2, "c''(\(t)±), column \(j)")
      }
    }
  }

  @Test("knots: order statistics at evenly spaced ranks; repeats merged")
  func test_quantileKnots() {
    let sorted = (0..<101).map(Double.init)
    #expect(
      NaturalCubicSpline.quantileKnots(sortedValues: sorted, count: 5) == [0, 25, 50, 75, 100])
    // A parameter with three values: at most three knots, all of them data values.
    let discrete =
      [Double](repeating: 0, count: 50) + [Double](repeating: 1, count: 30)
      + [Double](repeating: 7, count: 20)
    #expect(NaturalCubicSpline.quantileKnots(sortedValues: discrete, count: 8) == [0, 1, 7])
    #expect(NaturalCubicSpline.quantileKnots(sortedValues: [2, 2, 2], count: 8) == [2])
  }

  @Test("polynomial basis: C(p + d, d) columns, every monomial once")
  func test_monomials() {
    for (p, d) in [(1, 4), (2, 3), (3, 3), (4, 2)] {
      let monomials = EVPPIDesign.monomials(parameters: p, degree: d)
      #expect(monomials.count + 1 == EVPPIDesign.columnCount(.polynomial(degree: d), parameters: p))
      #expect(Set(monomials).count == monomials.count)
      #expect(monomials.allSatisfy { (1...d).contains($0.reduce(0, +)) && $0.count == p })
    }
    #expect(EVPPIDesign.columnCount(.polynomial(degree: 3), parameters: 3) == 20)
    #expect(
      EVPPIDesign.columnCount(.naturalSpline(knots: 5, interactions: true), parameters: 3) == 16)
  }

  @Test("the automatic basis: sized to the runs, at least 50 runs per column")
  func test_automaticResolution() {
    func resolve(_ p: Int, _ runs: Int) -> EVPPIBasis {
      EVPPIDesign.resolve(.automatic, parameters: p, runs: runs)
    }
    #expect(resolve(1, 5_000) == .naturalSpline(knots: 8, interactions: false))
    #expect(resolve(1, 300) == .naturalSpline(knots: 6, interactions: false))
    #expect(resolve(1, 120) == .naturalSpline(knots: 2, interactions: false))
    #expect(resolve(3, 5_000) == .naturalSpline(knots: 5, interactions: true))  // 16 columns
    #expect(resolve(4, 1_000) == .naturalSpline(knots: 4, interactions: true))  // 19 ≤ 20
    #expect(resolve(12, 5_000) == .naturalSpline(knots: 3, interactions: true))  // 91 ≤ 100
    #expect(resolve(20, 5_000) == .naturalSpline(knots: 3, interactions: false))  // 41 ≤ 100
    #expect(resolve(60, 5_000) == .naturalSpline(knots: 2, interactions: false))  // 61 ≤ 100
    for (p, runs) in [(1, 5_000), (2, 700), (5, 2_000), (12, 5_000), (30, 10_000)] {
      let basis = resolve(p, runs)
      #expect(EVPPIDesign.columnCount(basis, parameters: p) * EVPPI.runsPerColumn <= runs)
    }
    #expect(
      EVPPIBasis.naturalSpline(knots: 5, interactions: true).description
        == "natural cubic spline, 5 knots per parameter, with pairwise products")
  }

  // MARK: - Exact fits

  @Test("a response inside the basis is fitted exactly: EVPPI = the sample value, R² = 1")
  func test_exactFit() {
    var random = TestRandom(seed: 3)
    let theta = (0..<2_000).map { _ in random.normal() }
    let increments = theta.map { 300 + 200 * $0 - 150 * $0 * $0 }
    let nmb = [[Double](repeating: 1_000, count: 2_000), increments.map { $0 + 1_000 }]
    let result = EVPPI.regression(
      theta: [theta], nmb: nmb, basis: .polynomial(degree: 2), bootstrapReplicates: 0)
    // Residuals are rounding only: ε·κ·‖Δ‖ ≈ 1e-16·10·1e3 per run.
    expectClose(result.rSquared[1], 1, scale: 1, tolerance: 1e-12, "R²")
    #expect(result.residualSD[1] < 1e-9)
    let exact = Self.sampleGain(increments)
    expectClose(result.evppi, exact, scale: exact, tolerance: 1e-9, "EVPPI")
    // Here E(Δ | θ) = Δ, so the EVPPI is also the EVPI of these runs.
    expectClose(result.evpi, exact, scale: exact, tolerance: 1e-12, "EVPI")
  }

  @Test("a discrete parameter: knots merge, the fit is the group means, EVPPI exact")
  func test_discreteParameter() {
    // θ takes the values 0, 1, 5 (a count of events, say); Δ = m(θ) + noise. A basis spanning all
    // functions of θ's three values fits the group means exactly, so the EVPPI must equal
    // Σ_v p̂_v·max(0, Δ̄_v) − max(0, Δ̄) computed by hand.
    var random = TestRandom(seed: 17)
    let levels: [Double] = [0, 1, 5]
    let effect: [Double] = [-400, 100, 900]
    var theta: [Double] = []
    var increments: [Double] = []
    for _ in 0..<3_000 {
      let u = random.uniform()
      let level = u < 0.5 ? 0 : (u < 0.85 ? 1 : 2)
      theta.append(levels[level])
      increments.append(effect[level] + 1_000 * random.normal())
    }
    var sums = [Double](repeating: 0, count: 3)
    var counts = [Double](repeating: 0, count: 3)
    for (t, d) in zip(theta, increments) {
      let level = levels.firstIndex(of: t)!
      sums[level] += d
      counts[level] += 1
    }
    let n = Double(theta.count)
    let expected =
      (0..<3).reduce(0) { $0 + counts[$1] / n * max(0, sums[$1] / counts[$1]) }
      - max(0, sums.reduce(0, +) / n)

    let zero = [Double](repeating: 0, count: theta.count)
    let result = EVPPI.regression(theta: [theta], nmb: [zero, increments], bootstrapReplicates: 0)
    #expect(result.basis == .naturalSpline(knots: 8, interactions: false))
    #expect(result.basisSize == 3 && result.rank == 3)  // 1, θ, one spline column (3 knots)
    #expect(result.warnings.isEmpty)
    // Fitted values are group means up to rounding (κ ≈ 10, sums of 3,000 values of size 1e3).
    expectClose(result.evppi, expected, scale: expected, tolerance: 1e-9, "EVPPI, three values")

    // A binary parameter: the straight line is exact.
    let binary = theta.map { $0 == 0 ? 0.0 : 1.0 }
    let pooled = zip(binary, increments)
    let mean1 = pooled.filter { $0.0 == 1 }.reduce(0) { $0 + $1.1 } / (counts[1] + counts[2])
    let mean0 = sums[0] / counts[0]
    let expectedBinary =
      counts[0] / n * max(0, mean0) + (counts[1] + counts[2]) / n * max(0, mean1)
      - max(0, increments.reduce(0, +) / n)
    let binaryResult = EVPPI.regression(
      theta: [binary], nmb: [zero, increments], bootstrapReplicates: 0)
    #expect(binaryResult.basisSize == 2 && binaryResult.rank == 2)
    expectClose(
      binaryResult.evppi, expectedBinary, scale: expectedBinary, tolerance: 1e-9, "binary")
  }

  // MARK: - Invariances

  @Test("invariances: reference arm, affine change of θ, a large term common to all arms")
  func test_invariances() {
    let model = ModelB(runs: 3_000, seed: 8)
    let base = EVPPI.regression(theta: [model.theta], nmb: model.nmb, bootstrapReplicates: 0)

    // Another reference arm: the same fitted NMB differences, hence the same EVPPI (up to
    // rounding in forming the increments and in the solver: relative 1e-12 or so).
    let reordered = EVPPI.regression(
      theta: [model.theta], nmb: [model.nmb[2], model.nmb[0], model.nmb[1]],
      bootstrapReplicates: 0)
    expectClose(reordered.evppi, base.evppi, scale: base.evppi, tolerance: 1e-9, "reference arm")
    expectClose(reordered.evpi, base.evpi, scale: base.evpi, tolerance: 1e-12, "EVPI")

    // θ in other units (a cost in euros instead of thousands, shifted): standardisation makes
    // the design the same up to rounding.
    let rescaled = EVPPI.regression(
      theta: [model.theta.map { 250_000 + 40_000 * $0 }], nmb: model.nmb, bootstrapReplicates: 0)
    expectClose(rescaled.evppi, base.evppi, scale: base.evppi, tolerance: 1e-9, "affine θ")

    // A term common to every arm, 10⁷ times a standard normal: it cancels in the increments
    // exactly up to the rounding of NMB values of size 10⁷ (ulp 2e-9), so the EVPPI moves by
    // about that: relative 1e-9 of an EVPPI of about 200, allow 1e-8.
    var random = TestRandom(seed: 12)
    let common = (0..<3_000).map { _ in 1e7 * random.normal() }
    let shifted = model.nmb.map { arm in zip(arm, common).map { $0 + $1 } }
    let withCommon = EVPPI.regression(theta: [model.theta], nmb: shifted, bootstrapReplicates: 0)
    expectClose(withCommon.evppi, base.evppi, scale: base.evppi, tolerance: 1e-8, "common term")
  }

  // MARK: - Diagnostics and edge cases

  @Test("rank deficiency is detected and harmless: a parameter and an affine copy of it")
  func test_rankDeficientGroup() {
    let model = ModelA(runs: 2_000, seed: 4)
    let copy = model.theta1.map { 3 * $0 - 2 }
    let basis = EVPPIBasis.naturalSpline(knots: 8, interactions: false)
    let single = EVPPI.regression(
      theta: [model.theta1], nmb: model.nmb, basis: basis, bootstrapReplicates: 0)
    let doubled = EVPPI.regression(
      theta: [model.theta1, copy], nmb: model.nmb, basis: basis, bootstrapReplicates: 0)
    // The copy standardises to the same z, so its 7 columns duplicate the first 7: 15 columns,
    // rank 8.
    #expect(doubled.basisSize == 15)
    #expect(doubled.rank == 8)
    #expect(doubled.warnings.contains { $0.contains("rank-deficient (rank 8 of 15 columns)") })
    #expect(single.warnings.isEmpty)
    // Same column space, same projection: the same EVPPI up to rounding.
    expectClose(doubled.evppi, single.evppi, scale: single.evppi, tolerance: 1e-9, "EVPPI")
  }

  @Test("too many columns for the runs: flagged, with a warning")
  func test_tooManyColumns() {
    let small = ModelA(runs: 60, seed: 6)
    let line = EVPPI.regression(theta: [small.theta1], nmb: small.nmb, bootstrapReplicates: 0)
    #expect(line.basis == .naturalSpline(knots: 2, interactions: false))
    #expect(line.tooManyColumns)  // 2 columns × 50 > 60 runs
    #expect(line.warnings.contains { $0.contains("fewer than 50 runs per column") })

    let model = ModelA(runs: 5_000, seed: 6)
    let large = EVPPI.regression(
      theta: [model.theta1, model.theta2, model.psi, model.omega], nmb: model.nmb,
      basis: .polynomial(degree: 6), bootstrapReplicates: 0)
    #expect(large.basisSize == 210)  // C(10, 6)
    #expect(large.tooManyColumns)
    let fitting = EVPPI.regression(
      theta: [model.theta1, model.theta2], nmb: model.nmb, bootstrapReplicates: 0)
    #expect(!fitting.tooManyColumns && fitting.warnings.isEmpty)
  }

  @Test("edge cases: one arm, no parameters, a constant parameter, non-finite input")
  func test_edgeCases() {
    let model = ModelA(runs: 500, seed: 9)
    let oneArm = EVPPI.regression(theta: [model.theta1], nmb: [model.nmb[1]])
    #expect(oneArm.evppi == 0 && oneArm.evpi == 0)
    #expect(oneArm.rSquared.count == 1 && oneArm.rSquared[0].isNaN)
    #expect(oneArm.standardError == 0)

    let nothing = EVPPI.regression(theta: [], nmb: model.nmb, bootstrapReplicates: 0)
    #expect(nothing.evppi == 0)
    #expect(nothing.basisSize == 1)
    #expect(nothing.evpi > 0)

    let constant = EVPPI.regression(
      theta: [[Double](repeating: 0.3, count: 500)], nmb: model.nmb, bootstrapReplicates: 0)
    #expect(constant.evppi == 0 && constant.basisSize == 1)

    var broken = model.nmb
    broken[1][17] = .nan
    let notFinite = EVPPI.regression(theta: [model.theta1], nmb: broken)
    #expect(notFinite.evppi.isNaN && notFinite.standardError!.isNaN)
    #expect(
      notFinite.warnings == [
        "nmb[1][17] is nan: the EVPPI is not defined for a non-finite net monetary benefit."
      ])
  }

  @Test("the bootstrap is reproducible from its seed")
  func test_bootstrapSeed() {
    let model = ModelA(runs: 1_000, seed: 10)
    let first = EVPPI.regression(theta: [model.theta1], nmb: model.nmb, bootstrapReplicates: 20)
    let again = EVPPI.regression(theta: [model.theta1], nmb: model.nmb, bootstrapReplicates: 20)
    let other = EVPPI.regression(
      theta: [model.theta1], nmb: model.nmb, bootstrapReplicates: 20, seed: 2)
    #expect(first.standardError!.bitPattern == again.standardError!.bitPattern)
    #expect(first.bootstrapBias!.bitPattern == again.bootstrapBias!.bitPattern)
    #expect(first.evppi.bitPattern == other.evppi.bitPattern)  // the estimate has no randomness
    #expect(first.standardError != other.standardError)
  }

  @Test("bootstrap indices: in range and uniform")
  func test_bootstrapGenerator() {
    var generator = Resampling.SplitMix64(seed: 1)
    #expect((0..<100).allSatisfy { _ in Resampling.index(below: 1, using: &generator) == 0 })
    // 30,000 draws in 0..<3: each count is Binomial(30000, 1/3), SD = √(30000·2/9) = 81.6; 4 SD
    // = 327.
    var counts = [0, 0, 0]
    for _ in 0..<30_000 { counts[Resampling.index(below: 3, using: &generator)] += 1 }
    for count in counts { #expect(abs(count - 10_000) <= 327, "\(counts)") }
    // A bound that is not a power of two and close to 2⁶³ (rejection matters there): in range.
    let bound = Int.max / 3 * 2
    #expect((0..<1_000).allSatisfy { _ in (0..<bound).contains(Resampling.index(below: bound, using: &generator)) })
  }
}
