import MBCRandom
import MBCScenario

/// Cohort engine: the expected-value Markov trace of the same scenario, exact given a run's
/// parameters (no sampling within a run).
///
/// For each arm and client profile (subgroup × categorical attributes, weighted by their
/// shares) the state distribution m_t evolves by m_{t+1} = m_t P_t from the start
/// distribution; when any table of the arm uses `time_in_state`, the trace runs over (state,
/// time in state) pairs (tunnel states: a stay moves a client from (s, d) to (s, d + 1), a
/// move to (j, 0)). The same tables as the individual engine give:
/// - state rewards Σ_t ω_t·d_t·Σ_s m_t(s)·r_s(t) over boundaries t = 0 … T;
/// - rate events Σ_{t<T} Σ_s m_t(s)·λ_s(t) (and their rewards, discounted with d_t);
/// - moves Σ_{t<T} m_t(s)·P_t(s, j) (and their rewards, in cycle t or at boundary t + 1);
/// all multiplied by the cohort size N, so that outputs compare with the individual engine's.
/// A client's age must be fixed per subgroup: the trace cannot follow a distribution of ages.
///
/// In an arm with a group (``MBCScenario/Scenario/Group``) the member state follows the exact
/// expected membership of ``GroupProcess/expected(clients:size:minimum:stay:)``: it starts
/// with the members of the groups that form (the rest start in the closing state); in cycle t
/// of the M_t members, M_t·P_t(member, j) leave by the row, M_{t+1} stay, and the remaining
/// M_t·P_t(member, member) − M_{t+1} are moved to the closing state by closing groups (a
/// move, with its events and costs). The groups' shared costs are Σ_t open_t·d_t·c_t per
/// cycle plus formed × the cost per group formed.
final class CohortEngine {
  let model: CompiledModel
  let tables: RunTables
  let seed: UInt64
  let S: Int, A: Int, P: Int, R: Int, E: Int, T: Int, N: Int

  let acc: UnsafeMutablePointer<Double>  // A·R
  let eventCount: UnsafeMutablePointer<Double>  // A·E
  let moveCount: UnsafeMutablePointer<Double>  // A·S·S
  let current: UnsafeMutablePointer<Double>  // S·D
  let next: UnsafeMutablePointer<Double>  // S·D
  let D: Int
  /// Outputs over time (only while `recording`).
  let detail: RunDetail
  var recording = false
  /// The service spell of `mbc stress` (``MBCScenario/Scenario/Budget/Service``): in arm
  /// `serviceArm` (−1: none) the trace also follows the clients who have been in an
  /// `inService` state at every boundary since the start; `serviceSurvival[t]` is their share
  /// at boundary t (1 at t = 0: a client holds a place in the admission month).
  var serviceArm = -1
  var inService: [Bool] = []
  let serviceSurvival: UnsafeMutablePointer<Double>  // T+1
  let alive: UnsafeMutablePointer<Double>  // S·D
  let aliveNext: UnsafeMutablePointer<Double>  // S·D

  /// Why the cohort engine cannot run this scenario (nil when it can).
  static func unsupportedReason(_ model: CompiledModel) -> String? {
    for (a, uses) in model.usesAge.enumerated() where uses {
      for g in model.scenario.subgroups {
        if let d = g.age?.distribution, case .fixed = d { continue }
        return "the cohort engine needs a fixed age per subgroup, but arm \(model.scenario.arms[a].name) uses age and subgroup '\(g.name)' has age \(g.age?.written ?? "none"); use --engine individual, or give each subgroup a fixed age"
      }
    }
    return nil
  }

  init(model: CompiledModel, seed: UInt64 = 0) {
    self.model = model
    self.seed = seed
    tables = RunTables(model)
    S = model.stateCount
    A = model.armCount
    P = model.payerCount
    R = model.rewardCount
    E = model.rateEventCount
    T = model.horizon
    N = model.clients
    D = model.usesDuration.contains(true) ? T + 1 : 1
    acc = zeroedBuffer(A * R)
    eventCount = zeroedBuffer(A * E)
    moveCount = zeroedBuffer(A * S * S)
    current = zeroedBuffer(S * D)
    next = zeroedBuffer(S * D)
    detail = RunDetail(model: model)
    serviceSurvival = zeroedBuffer(T + 1)
    alive = zeroedBuffer(S * D)
    aliveNext = zeroedBuffer(S * D)
  }

  deinit {
    for p in [acc, eventCount, moveCount, current, next, serviceSurvival, alive, aliveNext] { p.deallocate() }
  }

  /// Simulates run `run` (parameters drawn as in the individual engine) into `row`, and its
  /// outputs over time into `details` when given.
  func simulate(run: Int, into row: UnsafeMutablePointer<Double>, details: UnsafeMutablePointer<Double>? = nil) throws(SimulationError) {
    try tables.drawParameters(seed: seed, run: run)
    try compute(run: run, into: row, details: details)
  }

