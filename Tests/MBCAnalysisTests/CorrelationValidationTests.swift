// CorrelationMatrix.validate: one full sentence per problem, naming the entry (1-based) and value.
import Testing

@testable import MBCAnalysis

@Suite("Correlation matrix validation")
struct CorrelationValidationTests {
  /// A valid 3 × 3 correlation matrix to break one entry at a time.
  static let valid: [Double] = [
    1, 0.5, 0.3,
    0.5, 1, 0.2,
    0.3, 0.2, 1,
  ]

  /// `valid` with entries replaced: (row, column) 0-based.
  static func with(_ changes: [(Int, Int, Double)]) -> [Double] {
    var m = valid
    for (i, j, value) in changes { m[i * 3 + j] = value }
    return m
  }

  @Test("a valid matrix, the empty matrix and tiny deviations within 1e-12 give no problems")
  func test_valid() {
    #expect(CorrelationMatrix.validate(Self.valid, order: 3).isEmpty)
    #expect(CorrelationMatrix.validate([], order: 0).isEmpty)
    #expect(CorrelationMatrix.validate([1], order: 1).isEmpty)
    // Within the tolerance: a diagonal of 1 + 1e-13 and an asymmetry of 1e-13; ±1 is allowed.
    let nearly = Self.with([(1, 1, 1 + 1e-13), (0, 2, 0.3 + 1e-13), (1, 2, 1), (2, 1, 1)])
    #expect(CorrelationMatrix.validate(nearly, order: 3).isEmpty)
  }

  @Test("wrong number of entries")
  func test_count() {
    let problems = CorrelationMatrix.validate([1, 0, 0, 1, 0, 0, 1, 0], order: 3)
    #expect(
      problems == ["The correlation matrix has 8 entries, but a matrix of order 3 has 9."])
  }

  @Test("non-finite entries, on and off the diagonal")
  func test_notFinite() {
    let problems = CorrelationMatrix.validate(
      Self.with([(0, 1, .nan), (2, 2, .infinity)]), order: 3)
    #expect(
      problems == [
        "Entry (1, 2) of the correlation matrix is nan, not a finite number.",
        "Entry (3, 3) of the correlation matrix is inf, not a finite number.",
      ])
  }

  @Test("diagonal entry other than 1")
  func test_diagonal() {
    let problems = CorrelationMatrix.validate(Self.with([(2, 2, 0.9)]), order: 3)
    #expect(problems == ["Diagonal entry (3, 3) of the correlation matrix is 0.9; it must be 1."])
  }

  @Test("asymmetric pair")
  func test_asymmetric() {
    let problems = CorrelationMatrix.validate(Self.with([(2, 0, 0.35)]), order: 3)
    #expect(
      problems == [
        "The correlation matrix is not symmetric: entry (1, 3) is 0.3 but entry (3, 1) is 0.35."
      ])
  }

  @Test("out of [−1, 1]: a symmetric pair is reported once, an asymmetric one per entry")
  func test_range() {
    let symmetric = CorrelationMatrix.validate(Self.with([(1, 2, 1.5), (2, 1, 1.5)]), order: 3)
    #expect(
      symmetric == [
        "Entries (2, 3) and (3, 2) of the correlation matrix are 1.5, outside [-1, 1]."
      ])
    let asymmetric = CorrelationMatrix.validate(Self.with([(0, 1, -1.2)]), order: 3)
    #expect(
      asymmetric == [
        "The correlation matrix is not symmetric: entry (1, 2) is -1.2 but entry (2, 1) is 0.5.",
        "Entry (1, 2) of the correlation matrix is -1.2, outside [-1, 1].",
      ])
  }

  @Test("several problems come in row-major order of their first entry")
  func test_several() {
    let m = Self.with([(0, 0, 2), (1, 2, .nan), (2, 0, 0.4), (2, 2, 1.1)])
    let problems = CorrelationMatrix.validate(m, order: 3)
    #expect(
      problems == [
        "Diagonal entry (1, 1) of the correlation matrix is 2.0; it must be 1.",
        "The correlation matrix is not symmetric: entry (1, 3) is 0.3 but entry (3, 1) is 0.4.",
        "Entry (2, 3) of the correlation matrix is nan, not a finite number.",
        "Diagonal entry (3, 3) of the correlation matrix is 1.1; it must be 1.",
      ])
  }
}
