import MBCRandom
import MBCScenario

/// Individual-level (microsimulation) engine: simulates every client of one run, cycle by
/// cycle, in every arm, and reduces the run to one row of metrics.
///
/// Per run: draw the parameters, evaluate the run's tables (``RunTables``), then for each
/// client c draw its characteristics (subgroup, attributes, age, start state; stream (seed,
/// run, c, attributes)) and its uniforms for the whole horizon — T from the transitions stream
/// (seed, run, c, transitions) and T from each rate event's stream (seed, run, c, event name) —
/// which every arm then uses (common random numbers: client c in cycle t uses the same uniforms
/// in each arm). In cycle t a client in state s:
/// 1. has the state rewards of boundary t counted with their timing weights (ω_t·d_t);
/// 2. for each rate event, takes that cycle's uniform (used even when the rate is 0, so that
///    the streams stay aligned across arms) and a Poisson count by inversion;
/// 3. takes that cycle's transitions uniform u and moves to the first column j with
///    u < cum[s][j]; a move counts its rewards (in cycle t, or at boundary t + 1 with
///    `transition_timing: next_boundary`).
/// The state at boundary T (the end) counts too. The engine runs step 3 over the whole horizon
/// first and then step 2 along the recorded path.
///
/// Two loops do step 3. Arms whose state and move rewards have no dimensions (``ArmFlags``
/// `counted`) only count the moves per (cycle, from, to), and ``reduceCounts()`` derives
/// occupancy, moves and their weights once per run; two such arms run in one loop
/// (``countedPair``), which overlaps their chains of states. Other arms take the general loop
/// (``pathPass``), which books every move and looks up keyed rewards as it goes; tests check
/// that both give the same results (``fastPaths`` off forces the general loop). Rate events
/// are counted per cycle in every arm and discounted per run. Nothing here allocates after
/// `init`, takes a lock or evaluates an expression.
final class IndividualEngine {
  let model: CompiledModel
  let tables: RunTables
  let seed: UInt64
  let S: Int, A: Int, P: Int, R: Int, C: Int, E: Int, T: Int, N: Int

  // Per-run accumulators.
  let acc: UnsafeMutablePointer<Double>  // A·R: rewards looked up per boundary, event or move
  let occupancy: UnsafeMutablePointer<Double>  // A·C·S: Σ ω_t·d_t over boundaries in s (fast path)
  let eventDiscounted: UnsafeMutablePointer<Double>  // A·E·C: Σ k·d_t (fast path)
  let eventCount: UnsafeMutablePointer<Double>  // A·E
  let moveCount: UnsafeMutablePointer<Double>  // A·S·S

  // Constants of the model, flattened for the loop.
  let weight: UnsafeMutablePointer<Double>  // C·(T+1): ω_t·d_t
  let prefix: UnsafeMutablePointer<Double>  // C·(T+2): prefix sums of weight
  let discount: UnsafeMutablePointer<Double>  // C·(T+1)
  let componentCategory: UnsafeMutablePointer<Int>  // R
  let rowBase: UnsafeMutablePointer<Int>, rowStride: UnsafeMutablePointer<Strides>  // A·S
  let rateBase: UnsafeMutablePointer<Int>, rateStride: UnsafeMutablePointer<Strides>  // A·E·S
  let stateBase: UnsafeMutablePointer<Int>, stateStride: UnsafeMutablePointer<Strides>  // A·S
  let eventBase: UnsafeMutablePointer<Int>, eventStride: UnsafeMutablePointer<Strides>  // A·E
  let moveBase: UnsafeMutablePointer<Int>, moveStride: UnsafeMutablePointer<Strides>  // A·S·S
  let moveHasRewards: UnsafeMutablePointer<Bool>  // A·S·S
  let moveKeyed: UnsafeMutablePointer<Bool>  // A·S·S: move rewards have dimensions (looked up per move)
  let moveWeighted: UnsafeMutablePointer<Double>  // A·S·S·C: Σ over moves of their weight (fast path)
  let moveWeight: UnsafeMutablePointer<Double>  // C·T: weight of a move in cycle t (d_t, or ω_{t+1} at the boundary)
  let eventKeyed: UnsafeMutablePointer<Bool>  // A·E: event rewards have dimensions
  let ratesKeyed: UnsafeMutablePointer<Bool>  // A·E: some state's rate table has dimensions
  /// Per arm, what the loops need to know (read once per client and arm, so kept flat).
  struct ArmFlags {
    var rowsKeyed: Bool, rewardsKeyed: Bool, usesAge: Bool, usesDuration: Bool, hasStartRewards: Bool
    /// Every move's rewards are time-homogeneous and there is one reward category: moves
    /// are accumulated inline (weighted counts) and costed per run.
    var simpleMoves: Bool
    /// Neither state nor move rewards have dimensions: the path loop only counts the moves
    /// per (cycle, from, to) in `transitionCounts`, and everything else (occupancy, move
    /// counts and weights, the outputs over time) is derived from those counts per run.
    var counted: Bool
  }
  let arms: UnsafeMutablePointer<ArmFlags>
  let moveAtBoundary: Bool
  let populationIsRandom: Bool
  let fixedAge: Double
  // Table pointers, copied from `tables` so that the loops load them from this object.
  let cumulative: UnsafeMutablePointer<Double>, rewards: UnsafeMutablePointer<Double>
  let poissonCDF: UnsafeMutablePointer<Double>, rateMean: UnsafeMutablePointer<Double>, expMinusRate: UnsafeMutablePointer<Double>

  // Ages: the key space's age key per whole year (copied, so that the loops touch no arrays).
  let ageKeyOfYear: UnsafeMutablePointer<Int>
  let ageMin: Int, ageYears: Int
  let cycleLength: Double
  let anyArmUsesAge: Bool

  // Per-client scratch.
  let agePath: UnsafeMutablePointer<Int>  // T + 1: the client's age key at each boundary
  /// The client's uniforms, drawn once and replayed in every arm (common random numbers):
  /// transitions (T) and each rate event's (E·T).
  let transitionUniforms: UnsafeMutablePointer<Double>
  let eventUniforms: UnsafeMutablePointer<Double>
  /// Per run, arms with `counted` set: clients in state s at the start of cycle t who move to
  /// j in cycle t (j = s: stay), [arm][t][s][j].
  let transitionCounts: UnsafeMutablePointer<Int32>
  let path: UnsafeMutablePointer<Int32>  // A·T: state at the start of each cycle, per arm
  let durationPath: UnsafeMutablePointer<Int32>  // T: time in state at each cycle
  let eventPurposes: [UInt64]

