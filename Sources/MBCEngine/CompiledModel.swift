import Foundation
import MBCAnalysis
import MBCRandom
import MBCScenario

/// A scenario turned into flat numeric form for the engines.
///
/// Everything that can vary between runs is an ``ExpressionProgram`` over the run's value
/// vector (parameters, then the model variables; see ``SlotLayout``). ``RunTables``
/// evaluates the programs once per run and arm — and, for tables that use `cycle`, `age`,
/// `time_in_state` or client attributes, once per value of those — into flat arrays. The
/// client loop only looks numbers up; it never evaluates an expression.
///
/// Rewards: component r < P is the cost borne by payer r; component P + k is effect k; when
/// cost lines are marked `intervention`, component P + K + p is the part of payer p's cost
/// that is the intervention itself. Each component belongs to a category (0: costs, 1 + k:
/// effect k) with its own discounting and timing weights.
public struct CompiledModel: Sendable {
  public let scenario: Scenario
  public let layout: MetricLayout

  /// Sizes: states, arms, payers, effects, reward components (P + effects + intervention
  /// components), intervention components (P or 0), rate events, horizon (cycles), clients per run.
  public let stateCount: Int, armCount: Int, payerCount: Int, effectCount: Int, rewardCount: Int
  public let interventionCount: Int
  public let rateEventCount: Int
  public let horizon: Int, clients: Int

  let slots: SlotLayout
  let keys: KeySpace

  /// Per category c (0 costs, 1 + k effect k): the boundary weight × discount of the state
  /// rewards, ω_t·d_t for t = 0 … T.
  let boundaryWeights: [[Double]]
  /// Per category: the discount factor of cycle t (t = 0 … T), for rewards of events and moves.
  let discount: [[Double]]
  /// Category of each reward component.
  let category: [Int]

  /// Number of parameter values per run (each component of a vector parameter counts).
  public var parameterValueCount: Int { slots.parameterSlots.last?.upperBound ?? 0 }
  /// Their names, in order: the parameter's name, or `name.component`.
  public var parameterValueNames: [String] { scenario.parameters.flatMap(\.valueNames) }

  /// Discount factors of costs at the start of each cycle (t = 0 … horizon − 1).
  public var discountFactors: [Double] { Array(discount[0].prefix(horizon)) }

  // MARK: Parameters

  struct Draw: Sendable {
    var slot: Int
    var distribution: Distribution
    var purpose: StreamPurpose
    var factor: Double
  }
  struct VectorDraw: Sendable {
    var slots: Range<Int>
    var distribution: VectorDistribution
    var purpose: StreamPurpose
  }
  struct CopulaGroup: Sendable {
    var name: String
    var slots: [Int]
    var distributions: [Distribution]
    var factors: [Double]
    /// Lower Cholesky factor (row-major) of the normal-score correlation matrix.
    var cholesky: [Double]
    var purpose: StreamPurpose
  }
  struct Derived: Sendable {
    var slot: Int
    var program: ExpressionProgram
    var factor: Double
  }
  let draws: [Draw]
  let vectorDraws: [VectorDraw]
  let copulas: [CopulaGroup]
  let derived: [Derived]
  /// Per arm: parameters set by the arm (slot, program over the arm's values), in order.
  let overrides: [[(slot: Int, program: ExpressionProgram)]]
  /// Per arm: the slots its settings fix (derived expressions there are not recomputed).
  let overriddenSlots: [Set<Int>]

  // MARK: Client population (evaluated with the base parameters: the same clients in every arm)

  struct Population: Sendable {
    var subgroupShares: [ExpressionProgram]
    /// [subgroup][attribute][category]
    var categoryShares: [[[ExpressionProgram]]]
    /// [subgroup]: (state, share)
    var start: [[(state: Int, share: ExpressionProgram)]]
    /// [subgroup]: age at start (nil when clients have no age)
    var age: [Distribution?]
    /// Whether a client's characteristics need random draws at all.
    var isRandom: Bool
  }
  let population: Population

  /// A ``Scenario/Group`` in an arm: member and closing states, and the size and minimum
  /// (programs over the run's parameters, rounded per run).
  struct GroupSpec: Sendable {
    var index: Int
    var member: Int
    var onClose: Int
    var size: ExpressionProgram
    var minimum: ExpressionProgram
  }

