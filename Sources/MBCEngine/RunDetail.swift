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
  /// [basis][boundary]: ω_b(·d_b); [basis][cycle]: event weights d_t (or 1) and move weights w_t.
  let boundaryWeight: UnsafeMutablePointer<Double>, eventWeight: UnsafeMutablePointer<Double>, moveWeight: UnsafeMutablePointer<Double>
  /// Boundary b's state costs go to cycles `firstCycle[b]` (fraction `firstShare[b]`) and
  /// `firstCycle[b] + 1` (the rest).
  let firstCycle: UnsafeMutablePointer<Int>, firstShare: UnsafeMutablePointer<Double>
  /// The model year of each cycle, and the number of cycles up to the end of each year.
  let yearOfCycle: UnsafeMutablePointer<Int>, cyclesByEndOfYear: UnsafeMutablePointer<Int>

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
    boundaryWeight = zeroedBuffer(2 * (T + 1))
    eventWeight = zeroedBuffer(2 * max(T, 1))
    moveWeight = zeroedBuffer(2 * max(T, 1))
    for b in 0...T {
      boundaryWeight[b] = model.boundaryWeights[0][b]
      boundaryWeight[T + 1 + b] = undiscounted[b]
    }
    for t in 0..<T {
      eventWeight[t] = model.discount[0][t]
      eventWeight[T + t] = 1
      let next = model.transitionTiming == .nextBoundary
      moveWeight[t] = next ? model.boundaryWeights[0][t + 1] : model.discount[0][t]
      moveWeight[T + t] = next ? undiscounted[t + 1] : 1
    }
    firstCycle = .allocate(capacity: T + 1)
    firstShare = zeroedBuffer(T + 1)
    for b in 0...T {
      var first = b
      var share = 1.0
      switch scenario.costTiming {
      case .start: first = min(b, T - 1)
      case .end: first = max(b - 1, 0)
      default:
        if b == 0 {
          first = 0
        } else if b == T {
          first = T - 1
        } else {
          first = b - 1
          share = 0.5
        }
      }
      firstCycle[b] = first
      firstShare[b] = share
    }
    yearOfCycle = .allocate(capacity: max(T, 1))
    yearOfCycle.initialize(from: layout.yearOfCycle, count: T)
    cyclesByEndOfYear = .allocate(capacity: Y)
    for y in 0..<Y { cyclesByEndOfYear[y] = layout.yearOfCycle.lastIndex(of: y).map { $0 + 1 } ?? 0 }
  }

  deinit {
    for p in [occupancy, stateCost, eventCost, moveCost, startCost, cycleCost, boundaryWeight, eventWeight, moveWeight, firstShare] { p.deallocate() }
    firstCycle.deallocate()
    yearOfCycle.deallocate()
    cyclesByEndOfYear.deallocate()
  }

  /// The undiscounted cost of each cycle of arm `a`, [cycle][payer, total] (P + 1 per cycle),
  /// as computed by the last ``write(into:)``.
  func undiscountedCycleCost(arm a: Int) -> UnsafePointer<Double> {
    UnsafePointer(cycleCost + (A + a) * T * (P + 1))
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

  /// Reduces the accumulators to the run's ``DetailLayout`` vector.
  func write(into detail: UnsafeMutablePointer<Double>) {
    let A = self.A, P = self.P, T = self.T, Y = self.Y, S = self.S
    let W = P &+ 1
    let B = 2
    let occupancyOut = detail + layout.occupancyBase
    for i in 0..<(A &* (T &+ 1) &* S) { occupancyOut[i] = occupancy[i] }
    for i in 0..<(B &* A &* T &* W) { cycleCost[i] = 0 }
    // Cycle costs [basis][arm][cycle][payer, total], both bases in one pass.
    let bwD = boundaryWeight, bwU = boundaryWeight + (T &+ 1)
    let ewD = eventWeight, ewU = eventWeight + T, mwD = moveWeight, mwU = moveWeight + T
    for a in 0..<A {
      let ccD = cycleCost + a &* T &* W
      let ccU = cycleCost + (A &+ a) &* T &* W
      for b in 0...T {
        let wD = bwD[b], wU = bwU[b]
        if wD == 0 && wU == 0 { continue }
        let cost = stateCost + (a &* (T &+ 1) &+ b) &* P
        let offset = firstCycle[b] &* W
        let f = firstShare[b]
        let g = 1 - f
        let firstD = ccD + offset, firstU = ccU + offset
        if f == 1 {
          for p in 0..<P {
            firstD[p] += wD * cost[p]
            firstU[p] += wU * cost[p]
          }
        } else {
          for p in 0..<P {
            let vD = wD * cost[p], vU = wU * cost[p]
            firstD[p] += f * vD
            firstD[W &+ p] += g * vD
            firstU[p] += f * vU
            firstU[W &+ p] += g * vU
          }
        }
      }
      let events = eventCost + a &* T &* P, moves = moveCost + a &* T &* P
      for t in 0..<T {
        let rowD = ccD + t &* W, rowU = ccU + t &* W
        let e = events + t &* P, m = moves + t &* P
        for p in 0..<P {
          rowD[p] += ewD[t] * e[p] + mwD[t] * m[p]
          rowU[p] += ewU[t] * e[p] + mwU[t] * m[p]
        }
      }
      for p in 0..<P {
        ccD[p] += startCost[a &* P &+ p]
        ccU[p] += startCost[a &* P &+ p]
      }
      for bi in 0..<B {
        let cc = bi == 0 ? ccD : ccU
        for t in 0..<T {
          let row = cc + t &* W
          var total = 0.0
          for p in 0..<P { total += row[p] }
          row[P] = total
        }
        // Years: cash[a][y][payer][basis].
        let cash = detail + (layout.cashBase &+ a &* Y &* W &* B &+ bi)
        for i in 0..<(Y &* W) { cash[i &* B] = 0 }
        for t in 0..<T {
          let out = cash + yearOfCycle[t] &* W &* B
          let row = cc + t &* W
          for p in 0...P { out[p &* B] += row[p] }
        }
      }
    }
    // Comparisons: net saving per year, payback.
    for bi in 0..<B {
      let ref = cycleCost + (bi &* A &+ layout.reference) &* T &* W
      let refCash = detail + (layout.cashBase &+ layout.reference &* Y &* W &* B &+ bi)
      for (k, a) in layout.comparisons.enumerated() {
        let armCash = detail + (layout.cashBase &+ a &* Y &* W &* B &+ bi)
        let net = detail + (layout.netCashBase &+ k &* Y &* W &* B &+ bi)
        for i in 0..<(Y &* W) { net[i &* B] = refCash[i &* B] - armCash[i &* B] }
        let arm = cycleCost + (bi &* A &+ a) &* T &* W
        let paidBack = detail + (layout.paidBackBase &+ k &* Y &* W &* B &+ bi)
        let payback = detail + (layout.paybackBase &+ k &* W &* B &+ bi)
        for p in 0...P {
          var cumulative = 0.0
          var lastNotPositive = -1
          for t in 0..<T {
            cumulative += ref[t &* W &+ p] - arm[t &* W &+ p]
            if !(cumulative > 0) { lastNotPositive = t }
          }
          let cycles = lastNotPositive == T &- 1 ? Double.infinity : Double(lastNotPositive &+ 2)
          payback[p &* B] = cycles
          for y in 0..<Y { paidBack[(y &* W &+ p) &* B] = cycles <= Double(cyclesByEndOfYear[y]) ? 1 : 0 }
        }
      }
    }
  }
}
