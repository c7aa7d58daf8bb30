// Test models for the EVPPI tests, with their exact EVPPI values (closed form or one-dimensional
// quadrature of closed-form inner expectations).
import Foundation

/// Φ, the standard normal CDF.
func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

/// φ, the standard normal density.
func normalPDF(_ x: Double) -> Double { exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }

/// E[max(0, m + s·Z)] for Z ~ N(0, 1), s > 0: m·Φ(m/s) + s·φ(m/s).
func expectedPositivePart(mean m: Double, sd s: Double) -> Double {
  m * normalCDF(m / s) + s * normalPDF(m / s)
}

/// ∫ f(x)·φ(x) dx over the real line by composite Simpson on [−12, 12] with 24,000 intervals
/// (h = 0.001). For the smooth integrands used here the error is O(h⁴·f⁗) ≈ 1e-12·f⁗, and the
/// truncation at ±12 loses φ-mass 4e-33: far below every test tolerance.
func normalExpectation(_ f: (Double) -> Double) -> Double {
  let intervals = 24_000
  let a = -12.0
  let h = 24.0 / Double(intervals)
  var sum = f(a) * normalPDF(a) + f(-a) * normalPDF(-a)
  for i in 1..<intervals {
    let x = a + Double(i) * h
    sum += (i % 2 == 1 ? 4 : 2) * f(x) * normalPDF(x)
  }
  return sum * h / 3
}

/// Model A: two arms whose incremental net monetary benefit is
///
/// ```
/// ΔNMB = NMB_1 − NMB_0 = α + a·θ₁ + b·θ₁² + c·θ₂ + e·ψ,     θ₁, θ₂, ψ, ω, γ ~ N(0, 1) independent
/// NMB_0 = 10,000 + 4,000·γ                                   (variation common to both arms)
/// ```
///
/// with α = −500, a = 1,000, b = 400, c = 800, e = 1,500 (euros); ω affects nothing. Mean ΔNMB =
/// α + b = −100, so arm 0 is chosen on current information, and E(ΔNMB | θ₁) = q(θ₁) =
/// α + a·θ₁ + b·θ₁² is a parabola: the EVPPI of θ₁ needs a nonlinear fit.
struct ModelA {
  static let alpha = -500.0
  static let a = 1_000.0
  static let b = 400.0
  static let c = 800.0
  static let e = 1_500.0

  /// The parameters, each a row of runs: θ₁, θ₂, ψ, ω (the null parameter), γ (common).
  var theta1: [Double]
  var theta2: [Double]
  var psi: [Double]
  var omega: [Double]
  var gamma: [Double]
  /// NMB, arms × runs.
  var nmb: [[Double]]

  /// A PSA sample of `runs` runs.
  init(runs: Int, seed: UInt64) {
    var random = TestRandom(seed: seed)
    theta1 = []
    theta2 = []
    psi = []
    omega = []
    gamma = []
    var nmb0: [Double] = []
    var nmb1: [Double] = []
    for _ in 0..<runs {
      let (t1, t2, p, o, g) = (
        random.normal(), random.normal(), random.normal(), random.normal(), random.normal()
      )
      theta1.append(t1)
      theta2.append(t2)
      psi.append(p)
      omega.append(o)
      gamma.append(g)
      let base = 10_000 + 4_000 * g
      nmb0.append(base)
      nmb1.append(base + Self.conditionalMean(t1) + Self.c * t2 + Self.e * p)
    }
    nmb = [nmb0, nmb1]
  }

  /// q(θ₁) = E(ΔNMB | θ₁).
  static func conditionalMean(_ theta1: Double) -> Double {
    alpha + a * theta1 + b * theta1 * theta1
  }

  /// EVPPI(θ₁) = E[max(0, q(Z))] − max(0, α + b), in closed form: q > 0 outside its roots
  /// x₁ < x₂, so E[q·1{q > 0}] = E[q] − ∫_{x₁}^{x₂} q·φ, with ∫φ = Φ, ∫x·φ = −φ and
  /// ∫x²·φ = Φ − x·φ.
  static var evppiTheta1: Double {
    let root = (a * a - 4 * b * alpha).squareRoot()
    let x1 = (-a - root) / (2 * b)
    let x2 = (-a + root) / (2 * b)
    func antiderivative(_ x: Double) -> Double {
      alpha * normalCDF(x) - a * normalPDF(x) + b * (normalCDF(x) - x * normalPDF(x))
    }
    let positivePart = (alpha + b) - (antiderivative(x2) - antiderivative(x1))
    return positivePart - max(0, alpha + b)
  }

  /// EVPPI(θ₂) = E[max(0, (α + b) + c·Z)] − max(0, α + b), closed form.
  static var evppiTheta2: Double {
    expectedPositivePart(mean: alpha + b, sd: c) - max(0, alpha + b)
  }

  /// EVPPI(θ₁, θ₂) = E_θ₁[E max(0, q(θ₁) + c·Z)] − max(0, α + b): closed-form inner expectation,
  /// quadrature over θ₁.
  static var evppiTheta12: Double {
    normalExpectation { expectedPositivePart(mean: conditionalMean($0), sd: c) }
      - max(0, alpha + b)
  }

  /// EVPI = EVPPI(θ₁, θ₂, ψ): given θ₁, ΔNMB ~ N(q(θ₁), c² + e²).
  static var evpi: Double {
    normalExpectation {
      expectedPositivePart(mean: conditionalMean($0), sd: (c * c + e * e).squareRoot())
    } - max(0, alpha + b)
  }
}