  /// The expressions of ``Scenario/Budget``, compiled over the run's parameter values.
  struct BudgetPrograms: Sendable {
    var rate, trend, fte, caseload, dropout, indexation: ExpressionProgram
    var startup, fixedPerYear, perFTEYear, perClient, perClientMonth: ExpressionProgram
    /// [line][year]: the caps as written (the last repeats).
    var caps: [[ExpressionProgram]]

    init(_ b: Scenario.Budget, _ compile: (ModelExpression) -> ExpressionProgram) {
      rate = compile(b.inflow.rate)
      trend = compile(b.inflow.trend)
      fte = compile(b.capacity.fte)
      caseload = compile(b.capacity.caseload)
      dropout = compile(b.waiting.dropout)
      indexation = compile(b.indexation)
      startup = compile(b.programme.startup)
      fixedPerYear = compile(b.programme.fixedPerYear)
      perFTEYear = compile(b.programme.perFTEYear)
      perClient = compile(b.programme.perClient)
      perClientMonth = compile(b.programme.perClientMonth)
      caps = b.lines.map { $0.caps.map(compile) }
    }
  }

  // MARK: Tables

  /// A table's dimensions, strides and where its entries start.
  struct Table: Sendable {
    var dimensions: Dimensions
    var strides: Strides
    var base: Int
  }
  /// A contribution to a reward table: component r gets amount × share × factor.
  struct Contribution: Sendable {
    var component: Int
    var amount: ExpressionProgram
    /// Index into the run's evaluated shares (cost lines), or nil for effects.
    var share: Int?
    var factor: Double
    var name: String
  }

  /// Transition rows [arm][state]: entries of S probabilities (and S cumulative values).
  let rows: [[Table]]
  let moves: [[[(to: Int, program: ExpressionProgram)]]]
  let rowEntries: Int
  /// Rate events [arm][rate event][state]: entries of one Poisson mean.
  let rates: [[[Table]]]
  /// Poisson-mean programs [rate event][state] (summed when several).
  let ratePrograms: [[[ExpressionProgram]]]
  let rateEntries: Int
  /// Rate events: scenario event index and stream purpose; transition events: their moves.
  let rateEvents: [(event: Int, purpose: StreamPurpose)]
  let transitionEvents: [(event: Int, moves: [(from: Int, to: Int)])]
  /// Reward tables, entries of R components: per cycle in a state [arm][state], per rate
  /// event [arm][rate event], per move [arm][from·S + to], at start [arm].
  let stateRewards: [[Table]], stateContributions: [[[Contribution]]]
  let eventRewards: [[Table]], eventContributions: [[[Contribution]]]
  let moveRewards: [[Table]], moveContributions: [[[Contribution]]]
  let startRewards: [Table], startContributions: [[Contribution]]
  /// A group's shared costs [arm]: per cycle a group is open (may depend on the cycle), and
  /// once per group formed.
  let groupCycleRewards: [Table], groupCycleContributions: [[Contribution]]
  let groupStartRewards: [Table], groupStartContributions: [[Contribution]]
  let rewardEntries: Int
  /// The budget model's amounts and rates (``Scenario/Budget``), compiled; nil without `budget:`.
  let budgetPrograms: BudgetPrograms?
  /// The group clients of an arm take part in, compiled [arm] (nil: no group).
  let groups: [GroupSpec?]
  /// Cost lines' payer shares, evaluated once per run and arm: [line][(payer, program)].
  let shareLines: [(name: String, shares: [(payer: Int, program: ExpressionProgram)])]
  /// Whether any state-reward table of the arm has dimensions (then rewards are looked up
  /// per boundary instead of accumulated per stay).
  let keyedStateRewards: [Bool]
  /// Whether the arm needs a client's time in state (duration) or age at each cycle.
  let usesDuration: [Bool], usesAge: [Bool]
  let transitionTiming: TransitionTiming

  /// Largest stack any program needs.
  let stackSize: Int

  /// The largest Poisson mean per cycle the engine accepts (inversion needs exp(−λ) > 0).
  public static let maximumRate = 700.0
  /// The largest number of table entries (doubles) per run and worker.
  public static let maximumTableSize = 20_000_000

