// The C surface of OpenBLAS that mbc uses. Only the MBCAnalysis module imports it.
//
// cblas.h (OpenBLAS's own, found through pkg-config `openblas`) declares cblas_dgemm,
// cblas_dsyrk, cblas_dgemv and openblas_set_num_threads. LAPACK routines have no C
// header in Debian's OpenBLAS (it is built with NO_LAPACKE), so the few we call are
// declared here with the prototype of OpenBLAS's own C implementation (no hidden
// Fortran string-length argument).
#include <cblas.h>

void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
