import Foundation

/// An arithmetic expression over named parameters and model variables, as written in a
/// scenario file.
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
/// primary := number | text | name | name "(" expr ("," expr)* ")" | "(" expr ")"
/// name    := identifier ( "." identifier )*  // p_row.Sick: a component of a vector parameter
/// text    := "…" | '…'                       // only in == / != with a categorical attribute
/// ```
/// Comparisons and logical operators yield 1 (true) or 0 (false); any non-zero value is true.
/// Functions: see ``ModelExpression/Function``. Numbers are decimal (`0.5`, `.5`, `1e-3`, `60_000`).
///
/// Expressions are parsed once, resolved against the parameter and variable slots, and
/// evaluated once per run (and per cycle, age, subgroup or time in state where they depend on
/// those) into flat tables (``ExpressionProgram``); the engine never interprets an
/// expression per client.
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
    self.text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    self.root = .number(value, offset: 0)
  }

  public var description: String { text }

  /// The names the expression refers to (parameters and variables, not table names), with
  /// the offset of each first use, in order of appearance.
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

  /// The lookup tables the expression uses (first arguments of `lookup`).
  public var tableReferences: [(name: String, offset: Int)] {
    var out: [(String, Int)] = []
    root.visit { node in
      if case .tableName(let name, let offset) = node { out.append((name, offset)) }
    }
    return out
  }

  /// The value, if the expression refers to no names (folded at parse time).
  public var constantValue: Double? {
    if case .number(let v, _) = root.folded(cycleLength: nil) { return v }
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

  /// What an expression is compiled against.
  public struct Context {
    /// The slot of a parameter or variable name, or nil if the name is unknown.
    public var slot: (String) -> Int?
    /// A lookup table by name, or nil.
    public var table: (String) -> LookupTable? = { _ in nil }
    /// The code of category `text` of the categorical variable `name` (e.g. sex == "female"),
    /// or an error message (e.g. the list of categories) when there is none.
    public var category: (_ name: String, _ text: String) -> Result<Double, ExpressionError> = { name, text in
      .failure(ExpressionError(message: "'\(name)' has no categories to compare with \"\(text)\"", offset: 0))
    }
    /// The cycle length in years, for `rate_to_prob`, `prob_to_rate` and `convert_prob`.
    public var cycleLength: Double = 1

    public init(slot: @escaping (String) -> Int?) { self.slot = slot }
  }

  /// Resolves names to slots and produces the evaluation program.
  /// - Parameter slot: the slot of a name, or nil if the name is unknown.
  /// - Throws: ``ExpressionError`` for the first unknown name.
  public func compile(slot: @escaping (String) -> Int?) throws(ExpressionError) -> ExpressionProgram {
    try compile(Context(slot: slot))
  }

  /// Resolves names, tables and categories in `context` and produces the evaluation program.
  public func compile(_ context: Context) throws(ExpressionError) -> ExpressionProgram {
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
        guard let s = context.slot(name) else {
          throw ExpressionError(message: "unknown name '\(name)'", offset: offset, name: name)
        }
        ops.append(.load(s))
        push()
      case .text(let t, let offset):
        throw ExpressionError(
          message: "text (\"\(t)\") can only be compared with a categorical variable, as in sex == \"female\"", offset: offset)
      case .tableName(let name, let offset):
        throw ExpressionError(message: "'\(name)' names a table; use it as lookup(\(name), x)", offset: offset)
      case .unary(let op, let operand, _):
        try emit(operand)
        ops.append(.unary(op))
      case .binary(let op, let lhs, let rhs, _) where op == .equal || op == .notEqual:
        // name == "category": compare the variable's code with the category's code.
        if case .name(let name, _) = lhs, case .text(let t, let toff) = rhs {
          try emit(lhs)
          ops.append(.constant(try code(name, t, toff)))
          push()
        } else if case .text(let t, let toff) = lhs, case .name(let name, _) = rhs {
          ops.append(.constant(try code(name, t, toff)))
          push()
          try emit(rhs)
        } else {
          try emit(lhs)
          try emit(rhs)
        }
        ops.append(.binary(op))
        depth -= 1
      case .binary(let op, let lhs, let rhs, _):
        try emit(lhs)
        try emit(rhs)
        ops.append(.binary(op))
        depth -= 1
      case .call(.lookup, let arguments, let offset):
        guard case .tableName(let name, let noff) = arguments[0] else {
          throw ExpressionError(message: "the first argument of lookup() must be the name of a table", offset: offset)
        }
        guard let table = context.table(name) else {
          throw ExpressionError(message: "unknown table '\(name)'", offset: noff, name: name)
        }
        try emit(arguments[1])
        ops.append(.lookup(table))
      case .call(let function, let arguments, _):
        for a in arguments { try emit(a) }
        ops.append(.call(function, arity: arguments.count))
        depth -= arguments.count - 1
      }
    }
    func code(_ name: String, _ text: String, _ offset: Int) throws(ExpressionError) -> Double {
      switch context.category(name, text) {
      case .success(let v): return v
      case .failure(var e):
        e.offset = offset
        throw e
      }
    }
    try emit(root.folded(cycleLength: context.cycleLength))
    return ExpressionProgram(ops: ops, stackSize: max(maxDepth, 1), cycleLength: context.cycleLength)
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

