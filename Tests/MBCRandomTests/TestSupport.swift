// Shared helpers for the statistical tests of MBCRandom: sample moments, the Kolmogorov–
// Smirnov statistic, exact Poisson probabilities. Everything here is deterministic.

import MBCRandom

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A generator for a test, keyed by a label so that every test (and every parameter set)
/// reads its own fixed stream, independent of the order in which tests run.
func testGenerator(_ label: String, seed: UInt64 = 20_260_101) -> Xoshiro256PlusPlus {
  StreamKey(seed: seed, run: 0, purpose: .parameter(label)).makeGenerator()
}

/// Sample mean and unbiased sample variance of `n` draws (Welford's one-pass update, which
/// does not lose digits when the mean is large compared with the SD).
func sampleMoments(of distribution: Distribution, count n: Int, generator: inout Xoshiro256PlusPlus)
  -> (mean: Double, variance: Double)
{
  var mean = 0.0
  var sumOfSquares = 0.0
  for i in 1...n {
    let x = distribution.sample(using: &generator)
    let delta = x - mean
    mean += delta / Double(i)
    sumOfSquares += delta * (x - mean)
  }
  return (mean, sumOfSquares / Double(n - 1))
}

/// The Kolmogorov–Smirnov statistic D_n = sup |F_n(x) − F(x)| of `draws` against `cdf`.
func kolmogorovSmirnovStatistic(_ draws: [Double], cdf: (Double) -> Double) -> Double {
  let sorted = draws.sorted()
  let n = Double(sorted.count)
  var d = 0.0
  for (i, x) in sorted.enumerated() {
    let f = cdf(x)
    d = max(d, f - Double(i) / n, Double(i + 1) / n - f)
  }
  return d
}

/// ln k!, summed term by term (relative error about k ulp; ample for the tests).
func logFactorial(_ k: Int) -> Double {
  var sum = 0.0
  var j = 2
  while j <= k {
    sum += log(Double(j))
    j += 1
  }
  return sum
}

/// P(X = k) for X ~ Poisson(mean), from the log-space formula (independent of the
/// recurrence used by `Poisson.inverse`).
func poissonProbability(_ k: Int, mean: Double) -> Double {
  if mean == 0 { return k == 0 ? 1 : 0 }
  return exp(Double(k) * log(mean) - mean - logFactorial(k))
}

/// Relative difference |a − b| / |b| (absolute when b is 0).
func relativeError(_ a: Double, _ b: Double) -> Double {
  b == 0 ? abs(a) : abs(a - b) / abs(b)
}
