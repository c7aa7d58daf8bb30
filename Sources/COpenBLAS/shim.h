// The C surface of OpenBLAS that mbc uses. Only the MBCAnalysis module imports it.
//
// cblas.h (OpenBLAS's own, found through pkg-config `openblas`) declares cblas_dgemm,
// cblas_dsyrk, cblas_dgemv and openblas_set_num_threads. LAPACK routines have no C
// header in Debian's OpenBLAS (it is built with NO_LAPACKE), so the few we call are
// declared here, each with the prototype of the function the library actually exports.
// Fortran INTEGER is 32-bit (`int`): Debian's OpenBLAS is LP64, not ILP64 (blasint = int).
#include <stddef.h>
#include <cblas.h>

// dpotrf_ is OpenBLAS's own C implementation (interface/lapack/potrf.c), which takes exactly
// these five arguments: no hidden Fortran string-length argument.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);

// dsyevd_ is NOT reimplemented by OpenBLAS: it is reference LAPACK (lapack-netlib) compiled by
// gfortran, so it has gfortran's calling convention for CHARACTER dummies: one hidden length
// argument per character argument, of type size_t (gfortran >= 8), appended after the visible
// ones in order (jobz, then uplo). They are declared and passed (as 1), which is the ABI-correct
// call. Leaving them out happens to work with this build (its disassembly shows dsyevd_ never
// reads them: it calls lsame_ with constant lengths 1), but gfortran may turn a call whose last
// arguments are hidden lengths into a sibling call that reuses the caller's stack argument area
// (GCC PR 90329; in 2019 it broke C callers, R among them, that omitted the lengths). With 13
// arguments the hidden ones are on the stack, so relying on the omission would be fragile.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork,
             int *info, size_t jobz_len, size_t uplo_len);

// dgelsd_ (least squares by the SVD, divide and conquer) is reference LAPACK compiled by
// gfortran, like dsyevd_, but it has no CHARACTER argument, so there is no hidden length to pass:
// the prototype below is the complete gfortran ABI of the routine.
void dgelsd_(const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b,
             const int *ldb, double *s, const double *rcond, int *rank, double *work,
             const int *lwork, int *iwork, int *info);
