import MBCScenario

/// What a table entry can depend on within a run, besides the run's parameters.
struct Dimensions: OptionSet, Sendable, Hashable {
  let rawValue: UInt8
  /// The cycle (boundary) number: `cycle`, `time`.
  static let cycle = Dimensions(rawValue: 1)
  /// The age in whole years: `age`.
  static let age = Dimensions(rawValue: 2)
  /// The client's profile: subgroup and categorical attributes.
  static let profile = Dimensions(rawValue: 4)
  /// Cycles since entering the current state: `time_in_state`.
  static let duration = Dimensions(rawValue: 8)
}

/// Offsets of a key's entry in a table, per dimension (0 for a dimension the table does not
/// depend on), so that entry = g·profile + a·age + d·duration + t·cycle.
struct Strides: Sendable {
  var cycle = 0
  var age = 0
  var duration = 0
  var profile = 0

  @inline(__always)
  func entry(cycle t: Int, age a: Int, duration d: Int, profile g: Int) -> Int {
    t &* cycle &+ a &* age &+ d &* duration &+ g &* profile
  }
}

/// The sizes of the dimensions of a scenario's tables.
///
/// - cycles: boundaries 0 … T (T + 1 values; transition rows and events use 0 … T − 1);
/// - ages: age keys covering the whole years `ageMin ..< ageMin + ageYears`, wide enough for
///   every client's age over the horizon (1 key when the scenario has no ages). When every
///   expression uses `age` only as `lookup(table, age)`, whole years in the same band of every
///   such table share one key (``init(cycles:ageMin:ageYears:ageBounds:profiles:durations:)``),
///   so a table with age bands is evaluated once per band, not once per year; otherwise each
///   whole year is its own key;
/// - profiles: every combination of subgroup and categorical attribute values;
/// - durations: time in state 0 … T.
struct KeySpace: Sendable {
  let cycles: Int
  let ageMin: Int
  /// Whole years of age covered: `ageMin ..< ageMin + ageYears`.
  let ageYears: Int
  /// Per whole year (index year − ageMin): its age key.
  let ageKeyOfYear: [Int]
  /// Per age key: the whole-year age that represents it (its youngest year), at which the
  /// key's table entries are evaluated.
  let ageOfKey: [Int]
  let profiles: Profiles
  let durations: Int

  /// The number of age keys.
  var ages: Int { ageOfKey.count }

  /// - Parameter ageBounds: when non-nil, the lower bounds of the bands of every table that
  ///   `age` is looked up in (ages are then keyed by band); nil keys every whole year.
  init(cycles: Int, ageMin: Int, ageYears: Int, ageBounds: [Double]?, profiles: Profiles, durations: Int) {
    self.cycles = cycles
    self.ageMin = ageMin
    self.ageYears = ageYears
    self.profiles = profiles
    self.durations = durations
    var keyOfYear: [Int] = []
    var ageOfKey: [Int] = []
    let bounds = ageBounds.map { Array(Set($0)).sorted() }
    var band = -1
    for y in ageMin..<(ageMin + max(ageYears, 1)) {
      // The band of year y: the number of bounds ≤ y (every lookup gives the same value
      // for the years of one band).
      let b = bounds.map { list in list.reduce(0) { $0 + (Double(y) >= $1 ? 1 : 0) } } ?? y
      if ageOfKey.isEmpty || b != band {
        band = b
        ageOfKey.append(y)
      }
      keyOfYear.append(ageOfKey.count - 1)
    }
    self.ageKeyOfYear = keyOfYear
    self.ageOfKey = ageOfKey
  }

  /// The age key of an age in years (the whole years since birth, clamped to the range).
  @inline(__always)
  func ageKey(years: Double) -> Int {
    ageKeyOfYear[min(ageYears - 1, max(0, Int(years.rounded(.down)) - ageMin))]
  }

  /// The whole years of age key k, for messages: "45" or "45–54".
  func ageDescription(_ k: Int) -> String {
    let first = ageOfKey[k]
    let last = k + 1 < ageOfKey.count ? ageOfKey[k + 1] - 1 : ageMin + ageYears - 1
    return first == last ? "\(first)" : "\(first)–\(last)"
  }

