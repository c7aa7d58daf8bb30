// RunMatrix: layout and accessors.
import Testing

@testable import MBCAnalysis

@Suite("RunMatrix")
struct RunMatrixTests {
  @Test("zero-filled, row-major, subscript and column agree with storage")
  func test_runMatrix_layout() {
    var matrix = RunMatrix(rows: 3, columns: 2)
    #expect(matrix.rows == 3 && matrix.columns == 2)
    #expect(matrix.storage == [0, 0, 0, 0, 0, 0])
    matrix[0, 1] = 1
    matrix[2, 0] = 2
    #expect(matrix.storage == [0, 1, 0, 0, 2, 0])
    #expect(matrix[2, 0] == 2)
    #expect(matrix.column(0) == [0, 0, 2])
    #expect(matrix.column(1) == [1, 0, 0])
    #expect(RunMatrix(rows: 0, columns: 4).storage.isEmpty)
  }
}
