// The only file of mbc that imports C. Every OpenBLAS/LAPACK call goes through a typed wrapper
// here that checks its dimensions with `precondition` (a wrong shape is a programming error, and a
// BLAS routine given a wrong leading dimension reads or writes out of bounds), converts sizes to
// `Int32` (`blasint` is 32-bit in Debian's OpenBLAS), and handles empty dimensions in Swift so
// that BLAS never sees a zero leading dimension.
//
// Conventions shared by all wrappers:
// - Matrices are dense, contiguous and row-major: element (i, j) of an r × c matrix is at
//   `i * c + j`, so the leading dimension is always the number of stored columns. A block of
//   consecutive rows of a larger row-major matrix is such a matrix (rebase a slice of the buffer).
// - Buffer sizes must match the shapes exactly (not "at least"), which catches most shape mistakes.
// - As in reference BLAS, β = 0 means the output is not read: the wrapper clears it first, so a
//   NaN in it does not propagate (OpenBLAS versions differ on this for `dscal` with 0).
// - Every wrapper first calls `useSingleThread()`.
import COpenBLAS

/// Typed, dimension-checked wrappers of the few OpenBLAS and LAPACK routines mbc uses.
///
/// mbc parallelises over runs with Dispatch; OpenBLAS runs single-threaded inside each worker
/// (``useSingleThread()``), which avoids two thread pools competing for the same cores and keeps
/// every sum in a fixed order, so results are bit-reproducible for a given OpenBLAS build and CPU
/// kernel (``coreName``).
public enum BLAS {
  // MARK: - Library state

  /// Runs `openblas_set_num_threads(1)` once per process (a `static let` is initialised exactly
  /// once, thread-safely).
  private static let singleThreaded: Void = { openblas_set_num_threads(1) }()

  /// Makes OpenBLAS single-threaded: `openblas_set_num_threads(1)`.
  ///
  /// mbc parallelises with Dispatch; a second (OpenBLAS) thread pool on the same cores makes small
  /// products slower (measured 1.64× in swift-notes §1), and a single BLAS thread keeps the
  /// summation order, hence the bits of every sum, independent of the machine's core count.
  /// Idempotent and cheap after the first call (the library call is made once per process).
  /// ``Aggregation/moments(of:blockSize:)`` and every wrapper below call it, so callers cannot
  /// forget.
  public static func useSingleThread() {
    _ = singleThreaded
  }

  /// The number of threads OpenBLAS currently uses (`openblas_get_num_threads()`).
  public static var threadCount: Int {
    Int(openblas_get_num_threads())
  }

  /// The OpenBLAS build configuration (`openblas_get_config()`), for the manifest.
  ///
  /// For example `OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64`.
  public static var configuration: String {
    String(cString: openblas_get_config())
  }

  /// The CPU kernel set OpenBLAS chose at run time (`openblas_get_corename()`), such as `Haswell`.
  ///
  /// Results are bit-reproducible only for the same library build *and* kernel set; a different
  /// kernel (another CPU, or `OPENBLAS_CORETYPE`) may change the last bits of sums. Record it with
  /// ``configuration``.
  public static var coreName: String {
    String(cString: openblas_get_corename())
  }

  // MARK: - Level 2

  /// Matrix–vector product `y ← α·op(A)·x + β·y` (`cblas_dgemv`), A row-major `rows × columns`.
  ///
  /// With `transposeA`, `op(A) = Aᵀ`: `x` has `rows` elements and `y` has `columns`; this gives the
  /// column sums of a block as `Aᵀ·1`. Without, `x` has `columns` elements and `y` has `rows`.
  ///
  /// - Parameters:
  ///   - a: `rows * columns` elements, row-major.
  ///   - alpha: Scale of the product; default 1.
  ///   - beta: Scale of the old `y`; default 0, which overwrites `y` without reading it.
  /// - Complexity: O(rows · columns).
  public static func gemv(
    _ a: UnsafeBufferPointer<Double>, rows: Int, columns: Int, transposeA: Bool,
    x: UnsafeBufferPointer<Double>, y: UnsafeMutableBufferPointer<Double>,
    alpha: Double = 1, beta: Double = 0
  ) {
    useSingleThread()
    let m = blasInt(rows, "gemv", "rows")
    let n = blasInt(columns, "gemv", "columns")
    precondition(
      a.count == rows * columns,
      "BLAS.gemv: A has \(a.count) elements, expected rows × columns = \(rows) × \(columns)")
    let (xCount, yCount) = transposeA ? (rows, columns) : (columns, rows)
    precondition(x.count == xCount, "BLAS.gemv: x has \(x.count) elements, expected \(xCount)")
    precondition(y.count == yCount, "BLAS.gemv: y has \(y.count) elements, expected \(yCount)")
    if beta == 0 { y.update(repeating: 0) }
    guard yCount > 0 else { return }
    guard xCount > 0 else {  // empty inner dimension: y ← β·y
      scale(y, by: beta)
      return
    }
    cblas_dgemv(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, m, n, alpha, a.baseAddress, n,
      x.baseAddress, 1, beta, y.baseAddress, 1)
  }