  // Outputs over time (only while `recording`): see ``RunDetail``.
  let detail: RunDetail
  var recording = false
  let occupancyChange: UnsafeMutablePointer<Double>  // A·(T+2)·S: +1 where a stay starts, −1 after it ends
  let eventsPerCycle: UnsafeMutablePointer<Int>  // A·E·T: counts of rate events per cycle (always; integers, so the loops add without conversion)
  /// Per (arm, move): its row in `movesPerCycle` when the move has rewards without dimensions, else −1.
  let rewardedMove: UnsafeMutablePointer<Int>  // A·S·S
  let rewardedMoves: [Int]  // the (arm·S·S + move) of each row
  let movesPerCycle: UnsafeMutablePointer<Double>  // rewarded moves × T: moves per cycle (fast path)

  // Groups (``GroupProcess``): per arm its member and closing states (−1: no group); per
  // (arm, client) the cycle in which the client's group closes on it (−1: never; −2: the
  // group does not form), from a pre-pass over the members' exit cycles.
  let groupMember: UnsafeMutablePointer<Int>, groupOnClose: UnsafeMutablePointer<Int>
  let groupForced: UnsafeMutablePointer<Int32>
  let exitCycles: UnsafeMutablePointer<Int32>
  let hasGroups: Bool

  /// Whether arms may take the counted path and be simulated in pairs (``countedPass``,
  /// ``countedPair``). Off, every arm runs the general per-move loop (``pathPass``): the
  /// reference that tests compare the fast paths with.
  let fastPaths: Bool

  init(model: CompiledModel, seed: UInt64, fastPaths: Bool = true) {
    self.fastPaths = fastPaths
    self.model = model
    self.seed = seed
    tables = RunTables(model)
    S = model.stateCount
    A = model.armCount
    P = model.payerCount
    R = model.rewardCount
    C = 1 + model.effectCount
    E = model.rateEventCount
    T = model.horizon
    N = model.clients
    let buffer = zeroedBuffer
    acc = buffer(A * R)
    occupancy = buffer(A * C * S)
    eventDiscounted = buffer(A * E * C)
    eventCount = buffer(A * E)
    moveCount = buffer(A * S * S)
    weight = buffer(C * (T + 1))
    prefix = buffer(C * (T + 2))
    discount = buffer(C * (T + 1))
    for c in 0..<C {
      for t in 0...T {
        weight[c * (T + 1) + t] = model.boundaryWeights[c][t]
        discount[c * (T + 1) + t] = model.discount[c][t]
        prefix[c * (T + 2) + t + 1] = prefix[c * (T + 2) + t] + model.boundaryWeights[c][t]
      }
    }
    componentCategory = .allocate(capacity: max(R, 1))
    componentCategory.initialize(from: model.category, count: R)
    func ints(_ values: [Int]) -> UnsafeMutablePointer<Int> {
      let p = UnsafeMutablePointer<Int>.allocate(capacity: max(values.count, 1))
      p.initialize(from: values, count: values.count)
      return p
    }
    func strides(_ values: [Strides]) -> UnsafeMutablePointer<Strides> {
      let p = UnsafeMutablePointer<Strides>.allocate(capacity: max(values.count, 1))
      p.initialize(from: values, count: values.count)
      return p
    }
    func bools(_ values: [Bool]) -> UnsafeMutablePointer<Bool> {
      let p = UnsafeMutablePointer<Bool>.allocate(capacity: max(values.count, 1))
      p.initialize(from: values, count: values.count)
      return p
    }
    let rows = model.rows.flatMap { $0 }
    rowBase = ints(rows.map(\.base))
    rowStride = strides(rows.map(\.strides))
    let rates = model.rates.flatMap { $0.flatMap { $0 } }
    rateBase = ints(rates.map(\.base))
    rateStride = strides(rates.map(\.strides))
    let states = model.stateRewards.flatMap { $0 }
    stateBase = ints(states.map(\.base))
    stateStride = strides(states.map(\.strides))
    let events = model.eventRewards.flatMap { $0 }
    eventBase = ints(events.map(\.base))
    eventStride = strides(events.map(\.strides))
    eventKeyed = bools(events.map { !$0.dimensions.isEmpty })
    let moves = model.moveRewards.flatMap { $0 }
    moveBase = ints(moves.map(\.base))
    moveStride = strides(moves.map(\.strides))
    moveHasRewards = bools(model.moveContributions.flatMap { $0.map { !$0.isEmpty } })
    moveKeyed = bools(model.moveRewards.flatMap { $0.map { !$0.dimensions.isEmpty } })
    moveWeighted = buffer(A * S * S * C)
    moveWeight = buffer(C * max(T, 1))
    for c in 0..<C {
      for t in 0..<T {
        moveWeight[c * T + t] = model.transitionTiming == .nextBoundary ? model.boundaryWeights[c][t + 1] : model.discount[c][t]
      }
    }
    ratesKeyed = bools(model.rates.flatMap { $0.map { $0.contains { !$0.dimensions.isEmpty } } })
    arms = .allocate(capacity: max(A, 1))
    let categories = 1 + model.effectCount
    // Counting moves per (cycle, from, to) costs O(T·S²) per run and arm to reduce; use it
    // unless that outweighs the clients' O(N·T) (very many states, few clients).
    let countable = fastPaths && model.stateCount * model.stateCount <= 4 * model.clients + 64
    arms.initialize(from: (0..<A).map { a in
      ArmFlags(rowsKeyed: model.rows[a].contains { !$0.dimensions.isEmpty }, rewardsKeyed: model.keyedStateRewards[a],
               usesAge: model.usesAge[a], usesDuration: model.usesDuration[a], hasStartRewards: !model.startContributions[a].isEmpty,
               simpleMoves: categories == 1 && !model.moveRewards[a].contains { !$0.dimensions.isEmpty },
               counted: countable && !model.keyedStateRewards[a] && !model.moveRewards[a].contains { !$0.dimensions.isEmpty } && model.groups[a] == nil)
    }, count: A)
    groupMember = ints(model.groups.map { $0?.member ?? -1 })
    groupOnClose = ints(model.groups.map { $0?.onClose ?? -1 })
    hasGroups = model.groups.contains { $0 != nil }
    groupForced = .allocate(capacity: hasGroups ? A * N : 1)
    groupForced.initialize(repeating: -1, count: hasGroups ? A * N : 1)
    exitCycles = .allocate(capacity: hasGroups ? N : 1)
    exitCycles.initialize(repeating: 0, count: hasGroups ? N : 1)
    moveAtBoundary = model.transitionTiming == .nextBoundary
    populationIsRandom = model.population.isRandom
    if case .fixed(let a)? = model.population.age.first ?? nil { fixedAge = a } else { fixedAge = 0 }
    cumulative = tables.cumulative
    rewards = tables.rewards
    poissonCDF = tables.poissonCDF
    rateMean = tables.rateMean
    expMinusRate = tables.expMinusRate
    ageKeyOfYear = ints(model.keys.ageKeyOfYear)
    ageMin = model.keys.ageMin
    ageYears = model.keys.ageYears
    cycleLength = model.scenario.cycleLength
    anyArmUsesAge = model.usesAge.contains(true)
    agePath = .allocate(capacity: T + 1)
    agePath.initialize(repeating: 0, count: T + 1)
    transitionUniforms = buffer(max(T, 1))
    eventUniforms = buffer(max(E * T, 1))
    transitionCounts = .allocate(capacity: max(A * T * S * S, 1))
    transitionCounts.initialize(repeating: 0, count: max(A * T * S * S, 1))
    path = .allocate(capacity: max(A * T, 1))
    path.initialize(repeating: 0, count: max(A * T, 1))
    durationPath = .allocate(capacity: max(T, 1))
    durationPath.initialize(repeating: 0, count: max(T, 1))
    eventPurposes = model.rateEvents.map(\.purpose.rawValue)
    detail = RunDetail(model: model)
    occupancyChange = buffer(A * (T + 2) * S)
    eventsPerCycle = .allocate(capacity: max(A * E * T, 1))
    eventsPerCycle.initialize(repeating: 0, count: max(A * E * T, 1))
    let SS = model.stateCount * model.stateCount
    let rewarded = (0..<(model.armCount * SS)).filter { i in !model.moveContributions[i / SS][i % SS].isEmpty && model.moveRewards[i / SS][i % SS].dimensions.isEmpty }
    rewardedMoves = rewarded
    rewardedMove = .allocate(capacity: max(A * S * S, 1))
    rewardedMove.initialize(repeating: -1, count: max(A * S * S, 1))
    for (k, i) in rewarded.enumerated() { rewardedMove[i] = k }
    movesPerCycle = buffer(max(rewarded.count * T, 1))
  }

