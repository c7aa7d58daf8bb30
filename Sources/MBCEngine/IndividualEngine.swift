import MBCRandom
import MBCScenario

/// Individual-level (microsimulation) engine: simulates every client of one run, month by
/// month, in every arm, and reduces the run to one row of metrics.
///
/// Per run: draw the parameters, evaluate the run's tables (``RunTables``), then for each
/// client c open its streams — transitions (seed, run, c, transitions) and one per rate event
/// (seed, run, c, event name) — and replay the same streams in every arm (common random
/// numbers: client c in cycle t uses the same uniforms in each arm). In cycle t a client in
/// state s:
/// 1. accrues the discount factor d_t to its state's discounted occupancy (summed per stay
///    from prefix sums of d, which is the same sum without a per-cycle memory update);
/// 2. for each rate event, draws one uniform from the event's stream (always, even when the
///    rate is 0, so that the streams stay aligned across arms) and a Poisson count by inversion;
/// 3. draws one uniform u from the transitions stream and moves to the first column j with
///    u < cum[s][j].
/// (The engine runs step 3 over the whole horizon first and then step 2 along the recorded
/// path, so that each generator stays in registers; the draws and results are the same.)
///
/// The loop accumulates only occupancy, counts and moves (discounted and not); costs are
/// applied per run afterwards: cost_p = Σ_s occ_s·c_sp + Σ_e n_e·c_ep + Σ_{s→j} m_sj·c_sjp
/// + N·c_start,p. This keeps the inner loop independent of the number of payers and cost
/// lines, and free of allocation, locking and expression evaluation.
final class IndividualEngine {
  let model: CompiledModel
  let tables: RunTables
  let seed: UInt64
  let S: Int, A: Int, P: Int, E: Int, T: Int, N: Int

  // Accumulators for the current run, per arm.
  let occupancy: UnsafeMutablePointer<Double>  // A·S, discounted
  let rateCount: UnsafeMutablePointer<Double>  // A·E
  let rateDiscounted: UnsafeMutablePointer<Double>  // A·E
  let moveCount: UnsafeMutablePointer<Double>  // A·S·S
  let moveDiscounted: UnsafeMutablePointer<Double>  // A·S·S
  let discount: UnsafeMutablePointer<Double>  // T
  let discountPrefix: UnsafeMutablePointer<Double>  // T + 1: prefix[t] = Σ_{u<t} discount[u]
  let eventStreams: UnsafeMutablePointer<Xoshiro256PlusPlus>  // E, the client's initial states
  let path: UnsafeMutablePointer<Int32>  // T: the client's state at the start of each cycle
  let eventPurposes: [UInt64]

  init(model: CompiledModel, seed: UInt64) {
    self.model = model
    self.seed = seed
    tables = RunTables(model)
    S = model.stateCount
    A = model.armCount
    P = model.payerCount
    E = model.rateEventCount
    T = model.horizon
    N = model.clients
    let buffer = zeroedBuffer
    occupancy = buffer(A * S)
    rateCount = buffer(A * E)
    rateDiscounted = buffer(A * E)
    moveCount = buffer(A * S * S)
    moveDiscounted = buffer(A * S * S)
    discount = buffer(T)
    discountPrefix = buffer(T + 1)
    for t in 0..<T {
      discount[t] = model.discountFactors[t]
      discountPrefix[t + 1] = discountPrefix[t] + discount[t]
    }
    eventStreams = .allocate(capacity: max(E, 1))
    eventStreams.initialize(repeating: Xoshiro256PlusPlus(seed: 0), count: max(E, 1))
    path = .allocate(capacity: max(T, 1))
    path.initialize(repeating: 0, count: max(T, 1))
    eventPurposes = model.rateEvents.map(\.purpose.rawValue)
  }

  deinit {
    for p in [occupancy, rateCount, rateDiscounted, moveCount, moveDiscounted, discount, discountPrefix] { p.deallocate() }
    eventStreams.deallocate()
    path.deallocate()
  }

  /// Simulates run `run` and writes its metrics into `row` (``MetricLayout`` order).
  func simulate(run: Int, into row: UnsafeMutablePointer<Double>) throws(SimulationError) {
    try tables.drawParameters(seed: seed, run: run)
    try tables.evaluateTables(run: run)
    simulateClients(run: run)
    writeMetrics(into: row)
  }

