// Summaries: the fields of summary.csv, small counts, NaN, and the matrix and vector code paths.
import Testing

@testable import MBCAnalysis

/// Every Double field of a summary.
private func statistics(_ s: MetricSummary) -> [Double] {
  [s.mean, s.sd, s.mcse, s.ciLow, s.ciHigh, s.p2_5, s.p50, s.p97_5, s.pPositive]
}

@Suite("Summaries")
struct SummariesTests {
  @Test("a hand example: every field")
  func test_summary_handExample() {
    // −1, 0, 2, 3: mean 1, Σ(x − 1)² = 4 + 1 + 1 + 4 = 10, var = 10/3.
    let s = Summaries.summarize(values: [2, -1, 3, 0])
    let sd = (10.0 / 3).squareRoot()
    #expect(s.count == 4)
    #expect(s.mean == 1)
    #expect(abs(s.sd - sd) <= 1e-15)
    #expect(abs(s.mcse - sd / 2) <= 1e-15)
    #expect(s.ciLow == s.mean - MetricSummary.z975 * s.mcse)
    #expect(s.ciHigh == s.mean + MetricSummary.z975 * s.mcse)
    // Type 7: h = 3p; p = 0.025 → 0.075 between −1 and 0; 0.5 → 1.5 between 0 and 2; 0.975 → 2.925.
    #expect(abs(s.p2_5 - (-1 + 0.075)) <= 1e-15)
    #expect(s.p50 == 1)
    #expect(abs(s.p97_5 - (2 + 0.925)) <= 1e-15)
    #expect(s.pPositive == 0.5, "0 is not positive")
  }

  @Test("pPositive counts strictly positive runs")
  func test_summary_pPositive() {
    #expect(Summaries.summarize(values: [1, 2, 3]).pPositive == 1)
    #expect(Summaries.summarize(values: [-1, -2, 0, -0.0]).pPositive == 0)
    #expect(Summaries.summarize(values: [0.5, -0.5, 1e-300, -1e-300, 0]).pPositive == 0.4)
  }

  @Test("count 0: all NaN; count 1: the value, with NaN spread and intervals")
  func test_summary_smallCounts() {
    let empty = Summaries.summarize(values: [])
    #expect(empty.count == 0)
    #expect(statistics(empty).allSatisfy { $0.isNaN })

    let one = Summaries.summarize(values: [7.5])
    #expect(one.count == 1)
    #expect(one.mean == 7.5 && one.p2_5 == 7.5 && one.p50 == 7.5 && one.p97_5 == 7.5)
    #expect(one.pPositive == 1)
    #expect(one.sd.isNaN && one.mcse.isNaN && one.ciLow.isNaN && one.ciHigh.isNaN)
    #expect(one != one, "NaN fields: never ==")

    let two = Summaries.summarize(values: [1, 3])
    #expect(two.sd == 2.0.squareRoot() && two.mcse == 1)
    #expect(two == Summaries.summarize(values: [3, 1]), "order of the runs does not matter")

    #expect(Summaries.summarize(RunMatrix(rows: 10, columns: 0)).isEmpty)
  }

  @Test("a NaN run makes every statistic of its metric NaN, and leaves the other metrics alone")
  func test_summary_nan() {
    var matrix = RunMatrix(rows: 3, columns: 2)
    for i in 0..<3 {
      matrix[i, 0] = Double(i)
      matrix[i, 1] = Double(i) - 1
    }
    matrix[1, 0] = .nan
    let s = Summaries.summarize(matrix)
    let bad = s[0]
    #expect(statistics(bad).allSatisfy { $0.isNaN })
    #expect(s[1] == Summaries.summarize(values: [-1, 0, 1]))
  }

  @Test("matrix columns and single vectors give the same summaries; given moments are used")
  func test_summary_matrixMatchesValues() {
    let matrix = makeRunMatrix(rows: 5000, columns: 6, seed: 5)
    let summaries = Summaries.summarize(matrix)
    #expect(summaries.count == 6)
    let moments = Aggregation.moments(of: matrix, blockSize: 1000)
    let withMoments = Summaries.summarize(matrix, moments: moments)
    for j in 0..<matrix.columns {
      let column = matrix.column(j)
      let single = Summaries.summarize(values: column)
      let s = summaries[j]
      #expect(s.count == 5000 && single.count == 5000)
      // Different shapes can take different BLAS kernel paths, so agreement is to rounding.
      expectClose(s.mean, single.mean, scale: s.sd, tolerance: 1e-12, "mean[\(j)]")
      expectClose(s.sd, single.sd, scale: s.sd, tolerance: 1e-12, "sd[\(j)]")
      // Percentiles and pPositive do not involve BLAS: identical.
      #expect(s.p2_5 == single.p2_5 && s.p50 == single.p50 && s.p97_5 == single.p97_5)
      #expect(s.pPositive == single.pPositive)
      var copy = column
      #expect(
        [s.p2_5, s.p50, s.p97_5] == Quantiles.type7(&copy, probabilities: [0.025, 0.5, 0.975]))
      #expect(s.pPositive == Double(column.filter { $0 > 0 }.count) / 5000)

      #expect(withMoments[j].mean == moments.mean[j])
      #expect(withMoments[j].sd == moments.sd(j))
      #expect(withMoments[j].mcse == moments.mcse(j))
    }
    #expect(summaries[1].mean != 0 || summaries[1].sd != 0)  // non-degenerate data
  }
}
