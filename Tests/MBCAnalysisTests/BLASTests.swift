// The typed BLAS/LAPACK wrappers against small products computed by hand. All the inputs are small
// integers, whose products and sums are exact in Double, so the expectations are exact.
import Testing

@testable import MBCAnalysis

@Suite("BLAS wrappers")
struct BLASTests {
  // A = [1 2 3; 4 5 6], 2 × 3, row-major.
  let a: [Double] = [1, 2, 3, 4, 5, 6]

  @Test("useSingleThread leaves OpenBLAS with one thread; configuration names OpenBLAS")
  func test_singleThread_configuration() {
    BLAS.useSingleThread()
    BLAS.useSingleThread()  // idempotent
    #expect(BLAS.threadCount == 1)
    #expect(BLAS.configuration.contains("OpenBLAS"))
    #expect(!BLAS.coreName.isEmpty)
  }

  @Test("gemv: A·x and Aᵀ·x, with α and β")
  func test_gemv() {
    var y = [Double](repeating: .nan, count: 2)  // β = 0 must not read the NaN
    BLAS.gemv(a, rows: 2, columns: 3, transposeA: false, x: [1, 1, 1], y: &y)
    #expect(y == [6, 15])

    var yt = [Double](repeating: 0, count: 3)
    BLAS.gemv(a, rows: 2, columns: 3, transposeA: true, x: [1, 2], y: &yt)
    #expect(yt == [9, 12, 15])  // [1+8, 2+10, 3+12]

    var accumulated: [Double] = [1, 1, 1]
    BLAS.gemv(
      a, rows: 2, columns: 3, transposeA: true, x: [1, 1], y: &accumulated, alpha: 2, beta: 3)
    #expect(accumulated == [13, 17, 21])  // 2·[5, 7, 9] + 3·[1, 1, 1]
  }

  @Test("gemv with an empty inner dimension scales y by β")
  func test_gemv_empty() {
    var y: [Double] = [1, 2]
    BLAS.gemv([], rows: 2, columns: 0, transposeA: false, x: [], y: &y, beta: 0.5)
    #expect(y == [0.5, 1])
    var z: [Double] = [7, 7, 7]
    BLAS.gemv([], rows: 0, columns: 3, transposeA: true, x: [], y: &z)  // β = 0: y ← 0
    #expect(z == [0, 0, 0])
  }

  @Test("syrk: AᵀA and AAᵀ come back full and symmetric; β = 1 accumulates")
  func test_syrk() {
    // B = [1 2; 3 4; 5 6], 3 × 2.
    let b: [Double] = [1, 2, 3, 4, 5, 6]
    var btb = [Double](repeating: .nan, count: 4)
    BLAS.syrk(b, rows: 3, columns: 2, transposeA: true, c: &btb)
    #expect(btb == [35, 44, 44, 56])  // [1+9+25, 2+12+30; ·, 4+16+36]

    var bbt = [Double](repeating: 0, count: 9)
    BLAS.syrk(b, rows: 3, columns: 2, transposeA: false, c: &bbt)
    #expect(bbt == [5, 11, 17, 11, 25, 39, 17, 39, 61])

    var sum: [Double] = [1, 0, 0, 1]
    BLAS.syrk(b, rows: 3, columns: 2, transposeA: true, c: &sum, alpha: 2, beta: 1)
    #expect(sum == [71, 88, 88, 113])
  }

  @Test("gemm: all four transpose combinations")
  func test_gemm() {
    // A (2 × 3) as above; B = [1 0; 0 1; 1 1] (3 × 2). A·B = [4 5; 10 11].
    let b: [Double] = [1, 0, 0, 1, 1, 1]
    var c = [Double](repeating: .nan, count: 4)
    BLAS.gemm(
      a, aRows: 2, aColumns: 3, transposeA: false, b, bRows: 3, bColumns: 2, transposeB: false,
      c: &c)
    #expect(c == [4, 5, 10, 11])

    // Aᵀ·A (3 × 3) with A stored 2 × 3.
    var ata = [Double](repeating: 0, count: 9)
    BLAS.gemm(
      a, aRows: 2, aColumns: 3, transposeA: true, a, bRows: 2, bColumns: 3, transposeB: false,
      c: &ata)
    #expect(ata == [17, 22, 27, 22, 29, 36, 27, 36, 45])

    // A·Aᵀ (2 × 2).
    var aat = [Double](repeating: 0, count: 4)
    BLAS.gemm(
      a, aRows: 2, aColumns: 3, transposeA: false, a, bRows: 2, bColumns: 3, transposeB: true,
      c: &aat)
    #expect(aat == [14, 32, 32, 77])

    // Bᵀ·Aᵀ = (A·B)ᵀ (2 × 2), with β = 1 adding the identity.
    var both: [Double] = [1, 0, 0, 1]
    BLAS.gemm(
      b, aRows: 3, aColumns: 2, transposeA: true, a, bRows: 2, bColumns: 3, transposeB: true,
      c: &both, beta: 1)
    #expect(both == [5, 10, 5, 12])
  }