  // MARK: - Level 3

  /// Symmetric rank-k update `C ← α·AᵀA + β·C` (`transposeA`) or `C ← α·AAᵀ + β·C` (`cblas_dsyrk`),
  /// with A row-major `rows × columns`.
  ///
  /// C is square and row-major, of order `columns` (with `transposeA`) or `rows`. BLAS computes the
  /// upper triangle only (reading only the upper triangle of the old C); the wrapper then mirrors
  /// it into the lower one, so C comes back full and exactly symmetric. `AᵀA` of a centred block of
  /// runs is that block's cross-product matrix: half the flops of `gemm` for the same result.
  ///
  /// - Parameters:
  ///   - a: `rows * columns` elements, row-major.
  ///   - c: `order * order` elements, row-major.
  ///   - alpha: Scale of the product; default 1.
  ///   - beta: Scale of the old C; default 0, which overwrites C without reading it. Use 1 to
  ///     accumulate.
  /// - Complexity: O(rows · columns · order / 2) for the product, O(order²) for the mirror.
  public static func syrk(
    _ a: UnsafeBufferPointer<Double>, rows: Int, columns: Int, transposeA: Bool,
    c: UnsafeMutableBufferPointer<Double>, alpha: Double = 1, beta: Double = 0
  ) {
    useSingleThread()
    _ = blasInt(rows, "syrk", "rows")
    _ = blasInt(columns, "syrk", "columns")
    precondition(
      a.count == rows * columns,
      "BLAS.syrk: A has \(a.count) elements, expected rows × columns = \(rows) × \(columns)")
    let (order, inner) = transposeA ? (columns, rows) : (rows, columns)
    precondition(
      c.count == order * order,
      "BLAS.syrk: C has \(c.count) elements, expected \(order) × \(order)")
    if beta == 0 { c.update(repeating: 0) }
    guard order > 0 else { return }
    if inner == 0 {
      scale(c, by: beta)
    } else {
      cblas_dsyrk(
        CblasRowMajor, CblasUpper, transposeA ? CblasTrans : CblasNoTrans, Int32(order),
        Int32(inner), alpha, a.baseAddress, Int32(columns), beta, c.baseAddress, Int32(order))
    }
    for i in 1..<order {
      for j in 0..<i { c[i * order + j] = c[j * order + i] }
    }
  }

