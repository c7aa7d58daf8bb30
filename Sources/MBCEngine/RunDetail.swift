import MBCScenario

/// One worker's accumulators of a run's outputs over time, and their reduction to the run's
/// ``DetailLayout`` vector. The engines add raw (unweighted, undiscounted) amounts; the
/// timing weights and discount factors are applied once per run in ``write(into:)``.
///
/// Accumulators (all for the whole cohort of the run):
/// - `occupancy[a][t][s]`: clients in state s at boundary t;
/// - `stateCost[a][t][p]`: Σ over clients of the cost per cycle of their state at boundary t;
/// - `eventCost[a][t][p]`, `moveCost[a][t][p]`: costs of the events and moves of cycle t;
/// - `startCost[a][p]`: one-off costs at the start.
///
/// Cycle t's cost, for each basis (d = the discount factors; ω = the timing weights, see
/// ``RewardTiming``; both 1 … for the undiscounted basis except ω):
/// ```
/// cost_t = Σ_b f(b→t)·ω_b·d_b·stateCost_b + d_t·eventCost_t + w_t·moveCost_t + [t = 0]·startCost
/// ```
/// with f the attribution of boundaries to cycles (``DetailLayout``) and w_t the weight of a
/// move in cycle t (d_t, or ω_{t+1}·d_{t+1} with `transition_timing: next_boundary`).
final class RunDetail {
  let layout: DetailLayout
  let A: Int, S: Int, P: Int, T: Int, Y: Int
  let occupancy: UnsafeMutablePointer<Double>  // A·(T+1)·S
  let stateCost: UnsafeMutablePointer<Double>  // A·(T+1)·P
  let eventCost: UnsafeMutablePointer<Double>  // A·T·P
  let moveCost: UnsafeMutablePointer<Double>  // A·T·P
  let startCost: UnsafeMutablePointer<Double>  // A·P
  /// Scratch: cost per cycle, [basis][arm][cycle][payer or total].
  let cycleCost: UnsafeMutablePointer<Double>
  /// Per basis: boundary weights ω_b(·d_b), event weights d_t (or 1), move weights w_t.
  let boundaryWeight: [[Double]], eventWeight: [[Double]], moveWeight: [[Double]]
  /// Boundary b's state costs go to cycles `firstCycle[b]` (fraction `firstShare[b]`) and
  /// `firstCycle[b] + 1` (the rest).
  let firstCycle: [Int], firstShare: [Double]

  init(model: CompiledModel) {
    let scenario = model.scenario
    layout = DetailLayout(scenario: scenario)
    A = model.armCount
    S = model.stateCount
    P = model.payerCount
    T = model.horizon
    Y = layout.years
    occupancy = zeroedBuffer(A * (T + 1) * S)
    stateCost = zeroedBuffer(A * (T + 1) * P)
    eventCost = zeroedBuffer(A * T * P)
    moveCost = zeroedBuffer(A * T * P)
    startCost = zeroedBuffer(A * P)
    cycleCost = zeroedBuffer(2 * A * T * (P + 1))
    let T = self.T
    let undiscounted = scenario.costTiming.weights(discount: [Double](repeating: 1, count: T + 1))
    boundaryWeight = [model.boundaryWeights[0], undiscounted]
    eventWeight = [Array(model.discount[0].prefix(T)), [Double](repeating: 1, count: T)]
    if model.transitionTiming == .nextBoundary {
      moveWeight = [(0..<T).map { model.boundaryWeights[0][$0 + 1] }, (0..<T).map { undiscounted[$0 + 1] }]
    } else {
      moveWeight = eventWeight
    }
    var first = [Int](repeating: 0, count: T + 1)
    var share = [Double](repeating: 1, count: T + 1)
    for b in 0...T {
      switch scenario.costTiming {
      case .start: first[b] = min(b, T - 1)
      case .end: first[b] = max(b - 1, 0)
      default:
        if b == 0 {
          first[b] = 0
        } else if b == T {
          first[b] = T - 1
        } else {
          first[b] = b - 1
          share[b] = 0.5
        }
      }
    }
    firstCycle = first
    firstShare = share
  }

  deinit {
    for p in [occupancy, stateCost, eventCost, moveCost, startCost, cycleCost] { p.deallocate() }
  }

