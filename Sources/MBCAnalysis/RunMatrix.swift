/// A row-major runs × metrics matrix of `Double`s: one row per Monte Carlo run, one column per
/// metric.
///
/// Element (run `i`, metric `j`) is `storage[i * columns + j]`. A run's metrics are contiguous, so
/// a worker can fill its rows without touching other rows, and a block of consecutive runs is
/// itself a row-major matrix that BLAS can read in place (``Aggregation/moments(of:blockSize:)``).
///
/// `storage` is public and mutable for bulk filling; keep its count equal to `rows * columns`
/// (the aggregation checks this with a precondition).
public struct RunMatrix: Sendable {
  /// The number of runs.
  public let rows: Int
  /// The number of metrics.
  public let columns: Int
  /// The elements, row-major; `rows * columns` of them.
  public var storage: [Double]

  /// A zero-filled matrix of `rows` runs and `columns` metrics.
  ///
  /// - Complexity: O(rows · columns).
  public init(rows: Int, columns: Int) {
    precondition(
      rows >= 0 && columns >= 0,
      "RunMatrix: rows (\(rows)) and columns (\(columns)) must be ≥ 0")
    let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
    precondition(!overflow, "RunMatrix: rows × columns (\(rows) × \(columns)) overflows Int")
    self.rows = rows
    self.columns = columns
    self.storage = [Double](repeating: 0, count: count)
  }

  /// A matrix holding `storage` (row-major, `rows * columns` values).
  public init(rows: Int, columns: Int, storage: [Double]) {
    precondition(storage.count == rows * columns, "RunMatrix: \(storage.count) values for \(rows) × \(columns)")
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }

  /// The value of metric `column` in run `row`.
  ///
  /// - Complexity: O(1).
  public subscript(row: Int, column: Int) -> Double {
    get {
      checkIndex(row, column)
      return storage[row * columns + column]
    }
    set {
      checkIndex(row, column)
      storage[row * columns + column] = newValue
    }
  }

  /// A copy of metric `j` over all runs (a strided gather).
  ///
  /// - Complexity: O(rows).
  public func column(_ j: Int) -> [Double] {
    precondition(0 <= j && j < columns, "RunMatrix: column \(j) out of range 0..<\(columns)")
    checkShape()
    return (0..<rows).map { storage[$0 * columns + j] }
  }

  /// Traps unless `storage` holds exactly `rows * columns` elements.
  func checkShape() {
    precondition(
      storage.count == rows * columns,
      "RunMatrix: storage has \(storage.count) elements, expected \(rows) × \(columns)")
  }

  private func checkIndex(_ row: Int, _ column: Int) {
    precondition(
      0 <= row && row < rows && 0 <= column && column < columns,
      "RunMatrix: index (\(row), \(column)) out of range for \(rows) × \(columns)")
  }
}
