/// Recursive-descent parser for ``ModelExpression`` (grammar in its documentation).
struct ExpressionParser {
  enum Token: Equatable {
    case number(Double)
    case name(String)
    case text(String)
    case symbol(String)
    case end
  }

  private let scalars: [Unicode.Scalar]
  private var position = 0
  private var token: Token = .end
  private var tokenOffset = 0
  /// Open parentheses, calls and prefix operators around the current token, and the operators parsed so far:
  /// both bound the depth of the tree, which is walked recursively (fuzzing found stack overflows on
  /// `((((…` and on `-----…`, and long chains like `p+p+…+p` give trees as deep as they are long).
  private var nesting = 0
  private var operators = 0
  static let maximumNesting = 64
  static let maximumOperators = 1_000

  init(_ text: String) {
    scalars = Array(text.unicodeScalars)
  }

  mutating func parseAll() throws(ExpressionError) -> ModelExpression.Node {
    try advance()
    if token == .end {
      throw ExpressionError(message: "the expression is empty", offset: 0)
    }
    let node = try parseOr()
    guard token == .end else {
      throw ExpressionError(
        message: "unexpected \(describe(token)) after a complete expression", offset: tokenOffset)
    }
    return node
  }

  // MARK: - Tokens

  private static let symbols2: Set<String> = ["<=", ">=", "==", "!=", "&&", "||", "**"]
  private static let symbols1: Set<Unicode.Scalar> = [
    "+", "-", "*", "/", "^", "(", ")", ",", "<", ">", "!",
  ]

  private mutating func enter() throws(ExpressionError) {
    nesting += 1
    guard nesting <= Self.maximumNesting else {
      throw ExpressionError(
        message: "the expression is nested more than \(Self.maximumNesting) levels deep", offset: tokenOffset)
    }
  }

  private mutating func advance() throws(ExpressionError) {
    while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
    tokenOffset = position
    guard position < scalars.count else {
      token = .end
      return
    }
    let c = scalars[position]
    if c.isASCIIDigit || (c == "." && position + 1 < scalars.count && scalars[position + 1].isASCIIDigit) {
      token = .number(try lexNumber())
      return
    }
    if c.isNameStart {
      var name = ""
      while position < scalars.count {
        let x = scalars[position]
        if x.isNameContinuation {
          name.unicodeScalars.append(x)
        } else if x == ".", position + 1 < scalars.count, scalars[position + 1].isNameStart {
          name.append(".")  // a component of a vector parameter: p_row.Sick
        } else {
          break
        }
        position += 1
      }
      token = .name(name)
      return
    }
    if c == "\"" || c == "'" {
      var text = ""
      var i = position + 1
      while i < scalars.count, scalars[i] != c {
        text.unicodeScalars.append(scalars[i])
        i += 1
      }
      guard i < scalars.count else {
        throw ExpressionError(message: "the text starting here has no closing \(c)", offset: position)
      }
      position = i + 1
      token = .text(text)
      return
    }
    if position + 1 < scalars.count {
      let two = String(String.UnicodeScalarView([c, scalars[position + 1]]))
      if Self.symbols2.contains(two) {
        position += 2
        token = .symbol(two == "**" ? "^" : two)
        try countOperator()
        return
      }
    }
    if Self.symbols1.contains(c) {
      position += 1
      token = .symbol(String(c))
      try countOperator()
      return
    }
    if c == "=" {
      throw ExpressionError(message: "'=' is not an operator; use '==' to compare", offset: position)
    }
    throw ExpressionError(message: "unexpected character '\(c)'", offset: position)
  }

  private mutating func countOperator() throws(ExpressionError) {
    operators += 1
    guard operators <= Self.maximumOperators else {
      throw ExpressionError(
        message: "the expression has more than \(Self.maximumOperators) operators; split it into derived parameters",
        offset: tokenOffset)
    }
  }

  private mutating func lexNumber() throws(ExpressionError) -> Double {
    let start = position
    var text = ""
    func take(_ pred: (Unicode.Scalar) -> Bool) {
      while position < scalars.count, pred(scalars[position]) {
        if scalars[position] != "_" { text.unicodeScalars.append(scalars[position]) }
        position += 1
      }
    }
    take { $0.isASCIIDigit || $0 == "_" }
    if position < scalars.count, scalars[position] == "." {
      text.append(".")
      position += 1
      take { $0.isASCIIDigit || $0 == "_" }
    }
    if position < scalars.count, scalars[position] == "e" || scalars[position] == "E" {
      var look = position + 1
      if look < scalars.count, scalars[look] == "+" || scalars[look] == "-" { look += 1 }
      if look < scalars.count, scalars[look].isASCIIDigit {
        text.append("e")
        position += 1
        if scalars[position] == "+" || scalars[position] == "-" {
          text.unicodeScalars.append(scalars[position])
          position += 1
        }
        take { $0.isASCIIDigit }
      }
    }
    if position < scalars.count, scalars[position].isNameStart {
      throw ExpressionError(
        message: "a number cannot be followed directly by a name; write '*' to multiply",
        offset: position)
    }
    guard let value = Double(text), value.isFinite else {
      throw ExpressionError(message: "'\(text)' is not a finite number", offset: start)
    }
    return value
  }

  private func describe(_ t: Token) -> String {
    switch t {
    case .number(let v): "number \(v)"
    case .name(let n): "name '\(n)'"
    case .text(let t): "text \"\(t)\""
    case .symbol(let s): "'\(s)'"
    case .end: "end of expression"
    }
  }

