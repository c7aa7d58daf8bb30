import Foundation

/// A compiled ``ModelExpression``: postfix operations over a small value stack, with parameter
/// names resolved to slots of a value buffer.
///
/// Evaluation allocates nothing; the caller passes a scratch stack of at least
/// ``stackSize`` doubles. mbc evaluates programs once per run (not per client-cycle), so a
/// switch-per-operation interpreter is ample: a 20-operation program takes ~20–40 ns.
public struct ExpressionProgram: Sendable {
  enum Op: Sendable {
    case constant(Double)
    case load(Int)
    case unary(ModelExpression.UnaryOperator)
    case binary(ModelExpression.BinaryOperator)
    case call(ModelExpression.Function, arity: Int)
    case lookup(LookupTable)
  }

  let ops: [Op]
  /// The number of stack slots evaluation needs.
  public let stackSize: Int
  /// The cycle length in years (for the rate and probability conversions).
  let cycleLength: Double

  init(ops: [Op], stackSize: Int, cycleLength: Double = 1) {
    self.ops = ops
    self.stackSize = stackSize
    self.cycleLength = cycleLength
  }

  /// A program that returns `value`.
  public static func constant(_ value: Double) -> ExpressionProgram {
    ExpressionProgram(ops: [.constant(value)], stackSize: 1)
  }

  /// The value if the program reads no slots.
  public var constantValue: Double? {
    if ops.count == 1, case .constant(let v) = ops[0] { return v }
    return nil
  }

  /// The slots the program reads.
  public var slotsRead: [Int] {
    ops.compactMap { if case .load(let s) = $0 { s } else { nil } }
  }

  /// How the program uses slot `s`: `[]` when it does not read it; the lower bounds of the
  /// bands of every table it looks the slot up in when it reads the slot only as
  /// `lookup(table, slot)`; nil when it uses the slot's value in any other way. (A value
  /// used only through lookups matters only by its band: callers may evaluate the program
  /// once per band.)
  public func lookupBounds(ofSlot s: Int) -> [Double]? {
    var bounds: [Double] = []
    for (i, op) in ops.enumerated() {
      guard case .load(let slot) = op, slot == s else { continue }
      guard i + 1 < ops.count, case .lookup(let table) = ops[i + 1] else { return nil }
      bounds += table.bounds
    }
    return bounds
  }

  /// Evaluates the program.
  /// - Parameters:
  ///   - values: the slot values (parameters of the current run).
  ///   - stack: scratch space for at least ``stackSize`` values.
  public func evaluate(
    _ values: UnsafeBufferPointer<Double>, stack: UnsafeMutablePointer<Double>
  ) -> Double {
    var top = -1
    for op in ops {
      switch op {
      case .constant(let v):
        top += 1
        stack[top] = v
      case .load(let s):
        top += 1
        stack[top] = values[s]
      case .unary(let u):
        stack[top] = ModelExpression.Node.apply(u, stack[top])
      case .binary(let b):
        stack[top - 1] = ModelExpression.Node.apply(b, stack[top - 1], stack[top])
        top -= 1
      case .call(let f, let arity):
        let base = top - arity + 1
        let r = f.apply(stack, base: base, arity: arity, cycleLength: cycleLength)
        stack[base] = r
        top = base
      case .lookup(let table):
        stack[top] = table.value(at: stack[top])
      }
    }
    return stack[0]
  }

  /// Convenience for tests and one-off use: evaluates with a temporary stack.
  public func evaluate(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { v in
      withUnsafeTemporaryAllocation(of: Double.self, capacity: stackSize) { s in
        evaluate(v, stack: s.baseAddress!)
      }
    }
  }
}

extension ModelExpression.Function {
  /// The function's value on its `arity` arguments `stack[base ..< base + arity]`, for both
  /// evaluators (``ExpressionProgram/evaluate(_:stack:)`` and the flat instructions). Rate and
  /// probability conversions scale by `cycleLength` (years per cycle); `lookup` is compiled to
  /// its own operation and gives NaN here.
  @inline(__always)
  func apply(_ stack: UnsafeMutablePointer<Double>, base: Int, arity: Int, cycleLength L: Double) -> Double {
    let top = base + arity - 1
    switch self {
    case .min:
      var m = stack[base]
      for j in base + 1...top { m = Swift.min(m, stack[j]) }
      return m
    case .max:
      var m = stack[base]
      for j in base + 1...top { m = Swift.max(m, stack[j]) }
      return m
    case .exp: return Foundation.exp(stack[base])
    case .log: return Foundation.log(stack[base])
    case .sqrt: return stack[base].squareRoot()
    case .abs: return Swift.abs(stack[base])
    case .floor: return stack[base].rounded(.down)
    case .ceil: return stack[base].rounded(.up)
    case .pow: return Foundation.pow(stack[base], stack[base + 1])
    case .if: return stack[base] != 0 ? stack[base + 1] : stack[base + 2]
    case .rateToProb:
      let per = arity > 1 ? stack[base + 1] : 1
      return -Foundation.expm1(-stack[base] * L / per)
    case .probToRate:
      let per = arity > 1 ? stack[base + 1] : 1
      return -Foundation.log1p(-stack[base]) * per / L
    case .convertProb:
      return -Foundation.expm1(Foundation.log1p(-stack[base]) * L / stack[base + 1])
    case .lookup: return .nan
    }
  }
}
