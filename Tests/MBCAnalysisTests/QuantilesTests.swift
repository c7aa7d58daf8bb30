// Quantiles.type7 (selection) against a sort-based reference, and against values from R and numpy.
import Testing

@testable import MBCAnalysis

/// Type 7 from a full sort, with the arithmetic of R's `quantile.default`.
///
/// index = 1 + (n − 1)·p, lo = ⌊index⌋, hi = ⌈index⌉, h = index − lo, and
/// Q = (1 − h)·x[lo] + h·x[hi] unless h = 0 or x[hi] = x[lo]. Selection finds the same order
/// statistics as sorting, so the results must be identical to the bit.
private func referenceType7(_ values: [Double], _ p: Double) -> Double {
  let x = values.sorted()
  guard !x.isEmpty else { return .nan }
  let index = 1 + Double(x.count - 1) * p
  let lo = index.rounded(.down)
  let h = index - lo
  let a = x[Int(lo) - 1]
  let b = x[Int(index.rounded(.up)) - 1]
  return h > 0 && b != a ? (1 - h) * a + h * b : a
}

@Suite("Quantiles: type 7 by selection")
struct QuantilesTests {
  static let probabilities = [0, 0.025, 0.5, 0.975, 1]

  @Test("matches the sort-based reference on data with duplicates", arguments: [1, 2, 3, 10, 1001])
  func test_type7_matchesSortReference(n: Int) {
    for seed in 0..<25 {
      var random = TestRandom(seed: UInt64(n * 1000 + seed))
      // Half the values from a coarse grid (many ties), half continuous; a few repeated exactly.
      var values = (0..<n).map { i -> Double in
        i % 2 == 0 ? Double(Int(random.next() % 7)) - 3 : random.normal() * 10
      }
      if n > 3 { values[n - 1] = values[0] }
      let probabilities = Self.probabilities + (0..<5).map { _ in random.uniform() }
      let expected = probabilities.map { referenceType7(values, $0) }
      var scratch = values
      let actual = Quantiles.type7(&scratch, probabilities: probabilities)
      #expect(bits(actual) == bits(expected), "n = \(n), seed \(seed), p = \(probabilities)")
      #expect(scratch.sorted() == values.sorted(), "the values are only reordered")
    }
  }

  @Test("hard inputs for quickselect: sorted, reversed, constant, organ pipe, few distinct values")
  func test_type7_adversarialOrders() {
    let n = 50_001
    let shapes: [(String, [Double])] = [
      ("sorted", (0..<n).map(Double.init)),
      ("reversed", (0..<n).map { Double(n - $0) }),
      ("constant", [Double](repeating: 4.25, count: n)),
      ("organ pipe", (0..<n).map { Double(Swift.min($0, n - $0)) }),
      ("sawtooth", (0..<n).map { Double($0 % 17) }),
      ("two values", (0..<n).map { $0 % 1000 == 0 ? 1 : 0 }),
    ]
    let probabilities = Self.probabilities + [0.1, 0.9, 0.999]
    for (name, values) in shapes {
      var scratch = values
      let actual = Quantiles.type7(&scratch, probabilities: probabilities)
      let expected = probabilities.map { referenceType7(values, $0) }
      #expect(bits(actual) == bits(expected), "\(name)")
    }
  }

  @Test("R's documented example: quantile(c(1, 2, 3, 4)) = 1, 1.75, 2.5, 3.25, 4")
  func test_type7_handExample() {
    var values: [Double] = [4, 1, 3, 2]
    let q = Quantiles.type7(&values, probabilities: [0, 0.25, 0.5, 0.75, 1])
    #expect(q == [1, 1.75, 2.5, 3.25, 4])
    // h = 3·0.9 = 2.7 between 5 and 10: 0.3·5 + 0.7·10 = 8.5 (R: quantile(c(10, 1, 5, 3), 0.9)).
    var other: [Double] = [10, 1, 5, 3]
    #expect(Quantiles.type7(&other, probabilities: [0.9]) == [8.5])
  }

  @Test("agrees with numpy.quantile (method 'linear') to rounding")
  func test_type7_numpy() {
    // numpy 2.4.6: np.quantile([3.2, -1.5, 7.7, 0.0, 2.2, 2.2, 10.1, -4.4, 5.5], p).
    var values = [3.2, -1.5, 7.7, 0.0, 2.2, 2.2, 10.1, -4.4, 5.5]
    let p = [0.025, 0.1, 0.5, 0.9, 0.975]
    let numpy = [-3.8200000000000003, -2.08, 2.2, 8.18, 9.62]
    let q = Quantiles.type7(&values, probabilities: p)
    for (actual, expected) in zip(q, numpy) {
      expectClose(actual, expected, scale: 10, tolerance: 4 * Double.ulpOfOne, "p")
    }
  }

  @Test("probabilities in any order, with repeats; one value; infinities")
  func test_type7_orderAndEdgeCases() {
    var random = TestRandom(seed: 7)
    let values = (0..<301).map { _ in random.exponential() }
    let probabilities = [0.975, 0, 0.5, 0.5, 1, 0.025]
    var scratch = values
    let together = Quantiles.type7(&scratch, probabilities: probabilities)
    let separately = probabilities.map { p -> Double in
      var copy = values
      return Quantiles.type7(&copy, probabilities: [p])[0]
    }
    #expect(bits(together) == bits(separately))

    var single: [Double] = [-2.5]
    let fromSingle = Quantiles.type7(&single, probabilities: Self.probabilities)
    #expect(fromSingle == [-2.5, -2.5, -2.5, -2.5, -2.5])

    var infinite: [Double] = [.infinity, 1, -.infinity, 2]
    let fromInfinite = Quantiles.type7(&infinite, probabilities: [0, 0.5, 1])
    #expect(fromInfinite == [-.infinity, 1.5, .infinity])

    var none: [Double] = []
    #expect(Quantiles.type7(&none, probabilities: []) == [])
  }

  @Test("empty input, or a NaN among the values, gives NaN for every probability")
  func test_type7_nan() {
    var empty: [Double] = []
    let q = Quantiles.type7(&empty, probabilities: Self.probabilities)
    #expect(q.count == 5 && q.allSatisfy { $0.isNaN })

    var withNaN: [Double] = [1, 2, .nan, 4]
    let r = Quantiles.type7(&withNaN, probabilities: [0.5, 1])
    #expect(r.count == 2 && r.allSatisfy { $0.isNaN })
  }
}
