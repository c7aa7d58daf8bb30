import Foundation
import Testing

@testable import MBCAnalysis

@Suite("Streaming column moments")
struct ColumnMomentsTests {
  /// Two-pass reference: exact mean, then Σ(x − mean)² (computed in Float80-free plain Double,
  /// fine for these well-conditioned references).
  static func reference(_ x: [Double]) -> (mean: Double, m2: Double) {
    let mean = x.reduce(0, +) / Double(x.count)
    return (mean, x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +))
  }

  @Test("blocks merged in order equal the two-pass mean and variance; the split does not matter beyond rounding")
  func test_matchesTwoPass() {
    var g = TestRandom(seed: 7)
    let n = 5003, k = 3
    var data = [Double](repeating: 0, count: n * k)
    for i in 0..<n {
      data[i * k] = 1e5 + 1e4 * g.normal()  // a cost
      data[i * k + 1] = g.exponential()  // skewed
      data[i * k + 2] = 42  // constant
    }
    for blockSize in [1, 64, 256, 5003] {
      var m = ColumnMoments(columns: k)
      var start = 0
      data.withUnsafeBufferPointer { b in
        while start < n {
          let rows = min(blockSize, n - start)
          m.add(block: b.baseAddress! + start * k, rows: rows)
          start += rows
        }
      }
      #expect(m.count == n)
      for j in 0..<k {
        let (mean, m2) = Self.reference((0..<n).map { data[$0 * k + j] })
        #expect(abs(m.mean[j] - mean) <= 1e-12 * max(1, abs(mean)), "block \(blockSize) column \(j)")
        #expect(abs(m.m2[j] - m2) <= 1e-10 * max(1, m2), "block \(blockSize) column \(j): \(m.m2[j]) vs \(m2)")
      }
      #expect(m.mean[2] == 42 && m.variance(2) == 0)
      #expect(abs(m.mcse(1) - (m.variance(1) / Double(n)).squareRoot()) <= 1e-15)
    }
  }

  /// 1e9 + N(0, 1): the naive Σx² − n·x̄² has no correct digit left; centred sums keep ~1e-6.
  @Test("a large level with a small spread keeps its variance")
  func test_largeOffset() {
    var g = TestRandom(seed: 11)
    let x = (0..<10_000).map { _ in 1e9 + g.normal() }
    var m = ColumnMoments(columns: 1)
    x.withUnsafeBufferPointer { b in
      m.add(block: b.baseAddress!, rows: 5000)
      m.add(block: b.baseAddress! + 5000, rows: 5000)
    }
    let deviations = x.map { $0 - 1e9 }  // exact: values near 1e9 are spaced 1.2e-7 apart
    let (_, m2) = Self.reference(deviations)
    #expect(abs(m.m2[0] - m2) <= 1e-6 * m2)
  }

  @Test("a stride skips the columns that are not streamed")
  func test_stride() {
    let data: [Double] = [1, 100, 2, 200, 3, 300]
    var m = ColumnMoments(columns: 1)
    data.withUnsafeBufferPointer { m.add(block: $0.baseAddress!, rows: 3, stride: 2) }
    #expect(m.mean == [2])
    #expect(m.variance(0) == 1)
  }
}
