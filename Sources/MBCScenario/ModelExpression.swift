import Foundation

/// An arithmetic expression over named parameters, as written in a scenario file.
///
/// Grammar (lowest precedence first; all binary operators are left-associative except `^`):
/// ```
/// expr    := or
/// or      := and ( "||" and )*
/// and     := cmp ( "&&" cmp )*
/// cmp     := sum ( ("<" | "<=" | ">" | ">=" | "==" | "!=") sum )?
/// sum     := product ( ("+" | "-") product )*
/// product := unary ( ("*" | "/") unary )*
/// unary   := ("-" | "+" | "!") unary | power
/// power   := primary ( "^" unary )?          // right-associative; -2^2 = -4
/// primary := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"
/// ```
/// Comparisons and logical operators yield 1 (true) or 0 (false); any non-zero value is true.
/// Functions: see ``ModelExpression/Function``. Numbers are decimal (`0.5`, `.5`, `1e-3`, `60_000`).
///
/// Expressions are parsed once, resolved against the parameter slots, and evaluated once
/// per Monte Carlo run into flat tables (``ExpressionProgram``); the engine never
/// interprets an expression per client or per cycle.
public struct ModelExpression: Sendable, CustomStringConvertible {
  /// The text as written.
  public let text: String
  let root: Node

  /// Parses `text`.
  /// - Throws: ``ExpressionError`` with the 0-based character offset of the problem.
  public init(_ text: String) throws(ExpressionError) {
    var parser = ExpressionParser(text)
    self.text = text
    self.root = try parser.parseAll()
  }

  /// An expression that is a number.
  public init(constant value: Double) {
    self.text = "\(value)"
    self.root = .number(value, offset: 0)
  }

  public var description: String { text }

  /// The names the expression refers to (parameters), with the offset of each first use,
  /// in order of appearance.
  public var references: [(name: String, offset: Int)] {
    var seen = Set<String>()
    var out: [(String, Int)] = []
    root.visit { node in
      if case .name(let name, let offset) = node, seen.insert(name).inserted {
        out.append((name, offset))
      }
    }
    return out
  }

  /// The value, if the expression refers to no names (folded at parse time).
  public var constantValue: Double? {
    if case .number(let v, _) = root.folded() { return v }
    return nil
  }

  /// The numeric literals written in the expression (for source checks), with their offsets.
  public var literals: [(value: Double, offset: Int)] {
    var out: [(Double, Int)] = []
    root.visit { node in
      if case .number(let v, let offset) = node { out.append((v, offset)) }
    }
    return out
  }

  /// Resolves names to slots and produces the evaluation program.
  /// - Parameter slot: the slot of a name, or nil if the name is unknown.
  /// - Throws: ``ExpressionError`` for the first unknown name.
  public func compile(slot: (String) -> Int?) throws(ExpressionError) -> ExpressionProgram {
    var ops: [ExpressionProgram.Op] = []
    var depth = 0
    var maxDepth = 0
    func push() {
      depth += 1
      maxDepth = max(maxDepth, depth)
    }
    func emit(_ node: Node) throws(ExpressionError) {
      switch node {
      case .number(let v, _):
        ops.append(.constant(v))
        push()
      case .name(let name, let offset):
        guard let s = slot(name) else {
          throw ExpressionError(message: "unknown name '\(name)'", offset: offset, name: name)
        }
        ops.append(.load(s))
        push()
      case .unary(let op, let operand, _):
        try emit(operand)
        ops.append(.unary(op))
      case .binary(let op, let lhs, let rhs, _):
        try emit(lhs)
        try emit(rhs)
        ops.append(.binary(op))
        depth -= 1
      case .call(let function, let arguments, _):
        for a in arguments { try emit(a) }
        ops.append(.call(function, arity: arguments.count))
        depth -= arguments.count - 1
      }
    }
    try emit(root.folded())
    return ExpressionProgram(ops: ops, stackSize: max(maxDepth, 1))
  }
}

/// A problem in an expression: what is wrong and where (0-based offset into the text).
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public var offset: Int
  /// The unknown name, when that is the problem.
  public var name: String?

  public init(message: String, offset: Int, name: String? = nil) {
    self.message = message
    self.offset = offset
    self.name = name
  }

  public var description: String { message }
}