  deinit {
    for p in [acc, occupancy, eventDiscounted, eventCount, moveCount, weight, prefix, discount, moveWeighted, moveWeight, occupancyChange, movesPerCycle,
              transitionUniforms, eventUniforms] { p.deallocate() }
    transitionCounts.deallocate()
    eventsPerCycle.deallocate()
    rewardedMove.deallocate()
    moveKeyed.deallocate()
    for p in [rowBase, rateBase, stateBase, eventBase, moveBase, groupMember, groupOnClose] { p.deallocate() }
    groupForced.deallocate()
    exitCycles.deallocate()
    for p in [rowStride, rateStride, stateStride, eventStride, moveStride] { p.deallocate() }
    moveHasRewards.deallocate()
    eventKeyed.deallocate()
    ratesKeyed.deallocate()
    arms.deallocate()
    componentCategory.deallocate()
    ageKeyOfYear.deallocate()
    agePath.deallocate()
    path.deallocate()
    durationPath.deallocate()
  }

  /// Simulates run `run` and writes its metrics into `row` (``MetricLayout`` order), and,
  /// when `details` is given, its outputs over time (``DetailLayout`` order).
  func simulate(run: Int, into row: UnsafeMutablePointer<Double>, details: UnsafeMutablePointer<Double>? = nil) throws(SimulationError) {
    try tables.drawParameters(seed: seed, run: run)
    try tables.evaluateTables(run: run)
    try tables.evaluatePopulation(run: run)
    recording = details != nil
    simulateClients(run: run)
    reduceCounts()
    writeMetrics(into: row)
    if let details { writeDetails(into: details) }
  }

  /// The run's parameter values (one per value name, scenario order), after ``simulate``.
  func parameterValues(into out: UnsafeMutablePointer<Double>) {
    for i in 0..<model.parameterValueCount { out[i] = tables.base[i] }
  }

  /// A client's characteristics: profile, age at the start (years) and start state.
  struct Client {
    var profile = 0
    var subgroup = 0
    var age = 0.0
    var start = 0
    /// In an arm with a group: the cycle in which the client's group closes, moving it from
    /// the member state if its row keeps it there (−1: not at all).
    var forcedCycle = -1
  }

  /// Draws client c's characteristics from its attributes stream, in a fixed order:
  /// subgroup, each categorical attribute, age, start state.
  @inline(__always)
  func drawClient(run: Int, client c: Int) -> Client {
    if !populationIsRandom {
      // Everyone alike: subgroup 0, its fixed age, its only start state.
      return Client(profile: 0, subgroup: 0, age: fixedAge, start: firstIndex(tables.startCumulative, count: S, u: 0.5))
    }
    return drawRandomClient(run: run, client: c)
  }

  @inline(never)
  private func drawRandomClient(run: Int, client c: Int) -> Client {
    var client = Client()
    let pop = model.population
    var g = StreamKey(seed: seed, run: UInt64(run), client: UInt64(c), purpose: .attributes).makeGenerator()
    let subgroups = model.scenario.subgroups.count
    client.subgroup = firstIndex(tables.subgroupCumulative, count: subgroups, u: g.nextDouble())
    let nAttr = max(model.scenario.attributes.count, 1)
    var profile = client.subgroup
    for (k, attribute) in model.scenario.attributes.enumerated() {
      let cum = tables.categoryCumulative + (client.subgroup * nAttr + k) * tables.maxCategories
      let category = firstIndex(cum, count: attribute.categories.count, u: g.nextDouble())
      profile = profile * attribute.categories.count + category
    }
    client.profile = profile
    if let d = pop.age[client.subgroup] {
      client.age = min(Scenario.AgeSpec.maximumAge, max(0, d.sample(using: &g)))
    }
    client.start = firstIndex(tables.startCumulative + client.subgroup * S, count: S, u: g.nextDouble())
    return client
  }