  /// Compiles `scenario`. Warnings (e.g. a repaired correlation matrix) are appended to
  /// `scenario.warnings` of the returned model.
  /// - Throws: ``ScenarioError`` for problems only found here (a correlation or covariance
  ///   matrix that is not positive definite, tables too large).
  public init(_ scenario: Scenario) throws(ScenarioError) {
    var scenario = scenario
    var problems: [ScenarioDiagnostic] = []
    let S = scenario.states.count
    let A = scenario.arms.count
    let P = scenario.payers.count
    let K = scenario.effects.count
    let T = scenario.horizon
    stateCount = S
    armCount = A
    payerCount = P
    effectCount = K
    let I = scenario.costs.contains { $0.intervention } ? P : 0
    interventionCount = I
    rewardCount = P + K + I
    horizon = T
    clients = scenario.clients
    layout = MetricLayout(scenario: scenario)
    transitionTiming = scenario.transitionTiming
    let slots = SlotLayout(scenario)
    self.slots = slots
    category = (0..<(P + K + I)).map { $0 < P || $0 >= P + K ? 0 : $0 - P + 1 }

    // Discounting and timing per category.
    let L = scenario.cycleLength
    func factors(_ r: Double) -> [Double] { (0...T).map { t in Foundation.pow(1 + r, -Double(t) * L) } }
    let rates = [scenario.costDiscountRate] + scenario.effects.map(\.discountRate)
    let timings = [scenario.costTiming] + scenario.effects.map(\.timing)
    discount = rates.map(factors)
    boundaryWeights = zip(timings, discount).map { $0.weights(discount: $1) }

    // Key space.
    let ageSpecs = scenario.subgroups.map { $0.age?.distribution }
    var ageLow = 0.0
    var ageHigh = 0.0
    if ageSpecs.contains(where: { $0 != nil }) {
      ageLow = Scenario.AgeSpec.maximumAge
      for d in ageSpecs.compactMap({ $0 }) {
        let (lo, hi) = Self.support(d)
        ageLow = min(ageLow, max(0, lo))
        ageHigh = max(ageHigh, min(Scenario.AgeSpec.maximumAge, hi))
      }
    }
    let ageMin = Int(ageLow.rounded(.down))
    let ageMax = Int((ageHigh + Double(T) * L).rounded(.down))
    let profiles = Profiles(subgroups: scenario.subgroups.count, categoryCounts: scenario.attributes.map(\.categories.count))

    // Programs.
    var context = ModelExpression.Context { slots.slotByName[$0] }
    context.cycleLength = L
    let tables = Dictionary(scenario.tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    context.table = { tables[$0] }
    let subgroupNames = scenario.subgroups.map(\.name)
    let attributes = Dictionary(scenario.attributes.map { ($0.name, $0.categories) }, uniquingKeysWith: { a, _ in a })
    context.category = { name, text in
      let list = name == ModelVariable.subgroup.rawValue ? subgroupNames : attributes[name]
      guard let i = list?.firstIndex(of: text) else {
        return .failure(ExpressionError(message: "\"\(text)\" is not a category of '\(name)'", offset: 0))
      }
      return .success(Double(i))
    }
    var stack = 1
    // How the programs use `age`: only through lookups (the bands' bounds), or directly (nil).
    var ageBounds: [Double]? = []
    func compile(_ e: ModelExpression) -> ExpressionProgram {
      // The loader has checked every name, so compilation cannot fail here.
      let p = (try? e.compile(context)) ?? .constant(.nan)
      stack = max(stack, p.stackSize)
      if let bounds = ageBounds {
        if let b = p.lookupBounds(ofSlot: slots.age) { ageBounds = bounds + b } else { ageBounds = nil }
      }
      return p
    }

    // Parameters.
    var draws: [Draw] = []
    var vectorDraws: [VectorDraw] = []
    var derived: [Derived] = []
    let correlated = Set(scenario.correlations.flatMap(\.parameters))
    for (i, p) in scenario.parameters.enumerated() {
      let slot = slots.parameterSlots[i]
      switch p.definition {
      case .distribution(let d):
        if !correlated.contains(i) { draws.append(.init(slot: slot.lowerBound, distribution: d, purpose: .parameter(p.name), factor: p.priceFactor)) }
      case .expression(let e):
        derived.append(.init(slot: slot.lowerBound, program: compile(e), factor: p.priceFactor))
      case .vector(let spec, _):
        switch spec {
        case .dirichlet(let alpha):
          vectorDraws.append(.init(slots: slot, distribution: .dirichlet(alpha: alpha), purpose: .parameter(p.name)))
        case .multivariateNormal(let mean, let covariance):
          switch CorrelationMatrix.cholesky(covariance, order: mean.count) {
          case .success(let lower):
            vectorDraws.append(.init(slots: slot, distribution: .multivariateNormal(mean: mean, choleskyLower: lower), purpose: .parameter(p.name)))
          case .failure(let e):
            problems.append(.init(.error, at: p.location, keyPath: "parameters.\(p.name).covariance",
                                  message: "the covariance matrix is not positive definite (leading minor \(e.leadingMinor) is not positive; smallest eigenvalue \(e.smallestEigenvalue)); a covariance matrix must be"))
          }
        }
      }
    }
    var copulas: [CopulaGroup] = []
    for group in scenario.correlations {
      let n = group.parameters.count
      var r = group.matrix
      if group.kind == .rank {
        for i in 0..<n { for j in 0..<n where i != j { r[i * n + j] = CorrelationMatrix.normalCorrelation(fromSpearman: group.matrix[i * n + j]) } }
      }
      var lower: [Double]?
      switch CorrelationMatrix.cholesky(r, order: n) {
      case .success(let l): lower = l
      case .failure(let e):
        if group.repair {
          let (nearest, iterations) = CorrelationMatrix.nearestCorrelation(r, order: n)
          if case .success(let l) = CorrelationMatrix.cholesky(nearest, order: n) {
            lower = l
            var change = 0.0
            for k in 0..<(n * n) { change = max(change, abs(nearest[k] - r[k])) }
            scenario.warnings.append(.init(.warning, at: group.location, keyPath: "correlations.\(group.name)",
                                           message: "the correlation matrix is not positive definite (smallest eigenvalue \(e.smallestEigenvalue)); it was replaced by the nearest correlation matrix (Higham 2002, \(iterations) iterations; largest change \(String(format: "%.4g", change)))"))
          }
        }
        if lower == nil {
          problems.append(.init(.error, at: group.location, keyPath: "correlations.\(group.name)",
                                message: "the \(group.kind == .rank ? "rank " : "")correlation matrix of \(group.parameters.map { scenario.parameters[$0].name }.joined(separator: ", ")) is not positive definite (leading minor \(e.leadingMinor) is not positive; smallest eigenvalue \(e.smallestEigenvalue)); correct it, or add 'repair: true' to use the nearest valid matrix"))
        }
      }
      if let lower {
        copulas.append(.init(
          name: group.name, slots: group.parameters.map { slots.parameterSlots[$0].lowerBound },
          // Empirical values sorted once here, so that each quantile needs no sort.
          distributions: group.parameters.map { i in
            guard case .distribution(let d) = scenario.parameters[i].definition else { return .fixed(.nan) }
            if case .empirical(let v) = d { return .empirical(v.sorted()) }
            return d
          },
          factors: group.parameters.map { scenario.parameters[$0].priceFactor }, cholesky: lower,
          purpose: StreamPurpose(rawValue: StreamPurpose.fnv1a64("copula:" + group.name))))
      }
    }
    self.draws = draws
    self.vectorDraws = vectorDraws
    self.copulas = copulas
    self.derived = derived
    overrides = scenario.arms.map { arm in
      arm.parameterOverrides.compactMap { o in slots.slotByName[o.name].map { ($0, compile(o.value)) } }
    }
    overriddenSlots = overrides.map { Set($0.map(\.slot)) }

    // Population.
    population = Population(
      subgroupShares: scenario.subgroups.map { compile($0.share) },
      categoryShares: scenario.subgroups.map { g in
        scenario.attributes.enumerated().map { k, attribute in (g.attributeShares[k] ?? attribute.shares).map(compile) }
      },
      start: scenario.subgroups.map { g in (g.start.isEmpty ? scenario.start : g.start).map { ($0.state, compile($0.share)) } },
      age: scenario.subgroups.map { $0.age?.distribution },
      isRandom: scenario.subgroups.count > 1 || !scenario.attributes.isEmpty || scenario.start.count > 1
        || scenario.subgroups.contains { $0.start.count > 1 } || scenario.subgroups.contains { g in
          if let d = g.age?.distribution, case .fixed = d { return false }
          return g.age != nil
        })

    // Events.
    var rateEvents: [(Int, StreamPurpose)] = []
    var rateMeans: [[(state: Int, program: ExpressionProgram)]] = []
    var transitionEvents: [(Int, [(from: Int, to: Int)])] = []
    var rateIndex: [Int: Int] = [:]
    var eventMoves: [Int: [(from: Int, to: Int)]] = [:]
    for (i, event) in scenario.events.enumerated() {
      switch event.kind {
      case .rate(let means):
        rateIndex[i] = rateEvents.count
        rateEvents.append((i, .event(event.name)))
        rateMeans.append(means.map { ($0.state, compile($0.mean)) })
      case .transition(let from, let to):
        let pairs = Self.pairs(from: from, to: to)
        eventMoves[i] = pairs
        transitionEvents.append((i, pairs))
      }
    }
    self.rateEvents = rateEvents.map { (event: $0.0, purpose: $0.1) }
    ratePrograms = rateMeans.map { means in (0..<S).map { s in means.filter { $0.state == s }.map(\.program) } }
    self.transitionEvents = transitionEvents.map { (event: $0.0, moves: $0.1) }
    let E = rateEvents.count
    rateEventCount = E

    // Transition rows.
    let moves = scenario.arms.map { arm in arm.transitions.map { row in row.map { (to: $0.to, program: compile($0.probability)) } } }
    self.moves = moves

    // Reward contributions.
    var shareLines: [(String, [(payer: Int, program: ExpressionProgram)])] = []
    var stateC = Array(repeating: Array(repeating: [Contribution](), count: S), count: A)
    var eventC = Array(repeating: Array(repeating: [Contribution](), count: E), count: A)
    var moveC = Array(repeating: Array(repeating: [Contribution](), count: S * S), count: A)
    var startC = Array(repeating: [Contribution](), count: A)
    var groupCycleC = Array(repeating: [Contribution](), count: A)
    var groupStartC = Array(repeating: [Contribution](), count: A)
    func add(_ basis: Scenario.CostLine.Basis, arms: [Int]?, _ contributions: [Contribution]) {
      for a in 0..<A where arms?.contains(a) ?? true {
        switch basis {
        case .perCycle(let states): for s in states { stateC[a][s] += contributions }
        case .perEvent(let e):
          if let r = rateIndex[e] {
            eventC[a][r] += contributions
          } else {
            for m in eventMoves[e] ?? [] { moveC[a][m.from * S + m.to] += contributions }
          }
        case .perTransition(let from, let to):
          for m in Self.pairs(from: from, to: to) { moveC[a][m.from * S + m.to] += contributions }
        case .atStart: startC[a] += contributions
        case .perGroupCycle(let g): if scenario.groups[g].arms.contains(a) { groupCycleC[a] += contributions }
        case .perGroupStart(let g): if scenario.groups[g].arms.contains(a) { groupStartC[a] += contributions }
        }
      }
    }
    for line in scenario.costs {
      let amount = compile(line.amount)
      let index = shareLines.count
      shareLines.append((line.name, line.shares.map { ($0.payer, compile($0.share)) }))
      let paying = (0..<P).filter { p in line.shares.contains { $0.payer == p } }
      var contributions = paying.map { Contribution(component: $0, amount: amount, share: index, factor: line.priceFactor, name: line.name) }
      if line.intervention {
        contributions += paying.map { Contribution(component: P + K + $0, amount: amount, share: index, factor: line.priceFactor, name: line.name) }
      }
      add(line.basis, arms: line.arms, contributions)
    }
    for (k, effect) in scenario.effects.enumerated() {
      for line in effect.lines {
        add(line.basis, arms: line.arms, [Contribution(component: P + k, amount: compile(line.amount), share: nil, factor: 1, name: "\(effect.name).\(line.name)")])
      }
    }
    self.shareLines = shareLines.map { (name: $0.0, shares: $0.1) }
    self.stateContributions = stateC
    self.eventContributions = eventC
    self.moveContributions = moveC
    self.startContributions = startC
    groupCycleContributions = groupCycleC
    groupStartContributions = groupStartC
    budgetPrograms = scenario.budget.map { BudgetPrograms($0, compile) }
    groups = (0..<A).map { a in
      scenario.group(ofArm: a).map { g in
        let group = scenario.groups[g]
        return GroupSpec(index: g, member: group.member, onClose: group.onClose, size: compile(group.size), minimum: compile(group.minimum))
      }
    }

    // Key space (now that every program is known) and the tables of rows and event rates.
    let keys = KeySpace(cycles: T + 1, ageMin: ageMin, ageYears: ageMax - ageMin + 1, ageBounds: ageBounds, profiles: profiles, durations: T + 1)
    self.keys = keys
    var offset = 0
    func table(_ programs: [ExpressionProgram], width: Int) -> Table {
      var d: Dimensions = []
      for p in programs { d.formUnion(slots.dimensions(of: p)) }
      let t = Table(dimensions: d, strides: keys.strides(d), base: offset)
      offset += keys.entries(d) * width
      return t
    }
    let rowTables = moves.map { arm in arm.map { row in table(row.map(\.program), width: S) } }
    rows = rowTables
    rowEntries = offset
    offset = 0
    let rateTables = (0..<A).map { _ in rateMeans.map { means in (0..<S).map { s in table(means.filter { $0.state == s }.map(\.program), width: 1) } } }
    self.rates = rateTables
    rateEntries = offset
    offset = 0
    let R = P + K + I
    let stateTables = stateC.map { arm in arm.map { table($0.map(\.amount), width: R) } }
    let eventTables = eventC.map { arm in arm.map { table($0.map(\.amount), width: R) } }
    let moveTables = moveC.map { arm in arm.map { table($0.map(\.amount), width: R) } }
    stateRewards = stateTables
    eventRewards = eventTables
    moveRewards = moveTables
    let startTables = startC.map { c in
      var t = table(c.map(\.amount), width: R)
      if t.dimensions.contains(.cycle) || t.dimensions.contains(.duration) {
        // At the start, cycle and time in state are 0: drop those dimensions.
        offset -= keys.entries(t.dimensions) * R
        t.dimensions.subtract([.cycle, .duration])
        t.strides = keys.strides(t.dimensions)
        t.base = offset
        offset += keys.entries(t.dimensions) * R
      }
      return t
    }
    startRewards = startTables
    groupCycleRewards = groupCycleC.map { table($0.map(\.amount), width: R) }
    groupStartRewards = groupStartC.map { c in
      var t = table(c.map(\.amount), width: R)
      if !t.dimensions.isEmpty {
        // Charged at the start (cycle 0); the loader allows parameters only.
        offset -= keys.entries(t.dimensions) * R
        t.dimensions = []
        t.strides = keys.strides([])
        t.base = offset
        offset += R
      }
      return t
    }
    rewardEntries = offset
    keyedStateRewards = stateTables.map { arm in arm.contains { !$0.dimensions.isEmpty } }

    // Which per-client quantities the arms need.
    func armDimensions(_ a: Int) -> Dimensions {
      var d: Dimensions = []
      for t in rowTables[a] { d.formUnion(t.dimensions) }
      for e in rateTables[a] { for t in e { d.formUnion(t.dimensions) } }
      for t in stateTables[a] + eventTables[a] + moveTables[a] { d.formUnion(t.dimensions) }
      return d
    }
    usesDuration = (0..<A).map { armDimensions($0).contains(.duration) }
    usesAge = (0..<A).map { armDimensions($0).contains(.age) || startTables[$0].dimensions.contains(.age) }

    stackSize = stack
    let total = 2 * rowEntries + (2 + RunTables.poissonTableSize) * rateEntries + rewardEntries
    if total > Self.maximumTableSize {
      let gigabytes = (Double(total) * 8 / 1e9 * 10).rounded() / 10
      let limitMB = Self.maximumTableSize * 8 / 1_000_000
      problems.append(.init(.error, at: nil, keyPath: "",
                            message: "'\(scenario.file)': the model's tables need \(total) numbers per run "
                              + "(\(gigabytes) GB; the limit is \(Self.maximumTableSize) numbers, "
                              + "\(limitMB) MB); expressions that use age, cycle, time_in_state and attributes "
                              + "together multiply table sizes — use fewer of them in one expression, "
                              + "or a shorter horizon"))
    }
    if !problems.isEmpty { throw ScenarioError(problems + scenario.warnings) }
    self.scenario = scenario
  }

  /// All (from, to) moves with from ≠ to.
  static func pairs(from: [Int], to: [Int]) -> [(from: Int, to: Int)] {
    var out: [(Int, Int)] = []
    for f in from { for t in to where t != f { out.append((f, t)) } }
    return out.map { (from: $0.0, to: $0.1) }
  }

  /// The range an age distribution's draws can take (before clamping to 0…120).
  static func support(_ d: Distribution) -> (Double, Double) {
    switch d {
    case .fixed(let v): (v, v)
    case .uniform(let a, let b): (a, b)
    case .triangular(let a, _, let b), .pert(let a, _, let b, _): (a, b)
    case .truncatedNormal(_, _, let lo, let hi): (lo.isFinite ? lo : 0, hi.isFinite ? hi : Scenario.AgeSpec.maximumAge)
    case .empirical(let v), .bootstrapMean(let v): (v.min() ?? 0, v.max() ?? 0)
    default: (0, Scenario.AgeSpec.maximumAge)
    }
  }
}