  /// The run's parameter values (one per value name, scenario order), after ``simulate``.
  func parameterValues(into out: UnsafeMutablePointer<Double>) {
    for i in 0..<model.parameterValueCount { out[i] = tables.base[i] }
  }

  /// The trace with the current parameters (after draws or ``RunTables/setParametersToMeans()``).
  func compute(run: Int, into row: UnsafeMutablePointer<Double>, details: UnsafeMutablePointer<Double>? = nil) throws(SimulationError) {
    try tables.evaluateTables(run: run)
    try tables.evaluatePopulation(run: run)
    recording = details != nil
    if recording { detail.reset() }
    for i in 0..<(A * R) { acc[i] = 0 }
    for i in 0..<(A * E) { eventCount[i] = 0 }
    for i in 0..<(A * S * S) { moveCount[i] = 0 }
    for t in 0...T { serviceSurvival[t] = 0 }
    let profiles = model.keys.profiles
    let nAttr = max(model.scenario.attributes.count, 1)
    for a in 0..<A {
      let group = model.groups[a].map { groupProcess(arm: a, spec: $0) }
      for g in 0..<profiles.count {
        let (subgroup, categories) = profiles.decompose(g)
        var w = tables.subgroupShare[subgroup]
        for (k, c) in categories.enumerated() { w *= tables.categoryShare[(subgroup * nAttr + k) * tables.maxCategories + c] }
        if w == 0 { continue }
        var age0 = 0.0
        if case .fixed(let x)? = model.population.age[subgroup] { age0 = x }
        trace(arm: a, profile: g, subgroup: subgroup, age: age0, scale: Double(N) * w, group: group)
      }
    }
    writeMetrics(into: row)
    if let details { detail.write(into: details) }
  }

  /// The expected group process of arm a in this run (see ``GroupProcess``); adds the
  /// groups' shared costs to the arm's sums.
  private func groupProcess(arm a: Int, spec: CompiledModel.GroupSpec) -> GroupProcess.Expectation {
    let row = model.rows[a][spec.member]
    let stay = (0..<T).map { t in tables.probability[row.base + row.strides.entry(cycle: t, age: 0, duration: 0, profile: 0) * S + spec.member] }
    let expectation = GroupProcess.expected(clients: N, size: tables.groupSize[a], minimum: tables.groupMinimum[a], stay: stay)
    let sums = acc + a * R
    if !model.groupCycleContributions[a].isEmpty {
      let table = model.groupCycleRewards[a]
      for t in 0..<T where expectation.openGroups[t] > 0 {
        let open = expectation.openGroups[t]
        let out = tables.rewards + table.base + table.strides.entry(cycle: t, age: 0, duration: 0, profile: 0) * R
        for r in 0..<R { sums[r] += open * model.discount[model.category[r]][t] * out[r] }
        if recording {
          let raw = detail.eventCost + (a * T + t) * P
          for p in 0..<P { raw[p] += open * out[p] }
        }
      }
    }
    if !model.groupStartContributions[a].isEmpty && expectation.formed > 0 {
      let out = tables.rewards + model.groupStartRewards[a].base
      for r in 0..<R { sums[r] += expectation.formed * out[r] }
      if recording { for p in 0..<P { detail.startCost[a * P + p] += expectation.formed * out[p] } }
    }
    return expectation
  }

  private func ageIndex(_ age0: Double, _ t: Int) -> Int {
    let keys = model.keys
    let years = age0 + Double(t) * model.scenario.cycleLength
    return keys.ageKey(years: years)
  }