  /// The first i with u < cum[i] (the last index when rounding leaves u above cum[count−1]).
  @inline(__always)
  private func firstIndex(_ cum: UnsafeMutablePointer<Double>, count: Int, u: Double) -> Int {
    var i = 0
    while i < count - 1 && !(u < cum[i]) { i += 1 }
    return i
  }

  /// Simulates all clients of the run with the current tables.
  func simulateClients(run: Int) {
    for i in 0..<(A * R) { acc[i] = 0 }
    for i in 0..<(A * C * S) { occupancy[i] = 0 }
    for i in 0..<(A * E * C) { eventDiscounted[i] = 0 }
    for i in 0..<(A * E) { eventCount[i] = 0 }
    for i in 0..<(A * S * S) { moveCount[i] = 0 }
    for i in 0..<(A * S * S * C) { moveWeighted[i] = 0 }
    transitionCounts.update(repeating: 0, count: A * T * S * S)
    for i in 0..<(A * E * T) { eventsPerCycle[i] = 0 }
    if recording {
      detail.reset()
      for i in 0..<(A * (T + 2) * S) { occupancyChange[i] = 0 }
      for i in 0..<(rewardedMoves.count * T) { movesPerCycle[i] = 0 }
    }
    if hasGroups { prepareGroups(run: run) }
    for c in 0..<N {
      let client = drawClient(run: run, client: c)
      if anyArmUsesAge {
        // The age key at each boundary: whole years since birth, clamped to the key space.
        for t in 0...T {
          let years = Int((client.age + Double(t) * cycleLength).rounded(.down))
          agePath[t] = ageKeyOfYear[min(ageYears - 1, max(0, years - ageMin))]
        }
      }
      drawUniforms(run: run, client: c)
      var a = 0
      while a < A {
        if a + 1 < A && arms[a].counted && arms[a + 1].counted {
          if arms[a].rowsKeyed || arms[a + 1].rowsKeyed {
            countedPair(arm: a, client: client, Keyed.self)
          } else {
            countedPair(arm: a, client: client, Plain.self)
          }
          for e in 0..<E where isPlain(arm: a, event: e) && isPlain(arm: a + 1, event: e) { plainEventPair(arm: a, event: e) }
          finishClient(arm: a, client: client, pairedWith: a + 1)
          finishClient(arm: a + 1, client: client, pairedWith: a)
          a += 2
        } else if groupMember[a] >= 0 {
          // A member of a group: starts in the member state (or, when the group does not
          // form, where a closing group sends its members), and may be moved out when the
          // group closes.
          var member = client
          let forced = Int(groupForced[a &* N &+ c])
          member.start = forced == -2 ? groupOnClose[a] : groupMember[a]
          member.forcedCycle = forced >= 0 ? forced : -1
          simulateClient(arm: a, client: member)
          finishClient(arm: a, client: member)
          a += 1
        } else {
          simulateClient(arm: a, client: client)
          finishClient(arm: a, client: client)
          a += 1
        }
      }
    }
  }

  /// For each arm with a group: each client's exit cycle from the member state (its
  /// transitions stream against the member row, which depends on the cycle only, so the same
  /// as in its path), each group's closing boundary (``GroupProcess/closingBoundary``), and
  /// from it `groupForced` for every member and the group's shared costs: per cycle open
  /// (discounted with the cycle) and once if it forms.
  private func prepareGroups(run: Int) {
    for a in 0..<A {
      let member = groupMember[a]
      if member < 0 { continue }
      let division = GroupProcess.Division(clients: N, size: tables.groupSize[a])
      let minimum = tables.groupMinimum[a]
      let i = a &* S &+ member
      for c in 0..<N {
        var g = StreamKey(seed: seed, run: UInt64(run), client: UInt64(c), purpose: .transitions).makeGenerator()
        var exit = T
        for t in 0..<T {
          let row = cumulative + (rowBase[i] &+ rowStride[i].entry(cycle: t, age: 0, duration: 0, profile: 0) &* S)
          let u = g.nextDouble()
          var j = 0
          while u >= row[j] { j &+= 1 }
          if j != member {
            exit = t
            break
          }
        }
        exitCycles[c] = Int32(exit)
      }
      let cycleTable = model.groupCycleRewards[a], startTable = model.groupStartRewards[a]
      let hasCycleCost = !model.groupCycleContributions[a].isEmpty, hasStartCost = !model.groupStartContributions[a].isEmpty
      let sums = acc + a &* R
      for group in 0..<division.groups {
        let (first, count) = division.members(ofGroup: group)
        let closing = GroupProcess.closingBoundary(exitCycles: UnsafeBufferPointer(start: exitCycles + first, count: count), minimum: minimum, horizon: T)
        let forced: Int32 = closing.map { $0 == 0 ? -2 : Int32($0 - 1) } ?? -1
        for c in first..<(first + count) { groupForced[a &* N &+ c] = forced }
        let open = closing ?? T
        if hasCycleCost {
          for t in 0..<open {
            let out = rewards + cycleTable.base + cycleTable.strides.entry(cycle: t, age: 0, duration: 0, profile: 0) &* R
            for r in 0..<R { sums[r] += discount[componentCategory[r] &* (T &+ 1) &+ t] * out[r] }
            if recording {
              let raw = detail.eventCost + (a &* T &+ t) &* P
              for p in 0..<P { raw[p] += out[p] }
            }
          }
        }
        if hasStartCost && open > 0 {
          let out = rewards + startTable.base
          for r in 0..<R { sums[r] += out[r] }
          if recording { for p in 0..<P { detail.startCost[a &* P &+ p] += out[p] } }
        }
      }
    }
  }