/// Model B: three arms with conditional expectations that have no closed form, for the nested
/// Monte Carlo comparison.
///
/// ```
/// θ, ψ₁, γ ~ N(0, 1), ψ₂ ~ Exp(1), independent
/// NMB_0 = 5,000 + 3,000·γ
/// NMB_1 = NMB_0 + 900·tanh(θ + 0.8·ψ₁) + 50 + 400·(ψ₂ − 1)
/// NMB_2 = NMB_0 + 700·θ·exp(0.4·ψ₁ − 0.08) − 100 + 300·(1 − ψ₂)
/// ```
///
/// E exp(0.4·ψ₁ − 0.08) = 1, so E(ΔNMB_2 | θ) = 700·θ − 100, while E(ΔNMB_1 | θ) =
/// 900·E tanh(θ + 0.8·ψ₁) + 50 has no closed form. Arm 1 is best on current information (mean
/// increments 50 and −100); arm 2 wins for large θ, arm 0 for small θ. The residual of arm 2 is
/// heteroscedastic (its SD grows with |θ|).
struct ModelB {
  var theta: [Double]
  var psi1: [Double]
  var psi2: [Double]
  /// NMB, arms × runs.
  var nmb: [[Double]]

  /// ΔNMB_1 and ΔNMB_2 for one draw.
  static func increments(theta: Double, psi1: Double, psi2: Double) -> (Double, Double) {
    (
      900 * tanh(theta + 0.8 * psi1) + 50 + 400 * (psi2 - 1),
      700 * theta * exp(0.4 * psi1 - 0.08) - 100 + 300 * (1 - psi2)
    )
  }

  /// A PSA sample of `runs` runs.
  init(runs: Int, seed: UInt64) {
    var random = TestRandom(seed: seed)
    theta = []
    psi1 = []
    psi2 = []
    nmb = [[], [], []]
    for _ in 0..<runs {
      let (t, p1, p2, g) = (random.normal(), random.normal(), random.exponential(), random.normal())
      theta.append(t)
      psi1.append(p1)
      psi2.append(p2)
      let base = 5_000 + 3_000 * g
      let (d1, d2) = Self.increments(theta: t, psi1: p1, psi2: p2)
      nmb[0].append(base)
      nmb[1].append(base + d1)
      nmb[2].append(base + d2)
    }
  }

  /// The nested Monte Carlo EVPPI of θ and of (θ, ψ₂).
  ///
  /// Outer expectation: a midpoint rule over θ on [−8, 8] with `outerPoints` cells weighted by
  /// φ (normalised to sum 1), and for ψ₂ the midpoint rule in probability, ψ₂ = −log(1 − u),
  /// u = (j − ½)/`psi2Points`. Inner expectation over the remaining parameters: plain Monte Carlo
  /// with `innerDraws` draws, the same draws for every outer point (common random numbers, so the
  /// inner error is a smooth function of θ rather than independent noise at each point).
  static func nestedEVPPI(
    outerPoints: Int, psi2Points: Int, innerDraws: Int, seed: UInt64
  ) -> (theta: Double, thetaPsi2: Double) {
    var random = TestRandom(seed: seed)
    let innerPsi1 = (0..<innerDraws).map { _ in random.normal() }
    let innerPsi2 = (0..<innerDraws).map { _ in random.exponential() }
    let meanPsi2 = innerPsi2.reduce(0, +) / Double(innerDraws)
    let meanExp = innerPsi1.reduce(0) { $0 + exp(0.4 * $1 - 0.08) } / Double(innerDraws)

    let h = 16.0 / Double(outerPoints)
    var thetas: [Double] = []
    var weights: [Double] = []
    for i in 0..<outerPoints {
      let x = -8 + (Double(i) + 0.5) * h
      thetas.append(x)
      weights.append(normalPDF(x))
    }
    let totalWeight = weights.reduce(0, +)
    weights = weights.map { $0 / totalWeight }
    // Inner means given θ: E tanh(θ + 0.8ψ₁) and E[θ·exp(0.4ψ₁ − 0.08)] by the inner draws.
    let meanTanh = thetas.map { t in
      innerPsi1.reduce(0) { $0 + tanh(t + 0.8 * $1) } / Double(innerDraws)
    }

    // EVPPI(θ): the inner expectation also covers ψ₂.
    var gain = 0.0
    var mean1 = 0.0
    var mean2 = 0.0
    for i in 0..<outerPoints {
      let g1 = 900 * meanTanh[i] + 50 + 400 * (meanPsi2 - 1)
      let g2 = 700 * thetas[i] * meanExp - 100 + 300 * (1 - meanPsi2)
      gain += weights[i] * max(0, g1, g2)
      mean1 += weights[i] * g1
      mean2 += weights[i] * g2
    }
    let evppiTheta = gain - max(0, mean1, mean2)

    // EVPPI(θ, ψ₂): ψ₂ is known, the inner expectation is over ψ₁ only.
    gain = 0
    mean1 = 0
    mean2 = 0
    let w2 = 1 / Double(psi2Points)
    for j in 0..<psi2Points {
      let p2 = -log(1 - (Double(j) + 0.5) * w2)
      for i in 0..<outerPoints {
        let g1 = 900 * meanTanh[i] + 50 + 400 * (p2 - 1)
        let g2 = 700 * thetas[i] * meanExp - 100 + 300 * (1 - p2)
        gain += weights[i] * w2 * max(0, g1, g2)
        mean1 += weights[i] * w2 * g1
        mean2 += weights[i] * w2 * g2
      }
    }
    return (evppiTheta, gain - max(0, mean1, mean2))
  }
}
