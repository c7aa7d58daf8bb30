import Foundation
import MBCRandom
import MBCScenario

/// The flat numeric tables of one run, evaluated from a ``CompiledModel`` and the run's
/// parameter draws. One instance per worker thread, reused for every run it simulates: after
/// `init` nothing here allocates.
///
/// Per arm a, the run's value vector is the base draw with the arm's parameter settings
/// applied; every table of the arm is evaluated with it, once per key of the table's
/// dimensions (see ``KeySpace``):
/// - `probability`/`cumulative` (rows, S values per entry): move probabilities of a state's
///   row (stay = 1 − Σ moves), and their cumulative sums in column order. Columns after the
///   last with positive probability are +∞, so the scan `first j with u < cum[j]` always ends
///   and never picks an impossible move.
/// - `rateMean`, `expMinusRate`, `poissonCDF` (rate events): the Poisson mean per cycle,
///   exp(−mean), and F(0 … K−1) for table lookup of small counts.
/// - `rewards`: R components per entry (payer costs, then effects) for each state, rate
///   event, move and the start.
final class RunTables {
  let model: CompiledModel
  let S: Int, A: Int, P: Int, R: Int

  let base: UnsafeMutableBufferPointer<Double>
  let values: [UnsafeMutableBufferPointer<Double>]  // per arm
  let stack: UnsafeMutablePointer<Double>
  let probability: UnsafeMutablePointer<Double>
  let cumulative: UnsafeMutablePointer<Double>
  let rateMean: UnsafeMutablePointer<Double>
  let expMinusRate: UnsafeMutablePointer<Double>
  let poissonCDF: UnsafeMutablePointer<Double>
  let rewards: UnsafeMutablePointer<Double>
  /// Evaluated payer shares: [arm][share line][payer].
  let shares: UnsafeMutablePointer<Double>
  let copulaScratch: UnsafeMutablePointer<Double>
  let vectorScratch: UnsafeMutableBufferPointer<Double>

  /// Population of the run: per subgroup cumulative shares; per subgroup and attribute the
  /// cumulative category shares; per subgroup the cumulative start shares. Also plain shares.
  let subgroupShare: UnsafeMutablePointer<Double>
  let subgroupCumulative: UnsafeMutablePointer<Double>
  let categoryShare: UnsafeMutablePointer<Double>  // [subgroup][attribute][maxCategories]
  let categoryCumulative: UnsafeMutablePointer<Double>
  let startShare: UnsafeMutablePointer<Double>  // [subgroup][state]
  let startCumulative: UnsafeMutablePointer<Double>
  let maxCategories: Int

  /// Entries of the Poisson CDF table: counts 0…K−1 are read from it; larger counts
  /// (probability 1 − F(K−1), below 3e-4 for a mean of 0.3) fall back to sequential inversion.
  static let poissonTableSize = 4

  /// The Poisson count for uniform `u`: the number of table entries F(0…3) that u reaches,
  /// or, when u ≥ F(3), ``Poisson/inverse(uniform:mean:expMinusMean:)`` (which gives the
  /// same answer everywhere, only slower). Equal to the smallest k with u < F(k).
  @inline(__always)
  static func poissonCount(uniform u: Double, cdf f: UnsafePointer<Double>, mean: Double, expMinusMean: Double) -> Int {
    let k = (u >= f[0] ? 1 : 0) &+ (u >= f[1] ? 1 : 0) &+ (u >= f[2] ? 1 : 0) &+ (u >= f[3] ? 1 : 0)
    return k < 4 ? k : Poisson.inverse(uniform: u, mean: mean, expMinusMean: expMinusMean)
  }