  /// Draws client c's uniforms for the whole horizon: T from its transitions stream and T from
  /// each rate event's stream (the first event's interleaved with the transitions, so that
  /// two generators' dependency chains overlap).
  @inline(__always)
  private func drawUniforms(run: Int, client c: Int) {
    var g = StreamKey(seed: seed, run: UInt64(run), client: UInt64(c), purpose: .transitions).makeGenerator()
    let uT = transitionUniforms, uE = eventUniforms
    if E > 0 {
      var h = StreamKey(seed: seed, run: UInt64(run), client: UInt64(c), purpose: StreamPurpose(rawValue: eventPurposes[0])).makeGenerator()
      for t in 0..<T {
        uT[t] = g.nextDouble()
        uE[t] = h.nextDouble()
      }
      for e in 1..<max(E, 1) {
        var h = StreamKey(seed: seed, run: UInt64(run), client: UInt64(c), purpose: StreamPurpose(rawValue: eventPurposes[e])).makeGenerator()
        let u = uE + e &* T
        for t in 0..<T { u[t] = h.nextDouble() }
      }
    } else {
      for t in 0..<T { uT[t] = g.nextDouble() }
    }
  }

  /// The client's age key at boundary t (see ``KeySpace``), from the per-client age path.
  @inline(__always)
  private func ageIndex(_ client: Client, _ t: Int) -> Int {
    agePath[t]
  }

  /// Adds the state rewards of boundary t (state s) to the arm's accumulators.
  @inline(__always)
  private func boundaryRewards(arm a: Int, state s: Int, t: Int, age: Int, duration: Int, profile g: Int) {
    let i = a * S + s
    let out = rewards + stateBase[i] + stateStride[i].entry(cycle: t, age: age, duration: duration, profile: g) * R
    let sums = acc + a * R
    for r in 0..<R { sums[r] += weight[componentCategory[r] * (T + 1) + t] * out[r] }
    if recording {
      let raw = detail.stateCost + (a * (T + 1) + t) * P
      for p in 0..<P { raw[p] += out[p] }
    }
  }

  /// One client in one arm over the horizon: first the path of states (transitions stream),
  /// then each rate event's counts along that path (its own stream).
  @inline(__always)
  private func simulateClient(arm a: Int, client: Client) {
    // Specialise the loops on whether the arm's tables have dimensions, so that the common
    // time-homogeneous case computes no keys.
    let flags = arms[a]
    if flags.counted {
      if flags.rowsKeyed { countedPass(arm: a, client: client, Keyed.self) } else { countedPass(arm: a, client: client, Plain.self) }
    } else {
      switch (flags.rowsKeyed, flags.rewardsKeyed, flags.simpleMoves) {
      case (false, false, true): pathPass(arm: a, client: client, Plain.self, Plain.self, Plain.self)
      case (false, false, false): pathPass(arm: a, client: client, Plain.self, Plain.self, Keyed.self)
      case (true, false, true): pathPass(arm: a, client: client, Keyed.self, Plain.self, Plain.self)
      case (true, false, false): pathPass(arm: a, client: client, Keyed.self, Plain.self, Keyed.self)
      case (false, true, _): pathPass(arm: a, client: client, Plain.self, Keyed.self, Keyed.self)
      case (true, true, _): pathPass(arm: a, client: client, Keyed.self, Keyed.self, Keyed.self)
      }
    }
  }

  /// Whether rate event e's rates and rewards in arm a have no dimensions.
  @inline(__always)
  private func isPlain(arm a: Int, event e: Int) -> Bool {
    !(ratesKeyed[a &* E &+ e] || eventKeyed[a &* E &+ e])
  }

  /// The rest of a client in arm a after its path: rate events along the path (except those
  /// ``plainEventPair`` counted with arm `pairedWith`), start rewards.
  @inline(__always)
  private func finishClient(arm a: Int, client: Client, pairedWith b: Int = -1) {
    let flags = arms[a]
    if E > 0 && flags.usesDuration { recordDurations(arm: a) }
    for e in 0..<E {
      if !isPlain(arm: a, event: e) {
        eventPass(arm: a, event: e, client: client, Keyed.self)
      } else if b < 0 || !isPlain(arm: b, event: e) {
        eventPass(arm: a, event: e, client: client, Plain.self)
      }
    }
    // Once at the start.
    if flags.hasStartRewards {
      let table = model.startRewards[a]
      let age = table.dimensions.contains(.age) ? ageIndex(client, 0) : 0
      let out = tables.rewards + table.base + table.strides.entry(cycle: 0, age: age, duration: 0, profile: client.profile) * R
      let sums = acc + a * R
      for r in 0..<R { sums[r] += out[r] }
      if recording { for p in 0..<P { detail.startCost[a * P + p] += out[p] } }
    }
  }

  /// ``countedPass`` for arms a and a + 1 together (both counted, rows without dimensions):
  /// they read the same uniforms, and the two independent chains of states overlap. The scan
  /// is branch-free here (the row is non-decreasing, +∞ after the last possible move, so the
  /// first j with u < row[j] is the number of entries ≤ u): with two chains in flight that
  /// beats the branch mispredictions of a scan, which a single chain cannot.
  @inline(__always)
  private func countedPair<Rows: KeyMode>(arm a: Int, client: Client, _: Rows.Type) {
    let T = self.T, S = self.S
    let b = a &+ 1
    let countsA = transitionCounts + a &* T &* S &* S, countsB = countsA + T &* S &* S
    let cumA = cumulative + rowBase[a &* S], cumB = cumulative + rowBase[b &* S]
    let pathA = path + a &* T, pathB = pathA + T
    let u = transitionUniforms
    let usesAge = Rows.keyed && (arms[a].usesAge || arms[b].usesAge)
    var sa = client.start, sb = client.start
    var enteredA = 0, enteredB = 0
    for t in 0..<T {
      pathA[t] = Int32(truncatingIfNeeded: sa)
      pathB[t] = Int32(truncatingIfNeeded: sb)
      let x = u[t]
      let ra: UnsafeMutablePointer<Double>, rb: UnsafeMutablePointer<Double>
      if Rows.keyed {
        let age = usesAge ? agePath[t] : 0
        let ia = a &* S &+ sa, ib = b &* S &+ sb
        ra = cumulative + (rowBase[ia] &+ rowStride[ia].entry(cycle: t, age: age, duration: t &- enteredA, profile: client.profile) &* S)
        rb = cumulative + (rowBase[ib] &+ rowStride[ib].entry(cycle: t, age: age, duration: t &- enteredB, profile: client.profile) &* S)
      } else {
        ra = cumA + sa &* S
        rb = cumB + sb &* S
      }
      var ja = 0, jb = 0
      while x >= ra[ja] { ja &+= 1 }
      while x >= rb[jb] { jb &+= 1 }
      countsA[(t &* S &+ sa) &* S &+ ja] &+= 1
      countsB[(t &* S &+ sb) &* S &+ jb] &+= 1
      if Rows.keyed {
        if ja != sa { enteredA = t &+ 1 }
        if jb != sb { enteredB = t &+ 1 }
      }
      sa = ja
      sb = jb
    }
  }