  @Test("potrf factors a known SPD matrix exactly and zeroes the upper triangle")
  func test_potrf_spd() {
    // The classic example: A = L·Lᵀ with L = [2 0 0; 6 1 0; −8 5 3]; every step is exact in Double.
    var m: [Double] = [4, 12, -16, 12, 37, -43, -16, -43, 98]
    let info = BLAS.potrf(&m, order: 3)
    #expect(info == 0)
    #expect(m == [2, 0, 0, 6, 1, 0, -8, 5, 3])
  }

  @Test("potrf reads only the lower triangle")
  func test_potrf_lowerOnly() {
    var m: [Double] = [4, .nan, .nan, 12, 37, .nan, -16, -43, 98]
    #expect(BLAS.potrf(&m, order: 3) == 0)
    #expect(m == [2, 0, 0, 6, 1, 0, -8, 5, 3])
  }

  @Test("potrf reports the order of the first non-positive-definite leading minor")
  func test_potrf_notPositiveDefinite() {
    var indefinite: [Double] = [1, 2, 2, 1]  // eigenvalues 3 and −1; the 2 × 2 minor fails
    #expect(BLAS.potrf(&indefinite, order: 2) == 2)
    var negative: [Double] = [-1, 0, 0, 1]  // the 1 × 1 minor already fails
    #expect(BLAS.potrf(&negative, order: 2) == 1)
    var singular: [Double] = [1, 1, 1, 1]  // positive semi-definite only
    #expect(BLAS.potrf(&singular, order: 2) == 2)
    var empty: [Double] = []
    #expect(BLAS.potrf(&empty, order: 0) == 0)
  }

  @Test("syevd: ascending eigenvalues; row k of A holds eigenvector k; values-only mode agrees")
  func test_syevd() {
    // [2 1; 1 2]: eigenvalues 1 and 3, eigenvectors ±(1, −1)/√2 and ±(1, 1)/√2. Not exact in
    // Double (√2), so compared to 1e-15 (a few ulps of the norm 3).
    var m: [Double] = [2, 1, 1, 2]
    var w = [Double](repeating: .nan, count: 2)
    #expect(BLAS.syevd(&m, order: 2, eigenvalues: &w) == 0)
    #expect(abs(w[0] - 1) <= 1e-15 && abs(w[1] - 3) <= 1e-15)
    let h = 0.5.squareRoot()
    // Row 0 is the eigenvector of λ = 1: its two components have opposite signs.
    #expect(abs(abs(m[0]) - h) <= 1e-15 && abs(m[0] + m[1]) <= 1e-15)
    // Row 1 is the eigenvector of λ = 3: equal components.
    #expect(abs(abs(m[2]) - h) <= 1e-15 && abs(m[2] - m[3]) <= 1e-15)

    var valuesOnly: [Double] = [2, 1, 1, 2]
    var w2 = [Double](repeating: .nan, count: 2)
    #expect(BLAS.syevd(&valuesOnly, order: 2, eigenvalues: &w2, computeVectors: false) == 0)
    #expect(abs(w2[0] - 1) <= 1e-15 && abs(w2[1] - 3) <= 1e-15)

    var empty: [Double] = []
    var noValues: [Double] = []
    #expect(BLAS.syevd(&empty, order: 0, eigenvalues: &noValues) == 0)
  }

  @Test("a shape mismatch traps (precondition)")
  func test_gemv_shapeMismatchTraps() async {
    await #expect(processExitsWith: .failure) {
      var y = [Double](repeating: 0, count: 2)
      BLAS.gemv([1, 2, 3, 4, 5, 6], rows: 2, columns: 3, transposeA: true, x: [1, 1], y: &y)
    }
  }
}