  init(_ model: CompiledModel) {
    self.model = model
    S = model.stateCount
    A = model.armCount
    P = model.payerCount
    R = model.rewardCount
    let buffer = zeroedBuffer
    let n = model.slots.count
    base = UnsafeMutableBufferPointer(start: buffer(n), count: n)
    values = (0..<A).map { _ in UnsafeMutableBufferPointer(start: buffer(n), count: n) }
    stack = buffer(model.stackSize)
    probability = buffer(model.rowEntries)
    cumulative = buffer(model.rowEntries)
    rateMean = buffer(model.rateEntries)
    expMinusRate = buffer(model.rateEntries)
    poissonCDF = buffer(model.rateEntries * Self.poissonTableSize)
    rewards = buffer(model.rewardEntries)
    shares = buffer(A * model.shareLines.count * P)
    copulaScratch = buffer(2 * (model.copulas.map(\.slots.count).max() ?? 1))
    let vectorSize = model.vectorDraws.map(\.slots.count).max() ?? 1
    vectorScratch = UnsafeMutableBufferPointer(start: buffer(vectorSize), count: vectorSize)
    let G = model.scenario.subgroups.count
    maxCategories = model.scenario.attributes.map(\.categories.count).max() ?? 1
    let nAttr = max(model.scenario.attributes.count, 1)
    subgroupShare = buffer(G)
    subgroupCumulative = buffer(G)
    categoryShare = buffer(G * nAttr * maxCategories)
    categoryCumulative = buffer(G * nAttr * maxCategories)
    startShare = buffer(G * S)
    startCumulative = buffer(G * S)
    for v in values + [base] { v[model.slots.cycleLength] = model.scenario.cycleLength }
  }

  deinit {
    for p in [base.baseAddress!, stack, probability, cumulative, rateMean, expMinusRate, poissonCDF, rewards, shares,
              copulaScratch, vectorScratch.baseAddress!, subgroupShare, subgroupCumulative, categoryShare, categoryCumulative,
              startShare, startCumulative] + values.map({ $0.baseAddress! })
    {
      p.deallocate()
    }
  }

  // MARK: - Parameters

  /// Draws run `run`'s parameters: each distribution from its own stream (seed, run, 0,
  /// parameter name); correlated groups through their copula stream; then the expressions in
  /// dependency order; then each arm's settings.
  func drawParameters(seed: UInt64, run: Int) throws(SimulationError) {
    for d in model.draws {
      var g = StreamKey(seed: seed, run: UInt64(run), purpose: d.purpose).makeGenerator()
      base[d.slot] = d.distribution.sample(using: &g) * d.factor
    }
    for v in model.vectorDraws {
      var g = StreamKey(seed: seed, run: UInt64(run), purpose: v.purpose).makeGenerator()
      v.distribution.sample(using: &g, into: UnsafeMutableBufferPointer(rebasing: vectorScratch[0..<v.slots.count]))
      for (i, s) in v.slots.enumerated() { base[s] = vectorScratch[i] }
    }
    for c in model.copulas {
      // z ~ N(0, I) from the group's stream, x = L z, u = Φ(x), value = F⁻¹(u).
      var g = StreamKey(seed: seed, run: UInt64(run), purpose: c.purpose).makeGenerator()
      let n = c.slots.count
      let z = copulaScratch
      for i in 0..<n { z[i] = StandardNormal.quantile(g.nextOpenDouble()) }
      for i in 0..<n {
        var x = 0.0
        for j in 0...i { x += c.cholesky[i * n + j] * z[j] }
        z[n + i] = x
      }
      for i in 0..<n {
        base[c.slots[i]] = c.distributions[i].quantile(StandardNormal.cdf(z[n + i])) * c.factors[i]
      }
    }
    try evaluateDerived(base, run: run, arm: nil)
    try applyArms(run: run)
  }

  /// Sets every drawn parameter to the mean of its distribution (the deterministic base case).
  func setParametersToMeans() throws(SimulationError) {
    for d in model.draws { base[d.slot] = d.distribution.mean * d.factor }
    for v in model.vectorDraws { for (i, s) in v.slots.enumerated() { base[s] = v.distribution.mean[i] } }
    for c in model.copulas { for (i, s) in c.slots.enumerated() { base[s] = c.distributions[i].mean * c.factors[i] } }
    try evaluateDerived(base, run: -1, arm: nil)
    try applyArms(run: -1)
  }