  func reset() {
    for i in 0..<(A * (T + 1) * S) { occupancy[i] = 0 }
    for i in 0..<(A * (T + 1) * P) { stateCost[i] = 0 }
    for i in 0..<(A * T * P) {
      eventCost[i] = 0
      moveCost[i] = 0
    }
    for i in 0..<(A * P) { startCost[i] = 0 }
  }

  /// Adds the state costs of arm `a` computed from its occupancy: stateCost[a][t][p] +=
  /// Σ_s occupancy[a][t][s]·cost(s)[p], with `cost(s)` the state's payer costs per cycle.
  func addStateCosts(arm a: Int, costOfState: (Int) -> UnsafePointer<Double>) {
    for s in 0..<S {
      let c = costOfState(s)
      for t in 0...T {
        let n = occupancy[(a * (T + 1) + t) * S + s]
        if n == 0 { continue }
        let out = stateCost + (a * (T + 1) + t) * P
        for p in 0..<P { out[p] += n * c[p] }
      }
    }
  }

  /// Reduces the accumulators to the run's ``DetailLayout`` vector.
  func write(into detail: UnsafeMutablePointer<Double>) {
    let layout = self.layout
    let W = P + 1
    for i in 0..<(A * (T + 1) * S) { detail[layout.occupancyBase + i] = occupancy[i] }
    for i in 0..<(2 * A * T * W) { cycleCost[i] = 0 }
    for basis in DetailLayout.Basis.allCases {
      let bi = basis.rawValue
      let bw = boundaryWeight[bi], ew = eventWeight[bi], mw = moveWeight[bi]
      for a in 0..<A {
        let cc = cycleCost + (bi * A + a) * T * W
        for b in 0...T {
          let cost = stateCost + (a * (T + 1) + b) * P
          let w = bw[b]
          if w == 0 { continue }
          let t0 = firstCycle[b]
          let f = firstShare[b]
          for p in 0..<P {
            let v = w * cost[p]
            cc[t0 * W + p] += f * v
            if f < 1 { cc[(t0 + 1) * W + p] += (1 - f) * v }
          }
        }
        for t in 0..<T {
          for p in 0..<P {
            cc[t * W + p] += ew[t] * eventCost[(a * T + t) * P + p] + mw[t] * moveCost[(a * T + t) * P + p]
          }
        }
        for p in 0..<P { cc[p] += startCost[a * P + p] }
        for t in 0..<T {
          var total = 0.0
          for p in 0..<P { total += cc[t * W + p] }
          cc[t * W + P] = total
        }
        // Years.
        for y in 0..<Y { for p in 0...P { detail[layout.cash(arm: a, year: y, payer: p, basis: basis)] = 0 } }
        for t in 0..<T {
          let y = layout.yearOfCycle[t]
          for p in 0...P { detail[layout.cash(arm: a, year: y, payer: p, basis: basis)] += cc[t * W + p] }
        }
      }
      // Comparisons: net saving per year and payback.
      let ref = cycleCost + (bi * A + layout.reference) * T * W
      for (k, a) in layout.comparisons.enumerated() {
        for y in 0..<Y {
          for p in 0...P {
            detail[layout.netCash(comparison: k, year: y, payer: p, basis: basis)] =
              detail[layout.cash(arm: layout.reference, year: y, payer: p, basis: basis)] - detail[layout.cash(arm: a, year: y, payer: p, basis: basis)]
          }
        }
        let arm = cycleCost + (bi * A + a) * T * W
        for p in 0...P {
          var cumulative = 0.0
          var lastNotPositive = -1
          for t in 0..<T {
            cumulative += ref[t * W + p] - arm[t * W + p]
            if !(cumulative > 0) { lastNotPositive = t }
          }
          let payback = lastNotPositive == T - 1 ? Double.infinity : Double(lastNotPositive + 2)
          detail[layout.payback(comparison: k, payer: p, basis: basis)] = payback
          var lastCycle = -1
          for y in 0..<Y {
            while lastCycle + 1 < T && layout.yearOfCycle[lastCycle + 1] == y { lastCycle += 1 }
            detail[layout.paidBack(comparison: k, year: y, payer: p, basis: basis)] = payback <= Double(lastCycle + 1) ? 1 : 0
          }
        }
      }
    }
  }
}
