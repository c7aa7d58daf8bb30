import Foundation
import MBCRandom
import MBCScenario

/// The flat numeric tables of one run, evaluated from a ``CompiledModel`` and the run's
/// parameter draws. One instance per worker thread, reused for every run it simulates: after
/// `init` nothing here allocates.
///
/// Layout (all row-major, `S` states, `A` arms, `P` payers, `E` rate events):
/// - `cumulative[(a·S + s)·S + j]`: cumulative move probabilities of row s in column order,
///   the stay probability in place of column s (= 1 − Σ moves). Columns after the last with
///   positive probability are +∞, so the scan `first j with u < cum[j]` always ends and never
///   picks an impossible move.
/// - `rateMean[(a·E + e)·S + s]`, `expMinusRate[…]`: Poisson mean per cycle and exp(−mean).
/// - `poissonCDF[((a·E + e)·S + s)·K + i]`, i < K = ``RunTables/poissonTableSize``: the
///   Poisson CDF F(i) of that mean, so that a count below K is found by K comparisons
///   without a loop or a division (a mean of 0 gives F ≡ 1, hence always 0).
/// - `stateCost[(a·S + s)·P + p]`: cost per cycle in state s, payer p.
/// - `moveCost[((a·S + s)·S + j)·P + p]`: cost per move s → j (transition costs and costs of
///   the transition events it triggers).
/// - `rateEventCost[(a·E + e)·P + p]`: cost per occurrence of rate event e.
/// - `startCost[a·P + p]`: cost once per client at t = 0.
final class RunTables {
  let model: CompiledModel
  let S: Int, A: Int, P: Int, E: Int

  let parameters: UnsafeMutableBufferPointer<Double>
  let stack: UnsafeMutablePointer<Double>
  let moveProbability: UnsafeMutablePointer<Double>  // A·S·S, scratch
  let cumulative: UnsafeMutablePointer<Double>
  let rateMean: UnsafeMutablePointer<Double>
  let expMinusRate: UnsafeMutablePointer<Double>
  let poissonCDF: UnsafeMutablePointer<Double>

  /// Entries of the Poisson CDF table per (arm, event, state): counts 0…K−1 are read from
  /// it; larger counts (probability 1 − F(K−1), below 3e-4 for a mean of 0.3) fall back to
  /// sequential inversion.
  static let poissonTableSize = 4

  /// The Poisson count for uniform `u`: the number of table entries F(0…3) that u reaches,
  /// or, when u ≥ F(3), ``Poisson/inverse(uniform:mean:expMinusMean:)`` (which gives the
  /// same answer everywhere, only slower). Equal to the smallest k with u < F(k).
  @inline(__always)
  static func poissonCount(uniform u: Double, cdf f: UnsafePointer<Double>, mean: Double, expMinusMean: Double) -> Int {
    let k = (u >= f[0] ? 1 : 0) &+ (u >= f[1] ? 1 : 0) &+ (u >= f[2] ? 1 : 0) &+ (u >= f[3] ? 1 : 0)
    return k < 4 ? k : Poisson.inverse(uniform: u, mean: mean, expMinusMean: expMinusMean)
  }
  let stateCost: UnsafeMutablePointer<Double>
  let moveCost: UnsafeMutablePointer<Double>
  let rateEventCost: UnsafeMutablePointer<Double>
  let startCost: UnsafeMutablePointer<Double>
  let shares: UnsafeMutablePointer<Double>  // P, scratch

  init(_ model: CompiledModel) {
    self.model = model
    S = model.stateCount
    A = model.armCount
    P = model.payerCount
    E = model.rateEventCount
    let buffer = zeroedBuffer
    parameters = UnsafeMutableBufferPointer(start: buffer(model.scenario.parameters.count), count: model.scenario.parameters.count)
    stack = buffer(model.stackSize)
    moveProbability = buffer(A * S * S)
    cumulative = buffer(A * S * S)
    rateMean = buffer(A * E * S)
    expMinusRate = buffer(A * E * S)
    poissonCDF = buffer(A * E * S * Self.poissonTableSize)
    stateCost = buffer(A * S * P)
    moveCost = buffer(A * S * S * P)
    rateEventCost = buffer(A * E * P)
    startCost = buffer(A * P)
    shares = buffer(P)
  }

  deinit {
    for p in [parameters.baseAddress!, stack, moveProbability, cumulative, rateMean, expMinusRate, poissonCDF, stateCost, moveCost, rateEventCost, startCost, shares] {
      p.deallocate()
    }
  }

  // MARK: - Parameters

  /// Draws run `run`'s parameters: each distribution from its own stream
  /// (seed, run, 0, parameter name), then the expressions in dependency order.
  func drawParameters(seed: UInt64, run: Int) throws(SimulationError) {
    for d in model.drawn {
      var g = StreamKey(seed: seed, run: UInt64(run), purpose: d.purpose).makeGenerator()
      parameters[d.slot] = d.distribution.sample(using: &g)
    }
    try evaluateDerived(run: run)
  }

  /// Sets every drawn parameter to the mean of its distribution (the deterministic base case).
  func setParametersToMeans() throws(SimulationError) {
    for d in model.drawn { parameters[d.slot] = d.distribution.mean }
    try evaluateDerived(run: -1)
  }

  /// Sets parameters to given values (by slot), then evaluates the expressions.
  func setParameters(_ values: [Double], run: Int) throws(SimulationError) {
    for d in model.drawn { parameters[d.slot] = values[d.slot] }
    try evaluateDerived(run: run)
  }

