import MBCScenario

/// Every expression program of a model, encoded as plain instructions in one block of raw
/// memory owned by one worker, with the lookup tables they use.
///
/// Programs are evaluated for every run (and key); evaluating Swift arrays of enums would
/// retain and release shared buffers each time, and atomic reference counting on buffers shared
/// by several worker threads makes them contend. The arena is private to its worker and holds
/// only values, so evaluation touches no reference counts at all.
final class ProgramArena {
  /// A program's place in the arena.
  struct Ref: Sendable {
    var start: Int32
    var count: Int32
  }

  let code: UnsafeMutablePointer<Instruction>
  let tables: UnsafeMutablePointer<RawTable>
  private let tableData: [UnsafeMutablePointer<Double>]
  let tableCount: Int
  let cycleLength: Double
  private var used = 0
  private let capacity: Int

  /// An arena for `programs` (in that order); ``refs`` gives each one's place.
  init(_ programs: [ExpressionProgram], cycleLength: Double) {
    self.cycleLength = cycleLength
    var tableList: [LookupTable] = []
    var encoded: [[Instruction]] = []
    for p in programs {
      encoded.append(p.instructions { table in
        if let i = tableList.firstIndex(of: table) { return i }
        tableList.append(table)
        return tableList.count - 1
      })
    }
    capacity = max(encoded.map(\.count).reduce(0, +), 1)
    code = .allocate(capacity: capacity)
    var data: [UnsafeMutablePointer<Double>] = []
    tables = .allocate(capacity: max(tableList.count, 1))
    for (i, t) in tableList.enumerated() {
      let bounds = UnsafeMutablePointer<Double>.allocate(capacity: max(t.bounds.count, 1))
      bounds.initialize(from: t.bounds, count: t.bounds.count)
      let values = UnsafeMutablePointer<Double>.allocate(capacity: max(t.values.count, 1))
      values.initialize(from: t.values, count: t.values.count)
      data += [bounds, values]
      (tables + i).initialize(to: RawTable(bounds: bounds, values: values, count: t.bounds.count))
    }
    tableData = data
    tableCount = tableList.count
    var refs: [Ref] = []
    for e in encoded {
      (code + used).initialize(from: e, count: e.count)
      refs.append(Ref(start: Int32(used), count: Int32(e.count)))
      used += e.count
    }
    self.refs = refs
  }

  /// The place of each program given to `init`, in order.
  let refs: [Ref]

  deinit {
    code.deallocate()
    tables.deinitialize(count: tableCount)
    tables.deallocate()
    for p in tableData { p.deallocate() }
  }

  @inline(__always)
  func evaluate(_ r: Ref, _ values: UnsafeMutableBufferPointer<Double>, stack: UnsafeMutablePointer<Double>) -> Double {
    ExpressionProgram.evaluate(code + Int(r.start), count: Int(r.count), values: UnsafePointer(values.baseAddress!), stack: stack,
                               tables: UnsafePointer(tables), cycleLength: cycleLength)
  }
}

/// A flat list of trivial values in raw memory (for per-run loops that must not touch
/// reference counts), with groups addressed by offsets.
struct FlatList<Element> {
  let items: UnsafeMutablePointer<Element>
  /// Group g is items[offsets[g] ..< offsets[g + 1]].
  let offsets: UnsafeMutablePointer<Int>
  let groups: Int

  init(_ groups: [[Element]]) {
    let all = groups.flatMap { $0 }
    items = .allocate(capacity: max(all.count, 1))
    items.initialize(from: all, count: all.count)
    offsets = .allocate(capacity: groups.count + 1)
    var o = 0
    for (g, group) in groups.enumerated() {
      offsets[g] = o
      o += group.count
    }
    offsets[groups.count] = o
    self.groups = groups.count
  }

  @inline(__always)
  func group(_ g: Int) -> UnsafeMutableBufferPointer<Element> {
    UnsafeMutableBufferPointer(start: items + offsets[g], count: offsets[g + 1] - offsets[g])
  }

  func deallocate() {
    items.deallocate()
    offsets.deallocate()
  }
}
