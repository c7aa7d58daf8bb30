// Deterministic data and reference computations shared by the MBCAnalysis tests.
import Foundation
import Testing

@testable import MBCAnalysis

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fixed, deterministic generator for test data, so
/// the tests do not depend on MBCRandom.
struct TestRandom: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z &>> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z &>> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z &>> 31)
  }

  /// Uniform on (0, 1): the top 53 bits, offset by half a step so that 0 never occurs.
  mutating func uniform() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1.0p-53
  }

  /// Standard normal, by Box–Muller (one value per call; the partner is discarded for simplicity).
  mutating func normal() -> Double {
    let u1 = uniform()
    let u2 = uniform()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }

  /// Exponential with rate 1 (mean 1, SD 1, skewness 2, excess kurtosis 6), by inversion.
  mutating func exponential() -> Double {
    -log(uniform())
  }
}

/// A runs × metrics matrix shaped like mbc output: columns with very different levels and spreads
/// (discounted costs around 1e5 ± 1e4, net savings around 0, small event counts, a large budget
/// around 1e6), correlated through a shared factor, as costs and savings of one run are.
func makeRunMatrix(rows: Int, columns: Int, seed: UInt64) -> RunMatrix {
  let profiles: [(level: Double, spread: Double, loading: Double)] = [
    (1e5, 1e4, 0.6),  // discounted cost of one arm
    (0, 1, 0.0),  // standard noise, independent of the rest
    (-3e3, 8e2, -0.5),  // net saving, negatively correlated with the cost
    (1e6, 2e5, 0.3),  // budget impact
    (12, 3, 0.8),  // a small, strongly correlated effect
  ]
  var random = TestRandom(seed: seed)
  var matrix = RunMatrix(rows: rows, columns: columns)
  for i in 0..<rows {
    let shared = random.normal()
    for j in 0..<columns {
      if j % 6 == 5 {  // an event count: integer-valued, many ties, skewed
        matrix[i, j] = (3 * random.exponential()).rounded(.down)
        continue
      }
      let profile = profiles[j % 6 % profiles.count]
      let own = (1 - profile.loading * profile.loading).squareRoot()
      let standard = profile.loading * shared + own * random.normal()
      matrix[i, j] = profile.level + profile.spread * standard
    }
  }
  return matrix
}

/// The textbook two-pass computation: the means first, then Σ(x − x̄)(y − ȳ)/(n − 1), in plain
/// loops.
func twoPassMoments(_ matrix: RunMatrix) -> (mean: [Double], covariance: [Double]) {
  let n = matrix.rows
  let k = matrix.columns
  var mean = [Double](repeating: 0, count: k)
  for i in 0..<n {
    for j in 0..<k { mean[j] += matrix.storage[i * k + j] }
  }
  for j in 0..<k { mean[j] /= Double(n) }
  var covariance = [Double](repeating: 0, count: k * k)
  for i in 0..<n {
    for a in 0..<k {
      let da = matrix.storage[i * k + a] - mean[a]
      for b in a..<k { covariance[a * k + b] += da * (matrix.storage[i * k + b] - mean[b]) }
    }
  }
  for a in 0..<k {
    for b in a..<k {
      covariance[a * k + b] /= Double(n - 1)
      covariance[b * k + a] = covariance[a * k + b]
    }
  }
  return (mean, covariance)
}

/// The column means of |x|: the natural scale of the rounding error of a column's sum.
func meanAbsolute(_ matrix: RunMatrix) -> [Double] {
  let k = matrix.columns
  var result = [Double](repeating: 0, count: k)
  for i in 0..<matrix.rows {
    for j in 0..<k { result[j] += abs(matrix.storage[i * k + j]) }
  }
  return result.map { $0 / Double(matrix.rows) }
}

/// Expects |actual − expected| ≤ tolerance · scale, and says by how much it missed.
func expectClose(
  _ actual: Double, _ expected: Double, scale: Double, tolerance: Double,
  _ what: @autoclosure () -> String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let error = abs(actual - expected)
  #expect(
    error <= tolerance * scale,
    """
    \(what()): \(actual) vs \(expected), error \(error / scale) relative to scale \(scale) \
    > \(tolerance)
    """,
    sourceLocation: sourceLocation)
}

/// The bit patterns of an array, for exact comparisons that also treat NaN as equal to itself.
func bits(_ values: [Double]) -> [UInt64] {
  values.map(\.bitPattern)
}