  func strides(_ d: Dimensions) -> Strides {
    var s = Strides()
    var size = 1
    if d.contains(.cycle) {
      s.cycle = size
      size *= cycles
    }
    if d.contains(.duration) {
      s.duration = size
      size *= durations
    }
    if d.contains(.age) {
      s.age = size
      size *= ages
    }
    if d.contains(.profile) {
      s.profile = size
      size *= profiles.count
    }
    return s
  }

  func entries(_ d: Dimensions) -> Int {
    (d.contains(.cycle) ? cycles : 1) * (d.contains(.duration) ? durations : 1) * (d.contains(.age) ? ages : 1)
      * (d.contains(.profile) ? profiles.count : 1)
  }

  /// Calls `body` for every key of a table with dimensions `d`, in entry order.
  func forEachKey(_ d: Dimensions, _ body: (_ entry: Int, _ cycle: Int, _ age: Int, _ duration: Int, _ profile: Int) throws(SimulationError) -> Void) throws(SimulationError) {
    let gs = d.contains(.profile) ? profiles.count : 1
    let as_ = d.contains(.age) ? ages : 1
    let ds = d.contains(.duration) ? durations : 1
    let ts = d.contains(.cycle) ? cycles : 1
    var entry = 0
    for g in 0..<gs {
      for a in 0..<as_ {
        for du in 0..<ds {
          for t in 0..<ts {
            try body(entry, t, a, du, g)
            entry += 1
          }
        }
      }
    }
  }
}

/// Client profiles: every combination of subgroup and categorical attribute values, numbered
/// subgroup-major: g = ((subgroup · n₁ + c₁) · n₂ + c₂) …
struct Profiles: Sendable {
  let subgroups: Int
  let categoryCounts: [Int]

  var count: Int { categoryCounts.reduce(subgroups, *) }

  func index(subgroup: Int, categories: [Int]) -> Int {
    var g = subgroup
    for (k, c) in categories.enumerated() { g = g * categoryCounts[k] + c }
    return g
  }

  /// The subgroup and categories of profile g.
  func decompose(_ g: Int) -> (subgroup: Int, categories: [Int]) {
    var rest = g
    var categories = [Int](repeating: 0, count: categoryCounts.count)
    for k in categoryCounts.indices.reversed() {
      categories[k] = rest % categoryCounts[k]
      rest /= categoryCounts[k]
    }
    return (rest, categories)
  }
}

/// Where each parameter value and model variable lives in a run's value vector.
struct SlotLayout: Sendable {
  /// Slots of each parameter (one for a scalar, one per component for a vector).
  let parameterSlots: [Range<Int>]
  let slotByName: [String: Int]
  let cycle: Int, time: Int, cycleLength: Int, age: Int, timeInState: Int, subgroup: Int
  let attributeSlots: [Int]
  let count: Int

  init(_ scenario: Scenario) {
    var slots: [Range<Int>] = []
    var names: [String: Int] = [:]
    var next = 0
    for p in scenario.parameters {
      let start = next
      for n in p.valueNames {
        names[n] = next
        next += 1
      }
      slots.append(start..<next)
    }
    parameterSlots = slots
    func variable(_ name: String) -> Int {
      names[name] = next
      next += 1
      return next - 1
    }
    cycle = variable(ModelVariable.cycle.rawValue)
    time = variable(ModelVariable.time.rawValue)
    cycleLength = variable(ModelVariable.cycleLength.rawValue)
    age = variable(ModelVariable.age.rawValue)
    timeInState = variable(ModelVariable.timeInState.rawValue)
    subgroup = variable(ModelVariable.subgroup.rawValue)
    attributeSlots = scenario.attributes.map { variable($0.name) }
    slotByName = names
    count = next
  }

  /// The dimensions a program depends on, from the variable slots it reads.
  func dimensions(of program: ExpressionProgram) -> Dimensions {
    var d: Dimensions = []
    for s in program.slotsRead {
      if s == cycle || s == time { d.insert(.cycle) }
      if s == age { d.insert(.age) }
      if s == timeInState { d.insert(.duration) }
      if s == subgroup || attributeSlots.contains(s) { d.insert(.profile) }
    }
    return d
  }
}