/// A banded lookup table: `values[i]` applies to `bounds[i] ≤ x < bounds[i + 1]`; the last
/// band is open upwards. Below the first bound there is no value (NaN, reported as an error).
public struct LookupTable: Sendable, Equatable {
  public var name: String
  /// Lower bounds of the bands, strictly increasing.
  public var bounds: [Double]
  public var values: [Double]

  public init(name: String, bounds: [Double], values: [Double]) {
    self.name = name
    self.bounds = bounds
    self.values = values
  }

  /// The value of the band containing `x`, or NaN when x is below the first band (or NaN).
  public func value(at x: Double) -> Double {
    guard let first = bounds.first, x >= first else { return .nan }
    var lo = 0
    var hi = bounds.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if bounds[mid] <= x { lo = mid } else { hi = mid - 1 }
    }
    return values[lo]
  }
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
    /// `rate_to_prob(rate)`: the probability per cycle of an event with constant `rate` per
    /// year, 1 − exp(−rate · L) with L the cycle length in years; `rate_to_prob(rate, years)`
    /// for a rate per `years` years: 1 − exp(−rate · L / years).
    case rateToProb = "rate_to_prob"
    /// `prob_to_rate(p)`: the rate per year of a probability per cycle, −ln(1 − p) / L;
    /// `prob_to_rate(p, years)`: the rate per `years` years, −ln(1 − p) · years / L.
    case probToRate = "prob_to_rate"
    /// `convert_prob(p, years)`: a probability over `years` years turned into a probability per
    /// cycle, assuming a constant rate: 1 − (1 − p)^(L / years).
    case convertProb = "convert_prob"
    /// `lookup(table, x)`: the value of the band of `table` that contains x (see `tables:`).
    case lookup

    var arity: ClosedRange<Int> {
      switch self {
      case .min, .max: 2...64
      case .exp, .log, .sqrt, .abs, .floor, .ceil: 1...1
      case .pow, .convertProb, .lookup: 2...2
      case .rateToProb, .probToRate: 1...2
      case .if: 3...3
      }
    }

    /// Whether the result depends on the cycle length (so cannot be folded without it).
    var usesCycleLength: Bool { self == .rateToProb || self == .probToRate || self == .convertProb }
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
    case text(String, offset: Int)
    case tableName(String, offset: Int)
    case unary(UnaryOperator, Node, offset: Int)
    case binary(BinaryOperator, Node, Node, offset: Int)
    case call(Function, [Node], offset: Int)

    func visit(_ body: (Node) -> Void) {
      body(self)
      switch self {
      case .number, .name, .text, .tableName: break
      case .unary(_, let x, _): x.visit(body)
      case .binary(_, let a, let b, _):
        a.visit(body)
        b.visit(body)
      case .call(_, let args, _): for a in args { a.visit(body) }
      }
    }

    /// Constant subtrees replaced by their value (functions of the cycle length only when
    /// it is known).
    func folded(cycleLength: Double?) -> Node {
      switch self {
      case .number, .name, .text, .tableName: return self
      case .unary(let op, let x, let offset):
        let fx = x.folded(cycleLength: cycleLength)
        if case .number(let v, _) = fx { return .number(Self.apply(op, v), offset: offset) }
        return .unary(op, fx, offset: offset)
      case .binary(let op, let a, let b, let offset):
        let fa = a.folded(cycleLength: cycleLength)
        let fb = b.folded(cycleLength: cycleLength)
        if case .number(let x, _) = fa, case .number(let y, _) = fb {
          return .number(Self.apply(op, x, y), offset: offset)
        }
        return .binary(op, fa, fb, offset: offset)
      case .call(let f, let args, let offset):
        let fargs = args.map { $0.folded(cycleLength: cycleLength) }
        if f == .lookup || (f.usesCycleLength && cycleLength == nil) { return .call(f, fargs, offset: offset) }
        var values: [Double] = []
        for a in fargs {
          guard case .number(let v, _) = a else { return .call(f, fargs, offset: offset) }
          values.append(v)
        }
        return .number(Self.apply(f, values, cycleLength: cycleLength ?? 1), offset: offset)
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

    static func apply(_ f: Function, _ a: [Double], cycleLength L: Double) -> Double {
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
      case .rateToProb: -Foundation.expm1(-a[0] * L / (a.count > 1 ? a[1] : 1))
      case .probToRate: -Foundation.log1p(-a[0]) * (a.count > 1 ? a[1] : 1) / L
      case .convertProb: -Foundation.expm1(Foundation.log1p(-a[0]) * L / a[1])
      case .lookup: .nan  // evaluated by the program with its table
      }
    }
  }
}
