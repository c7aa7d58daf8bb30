import Benchmark
import BenchmarkSupport
import Foundation
import MBCRandom

/// The generator and every sampler of MBCRandom.
///
/// Each measured iteration makes 1,000,000 draws (`scalingFactor: .mega`; 1,000 for the
/// bootstrap mean, whose draw costs one generator output per value). The result table shows the
/// columns marked `*` (wall clock, mallocs) per draw, and the throughput in draws per second;
/// the stored thresholds hold the raw values per iteration (e.g. wall clock in ns per 1,000,000
/// draws). Every draw is folded into an accumulator that goes to `blackHole`, so the compiler
/// cannot drop the work; the generator is seeded outside the measurement. The generator and the
/// samplers never allocate: the malloc tolerance is 0.
///
/// A draw through `Distribution.sample(using:)` costs at least about 3 ns (`sample.fixed`,
/// `sample.uniform`; a bare `nextDouble()` 0.8 ns): the call dispatches over the enum's cases
/// every time. The engine draws parameters once per run, so this never enters the per-client
/// loop.
let benchmarks: @Sendable () -> Void = {
  let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
  let millionDraws = BenchmarkSupport.configuration(
    metrics: metrics, scalingFactor: .mega, maxDuration: .seconds(2), maxIterations: 200)
  let thousandDraws = BenchmarkSupport.configuration(
    metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2), maxIterations: 200)

  // MARK: - The generator

  Benchmark("Xoshiro256PlusPlus.nextDouble", configuration: millionDraws) { benchmark in
    var generator = Xoshiro256PlusPlus(seed: 1)
    var sum = 0.0
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      sum += generator.nextDouble()
    }
    benchmark.stopMeasurement()
    blackHole(sum)
  }

  Benchmark("Xoshiro256PlusPlus.next", configuration: millionDraws) { benchmark in
    var generator = Xoshiro256PlusPlus(seed: 1)
    var bits: UInt64 = 0
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      bits ^= generator.next()
    }
    benchmark.stopMeasurement()
    blackHole(bits)
  }

  // The keyed re-seed the engine does per (run, client, purpose): hash the key, expand it
  // into a fresh xoshiro256++ state, take the first uniform.
  Benchmark("StreamKey.makeGenerator", configuration: millionDraws) { benchmark in
    var sum = 0.0
    benchmark.startMeasurement()
    for i in benchmark.scaledIterations {
      let key = StreamKey(
        seed: 1, run: UInt64(i >> 7), client: UInt64(i & 127), purpose: .transitions)
      var generator = key.makeGenerator()
      sum += generator.nextDouble()
    }
    benchmark.stopMeasurement()
    blackHole(sum)
  }

  // MARK: - Samplers of Distribution, one benchmark per case (and per algorithm branch)

  // Parameters from the standard workload (../shared/benchmark-model.md) where it has the
  // case; the bracket names the branch of the sampler when a case has several.
  func make(_ build: () throws -> Distribution) -> Distribution {
    do { return try build().validated() } catch { fatalError("\(error)") }
  }
  let values = (0..<100).map { Double($0 * $0 % 97) * 12.5 }  // 100 observed values
  let samplers: [(name: String, distribution: Distribution, configuration: Benchmark.Configuration)] = [
    ("fixed", .fixed(420), millionDraws),
    ("uniform", .uniform(min: 20, max: 70), millionDraws),
    ("normal", .normal(mean: 0.3, sd: 0.1), millionDraws),
    ("lognormal", .lognormal(meanlog: log(0.3), sdlog: 0.2), millionDraws),
    // c_bz_month: mean 420, sd 80 -> shape 27.6 (Marsaglia-Tsang directly).
    ("gamma.shape=27.6", make { try .gamma(mean: 420, sd: 80) }, millionDraws),
    // shape < 1: G(k + 1)·U^(1/k).
    ("gamma.shape=0.5", .gamma(shape: 0.5, scale: 2), millionDraws),
    // p_engage_bz: mean 0.15, sd 0.03 -> alpha 21.1, beta 119.5 (two gammas).
    ("beta.alpha=21.1", make { try .beta(mean: 0.15, sd: 0.03) }, millionDraws),
    ("beta.alpha=0.5", .beta(alpha: 0.5, beta: 0.5), millionDraws),
    // lambda_nuisance: inversion below 30, PTRS from 30 on.
    ("poisson.mean=0.3", .poisson(mean: 0.3), millionDraws),
    ("poisson.mean=50", .poisson(mean: 50), millionDraws),
    // Body: a normal cost truncated at 0; tail: an interval 5 to 6 SD above the mean.
    ("truncatedNormal.body", .truncatedNormal(mean: 1, sd: 1, lower: 0, upper: .infinity), millionDraws),
    ("truncatedNormal.tail", .truncatedNormal(mean: 0, sd: 1, lower: 5, upper: 6), millionDraws),
    ("triangular", .triangular(min: 0.1, mode: 0.2, max: 0.5), millionDraws),
    ("pert", make { try .pert(min: 0.1, mode: 0.2, max: 0.5) }, millionDraws),
    ("empirical.n=100", .empirical(values), millionDraws),
    ("bootstrapMean.n=100", .bootstrapMean(values), thousandDraws),
  ]
  for sampler in samplers {
    let distribution = sampler.distribution
    Benchmark("sample.\(sampler.name)", configuration: sampler.configuration) { benchmark in
      var generator = StreamKey(seed: 1, run: 0, purpose: .parameter(sampler.name)).makeGenerator()
      var sum = 0.0
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        sum += distribution.sample(using: &generator)
      }
      benchmark.stopMeasurement()
      blackHole(sum)
    }
  }

  // MARK: - Vector distributions (one draw = one vector, written into a caller buffer)

  // A transition row of 4 states from counts (Dirichlet), and 4 correlated regression
  // coefficients (multivariate normal with a Cholesky factor).
  let vectors: [(name: String, distribution: VectorDistribution)] = [
    ("dirichlet.k=4", .dirichlet(alpha: [120, 30, 8, 2])),
    (
      "multivariateNormal.d=4",
      .multivariateNormal(
        mean: [0.5, -1.2, 0.03, 2.0],
        choleskyLower: [
          0.20, 0, 0, 0,
          0.05, 0.30, 0, 0,
          -0.01, 0.02, 0.01, 0,
          0.10, -0.05, 0.02, 0.40,
        ])
    ),
  ]
  for vector in vectors {
    let distribution: VectorDistribution
    do { distribution = try vector.distribution.validated() } catch { fatalError("\(error)") }
    Benchmark("sample.\(vector.name)", configuration: millionDraws) { benchmark in
      var generator = StreamKey(seed: 1, run: 0, purpose: .parameter(vector.name)).makeGenerator()
      let out = UnsafeMutableBufferPointer<Double>.allocate(capacity: distribution.dimension)
      out.initialize(repeating: 0)
      defer { out.deallocate() }
      var sum = 0.0
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        distribution.sample(using: &generator, into: out)
        sum += out[0]
      }
      benchmark.stopMeasurement()
      blackHole(sum)
    }
  }

  // MARK: - Poisson counts by inversion, as the engine draws them per client-month

  // The engine passes e^(−λ) computed once per run; λ = 0.3 is lambda_nuisance's mean.
  Benchmark("Poisson.inverse.mean=0.3", configuration: millionDraws) { benchmark in
    var generator = StreamKey(seed: 1, run: 0, purpose: .event("nuisance")).makeGenerator()
    let mean = 0.3
    let expMinusMean = exp(-mean)
    var total = 0
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      total &+= Poisson.inverse(uniform: generator.nextDouble(), mean: mean, expMinusMean: expMinusMean)
    }
    benchmark.stopMeasurement()
    blackHole(total)
  }
}
