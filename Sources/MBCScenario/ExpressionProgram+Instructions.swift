import Foundation

/// A flat, reference-free encoding of an ``ExpressionProgram``, for engines that evaluate
/// programs for every run from several threads: instructions are plain values kept in raw
/// memory, so evaluating them touches no reference counts (which, shared between threads,
/// make workers contend for the same cache lines).
public struct Instruction: Sendable, Equatable {
  public enum Code: UInt8, Sendable {
    case constant, load, unary, binary, call, lookup
  }
  public var code: Code
  /// load: the slot; unary/binary: the operator's index; call: the function's index;
  /// lookup: the table's index.
  public var argument: Int32
  /// call: the number of arguments.
  public var arity: Int32
  /// constant: the value.
  public var value: Double
}

/// A lookup table in raw memory (see ``LookupTable``).
public struct RawTable {
  public var bounds: UnsafePointer<Double>
  public var values: UnsafePointer<Double>
  public var count: Int

  public init(bounds: UnsafePointer<Double>, values: UnsafePointer<Double>, count: Int) {
    self.bounds = bounds
    self.values = values
    self.count = count
  }

  /// As ``LookupTable/value(at:)``.
  @inline(__always)
  public func value(at x: Double) -> Double {
    guard count > 0, x >= bounds[0] else { return .nan }
    var lo = 0
    var hi = count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if bounds[mid] <= x { lo = mid } else { hi = mid - 1 }
    }
    return values[lo]
  }
}

extension ModelExpression.UnaryOperator {
  /// A stable number for the instruction encoding (and back).
  var code: Int32 { self == .negate ? 0 : 1 }
  init(code: Int32) { self = code == 0 ? .negate : .not }
}

extension ModelExpression.BinaryOperator {
  /// A stable number for the instruction encoding (and back).
  var code: Int32 {
    switch self {
    case .add: 0
    case .subtract: 1
    case .multiply: 2
    case .divide: 3
    case .power: 4
    case .less: 5
    case .lessOrEqual: 6
    case .greater: 7
    case .greaterOrEqual: 8
    case .equal: 9
    case .notEqual: 10
    case .and: 11
    case .or: 12
    }
  }

  @inline(__always)
  init(code: Int32) {
    switch code {
    case 0: self = .add
    case 1: self = .subtract
    case 2: self = .multiply
    case 3: self = .divide
    case 4: self = .power
    case 5: self = .less
    case 6: self = .lessOrEqual
    case 7: self = .greater
    case 8: self = .greaterOrEqual
    case 9: self = .equal
    case 10: self = .notEqual
    case 11: self = .and
    default: self = .or
    }
  }
}

extension ModelExpression.Function {
  /// A stable number for the instruction encoding (and back).
  var code: Int32 {
    switch self {
    case .min: 0
    case .max: 1
    case .exp: 2
    case .log: 3
    case .sqrt: 4
    case .abs: 5
    case .floor: 6
    case .ceil: 7
    case .pow: 8
    case .if: 9
    case .rateToProb: 10
    case .probToRate: 11
    case .convertProb: 12
    case .lookup: 13
    }
  }

  @inline(__always)
  init(code: Int32) {
    switch code {
    case 0: self = .min
    case 1: self = .max
    case 2: self = .exp
    case 3: self = .log
    case 4: self = .sqrt
    case 5: self = .abs
    case 6: self = .floor
    case 7: self = .ceil
    case 8: self = .pow
    case 9: self = .if
    case 10: self = .rateToProb
    case 11: self = .probToRate
    case 12: self = .convertProb
    default: self = .lookup
    }
  }
}

extension ExpressionProgram {
  /// The program as instructions; lookup tables are numbered by `table` (called once per
  /// distinct table use).
  public func instructions(table: (LookupTable) -> Int) -> [Instruction] {
    ops.map { op in
      switch op {
      case .constant(let v): Instruction(code: .constant, argument: 0, arity: 0, value: v)
      case .load(let s): Instruction(code: .load, argument: Int32(s), arity: 0, value: 0)
      case .unary(let u): Instruction(code: .unary, argument: u.code, arity: 1, value: 0)
      case .binary(let b): Instruction(code: .binary, argument: b.code, arity: 2, value: 0)
      case .call(let f, let n): Instruction(code: .call, argument: f.code, arity: Int32(n), value: 0)
      case .lookup(let t): Instruction(code: .lookup, argument: Int32(table(t)), arity: 1, value: 0)
      }
    }
  }

  /// The cycle length the program was compiled with (for the rate conversions).
  public var compiledCycleLength: Double { cycleLength }

  /// Evaluates instructions (as from ``instructions(table:)``) on a value vector.
  /// - Parameters:
  ///   - code: `count` instructions.
  ///   - values: the slot values.
  ///   - stack: scratch space of at least the program's ``stackSize``.
  ///   - tables: the lookup tables by index.
  ///   - cycleLength: the cycle length in years.
  @inline(__always)
  public static func evaluate(
    _ code: UnsafePointer<Instruction>, count: Int, values: UnsafePointer<Double>, stack: UnsafeMutablePointer<Double>,
    tables: UnsafePointer<RawTable>, cycleLength L: Double
  ) -> Double {
    var top = -1
    for i in 0..<count {
      let ins = code[i]
      switch ins.code {
      case .constant:
        top += 1
        stack[top] = ins.value
      case .load:
        top += 1
        stack[top] = values[Int(ins.argument)]
      case .unary:
        stack[top] = ModelExpression.Node.apply(ModelExpression.UnaryOperator(code: ins.argument), stack[top])
      case .binary:
        stack[top - 1] = ModelExpression.Node.apply(ModelExpression.BinaryOperator(code: ins.argument), stack[top - 1], stack[top])
        top -= 1
      case .lookup:
        stack[top] = tables[Int(ins.argument)].value(at: stack[top])
      case .call:
        let arity = Int(ins.arity)
        let base = top - arity + 1
        let r = ModelExpression.Function(code: ins.argument).apply(stack, base: base, arity: arity, cycleLength: L)
        stack[base] = r
        top = base
      }
    }
    return stack[0]
  }
}