extension ModelExpression {
  /// The built-in functions.
  public enum Function: String, Sendable, CaseIterable {
    /// `min(a, b, ...)`, `max(a, b, ...)`: two or more arguments.
    case min, max
    /// `exp(x)`, `log(x)` (natural), `sqrt(x)`, `abs(x)`, `floor(x)`, `ceil(x)`.
    case exp, log, sqrt, abs, floor, ceil
    /// `pow(x, y)` = x^y.
    case pow
    /// `if(condition, a, b)`: a when condition ≠ 0, else b (both sides are evaluated).
    case `if`

    var arity: ClosedRange<Int> {
      switch self {
      case .min, .max: 2...64
      case .exp, .log, .sqrt, .abs, .floor, .ceil: 1...1
      case .pow: 2...2
      case .if: 3...3
      }
    }
  }

  public enum UnaryOperator: String, Sendable { case negate = "-", not = "!" }

  public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case equal = "==", notEqual = "!="
    case and = "&&", or = "||"
  }

  indirect enum Node: Sendable {
    case number(Double, offset: Int)
    case name(String, offset: Int)
    case unary(UnaryOperator, Node, offset: Int)
    case binary(BinaryOperator, Node, Node, offset: Int)
    case call(Function, [Node], offset: Int)

    func visit(_ body: (Node) -> Void) {
      body(self)
      switch self {
      case .number, .name: break
      case .unary(_, let x, _): x.visit(body)
      case .binary(_, let a, let b, _):
        a.visit(body)
        b.visit(body)
      case .call(_, let args, _): for a in args { a.visit(body) }
      }
    }

    /// Constant subtrees replaced by their value.
    func folded() -> Node {
      switch self {
      case .number, .name: return self
      case .unary(let op, let x, let offset):
        let fx = x.folded()
        if case .number(let v, _) = fx { return .number(Self.apply(op, v), offset: offset) }
        return .unary(op, fx, offset: offset)
      case .binary(let op, let a, let b, let offset):
        let fa = a.folded()
        let fb = b.folded()
        if case .number(let x, _) = fa, case .number(let y, _) = fb {
          return .number(Self.apply(op, x, y), offset: offset)
        }
        return .binary(op, fa, fb, offset: offset)
      case .call(let f, let args, let offset):
        let fargs = args.map { $0.folded() }
        var values: [Double] = []
        for a in fargs {
          guard case .number(let v, _) = a else { return .call(f, fargs, offset: offset) }
          values.append(v)
        }
        return .number(Self.apply(f, values), offset: offset)
      }
    }

    static func apply(_ op: UnaryOperator, _ x: Double) -> Double {
      switch op {
      case .negate: -x
      case .not: x == 0 ? 1 : 0
      }
    }

    static func apply(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Double {
      switch op {
      case .add: x + y
      case .subtract: x - y
      case .multiply: x * y
      case .divide: x / y
      case .power: Foundation.pow(x, y)
      case .less: x < y ? 1 : 0
      case .lessOrEqual: x <= y ? 1 : 0
      case .greater: x > y ? 1 : 0
      case .greaterOrEqual: x >= y ? 1 : 0
      case .equal: x == y ? 1 : 0
      case .notEqual: x != y ? 1 : 0
      case .and: (x != 0 && y != 0) ? 1 : 0
      case .or: (x != 0 || y != 0) ? 1 : 0
      }
    }

    static func apply(_ f: Function, _ a: [Double]) -> Double {
      switch f {
      case .min: a.dropFirst().reduce(a[0]) { Swift.min($0, $1) }
      case .max: a.dropFirst().reduce(a[0]) { Swift.max($0, $1) }
      case .exp: Foundation.exp(a[0])
      case .log: Foundation.log(a[0])
      case .sqrt: a[0].squareRoot()
      case .abs: Swift.abs(a[0])
      case .floor: a[0].rounded(.down)
      case .ceil: a[0].rounded(.up)
      case .pow: Foundation.pow(a[0], a[1])
      case .if: a[0] != 0 ? a[1] : a[2]
      }
    }
  }
}