  private func evaluateDerived(_ v: UnsafeMutableBufferPointer<Double>, run: Int, arm: Int?, skip: Set<Int> = []) throws(SimulationError) {
    let values = UnsafeBufferPointer(v)
    for d in model.derived where !skip.contains(d.slot) {
      let x = d.program.evaluate(values, stack: stack) * d.factor
      guard x.isFinite else {
        throw .invalidValue(run: run, what: "parameter '\(name(ofSlot: d.slot))'\(arm.map { " in arm \(model.scenario.arms[$0].name)" } ?? "")",
                            value: x, expected: "a finite number (check for division by zero or log of a non-positive value)")
      }
      v[d.slot] = x
    }
    for p in model.draws where !v[p.slot].isFinite {
      throw .invalidValue(run: run, what: "parameter '\(name(ofSlot: p.slot))'", value: v[p.slot], expected: "a finite number")
    }
  }

  /// Each arm's values: the base values with the arm's parameter settings, and the
  /// expressions that depend on them recomputed.
  private func applyArms(run: Int) throws(SimulationError) {
    for a in 0..<A {
      let v = values[a]
      for i in 0..<base.count { v[i] = base[i] }
      let overrides = model.overrides[a]
      if overrides.isEmpty { continue }
      for o in overrides {
        let x = o.program.evaluate(UnsafeBufferPointer(v), stack: stack)
        guard x.isFinite else {
          throw .invalidValue(run: run, what: "parameter '\(name(ofSlot: o.slot))' as set by arm \(model.scenario.arms[a].name)", value: x, expected: "a finite number")
        }
        v[o.slot] = x
      }
      try evaluateDerived(v, run: run, arm: a, skip: model.overriddenSlots[a])
    }
  }

  func name(ofSlot slot: Int) -> String {
    model.slots.slotByName.first { $0.value == slot }?.key ?? "#\(slot)"
  }

  /// Parameter values of the base case in scenario order (one per value name).
  var parameterValues: [Double] {
    Array(base[0..<(model.slots.parameterSlots.last?.upperBound ?? 0)])
  }

  // MARK: - Population

  /// Evaluates the subgroup, category and start shares (with the base values, so that the
  /// clients are the same in every arm) and their cumulative sums.
  func evaluatePopulation(run: Int) throws(SimulationError) {
    let pop = model.population
    let values = UnsafeBufferPointer(base)
    func check(_ x: Double, _ what: String) throws(SimulationError) -> Double {
      guard x.isFinite, x >= 0, x <= 1 else { throw .invalidValue(run: run, what: what, value: x, expected: "a share between 0 and 1") }
      return x
    }
    func checkSum(_ sum: Double, _ what: String) throws(SimulationError) {
      guard abs(sum - 1) <= 1e-9 else { throw .invalidValue(run: run, what: "the sum of \(what)", value: sum, expected: "1") }
    }
    var total = 0.0
    for (g, p) in pop.subgroupShares.enumerated() {
      subgroupShare[g] = try check(p.evaluate(values, stack: stack), "the share of subgroup \(model.scenario.subgroups[g].name)")
      total += subgroupShare[g]
      subgroupCumulative[g] = total
    }
    try checkSum(total, "the subgroup shares")
    let nAttr = max(model.scenario.attributes.count, 1)
    for g in 0..<pop.subgroupShares.count {
      for (k, programs) in pop.categoryShares[g].enumerated() {
        var sum = 0.0
        for (c, p) in programs.enumerated() {
          let i = (g * nAttr + k) * maxCategories + c
          categoryShare[i] = try check(p.evaluate(values, stack: stack), "the share of \(model.scenario.attributes[k].name) = \(model.scenario.attributes[k].categories[c])")
          sum += categoryShare[i]
          categoryCumulative[i] = sum
        }
        try checkSum(sum, "the shares of \(model.scenario.attributes[k].name)")
      }
      for s in 0..<S { startShare[g * S + s] = 0 }
      var sum = 0.0
      for (state, p) in pop.start[g] {
        startShare[g * S + state] += try check(p.evaluate(values, stack: stack), "the start share of \(model.scenario.states[state].name)")
      }
      for s in 0..<S {
        sum += startShare[g * S + s]
        startCumulative[g * S + s] = sum
      }
      try checkSum(sum, "the start shares")
    }
  }