  /// The path of states when the arm's rewards have no dimensions: each cycle one uniform
  /// picks the move, which is counted in `transitionCounts[a][t][s][j]` (branch-free apart
  /// from the row scan); ``reduceCounts()`` turns the counts into occupancy and moves.
  @inline(__always)
  private func countedPass<Rows: KeyMode>(arm a: Int, client: Client, _: Rows.Type) {
    let T = self.T, S = self.S
    let counts = transitionCounts + a &* T &* S &* S
    let cumArm = cumulative + rowBase[a &* S]
    let path = self.path + a &* T, u = transitionUniforms
    var s = client.start
    var entered = 0
    for t in 0..<T {
      path[t] = Int32(truncatingIfNeeded: s)
      let row: UnsafeMutablePointer<Double>
      if Rows.keyed {
        let i = a &* S &+ s
        let age = arms[a].usesAge ? agePath[t] : 0
        row = cumulative + (rowBase[i] &+ rowStride[i].entry(cycle: t, age: age, duration: t &- entered, profile: client.profile) &* S)
      } else {
        row = cumArm + s &* S
      }
      let x = u[t]
      var j = 0
      while x >= row[j] { j &+= 1 }
      counts[(t &* S &+ s) &* S &+ j] &+= 1
      // Time in state only matters to rows that use it; a predicted branch keeps the update
      // off the chain of states.
      if Rows.keyed && j != s { entered = t &+ 1 }
      s = j
    }
  }

  /// Occupancy, move counts and weighted moves of the counted arms, from `transitionCounts`;
  /// the counts and discounted counts of rate events, from `eventsPerCycle` (every arm).
  /// With n_t(s) = Σ_j counts[t][s][j] (t < T) and n_T(s) = Σ_i counts[T−1][i][s]:
  /// occupancy[c][s] = Σ_t n_t(s)·ω^c_t·d^c_t, moves[s→j] = Σ_t counts[t][s][j],
  /// weighted[s→j][c] = Σ_t counts[t][s][j]·w^c_t, events = Σ_t k_t, discounted Σ_t k_t·d^c_t.
  private func reduceCounts() {
    let T = self.T, S = self.S, C = self.C, E = self.E
    for a in 0..<A where arms[a].counted {
      let counts = transitionCounts + a &* T &* S &* S
      let occupied = detail.occupancy + a &* (T &+ 1) &* S  // n_t(s), also an output over time
      for t in 0..<T {
        for s in 0..<S {
          var n: Int32 = 0
          for j in 0..<S { n &+= counts[(t &* S &+ s) &* S &+ j] }
          occupied[t &* S &+ s] = Double(n)
        }
      }
      if T > 0 {
        for s in 0..<S {
          var n: Int32 = 0
          for i in 0..<S { n &+= counts[((T &- 1) &* S &+ i) &* S &+ s] }
          occupied[T &* S &+ s] = Double(n)
        }
      }
      for c in 0..<C {
        let w = weight + c &* (T &+ 1)
        let occ = occupancy + (a &* C &+ c) &* S
        for s in 0..<S {
          var sum = 0.0
          for t in 0...T { sum += occupied[t &* S &+ s] * w[t] }
          occ[s] += sum
        }
      }
      for s in 0..<S {
        for j in 0..<S where j != s {
          let m = s &* S &+ j
          let k = a &* S &* S &+ m
          var n: Int32 = 0
          for t in 0..<T { n &+= counts[t &* S &* S &+ m] }
          if n == 0 { continue }
          moveCount[k] += Double(n)
          if moveHasRewards[k] {
            for c in 0..<C {
              let w = moveWeight + c &* T
              var sum = 0.0
              for t in 0..<T { sum += Double(counts[t &* S &* S &+ m]) * w[t] }
              moveWeighted[k &* C &+ c] += sum
            }
            let r = rewardedMove[k]
            if recording && r >= 0 {
              for t in 0..<T { movesPerCycle[r &* T &+ t] = Double(counts[t &* S &* S &+ m]) }
            }
          }
        }
      }
    }
    for a in 0..<A {
      for e in 0..<E {
        let ae = a &* E &+ e
        let perCycle = eventsPerCycle + ae &* T
        var n = 0.0
        for t in 0..<T { n += Double(perCycle[t]) }
        eventCount[ae] += n
        if eventKeyed[ae] { continue }
        for c in 0..<C {
          let d = discount + c &* (T &+ 1)
          var sum = 0.0
          for t in 0..<T { sum += Double(perCycle[t]) * d[t] }
          eventDiscounted[ae &* C &+ c] += sum
        }
      }
    }
  }

