import Foundation
import MBCRandom
import MBCScenario

/// The flat numeric tables of one run, evaluated from a ``CompiledModel`` and the run's
/// parameter draws. One instance per worker thread, reused for every run it simulates: after
/// `init` nothing here allocates or touches a reference count (all programs and the lists
/// that drive them live in raw memory; see ``ProgramArena``).
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
  let S: Int, A: Int, P: Int, R: Int, E: Int, G: Int, nAttr: Int

  let base: UnsafeMutableBufferPointer<Double>
  let values: [UnsafeMutableBufferPointer<Double>]  // per arm
  let stack: UnsafeMutablePointer<Double>
  let probability: UnsafeMutablePointer<Double>
  let cumulative: UnsafeMutablePointer<Double>
  let rateMean: UnsafeMutablePointer<Double>
  let expMinusRate: UnsafeMutablePointer<Double>
  let poissonCDF: UnsafeMutablePointer<Double>
  let rewards: UnsafeMutablePointer<Double>
  /// Scratch for the moves of one row evaluated over their own (fewer) dimensions.
  let moveValues: UnsafeMutablePointer<Double>
  /// Scratch: the probabilities of one row's moves, in list order.
  let rowValues: UnsafeMutablePointer<Double>
  /// Per row (arm·S + state) and column: the index in the row's move list of the move to that
  /// column, −1 for none, −2 when several moves go there (summed).
  let columnMove: UnsafeMutablePointer<Int>
  /// Per row: whether some move is evaluated per key of the row (so the key's variables must
  /// be set), rather than looked up from its own keys.
  let rowNeedsKey: UnsafeMutablePointer<Bool>
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

  /// `invalid_probabilities: clamp`: move probabilities outside [0, 1] are clamped into it and
  /// rows whose moves sum above 1 are scaled down to 1, instead of stopping the run. Only in
  /// drawn runs (run ≥ 0): the base case, all parameters at their means, must be valid.
  let clampProbabilities: Bool
  /// Probabilities clamped (and rows scaled) by the last ``evaluateTables(run:)``.
  private(set) var clampedInRun = 0

  // The evaluation plan: programs in the arena, and what each one fills.
  typealias Ref = ProgramArena.Ref
  struct Derived { var slot: Int; var ref: Ref; var factor: Double }
  struct Override { var slot: Int; var ref: Ref }
  /// A move's program, its own dimensions (a subset of its row's) and, when they are fewer
  /// than the row's, where its values over its own keys go in `moveValues` (`offset`, by
  /// `strides`): it is evaluated once per key of its own, not once per key of the row.
  struct Move { var to: Int; var ref: Ref; var dimensions: Dimensions; var strides: Strides; var offset: Int }
  struct Share { var payer: Int; var ref: Ref }
  struct Contribution { var component: Int; var ref: Ref; var share: Int; var factor: Double }
  struct StartShare { var state: Int; var ref: Ref }
  let arena: ProgramArena
  let derived: FlatList<Derived>  // 1 group
  let overrides: FlatList<Override>  // per arm
  let overridden: UnsafeMutablePointer<Bool>  // [arm][slot]
  /// Parameters held at a value in every run (a threshold analysis): [slot] and their values.
  let pinned: UnsafeMutablePointer<Bool>
  private(set) var pins: UnsafeMutablePointer<(slot: Int, value: Double)>
  private(set) var pinCount = 0
  let moves: FlatList<Move>  // per (arm, state)
  let ratePrograms: FlatList<Ref>  // per (event, state)
  let shareLines: FlatList<Share>  // per cost line
  let stateContributions: FlatList<Contribution>  // per (arm, state)
  let eventContributions: FlatList<Contribution>  // per (arm, rate event)
  let moveContributions: FlatList<Contribution>  // per (arm, move s·S + j)
  let startContributions: FlatList<Contribution>  // per arm
  let groupCycleContributions: FlatList<Contribution>  // per arm
  let groupStartContributions: FlatList<Contribution>  // per arm
  /// Per arm: its group's size and minimum programs (empty when the arm has no group).
  let groupPrograms: FlatList<Ref>  // per arm: [size, minimum] or empty
  /// Per arm: the run's group size and minimum (whole numbers; 0 when the arm has no group).
  let groupSize: UnsafeMutablePointer<Int>
  let groupMinimum: UnsafeMutablePointer<Int>
  let subgroupPrograms: FlatList<Ref>  // 1 group
  let categoryPrograms: FlatList<Ref>  // per (subgroup, attribute)
  let startPrograms: FlatList<StartShare>  // per subgroup
  let rowTables: UnsafeMutablePointer<CompiledModel.Table>  // A·S
  let rateTables: UnsafeMutablePointer<CompiledModel.Table>  // A·E·S
  let stateTables: UnsafeMutablePointer<CompiledModel.Table>  // A·S
  let eventTables: UnsafeMutablePointer<CompiledModel.Table>  // A·E
  let moveTables: UnsafeMutablePointer<CompiledModel.Table>  // A·S·S
  let startTables: UnsafeMutablePointer<CompiledModel.Table>  // A
  let groupCycleTables: UnsafeMutablePointer<CompiledModel.Table>  // A
  let groupStartTables: UnsafeMutablePointer<CompiledModel.Table>  // A
  let drawCount: Int
  let draws: UnsafeMutablePointer<(slot: Int, factor: Double)>
  let cycleLength: Double
  let slots: SlotLayout
  let keys: KeySpace

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
    E = model.rateEventCount
    G = model.scenario.subgroups.count
    nAttr = max(model.scenario.attributes.count, 1)
    slots = model.slots
    keys = model.keys
    cycleLength = model.scenario.cycleLength
    clampProbabilities = model.scenario.invalidProbabilities == .clamp
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
    maxCategories = model.scenario.attributes.map(\.categories.count).max() ?? 1
    subgroupShare = buffer(G)
    subgroupCumulative = buffer(G)
    categoryShare = buffer(G * nAttr * maxCategories)
    categoryCumulative = buffer(G * nAttr * maxCategories)
    startShare = buffer(G * S)
    startCumulative = buffer(G * S)
    for v in values + [base] { v[model.slots.cycleLength] = model.scenario.cycleLength }

    // Gather every program, then place them in the arena.
    var programs: [ExpressionProgram] = []
    func index(_ p: ExpressionProgram) -> Int {
      programs.append(p)
      return programs.count - 1
    }
    let derivedIdx = model.derived.map { (slot: $0.slot, i: index($0.program), factor: $0.factor) }
    let overrideIdx = model.overrides.map { arm in arm.map { (slot: $0.slot, i: index($0.program)) } }
    let moveIdx = model.moves.flatMap { arm in arm.map { row in row.map { (to: $0.to, i: index($0.program)) } } }
    let rateIdx = model.ratePrograms.flatMap { event in event.map { state in state.map { index($0) } } }
    let shareIdx = model.shareLines.map { line in line.shares.map { (payer: $0.payer, i: index($0.program)) } }
    func contributions(_ c: [CompiledModel.Contribution]) -> [(component: Int, i: Int, share: Int, factor: Double)] {
      c.map { ($0.component, index($0.amount), $0.share ?? -1, $0.factor) }
    }
    let stateIdx = model.stateContributions.flatMap { $0.map(contributions) }
    let eventIdx = model.eventContributions.flatMap { $0.map(contributions) }
    let moveCIdx = model.moveContributions.flatMap { $0.map(contributions) }
    let startIdx = model.startContributions.map(contributions)
    let groupCycleIdx = model.groupCycleContributions.map(contributions)
    let groupStartIdx = model.groupStartContributions.map(contributions)
    let groupIdx = model.groups.map { g in g.map { [index($0.size), index($0.minimum)] } ?? [] }
    let pop = model.population
    let subgroupIdx = pop.subgroupShares.map(index)
    let subgroupCount = model.scenario.subgroups.count
    let attributeSlots = max(model.scenario.attributes.count, 1)
    let categoryIdx = (0..<subgroupCount).flatMap { g in (0..<attributeSlots).map { k in k < pop.categoryShares[g].count ? pop.categoryShares[g][k].map(index) : [] } }
    let startIdx2 = pop.start.map { $0.map { (state: $0.state, i: index($0.share)) } }
    let arena = ProgramArena(programs, cycleLength: model.scenario.cycleLength)
    self.arena = arena
    let refs = arena.refs
    derived = FlatList([derivedIdx.map { Derived(slot: $0.slot, ref: refs[$0.i], factor: $0.factor) }])
    overrides = FlatList(overrideIdx.map { $0.map { Override(slot: $0.slot, ref: refs[$0.i]) } })
    overridden = .allocate(capacity: max(A * n, 1))
    overridden.initialize(repeating: false, count: max(A * n, 1))
    for (a, list) in model.overrides.enumerated() { for o in list { overridden[a * n + o.slot] = true } }
    pinned = .allocate(capacity: max(n, 1))
    pinned.initialize(repeating: false, count: max(n, 1))
    pins = .allocate(capacity: 1)
    // Per row: the moves whose dimensions are fewer than the row's get their own scratch range.
    var scratch = 1
    let rowDimensions = model.rows.flatMap { $0.map(\.dimensions) }
    let movePrograms = model.moves.flatMap { $0 }
    moves = FlatList(moveIdx.enumerated().map { r, row in
      var offset = 0
      return row.enumerated().map { k, m in
        let d = model.slots.dimensions(of: movePrograms[r][k].program)
        let move = Move(to: m.to, ref: refs[m.i], dimensions: d, strides: model.keys.strides(d), offset: d == rowDimensions[r] ? -1 : offset)
        if d != rowDimensions[r] { offset += model.keys.entries(d) }
        scratch = max(scratch, offset)
        return move
      }
    })
    moveValues = buffer(scratch)
    rowValues = buffer(S * S)
    columnMove = .allocate(capacity: max(A * S * S, 1))
    columnMove.initialize(repeating: -1, count: max(A * S * S, 1))
    rowNeedsKey = .allocate(capacity: max(A * S, 1))
    rowNeedsKey.initialize(repeating: false, count: max(A * S, 1))
    for r in 0..<(A * S) {
      for (k, m) in moves.group(r).enumerated() {
        let c = r * S + m.to
        columnMove[c] = columnMove[c] == -1 ? k : -2
        if m.offset < 0 && !m.dimensions.isEmpty { rowNeedsKey[r] = true }
      }
    }
    ratePrograms = FlatList(rateIdx.map { $0.map { refs[$0] } })
    shareLines = FlatList(shareIdx.map { $0.map { Share(payer: $0.payer, ref: refs[$0.i]) } })
    func flat(_ c: [[(component: Int, i: Int, share: Int, factor: Double)]]) -> FlatList<Contribution> {
      FlatList(c.map { $0.map { Contribution(component: $0.component, ref: refs[$0.i], share: $0.share, factor: $0.factor) } })
    }
    stateContributions = flat(stateIdx)
    eventContributions = flat(eventIdx)
    moveContributions = flat(moveCIdx)
    startContributions = flat(startIdx)
    groupCycleContributions = flat(groupCycleIdx)
    groupStartContributions = flat(groupStartIdx)
    groupPrograms = FlatList(groupIdx.map { $0.map { refs[$0] } })
    groupSize = .allocate(capacity: max(A, 1))
    groupSize.initialize(repeating: 0, count: max(A, 1))
    groupMinimum = .allocate(capacity: max(A, 1))
    groupMinimum.initialize(repeating: 0, count: max(A, 1))
    subgroupPrograms = FlatList([subgroupIdx.map { refs[$0] }])
    categoryPrograms = FlatList(categoryIdx.map { $0.map { refs[$0] } })
    startPrograms = FlatList(startIdx2.map { $0.map { StartShare(state: $0.state, ref: refs[$0.i]) } })
    func tables(_ t: [CompiledModel.Table]) -> UnsafeMutablePointer<CompiledModel.Table> {
      let p = UnsafeMutablePointer<CompiledModel.Table>.allocate(capacity: max(t.count, 1))
      p.initialize(from: t, count: t.count)
      return p
    }
    rowTables = tables(model.rows.flatMap { $0 })
    rateTables = tables(model.rates.flatMap { $0.flatMap { $0 } })
    stateTables = tables(model.stateRewards.flatMap { $0 })
    eventTables = tables(model.eventRewards.flatMap { $0 })
    moveTables = tables(model.moveRewards.flatMap { $0 })
    startTables = tables(model.startRewards)
    groupCycleTables = tables(model.groupCycleRewards)
    groupStartTables = tables(model.groupStartRewards)
    drawCount = model.draws.count
    draws = .allocate(capacity: max(drawCount, 1))
    draws.initialize(from: model.draws.map { ($0.slot, $0.factor) }, count: drawCount)
  }

  deinit {
    for p in [base.baseAddress!, stack, probability, cumulative, rateMean, expMinusRate, poissonCDF, rewards, moveValues, rowValues, shares,
              copulaScratch, vectorScratch.baseAddress!, subgroupShare, subgroupCumulative, categoryShare, categoryCumulative,
              startShare, startCumulative] + values.map({ $0.baseAddress! })
    {
      p.deallocate()
    }
    derived.deallocate()
    overrides.deallocate()
    overridden.deallocate()
    pinned.deallocate()
    pins.deallocate()
    moves.deallocate()
    ratePrograms.deallocate()
    shareLines.deallocate()
    for c in [stateContributions, eventContributions, moveContributions, startContributions, groupCycleContributions, groupStartContributions] { c.deallocate() }
    groupPrograms.deallocate()
    groupSize.deallocate()
    groupMinimum.deallocate()
    subgroupPrograms.deallocate()
    categoryPrograms.deallocate()
    startPrograms.deallocate()
    for t in [rowTables, rateTables, stateTables, eventTables, moveTables, startTables, groupCycleTables, groupStartTables] { t.deallocate() }
    columnMove.deallocate()
    rowNeedsKey.deallocate()
    draws.deallocate()
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
    for i in 0..<pinCount { base[pins[i].slot] = pins[i].value }
    try evaluateDerived(base, run: run, arm: -1)
    try applyArms(run: run)
  }

  /// Holds parameters (by slot) at the given values in every run: they are neither drawn nor
  /// computed from other parameters. Arms that set the parameter still override it.
  func pin(_ values: [(slot: Int, value: Double)]) {
    for i in 0..<pinCount { pinned[pins[i].slot] = false }
    pins.deallocate()
    pins = .allocate(capacity: max(values.count, 1))
    pins.initialize(from: values, count: values.count)
    pinCount = values.count
    for v in values { pinned[v.slot] = true }
  }

  /// Sets every drawn parameter to the mean of its distribution (the deterministic base case).
  func setParametersToMeans() throws(SimulationError) {
    for d in model.draws { base[d.slot] = d.distribution.mean * d.factor }
    for v in model.vectorDraws { for (i, s) in v.slots.enumerated() { base[s] = v.distribution.mean[i] } }
    for c in model.copulas { for (i, s) in c.slots.enumerated() { base[s] = c.distributions[i].mean * c.factors[i] } }
    for i in 0..<pinCount { base[pins[i].slot] = pins[i].value }
    try evaluateDerived(base, run: -1, arm: -1)
    try applyArms(run: -1)
  }

  private func evaluateDerived(_ v: UnsafeMutableBufferPointer<Double>, run: Int, arm: Int) throws(SimulationError) {
    let n = slots.count
    for d in derived.group(0) where !pinned[d.slot] && (arm < 0 || !overridden[arm * n + d.slot]) {
      let x = arena.evaluate(d.ref, v, stack: stack) * d.factor
      guard x.isFinite else {
        throw .invalidValue(run: run, what: "parameter '\(name(ofSlot: d.slot))'\(arm >= 0 ? " in arm \(model.scenario.arms[arm].name)" : "")",
                            value: x, expected: "a finite number (check for division by zero or log of a non-positive value)")
      }
      v[d.slot] = x
    }
    for i in 0..<drawCount where !v[draws[i].slot].isFinite {
      throw .invalidValue(run: run, what: "parameter '\(name(ofSlot: draws[i].slot))'", value: v[draws[i].slot], expected: "a finite number")
    }
  }

  /// Each arm's values: the base values with the arm's parameter settings, and the
  /// expressions that depend on them recomputed.
  private func applyArms(run: Int) throws(SimulationError) {
    for a in 0..<A {
      let v = values[a]
      v.baseAddress!.update(from: base.baseAddress!, count: base.count)
      let list = overrides.group(a)
      if list.isEmpty { continue }
      for o in list {
        let x = arena.evaluate(o.ref, v, stack: stack)
        guard x.isFinite else {
          throw .invalidValue(run: run, what: "parameter '\(name(ofSlot: o.slot))' as set by arm \(model.scenario.arms[a].name)", value: x, expected: "a finite number")
        }
        v[o.slot] = x
      }
      try evaluateDerived(v, run: run, arm: a)
    }
  }

  func name(ofSlot slot: Int) -> String {
    slots.slotByName.first { $0.value == slot }?.key ?? "#\(slot)"
  }

  /// Parameter values of the base case in scenario order (one per value name).
  var parameterValues: [Double] {
    Array(base[0..<(slots.parameterSlots.last?.upperBound ?? 0)])
  }

  // MARK: - Population

  /// Evaluates the subgroup, category and start shares (with the base values, so that the
  /// clients are the same in every arm) and their cumulative sums.
  func evaluatePopulation(run: Int) throws(SimulationError) {
    let scenario = model.scenario
    func check(_ x: Double, _ what: @autoclosure () -> String) throws(SimulationError) -> Double {
      guard x.isFinite, x >= 0, x <= 1 else { throw .invalidValue(run: run, what: what(), value: x, expected: "a share between 0 and 1") }
      return x
    }
    func checkSum(_ sum: Double, _ what: @autoclosure () -> String) throws(SimulationError) {
      guard abs(sum - 1) <= 1e-9 else { throw .invalidValue(run: run, what: "the sum of \(what())", value: sum, expected: "1") }
    }
    var total = 0.0
    for (g, ref) in subgroupPrograms.group(0).enumerated() {
      subgroupShare[g] = try check(arena.evaluate(ref, base, stack: stack), "the share of subgroup \(scenario.subgroups[g].name)")
      total += subgroupShare[g]
      subgroupCumulative[g] = total
    }
    try checkSum(total, "the subgroup shares")
    for g in 0..<G {
      for k in 0..<model.scenario.attributes.count {
        var sum = 0.0
        for (c, ref) in categoryPrograms.group(g * nAttr + k).enumerated() {
          let i = (g * nAttr + k) * maxCategories + c
          categoryShare[i] = try check(arena.evaluate(ref, base, stack: stack), "the share of \(scenario.attributes[k].name) = \(scenario.attributes[k].categories[c])")
          sum += categoryShare[i]
          categoryCumulative[i] = sum
        }
        try checkSum(sum, "the shares of \(scenario.attributes[k].name)")
      }
      for s in 0..<S { startShare[g * S + s] = 0 }
      for start in startPrograms.group(g) {
        startShare[g * S + start.state] += try check(arena.evaluate(start.ref, base, stack: stack), "the start share of \(scenario.states[start.state].name)")
      }
      var sum = 0.0
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
    v[slots.cycle] = Double(t)
    v[slots.time] = Double(t) * cycleLength
    v[slots.age] = Double(keys.ageOfKey[age])
    v[slots.timeInState] = Double(duration)
    if !slots.attributeSlots.isEmpty || keys.profiles.count > 1 {
      var rest = g
      for k in stride(from: slots.attributeSlots.count - 1, through: 0, by: -1) {
        let n = keys.profiles.categoryCounts[k]
        v[slots.attributeSlots[k]] = Double(rest % n)
        rest /= n
      }
      v[slots.subgroup] = Double(rest)
    }
  }

  /// Describes a key for error messages ("at cycle 3, age 45"), listing only its dimensions.
  private func place(_ d: Dimensions, cycle t: Int, age: Int, duration: Int, profile g: Int) -> String {
    var parts: [String] = []
    if d.contains(.cycle) { parts.append("cycle \(t)") }
    if d.contains(.age) { parts.append("age \(keys.ageDescription(age))") }
    if d.contains(.duration) { parts.append("time in state \(duration)") }
    if d.contains(.profile) {
      let (subgroup, categories) = keys.profiles.decompose(g)
      parts.append("subgroup \(model.scenario.subgroups[subgroup].name)")
      for (k, c) in categories.enumerated() { parts.append("\(model.scenario.attributes[k].name) \(model.scenario.attributes[k].categories[c])") }
    }
    return parts.isEmpty ? "" : " (at " + parts.joined(separator: ", ") + ")"
  }

  /// Evaluates every table of the run from the current parameters, checking each value.
  func evaluateTables(run: Int) throws(SimulationError) {
    clampedInRun = 0
    for a in 0..<A {
      let v = values[a]

      // Transition rows.
      for s in 0..<S {
        let table = rowTables[a * S + s]
        let list = moves.group(a * S + s)
        func moveProbability(_ m: Move, cycle t: Int, age: Int, duration du: Int, profile g: Int) throws(SimulationError) -> Double {
          let p = arena.evaluate(m.ref, v, stack: stack)
          guard p.isFinite, p >= 0, p <= 1 else {
            // Only finite values are clamped: NaN or ±∞ (division by zero, …) is a model error.
            if clampProbabilities && run >= 0 && p.isFinite {
              // Tables span boundaries 0 … T; moves use cycles 0 … T − 1: only those count.
              if t < model.horizon { clampedInRun += 1 }
              return min(max(p, 0), 1)
            }
            throw .invalidTransitionRow(run: run, arm: model.scenario.arms[a].name, state: model.scenario.states[s].name,
                                        detail: "the probability of moving to \(model.scenario.states[m.to].name) is \(p)\(place(m.dimensions, cycle: t, age: age, duration: du, profile: g)); expected a probability in [0, 1]")
          }
          return p
        }
        // Moves with fewer dimensions than the row: once per key of their own.
        for m in list where m.offset >= 0 {
          try keys.forEachKey(m.dimensions) { (entry, t, age, du, g) throws(SimulationError) in
            if !m.dimensions.isEmpty { setKey(v, cycle: t, age: age, duration: du, profile: g) }
            moveValues[m.offset + entry] = try moveProbability(m, cycle: t, age: age, duration: du, profile: g)
          }
        }
        let needsKey = rowNeedsKey[a * S + s]
        let columns = columnMove + (a * S + s) * S
        try keys.forEachKey(table.dimensions) { (entry, t, age, du, g) throws(SimulationError) in
          if needsKey { setKey(v, cycle: t, age: age, duration: du, profile: g) }
          // Each entry of the row and its cumulative row is written once (no read-modify-write
          // of memory just written: that stalls store forwarding and cost half of this loop).
          var sum = 0.0
          var last = -1  // the last column with a positive probability
          for (k, m) in list.enumerated() {
            let p = m.offset >= 0
              ? moveValues[m.offset + m.strides.entry(cycle: t, age: age, duration: du, profile: g)]
              : try moveProbability(m, cycle: t, age: age, duration: du, profile: g)
            rowValues[k] = p
            sum += p
            if p > 0 && m.to > last { last = m.to }
          }
          if sum > 1 + 1e-9 && clampProbabilities && run >= 0 {
            // Scale the moves down in proportion (the stay probability becomes 0).
            for k in 0..<list.count { rowValues[k] /= sum }
            sum = 1
            if t < model.horizon { clampedInRun += 1 }
          }
          guard sum <= 1 + 1e-9 else {
            let parts = list.enumerated().map { "\(model.scenario.states[$0.element.to].name) \(rowValues[$0.offset])" }.joined(separator: " + ")
            throw .invalidTransitionRow(run: run, arm: model.scenario.arms[a].name, state: model.scenario.states[s].name,
                                        detail: "the moves sum to \(sum) (\(parts))\(place(table.dimensions, cycle: t, age: age, duration: du, profile: g)); they must sum to at most 1 (the stay probability is the rest)")
          }
          let stay = max(0, 1 - sum)
          if stay > 0 && s > last { last = s }
          if last < 0 { last = s }
          let row = probability + table.base + entry * S
          let cum = cumulative + table.base + entry * S
          var acc = 0.0
          for j in 0..<S {
            var x = 0.0
            let k = columns[j]
            if j == s {
              x = stay
            } else if k >= 0 {
              x = rowValues[k]
            } else if k == -2 {
              for (k, m) in list.enumerated() where m.to == j { x += rowValues[k] }
            }
            row[j] = x
            acc += x
            cum[j] = j >= last ? .infinity : acc
          }
        }
      }

      // Poisson means of rate events.
      for e in 0..<E {
        for s in 0..<S {
          let table = rateTables[(a * E + e) * S + s]
          let list = ratePrograms.group(e * S + s)
          try keys.forEachKey(table.dimensions) { (entry, t, age, du, g) throws(SimulationError) in
            if !table.dimensions.isEmpty { setKey(v, cycle: t, age: age, duration: du, profile: g) }
            var lambda = 0.0
            for ref in list { lambda += arena.evaluate(ref, v, stack: stack) }
            guard lambda.isFinite, lambda >= 0, lambda <= CompiledModel.maximumRate else {
              throw .invalidValue(run: run, what: "the rate of event '\(model.scenario.events[model.rateEvents[e].event].name)' in arm \(model.scenario.arms[a].name), state \(model.scenario.states[s].name)\(place(table.dimensions, cycle: t, age: age, duration: du, profile: g))",
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
      let lines = shareLines.groups
      for l in 0..<lines {
        let row = shares + (a * lines + l) * P
        for p in 0..<P { row[p] = 0 }
        var total = 0.0
        for share in shareLines.group(l) {
          let x = arena.evaluate(share.ref, v, stack: stack)
          guard x.isFinite, x >= 0, x <= 1 else {
            throw .invalidValue(run: run, what: "the share of \(model.scenario.payers[share.payer].name) in cost line '\(model.shareLines[l].name)' (arm \(model.scenario.arms[a].name))", value: x, expected: "a share between 0 and 1")
          }
          row[share.payer] += x
          total += x
        }
        guard abs(total - 1) <= 1e-9 else {
          throw .invalidValue(run: run, what: "the sum of the payer shares of cost line '\(model.shareLines[l].name)' (arm \(model.scenario.arms[a].name))", value: total, expected: "1")
        }
      }

      // Rewards.
      try fill(arm: a, tables: stateTables + a * S, contributions: stateContributions, groups: a * S, count: S, run: run)
      try fill(arm: a, tables: eventTables + a * E, contributions: eventContributions, groups: a * E, count: E, run: run)
      try fill(arm: a, tables: moveTables + a * S * S, contributions: moveContributions, groups: a * S * S, count: S * S, run: run)
      try fill(arm: a, tables: startTables + a, contributions: startContributions, groups: a, count: 1, run: run)
      try fill(arm: a, tables: groupCycleTables + a, contributions: groupCycleContributions, groups: a, count: 1, run: run)
      try fill(arm: a, tables: groupStartTables + a, contributions: groupStartContributions, groups: a, count: 1, run: run)

      // The group's size and minimum (parameters of the arm, rounded to whole numbers).
      let programs = groupPrograms.group(a)
      if !programs.isEmpty {
        let name = model.scenario.groups[model.groups[a]!.index].name
        let size = arena.evaluate(programs[0], v, stack: stack)
        let minimum = arena.evaluate(programs[1], v, stack: stack)
        guard size.isFinite, size.rounded() >= 1, size < 1e9 else {
          throw .invalidValue(run: run, what: "the size of group '\(name)' (arm \(model.scenario.arms[a].name))", value: size, expected: "a whole number of members of 1 or more")
        }
        guard minimum.isFinite, minimum.rounded() >= 0, minimum < 1e9 else {
          throw .invalidValue(run: run, what: "the minimum of group '\(name)' (arm \(model.scenario.arms[a].name))", value: minimum, expected: "a whole number of members of 0 or more")
        }
        groupSize[a] = Int(size.rounded())
        groupMinimum[a] = Int(minimum.rounded())
      }
    }
  }

  /// Fills `count` reward tables of arm a from their contributions.
  private func fill(
    arm a: Int, tables: UnsafeMutablePointer<CompiledModel.Table>, contributions: FlatList<Contribution>, groups first: Int, count: Int, run: Int
  ) throws(SimulationError) {
    let v = values[a]
    let lines = shareLines.groups
    for i in 0..<count {
      let list = contributions.group(first + i)
      if list.isEmpty { continue }
      let table = tables[i]
      try keys.forEachKey(table.dimensions) { (entry, t, age, du, g) throws(SimulationError) in
        if !table.dimensions.isEmpty { setKey(v, cycle: t, age: age, duration: du, profile: g) }
        let out = rewards + table.base + entry * R
        for r in 0..<R { out[r] = 0 }
        for (k, c) in list.enumerated() {
          let amount = arena.evaluate(c.ref, v, stack: stack)
          guard amount.isFinite else {
            throw .invalidValue(run: run, what: "the amount of '\(contributionName(contributions, first + i, k))' in arm \(model.scenario.arms[a].name)\(place(table.dimensions, cycle: t, age: age, duration: du, profile: g))", value: amount, expected: "a finite amount")
          }
          // Intervention components P + K + p take payer p's share.
          let payer = c.component < P ? c.component : c.component - model.payerCount - model.effectCount
          let share = c.share >= 0 ? shares[(a * lines + c.share) * P + payer] : 1
          out[c.component] += amount * share * c.factor
        }
      }
    }
  }

  /// The cost or effect line of contribution k of group g (for error messages).
  private func contributionName(_ list: FlatList<Contribution>, _ g: Int, _ k: Int) -> String {
    let all: [[CompiledModel.Contribution]]
    if list.items == stateContributions.items {
      all = model.stateContributions.flatMap { $0 }
    } else if list.items == eventContributions.items {
      all = model.eventContributions.flatMap { $0 }
    } else if list.items == moveContributions.items {
      all = model.moveContributions.flatMap { $0 }
    } else if list.items == groupCycleContributions.items {
      all = model.groupCycleContributions
    } else if list.items == groupStartContributions.items {
      all = model.groupStartContributions
    } else {
      all = model.startContributions
    }
    return g < all.count && k < all[g].count ? all[g][k].name : "a cost or effect line"
  }
}

/// A zero-filled buffer of `count` doubles (at least one), owned by the caller, who
/// deallocates it. The engine's per-worker scratch space is made of these.
func zeroedBuffer(_ count: Int) -> UnsafeMutablePointer<Double> {
  let p = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
  p.initialize(repeating: 0, count: max(count, 1))
  return p
}