  // MARK: - Tables

  /// Sets the model variables of a key in `v`.
  @inline(__always)
  private func setKey(_ v: UnsafeMutableBufferPointer<Double>, cycle t: Int, age: Int, duration: Int, profile g: Int) {
    let slots = model.slots
    v[slots.cycle] = Double(t)
    v[slots.time] = Double(t) * model.scenario.cycleLength
    v[slots.age] = Double(model.keys.ageMin + age)
    v[slots.timeInState] = Double(duration)
    if !slots.attributeSlots.isEmpty || model.keys.profiles.count > 1 {
      let (subgroup, categories) = model.keys.profiles.decompose(g)
      v[slots.subgroup] = Double(subgroup)
      for (k, s) in slots.attributeSlots.enumerated() { v[s] = Double(categories[k]) }
    }
  }

  /// Describes a key for error messages ("at cycle 3, age 45"), listing only its dimensions.
  private func where_(_ d: Dimensions, cycle t: Int, age: Int, duration: Int, profile g: Int) -> String {
    var parts: [String] = []
    if d.contains(.cycle) { parts.append("cycle \(t)") }
    if d.contains(.age) { parts.append("age \(model.keys.ageMin + age)") }
    if d.contains(.duration) { parts.append("time in state \(duration)") }
    if d.contains(.profile) {
      let (subgroup, categories) = model.keys.profiles.decompose(g)
      parts.append("subgroup \(model.scenario.subgroups[subgroup].name)")
      for (k, c) in categories.enumerated() { parts.append("\(model.scenario.attributes[k].name) \(model.scenario.attributes[k].categories[c])") }
    }
    return parts.isEmpty ? "" : " (at " + parts.joined(separator: ", ") + ")"
  }