  @inline(__always)
  private func pathPass<Rows: KeyMode, Rewards: KeyMode, Moves: KeyMode>(
    arm a: Int, client: Client, _: Rows.Type, _: Rewards.Type, _: Moves.Type
  ) {
    let rowsKeyed = Rows.keyed
    let rewardsKeyed = Rewards.keyed
    // Plain moves: one reward category, homogeneous move rewards, state rewards per stay.
    let simpleMoves = !Moves.keyed
    let moves = moveCount + a &* S &* S
    let weighted = moveWeighted + a &* S &* S
    let occ = occupancy + a &* S
    let prefix0 = prefix
    let weight0 = moveWeight
    let uniforms = transitionUniforms
    var s = client.start
    // Without dimensions the arm's rows are consecutive: row s starts at cum + s·S.
    let cumArm = cumulative + rowBase[a &* S]
    let T = self.T, S = self.S
    let path = self.path + a &* T
    var entered = 0
    let recording = self.recording
    let change = occupancyChange + a &* (T &+ 2) &* S
    for t in 0..<T {
      path[t] = Int32(truncatingIfNeeded: s)
      let row: UnsafeMutablePointer<Double>
      if rowsKeyed || rewardsKeyed {
        let age = arms[a].usesAge ? ageIndex(client, t) : 0
        let duration = t &- entered
        if rewardsKeyed { boundaryRewards(arm: a, state: s, t: t, age: age, duration: duration, profile: client.profile) }
        if rowsKeyed {
          let i = a &* S &+ s
          row = cumulative + (rowBase[i] &+ rowStride[i].entry(cycle: t, age: age, duration: duration, profile: client.profile) &* S)
        } else {
          row = cumArm + s &* S
        }
      } else {
        row = cumArm + s &* S
      }
      let u = uniforms[t]
      var j = 0
      while u >= row[j] { j &+= 1 }
      if t == client.forcedCycle && j == s && s == groupMember[a] { j = groupOnClose[a] }
      if j != s {
        if simpleMoves {
          let m = s &* S &+ j
          moves[m] += 1
          weighted[m] += weight0[t]
          occ[s] += prefix0[t &+ 1] - prefix0[entered]
          if recording {
            let k = rewardedMove[a &* S &* S &+ m]
            if k >= 0 { movesPerCycle[k &* T &+ t] += 1 }
          }
        } else {
          // The general case is out of line, which keeps this loop's registers for the
          // generator and the scan.
          move(arm: a, from: s, to: j, t: t, entered: entered, client: client, perStay: !rewardsKeyed)
        }
        if recording {
          // In s at boundaries entered … t.
          change[entered &* S &+ s] += 1
          change[(t &+ 1) &* S &+ s] -= 1
        }
        entered = t &+ 1
        s = j
      }
    }
    if rewardsKeyed {
      boundaryRewards(arm: a, state: s, t: T, age: arms[a].usesAge ? ageIndex(client, T) : 0, duration: T &- entered, profile: client.profile)
    } else {
      stay(arm: a, state: s, from: entered, to: T)
    }
    if recording {
      change[entered &* S &+ s] += 1
      change[(T &+ 1) &* S &+ s] -= 1
    }
  }

  /// Bookkeeping of a move s → j in cycle t: its count, its rewards, and (fast path) the
  /// weighted occupancy of the stay in s that it ends.
  @inline(never)
  private func move(arm a: Int, from s: Int, to j: Int, t: Int, entered: Int, client: Client, perStay: Bool) {
    let m = s &* S &+ j
    let k = a &* S &* S &+ m
    moveCount[k] += 1
    if moveKeyed[k] {
      moveRewards(arm: a, move: m, t: t, age: arms[a].usesAge ? ageIndex(client, t) : 0, duration: t &- entered, profile: client.profile, atBoundary: moveAtBoundary)
    } else if moveHasRewards[k] {
      for c in 0..<C { moveWeighted[k &* C &+ c] += moveWeight[c &* T &+ t] }
      if recording {
        let out = rewards + moveBase[k]
        let raw = detail.moveCost + (a &* T &+ t) &* P
        for p in 0..<P { raw[p] += out[p] }
      }
    }
    if perStay { stay(arm: a, state: s, from: entered, to: t) }
  }

  /// Occupancy of a stay in s over boundaries `from` … `to`: Σ ω·d = prefix[to + 1] − prefix[from].
  @inline(__always)
  private func stay(arm a: Int, state s: Int, from: Int, to: Int) {
    let occ = occupancy + a &* C &* S
    for c in 0..<C { occ[c &* S &+ s] += prefix[c &* (T &+ 2) &+ to &+ 1] - prefix[c &* (T &+ 2) &+ from] }
  }

  /// Time in state along arm a's recorded path (for event tables that use it).
  private func recordDurations(arm a: Int) {
    let path = self.path + a &* T
    var entered = 0
    for t in 0..<T {
      if t > 0 && path[t] != path[t - 1] { entered = t }
      durationPath[t] = Int32(truncatingIfNeeded: t - entered)
    }
  }

  /// The rewards of move m = s·S + j in cycle t.
  @inline(never)
  private func moveRewards(arm a: Int, move m: Int, t: Int, age: Int, duration: Int, profile g: Int, atBoundary: Bool) {
    let k = a &* S &* S &+ m
    let out = rewards + moveBase[k] + moveStride[k].entry(cycle: t, age: age, duration: duration, profile: g) &* R
    let sums = acc + a &* R
    for r in 0..<R {
      let c = componentCategory[r]
      let w = atBoundary ? weight[c &* (T &+ 1) &+ t &+ 1] : discount[c &* (T &+ 1) &+ t]
      sums[r] += w * out[r]
    }
    if recording {
      let raw = detail.moveCost + (a &* T &+ t) &* P
      for p in 0..<P { raw[p] += out[p] }
    }
  }

  /// ``eventPass`` for a rate event without dimensions in arms a and a + 1 at once: the same
  /// uniform per cycle, a Poisson count for each arm's state.
  @inline(__always)
  private func plainEventPair(arm a: Int, event e: Int) {
    let K = RunTables.poissonTableSize
    let T = self.T, S = self.S
    let u = eventUniforms + e &* T
    let ae = a &* E &+ e, be = ae &+ E
    let firstA = rateBase[ae &* S], firstB = rateBase[be &* S]
    let pathA = path + a &* T, pathB = pathA + T
    let perCycleA = eventsPerCycle + ae &* T, perCycleB = eventsPerCycle + be &* T
    let cdf = poissonCDF, mean = rateMean, expMinus = expMinusRate
    for t in 0..<T {
      let x = u[t]
      let ea = firstA &+ Int(pathA[t]), eb = firstB &+ Int(pathB[t])
      let ka = RunTables.poissonCount(uniform: x, cdf: cdf + ea &* K, mean: mean[ea], expMinusMean: expMinus[ea])
      let kb = RunTables.poissonCount(uniform: x, cdf: cdf + eb &* K, mean: mean[eb], expMinusMean: expMinus[eb])
      perCycleA[t] &+= ka
      perCycleB[t] &+= kb
    }
  }

