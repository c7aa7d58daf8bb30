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
/// 1. accrues the discount factor d_t to its state's discounted occupancy;
/// 2. for each rate event, draws one uniform (always, even when the rate is 0, so that the
///    streams stay aligned across arms) and a Poisson count by inversion;
/// 3. draws one uniform u and moves to the first column j with u < cum[s][j].
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
  let eventStreams: UnsafeMutablePointer<Xoshiro256PlusPlus>  // E, the client's initial states
  let eventWork: UnsafeMutablePointer<Xoshiro256PlusPlus>  // E, advanced within one arm
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
    for t in 0..<T { discount[t] = model.discountFactors[t] }
    eventStreams = .allocate(capacity: max(E, 1))
    eventStreams.initialize(repeating: Xoshiro256PlusPlus(seed: 0), count: max(E, 1))
    eventWork = .allocate(capacity: max(E, 1))
    eventWork.initialize(repeating: Xoshiro256PlusPlus(seed: 0), count: max(E, 1))
    eventPurposes = model.rateEvents.map(\.purpose.rawValue)
  }

  deinit {
    for p in [occupancy, rateCount, rateDiscounted, moveCount, moveDiscounted, discount] { p.deallocate() }
    eventStreams.deallocate()
    eventWork.deallocate()
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

  /// One client in one arm over the horizon.
  @inline(__always)
  private func simulateClient(arm a: Int, start: Int, transitions: Xoshiro256PlusPlus) {
    var rng = transitions
    var s = start
    let cum = tables.cumulative + a * S * S
    let rate = tables.rateMean + a * E * S
    let expRate = tables.expMinusRate + a * E * S
    let occ = occupancy + a * S
    let count = rateCount + a * E
    let countD = rateDiscounted + a * E
    let moves = moveCount + a * S * S
    let movesD = moveDiscounted + a * S * S
    // Every arm replays the client's event streams from their start.
    let ev = eventWork
    ev.update(from: eventStreams, count: E)
    for t in 0..<T {
      let d = discount[t]
      occ[s] += d
      for e in 0..<E {
        let u2 = ev[e].nextDouble()
        let lambda = rate[e * S + s]
        if lambda > 0 {
          let k = Poisson.inverse(uniform: u2, mean: lambda, expMinusMean: expRate[e * S + s])
          if k > 0 {
            count[e] += Double(k)
            countD[e] += Double(k) * d
          }
        }
      }
      let u = rng.nextDouble()
      let row = cum + s * S
      var j = 0
      while u >= row[j] { j += 1 }
      if j != s {
        moves[s * S + j] += 1
        movesD[s * S + j] += d
        s = j
      }
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