  private func trace(arm a: Int, profile g: Int, subgroup: Int, age age0: Double, scale: Double, group groupExpectation: GroupProcess.Expectation?) {
    let D = model.usesDuration[a] ? self.D : 1
    let usesAge = model.usesAge[a]
    let moveAtBoundary = model.transitionTiming == .nextBoundary
    for i in 0..<(S * self.D) {
      current[i] = 0
      next[i] = 0
    }
    let spec = model.groups[a]
    let n = Double(N)
    if let spec, let group = groupExpectation {
      current[spec.member * D] = group.members[0] / n
      current[spec.onClose * D] = group.notFormed / n
    } else {
      for s in 0..<S { current[s * D] = tables.startShare[subgroup * S + s] }
    }
    let sums = acc + a * R
    let recording = self.recording
    let service = a == serviceArm
    if service {
      for i in 0..<(S * self.D) {
        alive[i] = current[i]
        aliveNext[i] = 0
      }
    }
    for t in 0...T {
      if service {
        var share = 0.0
        for i in 0..<(S * D) { share += alive[i] }
        serviceSurvival[t] += scale / Double(N) * share
      }
      let age = usesAge ? ageIndex(age0, t) : 0
      // State rewards at boundary t.
      for s in 0..<S {
        let table = model.stateRewards[a][s]
        for d in 0..<D {
          let m = current[s * D + d]
          if m == 0 { continue }
          let out = tables.rewards + table.base + table.strides.entry(cycle: t, age: age, duration: d, profile: g) * R
          for r in 0..<R { sums[r] += scale * m * model.boundaryWeights[model.category[r]][t] * out[r] }
          if recording {
            detail.occupancy[(a * (T + 1) + t) * S + s] += scale * m
            let raw = detail.stateCost + (a * (T + 1) + t) * P
            for p in 0..<P { raw[p] += scale * m * out[p] }
          }
        }
      }
      if t == T { break }
      // Events and moves during cycle t.
      for s in 0..<S {
        let row = model.rows[a][s]
        for d in 0..<D {
          let m = current[s * D + d]
          if m == 0 { continue }
          for e in 0..<E {
            let table = model.rates[a][e][s]
            let lambda = tables.rateMean[table.base + table.strides.entry(cycle: t, age: age, duration: d, profile: g)]
            eventCount[a * E + e] += scale * m * lambda
            let rt = model.eventRewards[a][e]
            if !model.eventContributions[a][e].isEmpty {
              let out = tables.rewards + rt.base + rt.strides.entry(cycle: t, age: age, duration: d, profile: g) * R
              for r in 0..<R { sums[r] += scale * m * lambda * model.discount[model.category[r]][t] * out[r] }
              if recording {
                let raw = detail.eventCost + (a * T + t) * P
                for p in 0..<P { raw[p] += scale * m * lambda * out[p] }
              }
            }
          }
          let p = tables.probability + row.base + row.strides.entry(cycle: t, age: age, duration: d, profile: g) * S
          if service, case let still = alive[s * D + d], still > 0 {
            for k in 0..<S where inService[k] {
              aliveNext[k == s ? s * D + min(d + 1, D - 1) : k * D] += still * p[k]
            }
          }
          for k in 0..<S {
            var flow = m * p[k]
            var j = k
            if k == s, let spec, s == spec.member, let group = groupExpectation {
              // Of the members the row keeps, those of closing groups go to the closing state.
              let kept = min(flow, group.members[t + 1] / n)
              next[s * D + min(d + 1, D - 1)] += kept
              flow -= kept
              j = spec.onClose
            }
            if flow == 0 { continue }
            if j == s {
              next[s * D + min(d + 1, D - 1)] += flow
              continue
            }
            next[j * D] += flow
            moveCount[(a * S + s) * S + j] += scale * flow
            if !model.moveContributions[a][s * S + j].isEmpty {
              let mt = model.moveRewards[a][s * S + j]
              let out = tables.rewards + mt.base + mt.strides.entry(cycle: t, age: age, duration: d, profile: g) * R
              for r in 0..<R {
                let c = model.category[r]
                sums[r] += scale * flow * (moveAtBoundary ? model.boundaryWeights[c][t + 1] : model.discount[c][t]) * out[r]
              }
              if recording {
                let raw = detail.moveCost + (a * T + t) * P
                for p in 0..<P { raw[p] += scale * flow * out[p] }
              }
            }
          }
        }
      }
      for i in 0..<(S * D) {
        current[i] = next[i]
        next[i] = 0
      }
      if service {
        for i in 0..<(S * D) {
          alive[i] = aliveNext[i]
          aliveNext[i] = 0
        }
      }
    }
    // Once at the start.
    if !model.startContributions[a].isEmpty {
      let table = model.startRewards[a]
      let out = tables.rewards + table.base + table.strides.entry(cycle: 0, age: usesAge || table.dimensions.contains(.age) ? ageIndex(age0, 0) : 0, duration: 0, profile: g) * R
      for r in 0..<R { sums[r] += scale * out[r] }
      if recording { for p in 0..<P { detail.startCost[a * P + p] += scale * out[p] } }
    }
  }

  private func writeMetrics(into row: UnsafeMutablePointer<Double>) {
    let layout = model.layout
    for a in 0..<A {
      layout.writeRewards(arm: a, into: row) { acc[a * R + $0] }
      for (r, event) in model.rateEvents.enumerated() { row[layout.events(arm: a, event: event.event)] = eventCount[a * E + r] }
      for event in model.transitionEvents {
        var count = 0.0
        for m in event.moves { count += moveCount[(a * S + m.from) * S + m.to] }
        row[layout.events(arm: a, event: event.event)] = count
      }
    }
    layout.writeComparisons(row)
  }
}