  /// Rate event e along the recorded path: one uniform per cycle, drawn even when the rate
  /// is 0 so that client c's draw for cycle t is the same in every arm.
  @inline(__always)
  private func eventPass<Mode: KeyMode>(arm a: Int, event e: Int, client: Client, _: Mode.Type) {
    let keyed = Mode.keyed
    let K = RunTables.poissonTableSize
    let T = self.T, S = self.S
    let uniforms = eventUniforms + e &* T
    let ae = a &* E &+ e
    let usesAge = keyed && arms[a].usesAge
    let g = client.profile
    let base = rateBase + ae &* S
    let stride = rateStride + ae &* S
    let cdf = poissonCDF
    let mean = rateMean
    let expMinus = expMinusRate
    let path = self.path + a &* T
    let durationPath = self.durationPath
    let discount = self.discount
    let sums = acc + a &* R
    let recording = self.recording
    let perCycle = eventsPerCycle + ae &* T
    // Without dimensions the tables of the states are consecutive single entries.
    let first = base[0]
    for t in 0..<T {
      let u = uniforms[t]
      let state = Int(path[t])
      var entry = first &+ state
      var age = 0
      var duration = 0
      if keyed {
        age = usesAge ? ageIndex(client, t) : 0
        duration = Int(durationPath[t])
        entry = base[state] &+ stride[state].entry(cycle: t, age: age, duration: duration, profile: g)
      }
      let k = RunTables.poissonCount(uniform: u, cdf: cdf + entry &* K, mean: mean[entry], expMinusMean: expMinus[entry])
      // Counts per cycle: ``reduceCounts()`` sums and discounts them per run.
      perCycle[t] &+= k
      if keyed && eventKeyed[ae] {
        if k > 0 {
          let out = rewards + eventBase[ae] + eventStride[ae].entry(cycle: t, age: age, duration: duration, profile: g) &* R
          for r in 0..<R { sums[r] += Double(k) * discount[componentCategory[r] &* (T &+ 1) &+ t] * out[r] }
          if recording {
            let raw = detail.eventCost + (a &* T &+ t) &* P
            for p in 0..<P { raw[p] += Double(k) * out[p] }
          }
        }
      }
    }
  }

  /// Completes the run's outputs over time: occupancy from the stays, the state costs of arms
  /// without per-boundary lookups, the costs of events counted per cycle; then ``RunDetail``.
  func writeDetails(into out: UnsafeMutablePointer<Double>) {
    let P = self.P, S = self.S, T = self.T, E = self.E
    let rewards = tables.rewards
    for a in 0..<A {
      let occupancy = detail.occupancy + a &* (T &+ 1) &* S
      if !arms[a].counted {
        // Counted arms have their occupancy from ``reduceCounts()``.
        let change = occupancyChange + a &* (T &+ 2) &* S
        for s in 0..<S {
          var n = 0.0
          var i = s
          for _ in 0...T {
            n += change[i]
            occupancy[i] = n
            i &+= S
          }
        }
      }
      if !arms[a].rewardsKeyed {
        // State costs per boundary: Σ_s n_t(s)·cost(s).
        let stateCost = detail.stateCost + a &* (T &+ 1) &* P
        for s in 0..<S {
          let cost = rewards + stateBase[a &* S &+ s]
          for t in 0...T {
            let n = occupancy[t &* S &+ s]
            if n == 0 { continue }
            let row = stateCost + t &* P
            for p in 0..<P { row[p] += n * cost[p] }
          }
        }
      }
      for e in 0..<E where !eventKeyed[a &* E &+ e] {
        let cost = rewards + eventBase[a &* E &+ e]
        let counts = eventsPerCycle + (a &* E &+ e) &* T
        let eventCost = detail.eventCost + a &* T &* P
        for t in 0..<T {
          if counts[t] == 0 { continue }
          let k = Double(counts[t])
          let row = eventCost + t &* P
          for p in 0..<P { row[p] += k * cost[p] }
        }
      }
    }
    for (k, i) in rewardedMoves.enumerated() {
      let a = i / (S &* S)
      let cost = rewards + moveBase[i]
      for t in 0..<T {
        let n = movesPerCycle[k &* T &+ t]
        if n == 0 { continue }
        let row = detail.moveCost + (a &* T &+ t) &* P
        for p in 0..<P { row[p] += n * cost[p] }
      }
    }
    detail.write(into: out)
  }

  /// Applies the fast-path rewards and writes the run's metrics.
  func writeMetrics(into row: UnsafeMutablePointer<Double>) {
    let layout = model.layout
    for a in 0..<A {
      layout.writeRewards(arm: a, into: row) { r in
        let c = model.category[r]
        var value = acc[a * R + r]
        if !model.keyedStateRewards[a] {
          for s in 0..<S { value += occupancy[(a * C + c) * S + s] * tables.rewards[stateBase[a * S + s] + r] }
        }
        for e in 0..<E where !eventKeyed[a * E + e] {
          value += eventDiscounted[(a * E + e) * C + c] * tables.rewards[eventBase[a * E + e] + r]
        }
        for m in 0..<(S * S) where moveHasRewards[a * S * S + m] && !moveKeyed[a * S * S + m] {
          value += moveWeighted[(a * S * S + m) * C + c] * tables.rewards[moveBase[a * S * S + m] + r]
        }
        return value
      }
      for (r, event) in model.rateEvents.enumerated() {
        row[layout.events(arm: a, event: event.event)] = eventCount[a * E + r]
      }
      for event in model.transitionEvents {
        var count = 0.0
        for m in event.moves { count += moveCount[a * S * S + m.from * S + m.to] }
        row[layout.events(arm: a, event: event.event)] = count
      }
    }
    layout.writeComparisons(row)
  }
}

/// Compile-time choice of loop variant: whether table lookups compute a key from cycle, age,
/// time in state and profile (``Keyed``) or use the table's single entry (``Plain``). The
/// loops are generic over it so that the common time-homogeneous case is specialised.
protocol KeyMode { static var keyed: Bool { get } }
enum Plain: KeyMode { static var keyed: Bool { false } }
enum Keyed: KeyMode { static var keyed: Bool { true } }