  private mutating func expect(_ symbol: String, _ context: String) throws(ExpressionError) {
    guard token == .symbol(symbol) else {
      throw ExpressionError(
        message: "expected '\(symbol)' \(context), found \(describe(token))", offset: tokenOffset)
    }
    try advance()
  }

  // MARK: - Grammar

  private mutating func parseOr() throws(ExpressionError) -> ModelExpression.Node {
    var lhs = try parseAnd()
    while token == .symbol("||") {
      let offset = tokenOffset
      try advance()
      lhs = .binary(.or, lhs, try parseAnd(), offset: offset)
    }
    return lhs
  }

  private mutating func parseAnd() throws(ExpressionError) -> ModelExpression.Node {
    var lhs = try parseComparison()
    while token == .symbol("&&") {
      let offset = tokenOffset
      try advance()
      lhs = .binary(.and, lhs, try parseComparison(), offset: offset)
    }
    return lhs
  }

  private mutating func parseComparison() throws(ExpressionError) -> ModelExpression.Node {
    let lhs = try parseSum()
    guard case .symbol(let s) = token,
      let op = ModelExpression.BinaryOperator(rawValue: s),
      [.less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual].contains(op)
    else { return lhs }
    let offset = tokenOffset
    try advance()
    let rhs = try parseSum()
    if case .symbol(let s2) = token, ["<", "<=", ">", ">=", "==", "!="].contains(s2) {
      throw ExpressionError(
        message: "comparisons cannot be chained; combine them with '&&'", offset: tokenOffset)
    }
    return .binary(op, lhs, rhs, offset: offset)
  }

  private mutating func parseSum() throws(ExpressionError) -> ModelExpression.Node {
    var lhs = try parseProduct()
    while case .symbol(let s) = token, s == "+" || s == "-" {
      let offset = tokenOffset
      try advance()
      lhs = .binary(s == "+" ? .add : .subtract, lhs, try parseProduct(), offset: offset)
    }
    return lhs
  }

  private mutating func parseProduct() throws(ExpressionError) -> ModelExpression.Node {
    var lhs = try parseUnary()
    while case .symbol(let s) = token, s == "*" || s == "/" {
      let offset = tokenOffset
      try advance()
      lhs = .binary(s == "*" ? .multiply : .divide, lhs, try parseUnary(), offset: offset)
    }
    return lhs
  }

  private mutating func parseUnary() throws(ExpressionError) -> ModelExpression.Node {
    try enter()
    defer { nesting -= 1 }
    if case .symbol(let s) = token, s == "-" || s == "+" || s == "!" {
      let offset = tokenOffset
      try advance()
      let operand = try parseUnary()
      switch s {
      case "-": return .unary(.negate, operand, offset: offset)
      case "!": return .unary(.not, operand, offset: offset)
      default: return operand
      }
    }
    return try parsePower()
  }

  private mutating func parsePower() throws(ExpressionError) -> ModelExpression.Node {
    let base = try parsePrimary()
    if token == .symbol("^") {
      let offset = tokenOffset
      try advance()
      return .binary(.power, base, try parseUnary(), offset: offset)
    }
    return base
  }

  private mutating func parsePrimary() throws(ExpressionError) -> ModelExpression.Node {
    let offset = tokenOffset
    switch token {
    case .number(let v):
      try advance()
      return .number(v, offset: offset)
    case .text(let t):
      try advance()
      return .text(t, offset: offset)
    case .name(let name):
      try advance()
      guard token == .symbol("(") else { return .name(name, offset: offset) }
      guard let function = ModelExpression.Function(rawValue: name) else {
        let known = ModelExpression.Function.allCases.map(\.rawValue).joined(separator: ", ")
        throw ExpressionError(
          message: "unknown function '\(name)'; the functions are \(known)", offset: offset)
      }
      try advance()
      var arguments: [ModelExpression.Node] = []
      if function == .lookup, case .name(let table) = token {
        // lookup(table, x): the first argument names a table, not a value.
        arguments.append(.tableName(table, offset: tokenOffset))
        try advance()
        while token == .symbol(",") {
          try advance()
          arguments.append(try parseOr())
        }
      } else if token != .symbol(")") {
        arguments.append(try parseOr())
        while token == .symbol(",") {
          try advance()
          arguments.append(try parseOr())
        }
      }
      try expect(")", "to close the arguments of \(name)(")
      guard function.arity.contains(arguments.count) else {
        let r = function.arity
        let wanted =
          r.lowerBound == r.upperBound ? "\(r.lowerBound)"
          : r.upperBound == r.lowerBound + 1 ? "\(r.lowerBound) or \(r.upperBound)" : "at least \(r.lowerBound)"
        throw ExpressionError(
          message: "\(name)() takes \(wanted) argument\(r.lowerBound == 1 && r.upperBound == 1 ? "" : "s"), "
            + "not \(arguments.count)", offset: offset)
      }
      return .call(function, arguments, offset: offset)
    case .symbol("("):
      try advance()
      let inner = try parseOr()
      try expect(")", "to close '(' at position \(offset + 1)")
      return inner
    case .end:
      throw ExpressionError(message: "the expression ends where a value was expected", offset: offset)
    case .symbol(let s):
      throw ExpressionError(message: "expected a value, found '\(s)'", offset: offset)
    }
  }
}

extension Unicode.Scalar {
  var isASCIIDigit: Bool { ("0"..."9").contains(self) }
  var isNameStart: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) || self == "_" }
  var isNameContinuation: Bool { isNameStart || isASCIIDigit }
}