  /// Simulates all clients of the run with the current tables.
  func simulateClients(run: Int) {
    for i in 0..<(A * S) { occupancy[i] = 0 }
    for i in 0..<(A * E) {
      rateCount[i] = 0
      rateDiscounted[i] = 0
    }
    for i in 0..<(A * S * S) {
      moveCount[i] = 0
      moveDiscounted[i] = 0
    }
    let start = model.scenario.startState
    for c in 0..<N {
      let transitionsStart = StreamKey(seed: seed, run: UInt64(run), client: UInt64(c), purpose: .transitions).makeGenerator()
      for e in 0..<E {
        eventStreams[e] = StreamKey(seed: seed, run: UInt64(run), client: UInt64(c), purpose: StreamPurpose(rawValue: eventPurposes[e])).makeGenerator()
      }
      for a in 0..<A {
        simulateClient(arm: a, start: start, transitions: transitionsStart)
      }
    }
  }

  /// One client in one arm over the horizon: first the path of states (transitions stream),
  /// then each rate event's counts along that path (its own stream). Two passes keep each
  /// generator in registers; the result is the same as drawing both in one loop, because the
  /// streams are independent and the event draws do not affect the moves.
  @inline(__always)
  private func simulateClient(arm a: Int, start: Int, transitions: Xoshiro256PlusPlus) {
    var rng = transitions
    var s = start
    let cum = tables.cumulative + a * S * S
    let occ = occupancy + a * S
    let moves = moveCount + a * S * S
    let movesD = moveDiscounted + a * S * S
    let path = self.path
    // Occupancy is added per stay, not per cycle: a stay in s over cycles [entered, t] adds
    // Σ d over those cycles = prefix[t + 1] − prefix[entered].
    let prefix = discountPrefix
    var entered = 0
    for t in 0..<T {
      path[t] = Int32(truncatingIfNeeded: s)
      let u = rng.nextDouble()
      let row = cum + s * S
      var j = 0
      while u >= row[j] { j += 1 }
      if j != s {
        let d = discount[t]
        moves[s * S + j] += 1
        movesD[s * S + j] += d
        occ[s] += prefix[t + 1] - prefix[entered]
        entered = t + 1
        s = j
      }
    }
    occ[s] += prefix[T] - prefix[entered]

    // Rate events along the path: one uniform per cycle, drawn even when the rate is 0 so
    // that client c's draw for cycle t is the same in every arm.
    // Counts below K come from the run's CDF table by K branch-free comparisons; only
    // u ≥ F(K−1) (rare) runs the sequential inversion, which gives the same count.
    let K = RunTables.poissonTableSize
    for e in 0..<E {
      var g = eventStreams[e]
      let rate = tables.rateMean + (a * E + e) * S
      let expRate = tables.expMinusRate + (a * E + e) * S
      let cdf = tables.poissonCDF + (a * E + e) * S * K
      var count = 0
      var countD = 0.0
      for t in 0..<T {
        let u = g.nextDouble()
        let state = Int(path[t])
        let k = RunTables.poissonCount(uniform: u, cdf: cdf + state * K, mean: rate[state], expMinusMean: expRate[state])
        count &+= k
        countD += Double(k) * discount[t]
      }
      rateCount[a * E + e] += Double(count)
      rateDiscounted[a * E + e] += countD
    }
  }

  /// Applies the run's costs to the accumulated occupancy, counts and moves.
  func writeMetrics(into row: UnsafeMutablePointer<Double>) {
    let layout = model.layout
    let n = Double(N)
    for a in 0..<A {
      var total = 0.0
      for p in 0..<P {
        var cost = n * tables.startCost[a * P + p]
        for s in 0..<S { cost += occupancy[a * S + s] * tables.stateCost[(a * S + s) * P + p] }
        for e in 0..<E { cost += rateDiscounted[a * E + e] * tables.rateEventCost[(a * E + e) * P + p] }
        for m in 0..<(S * S) where moveDiscounted[a * S * S + m] != 0 {
          cost += moveDiscounted[a * S * S + m] * tables.moveCost[(a * S * S + m) * P + p]
        }
        row[layout.cost(arm: a, payer: p)] = cost
        total += cost
      }
      row[layout.cost(arm: a, payer: P)] = total
      for (r, event) in model.rateEvents.enumerated() {
        row[layout.events(arm: a, event: event.event)] = rateCount[a * E + r]
      }
      for event in model.transitionEvents {
        var c = 0.0
        for m in event.moves { c += moveCount[a * S * S + m.from * S + m.to] }
        row[layout.events(arm: a, event: event.event)] = c
      }
    }
    // Comparisons with the reference arm.
    let ref = layout.referenceArm
    var k = 0
    for a in 0..<A where a != ref {
      let base = layout.comparison(k)
      for p in 0...P { row[base + p] = row[layout.cost(arm: ref, payer: p)] - row[layout.cost(arm: a, payer: p)] }
      for e in 0..<layout.eventCount {
        row[base + P + 1 + e] = row[layout.events(arm: ref, event: e)] - row[layout.events(arm: a, event: e)]
      }
      k += 1
    }
  }
}