  private func evaluateDerived(run: Int) throws(SimulationError) {
    let values = UnsafeBufferPointer(parameters)
    for d in model.derived {
      let v = d.program.evaluate(values, stack: stack)
      guard v.isFinite else {
        throw .invalidValue(run: run, what: "parameter '\(model.scenario.parameters[d.slot].name)'", value: v, expected: "a finite number (check for division by zero or log of a non-positive value)")
      }
      parameters[d.slot] = v
    }
  }

  // MARK: - Tables

  /// Evaluates every table of the run from the current parameters, checking each value.
  func evaluateTables(run: Int) throws(SimulationError) {
    let values = UnsafeBufferPointer(parameters)
    let scenario = model.scenario

    // Transition rows.
    for a in 0..<A {
      for s in 0..<S {
        let row = moveProbability + (a * S + s) * S
        for j in 0..<S { row[j] = 0 }
        var sum = 0.0
        for m in model.moves[a][s] {
          let p = m.program.evaluate(values, stack: stack)
          guard p.isFinite, p >= 0, p <= 1 else {
            throw .invalidTransitionRow(run: run, arm: scenario.arms[a].name, state: scenario.states[s].name,
                                        detail: "the probability of moving to \(scenario.states[m.to].name) is \(p); expected a probability in [0, 1]")
          }
          row[m.to] += p
          sum += p
        }
        guard sum <= 1 + 1e-9 else {
          let parts = model.moves[a][s].map { "\(scenario.states[$0.to].name) \(row[$0.to])" }.joined(separator: " + ")
          throw .invalidTransitionRow(run: run, arm: scenario.arms[a].name, state: scenario.states[s].name,
                                      detail: "the moves sum to \(sum) (\(parts)); they must sum to at most 1 (the stay probability is the rest)")
        }
        row[s] = max(0, 1 - sum)
        // Cumulate; +∞ after the last column with positive probability.
        let cum = cumulative + (a * S + s) * S
        var acc = 0.0
        var last = s
        for j in 0..<S where row[j] > 0 { last = j }
        for j in 0..<S {
          acc += row[j]
          cum[j] = j >= last ? .infinity : acc
        }
      }
    }

    // Poisson means of rate events (the same in every arm in this version of the format).
    for e in 0..<E {
      for s in 0..<S { rateMean[e * S + s] = 0 }
      for m in model.rateEvents[e].means {
        let lambda = m.program.evaluate(values, stack: stack)
        guard lambda.isFinite, lambda >= 0, lambda <= CompiledModel.maximumRate else {
          throw .invalidValue(run: run, what: "the rate of event '\(scenario.events[model.rateEvents[e].event].name)' in state \(scenario.states[m.state].name)",
                              value: lambda, expected: "a mean count per cycle between 0 and \(Int(CompiledModel.maximumRate))")
        }
        rateMean[e * S + m.state] += lambda
      }
    }
    for a in 0..<A {
      for i in 0..<(E * S) {
        rateMean[a * E * S + i] = rateMean[i]
        let lambda = rateMean[i]
        let p0 = Foundation.exp(-lambda)
        expMinusRate[a * E * S + i] = p0
        // F(k) by the same recursion as Poisson.inverse, so that the table and the fallback
        // give the same count for every u.
        let table = poissonCDF + (a * E * S + i) * Self.poissonTableSize
        var p = p0
        var f = p0
        for k in 0..<Self.poissonTableSize {
          if k > 0 {
            p *= lambda / Double(k)
            f += p
          }
          table[k] = lambda > 0 ? f : 1
        }
      }
    }

    // Costs.
    for i in 0..<(A * S * P) { stateCost[i] = 0 }
    for i in 0..<(A * S * S * P) { moveCost[i] = 0 }
    for i in 0..<(A * E * P) { rateEventCost[i] = 0 }
    for i in 0..<(A * P) { startCost[i] = 0 }
    for cost in model.costs {
      let amount = cost.amount.evaluate(values, stack: stack)
      guard amount.isFinite else {
        throw .invalidValue(run: run, what: "the amount of cost line '\(cost.name)'", value: amount, expected: "a finite amount")
      }
      for p in 0..<P { shares[p] = 0 }
      var total = 0.0
      for s in cost.shares {
        let v = s.program.evaluate(values, stack: stack)
        guard v.isFinite, v >= 0, v <= 1 else {
          throw .invalidValue(run: run, what: "the share of \(scenario.payers[s.payer].name) in cost line '\(cost.name)'", value: v, expected: "a share between 0 and 1")
        }
        shares[s.payer] += v
        total += v
      }
      guard abs(total - 1) <= 1e-9 else {
        throw .invalidValue(run: run, what: "the sum of the payer shares of cost line '\(cost.name)'", value: total, expected: "1")
      }
      for a in 0..<A where cost.arms[a] {
        switch cost.basis {
        case .perCycle(let states):
          for s in states { for p in 0..<P { stateCost[(a * S + s) * P + p] += amount * shares[p] } }
        case .perRateEvent(let e):
          for p in 0..<P { rateEventCost[(a * E + e) * P + p] += amount * shares[p] }
        case .perMoves(let moves):
          for m in moves { for p in 0..<P { moveCost[((a * S + m.from) * S + m.to) * P + p] += amount * shares[p] } }
        case .atStart:
          for p in 0..<P { startCost[a * P + p] += amount * shares[p] }
        }
      }
    }
  }
}

/// A zero-filled buffer of `count` doubles (at least one), owned by the caller, who
/// deallocates it. The engine's per-worker scratch space is made of these.
func zeroedBuffer(_ count: Int) -> UnsafeMutablePointer<Double> {
  let p = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
  p.initialize(repeating: 0, count: max(count, 1))
  return p
}