  /// Evaluates every table of the run from the current parameters, checking each value.
  func evaluateTables(run: Int) throws(SimulationError) {
    let scenario = model.scenario
    let keys = model.keys
    for a in 0..<A {
      let v = values[a]
      let armName = scenario.arms[a].name

      // Transition rows.
      for s in 0..<S {
        let table = model.rows[a][s]
        let moves = model.moves[a][s]
        try keys.forEachKey(table.dimensions) { (entry, t, age, du, g) throws(SimulationError) in
          setKey(v, cycle: t, age: age, duration: du, profile: g)
          let row = probability + table.base + entry * S
          for j in 0..<S { row[j] = 0 }
          var sum = 0.0
          for m in moves {
            let p = m.program.evaluate(UnsafeBufferPointer(v), stack: stack)
            guard p.isFinite, p >= 0, p <= 1 else {
              throw .invalidTransitionRow(run: run, arm: armName, state: scenario.states[s].name,
                                          detail: "the probability of moving to \(scenario.states[m.to].name) is \(p)\(where_(table.dimensions, cycle: t, age: age, duration: du, profile: g)); expected a probability in [0, 1]")
            }
            row[m.to] += p
            sum += p
          }
          guard sum <= 1 + 1e-9 else {
            let parts = moves.map { "\(scenario.states[$0.to].name) \(row[$0.to])" }.joined(separator: " + ")
            throw .invalidTransitionRow(run: run, arm: armName, state: scenario.states[s].name,
                                        detail: "the moves sum to \(sum) (\(parts))\(where_(table.dimensions, cycle: t, age: age, duration: du, profile: g)); they must sum to at most 1 (the stay probability is the rest)")
          }
          row[s] = max(0, 1 - sum)
          let cum = cumulative + table.base + entry * S
          var acc = 0.0
          var last = s
          for j in 0..<S where row[j] > 0 { last = j }
          for j in 0..<S {
            acc += row[j]
            cum[j] = j >= last ? .infinity : acc
          }
        }
      }

      // Poisson means of rate events.
      for e in 0..<model.rateEventCount {
        for s in 0..<S {
          let table = model.rates[a][e][s]
          let programs = model.ratePrograms[e][s]
          try keys.forEachKey(table.dimensions) { (entry, t, age, du, g) throws(SimulationError) in
            setKey(v, cycle: t, age: age, duration: du, profile: g)
            var lambda = 0.0
            for p in programs { lambda += p.evaluate(UnsafeBufferPointer(v), stack: stack) }
            guard lambda.isFinite, lambda >= 0, lambda <= CompiledModel.maximumRate else {
              throw .invalidValue(run: run, what: "the rate of event '\(scenario.events[model.rateEvents[e].event].name)' in arm \(armName), state \(scenario.states[s].name)\(where_(table.dimensions, cycle: t, age: age, duration: du, profile: g))",
                                  value: lambda, expected: "a mean count per cycle between 0 and \(Int(CompiledModel.maximumRate))")
            }
            let i = table.base + entry
            rateMean[i] = lambda
            let p0 = Foundation.exp(-lambda)
            expMinusRate[i] = p0
            // F(k) by the same recursion as Poisson.inverse, so that the table and the fallback
            // give the same count for every u.
            let cdf = poissonCDF + i * Self.poissonTableSize
            var p = p0
            var f = p0
            for k in 0..<Self.poissonTableSize {
              if k > 0 {
                p *= lambda / Double(k)
                f += p
              }
              cdf[k] = lambda > 0 ? f : 1
            }
          }
        }
      }

      // Payer shares of the cost lines (once per run and arm; they do not use variables).
      let lines = model.shareLines.count
      for (l, line) in model.shareLines.enumerated() {
        let row = shares + (a * lines + l) * P
        for p in 0..<P { row[p] = 0 }
        var total = 0.0
        for share in line.shares {
          let x = share.program.evaluate(UnsafeBufferPointer(v), stack: stack)
          guard x.isFinite, x >= 0, x <= 1 else {
            throw .invalidValue(run: run, what: "the share of \(scenario.payers[share.payer].name) in cost line '\(line.name)' (arm \(armName))", value: x, expected: "a share between 0 and 1")
          }
          row[share.payer] += x
          total += x
        }
        guard abs(total - 1) <= 1e-9 else {
          throw .invalidValue(run: run, what: "the sum of the payer shares of cost line '\(line.name)' (arm \(armName))", value: total, expected: "1")
        }
      }

      // Rewards.
      func fill(_ table: CompiledModel.Table, _ contributions: [CompiledModel.Contribution], _ what: String) throws(SimulationError) {
        try keys.forEachKey(table.dimensions) { (entry, t, age, du, g) throws(SimulationError) in
          setKey(v, cycle: t, age: age, duration: du, profile: g)
          let out = rewards + table.base + entry * R
          for r in 0..<R { out[r] = 0 }
          for c in contributions {
            let amount = c.amount.evaluate(UnsafeBufferPointer(v), stack: stack)
            guard amount.isFinite else {
              throw .invalidValue(run: run, what: "the amount of '\(c.name)' \(what) in arm \(armName)\(where_(table.dimensions, cycle: t, age: age, duration: du, profile: g))", value: amount, expected: "a finite amount")
            }
            let share = c.share.map { shares[(a * lines + $0) * P + c.component] } ?? 1
            out[c.component] += amount * share * c.factor
          }
        }
      }
      for s in 0..<S { try fill(model.stateRewards[a][s], model.stateContributions[a][s], "in state \(scenario.states[s].name)") }
      for e in 0..<model.rateEventCount { try fill(model.eventRewards[a][e], model.eventContributions[a][e], "per event") }
      for m in 0..<(S * S) where !model.moveContributions[a][m].isEmpty {
        try fill(model.moveRewards[a][m], model.moveContributions[a][m], "per move")
      }
      try fill(model.startRewards[a], model.startContributions[a], "at start")
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