  /// General product `C ← α·op(A)·op(B) + β·C` (`cblas_dgemm`), all matrices row-major.
  ///
  /// A is stored `aRows × aColumns` and `op(A)` is A or Aᵀ (`transposeA`); likewise B. With `op(A)`
  /// m × k and `op(B)` k × n, C is m × n. The shapes are checked: the inner dimensions must agree.
  ///
  /// - Parameters:
  ///   - alpha: Scale of the product; default 1.
  ///   - beta: Scale of the old C; default 0, which overwrites C without reading it.
  /// - Complexity: O(m · n · k).
  public static func gemm(
    _ a: UnsafeBufferPointer<Double>, aRows: Int, aColumns: Int, transposeA: Bool,
    _ b: UnsafeBufferPointer<Double>, bRows: Int, bColumns: Int, transposeB: Bool,
    c: UnsafeMutableBufferPointer<Double>, alpha: Double = 1, beta: Double = 0
  ) {
    useSingleThread()
    _ = blasInt(aRows, "gemm", "aRows")
    _ = blasInt(aColumns, "gemm", "aColumns")
    _ = blasInt(bRows, "gemm", "bRows")
    _ = blasInt(bColumns, "gemm", "bColumns")
    precondition(
      a.count == aRows * aColumns,
      "BLAS.gemm: A has \(a.count) elements, expected \(aRows) × \(aColumns)")
    precondition(
      b.count == bRows * bColumns,
      "BLAS.gemm: B has \(b.count) elements, expected \(bRows) × \(bColumns)")
    let (m, k) = transposeA ? (aColumns, aRows) : (aRows, aColumns)
    let (kb, n) = transposeB ? (bColumns, bRows) : (bRows, bColumns)
    precondition(k == kb, "BLAS.gemm: op(A) is \(m) × \(k) but op(B) is \(kb) × \(n)")
    precondition(c.count == m * n, "BLAS.gemm: C has \(c.count) elements, expected \(m) × \(n)")
    if beta == 0 { c.update(repeating: 0) }
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
      scale(c, by: beta)
      return
    }
    cblas_dgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a.baseAddress, Int32(aColumns), b.baseAddress,
      Int32(bColumns), beta, c.baseAddress, Int32(n))
  }

  // MARK: - LAPACK

  /// Cholesky factorisation `A = L·Lᵀ` of a symmetric positive-definite matrix, in place (LAPACK
  /// `dpotrf`).
  ///
  /// `a` is row-major of order `order`; only its lower triangle is read. On success (`info == 0`)
  /// it holds L: the lower triangle is the factor and the strict upper triangle is set to zero, so
  /// `a` is exactly L. LAPACK is column-major; a row-major lower triangle is a column-major upper
  /// one, so this calls `dpotrf` with `uplo = "U"` (A = UᵀU with U = Lᵀ) and needs no
  /// transposition.
  ///
  /// - Returns: LAPACK's `info`: 0 on success; `i > 0` when the leading minor of order `i` is not
  ///   positive definite (the factorisation could not be completed; `a` is then partly
  ///   overwritten).
  /// - Complexity: O(order³ / 3).
  public static func potrf(_ a: UnsafeMutableBufferPointer<Double>, order: Int) -> Int {
    useSingleThread()
    var n = blasInt(order, "potrf", "order")
    precondition(
      a.count == order * order,
      "BLAS.potrf: A has \(a.count) elements, expected \(order) × \(order)")
    guard order > 0 else { return 0 }
    var uplo = CChar(UInt8(ascii: "U"))
    var lda = n
    var info: Int32 = 0
    dpotrf_(&uplo, &n, a.baseAddress, &lda, &info)
    precondition(info >= 0, "BLAS.potrf: dpotrf rejected argument \(-info)")
    if info == 0 {
      for i in 0..<order {
        for j in (i + 1)..<order { a[i * order + j] = 0 }
      }
    }
    return Int(info)
  }

  /// Eigenvalues, and optionally eigenvectors, of a symmetric matrix, in place (LAPACK `dsyevd`,
  /// divide and conquer).
  ///
  /// `a` is row-major of order `order`; only its lower triangle is read (as for
  /// ``potrf(_:order:)``, a row-major lower triangle is the column-major upper one, so this calls
  /// `dsyevd` with `uplo = "U"`). The eigenvalues come back in `eigenvalues`, in ascending order.
  ///
  /// With `computeVectors`, `a` is overwritten by the orthonormal eigenvectors, stored so that
  /// **row k** of `a` (elements `k * order ..< (k + 1) * order`) is the unit eigenvector for
  /// `eigenvalues[k]`: LAPACK writes them as the columns of a column-major matrix, which read
  /// row-major is the transpose. Each eigenvector's sign is arbitrary. Without `computeVectors`
  /// (`jobz = "N"`) the contents of `a` are destroyed.
  ///
  /// The two workspaces are sized by LAPACK's own workspace query (`lwork = liwork = −1`), then
  /// allocated for the call. `dsyevd_` is reference LAPACK compiled by gfortran, so its two hidden
  /// `CHARACTER` length arguments are passed explicitly (as 1; see `shim.h`).
  ///
  /// - Parameters:
  ///   - a: `order * order` elements, row-major, finite (LAPACK does not promise anything for NaN).
  ///   - eigenvalues: `order` elements, overwritten.
  ///   - computeVectors: Also compute the eigenvectors (`jobz = "V"`); default true.
  /// - Returns: LAPACK's `info`: 0 on success; `i > 0` when the algorithm failed to converge (`i`
  ///   off-diagonal elements of an intermediate tridiagonal form did not converge to zero).
  /// - Complexity: O(order³).
  public static func syevd(
    _ a: UnsafeMutableBufferPointer<Double>, order: Int,
    eigenvalues: UnsafeMutableBufferPointer<Double>, computeVectors: Bool = true
  ) -> Int {
    useSingleThread()
    var n = blasInt(order, "syevd", "order")
    precondition(
      a.count == order * order,
      "BLAS.syevd: A has \(a.count) elements, expected \(order) × \(order)")
    precondition(
      eigenvalues.count == order,
      "BLAS.syevd: eigenvalues has \(eigenvalues.count) elements, expected \(order)")
    guard order > 0 else { return 0 }
    var jobz = CChar(UInt8(ascii: computeVectors ? "V" : "N"))
    var uplo = CChar(UInt8(ascii: "U"))
    var lda = n
    var info: Int32 = 0

    // Workspace query: the optimal sizes come back in work[0] and iwork[0].
    var workSize = 0.0
    var iworkSize: Int32 = 0
    var query: Int32 = -1
    var iquery: Int32 = -1
    dsyevd_(
      &jobz, &uplo, &n, a.baseAddress, &lda, eigenvalues.baseAddress, &workSize, &query,
      &iworkSize, &iquery, &info, 1, 1)
    precondition(info == 0, "BLAS.syevd: dsyevd workspace query rejected argument \(-info)")
    var lwork = Int32(workSize.rounded(.up))
    var liwork = max(iworkSize, 1)
    var work = [Double](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    work.withUnsafeMutableBufferPointer { workBuffer in
      iwork.withUnsafeMutableBufferPointer { iworkBuffer in
        dsyevd_(
          &jobz, &uplo, &n, a.baseAddress, &lda, eigenvalues.baseAddress, workBuffer.baseAddress,
          &lwork, iworkBuffer.baseAddress, &liwork, &info, 1, 1)
      }
    }
    precondition(info >= 0, "BLAS.syevd: dsyevd rejected argument \(-info)")
    return Int(info)
  }

  /// Minimum-norm least-squares solution of `A·X ≈ B` by the singular value decomposition (LAPACK
  /// `dgelsd`, divide and conquer), with the effective rank of A.
  ///
  /// Minimises ‖B − A·X‖ (Frobenius: each column of B is its own problem) over X, and among the
  /// minimisers takes the one of least norm, for A of any shape and rank. Singular values
  /// `σᵢ ≤ rcond·σ₁` are treated as zero, so the returned `rank` is the number of singular values
  /// above that threshold: an exactly or numerically rank-deficient A (a column that is a linear
  /// combination of others) comes back with `rank < min(rows, columns)`, and the solution is then
  /// the minimum-norm one, which leaves the fitted values `A·X` (the orthogonal projection of B on
  /// the column space of A) well defined.
  ///
  /// A is row-major `rows × columns` and is not modified: LAPACK is column-major and overwrites
  /// its input, so the wrapper copies A and B into column-major work arrays (O(rows · (columns +
  /// rightHandSides)) extra memory, small beside the factorisation). B is row-major
  /// `rows × rightHandSides`; `solution` receives X, row-major `columns × rightHandSides`. The
  /// workspace is sized by LAPACK's own query (`lwork = −1`). `dgelsd_` has no `CHARACTER`
  /// argument, hence no hidden length argument (see `shim.h`).
  ///
  /// Empty problems (`rows == 0` or `columns == 0`) give X = 0 and rank 0 without calling LAPACK.
  ///
  /// - Parameters:
  ///   - a: `rows * columns` elements, row-major, finite (LAPACK promises nothing for NaN).
  ///   - b: `rows * rightHandSides` elements, row-major, finite.
  ///   - solution: `columns * rightHandSides` elements, overwritten.
  ///   - singularValues: `min(rows, columns)` elements, overwritten with σ₁ ≥ σ₂ ≥ … ≥ 0, so that
  ///     the 2-norm condition number of A is `σ₁ / σ_rank`.
  ///   - rcond: Relative threshold below which singular values count as zero. Default −1, which
  ///     means `ε·max(rows, columns)` with ε = `Double.ulpOfOne` (the rounding error of the SVD is
  ///     of order ε·max(rows, columns)·σ₁, so smaller singular values are indistinguishable from
  ///     zero; NumPy's `lstsq` uses the same default).
  /// - Returns: The effective `rank`, and LAPACK's `info`: 0 on success; `i > 0` when the SVD
  ///   failed to converge (`i` off-diagonal elements of an intermediate bidiagonal form did not
  ///   converge to zero).
  /// - Complexity: O(rows · columns · min(rows, columns)) for the factorisation, plus
  ///   O(rows · columns · rightHandSides).
  public static func gelsd(
    _ a: UnsafeBufferPointer<Double>, rows: Int, columns: Int,
    b: UnsafeBufferPointer<Double>, rightHandSides: Int,
    solution: UnsafeMutableBufferPointer<Double>,
    singularValues: UnsafeMutableBufferPointer<Double>, rcond: Double = -1
  ) -> (rank: Int, info: Int) {
    useSingleThread()
    var m = blasInt(rows, "gelsd", "rows")
    var n = blasInt(columns, "gelsd", "columns")
    var nrhs = blasInt(rightHandSides, "gelsd", "rightHandSides")
    precondition(
      a.count == rows * columns,
      "BLAS.gelsd: A has \(a.count) elements, expected rows × columns = \(rows) × \(columns)")
    precondition(
      b.count == rows * rightHandSides,
      "BLAS.gelsd: B has \(b.count) elements, expected \(rows) × \(rightHandSides)")
    precondition(
      solution.count == columns * rightHandSides,
      "BLAS.gelsd: solution has \(solution.count) elements, expected \(columns) × "
        + "\(rightHandSides)")
    precondition(
      singularValues.count == min(rows, columns),
      "BLAS.gelsd: singularValues has \(singularValues.count) elements, expected "
        + "min(rows, columns) = \(min(rows, columns))")
    solution.update(repeating: 0)
    guard rows > 0, columns > 0 else { return (0, 0) }

    // Column-major copies: A is rows × columns (lda = rows); B needs max(rows, columns) rows
    // (ldb), because LAPACK returns X (columns × nrhs) in its first `columns` rows.
    let ldbCount = max(rows, columns)
    var lda = m
    var ldb = Int32(ldbCount)
    var aColumnMajor = [Double](repeating: 0, count: rows * columns)
    var bColumnMajor = [Double](repeating: 0, count: ldbCount * max(rightHandSides, 1))
    for i in 0..<rows {
      for j in 0..<columns { aColumnMajor[j * rows + i] = a[i * columns + j] }
      for j in 0..<rightHandSides { bColumnMajor[j * ldbCount + i] = b[i * rightHandSides + j] }
    }
    var threshold = rcond < 0 ? Double.ulpOfOne * Double(ldbCount) : rcond
    var rank: Int32 = 0
    var info: Int32 = 0

    // Workspace query: the optimal lwork comes back in work[0], the minimal liwork in iwork[0].
    var workSize = 0.0
    var iworkSize: Int32 = 0
    var query: Int32 = -1
    aColumnMajor.withUnsafeMutableBufferPointer { aBuffer in
      bColumnMajor.withUnsafeMutableBufferPointer { bBuffer in
        dgelsd_(
          &m, &n, &nrhs, aBuffer.baseAddress, &lda, bBuffer.baseAddress, &ldb,
          singularValues.baseAddress, &threshold, &rank, &workSize, &query, &iworkSize, &info)
      }
    }
    precondition(info == 0, "BLAS.gelsd: dgelsd workspace query rejected argument \(-info)")
    var lwork = Int32(workSize.rounded(.up))
    var work = [Double](repeating: 0, count: Int(max(lwork, 1)))
    var iwork = [Int32](repeating: 0, count: Int(max(iworkSize, 1)))
    aColumnMajor.withUnsafeMutableBufferPointer { aBuffer in
      bColumnMajor.withUnsafeMutableBufferPointer { bBuffer in
        work.withUnsafeMutableBufferPointer { workBuffer in
          iwork.withUnsafeMutableBufferPointer { iworkBuffer in
            dgelsd_(
              &m, &n, &nrhs, aBuffer.baseAddress, &lda, bBuffer.baseAddress, &ldb,
              singularValues.baseAddress, &threshold, &rank, workBuffer.baseAddress, &lwork,
              iworkBuffer.baseAddress, &info)
          }
        }
      }
    }
    precondition(info >= 0, "BLAS.gelsd: dgelsd rejected argument \(-info)")
    if info == 0 {
      for i in 0..<columns {
        for j in 0..<rightHandSides {
          solution[i * rightHandSides + j] = bColumnMajor[j * ldbCount + i]
        }
      }
    }
    return (Int(rank), Int(info))
  }

  // MARK: - Array conveniences

  /// ``gemv(_:rows:columns:transposeA:x:y:alpha:beta:)`` on arrays.
  public static func gemv(
    _ a: [Double], rows: Int, columns: Int, transposeA: Bool,
    x: [Double], y: inout [Double], alpha: Double = 1, beta: Double = 0
  ) {
    a.withUnsafeBufferPointer { aBuffer in
      x.withUnsafeBufferPointer { xBuffer in
        y.withUnsafeMutableBufferPointer { yBuffer in
          gemv(
            aBuffer, rows: rows, columns: columns, transposeA: transposeA, x: xBuffer, y: yBuffer,
            alpha: alpha, beta: beta)
        }
      }
    }
  }

  /// ``syrk(_:rows:columns:transposeA:c:alpha:beta:)`` on arrays.
  public static func syrk(
    _ a: [Double], rows: Int, columns: Int, transposeA: Bool,
    c: inout [Double], alpha: Double = 1, beta: Double = 0
  ) {
    a.withUnsafeBufferPointer { aBuffer in
      c.withUnsafeMutableBufferPointer { cBuffer in
        syrk(
          aBuffer, rows: rows, columns: columns, transposeA: transposeA, c: cBuffer,
          alpha: alpha, beta: beta)
      }
    }
  }

  /// ``gemm(_:aRows:aColumns:transposeA:_:bRows:bColumns:transposeB:c:alpha:beta:)`` on arrays.
  public static func gemm(
    _ a: [Double], aRows: Int, aColumns: Int, transposeA: Bool,
    _ b: [Double], bRows: Int, bColumns: Int, transposeB: Bool,
    c: inout [Double], alpha: Double = 1, beta: Double = 0
  ) {
    a.withUnsafeBufferPointer { aBuffer in
      b.withUnsafeBufferPointer { bBuffer in
        c.withUnsafeMutableBufferPointer { cBuffer in
          gemm(
            aBuffer, aRows: aRows, aColumns: aColumns, transposeA: transposeA,
            bBuffer, bRows: bRows, bColumns: bColumns, transposeB: transposeB,
            c: cBuffer, alpha: alpha, beta: beta)
        }
      }
    }
  }

  /// ``potrf(_:order:)`` on an array.
  public static func potrf(_ a: inout [Double], order: Int) -> Int {
    a.withUnsafeMutableBufferPointer { potrf($0, order: order) }
  }

  /// ``syevd(_:order:eigenvalues:computeVectors:)`` on arrays.
  public static func syevd(
    _ a: inout [Double], order: Int, eigenvalues: inout [Double], computeVectors: Bool = true
  ) -> Int {
    a.withUnsafeMutableBufferPointer { aBuffer in
      eigenvalues.withUnsafeMutableBufferPointer { wBuffer in
        syevd(aBuffer, order: order, eigenvalues: wBuffer, computeVectors: computeVectors)
      }
    }
  }

  /// ``gelsd(_:rows:columns:b:rightHandSides:solution:singularValues:rcond:)`` on arrays.
  public static func gelsd(
    _ a: [Double], rows: Int, columns: Int, b: [Double], rightHandSides: Int,
    solution: inout [Double], singularValues: inout [Double], rcond: Double = -1
  ) -> (rank: Int, info: Int) {
    a.withUnsafeBufferPointer { aBuffer in
      b.withUnsafeBufferPointer { bBuffer in
        solution.withUnsafeMutableBufferPointer { xBuffer in
          singularValues.withUnsafeMutableBufferPointer { sBuffer in
            gelsd(
              aBuffer, rows: rows, columns: columns, b: bBuffer, rightHandSides: rightHandSides,
              solution: xBuffer, singularValues: sBuffer, rcond: rcond)
          }
        }
      }
    }
  }

  // MARK: - Helpers

  /// A size as `blasint`; traps when it is negative or does not fit in 32 bits.
  private static func blasInt(_ value: Int, _ routine: String, _ name: String) -> Int32 {
    precondition(
      value >= 0 && value <= Int(Int32.max),
      "BLAS.\(routine): \(name) = \(value) must be in 0...\(Int32.max) (32-bit blasint)")
    return Int32(value)
  }

  /// `x ← β·x` for the empty-inner-dimension cases (β = 0 was already handled by clearing).
  private static func scale(_ x: UnsafeMutableBufferPointer<Double>, by beta: Double) {
    guard beta != 0, beta != 1 else { return }
    for i in x.indices { x[i] *= beta }
  }
}
