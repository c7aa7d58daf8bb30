import Foundation
import Testing

@testable import MBCScenario

@Suite("Expressions")
struct ModelExpressionTests {
  /// Evaluates `text` with the given parameter values.
  func value(_ text: String, _ parameters: [String: Double] = [:]) throws -> Double {
    let names = Array(parameters.keys).sorted()
    let program = try ModelExpression(text).compile { names.firstIndex(of: $0) }
    return program.evaluate(names.map { parameters[$0]! })
  }

  @Test("arithmetic follows the usual precedence and associativity")
  func test_arithmetic_precedence() throws {
    #expect(try value("1 + 2 * 3") == 7)
    #expect(try value("(1 + 2) * 3") == 9)
    #expect(try value("10 - 4 - 3") == 3)  // left-associative
    #expect(try value("2 ^ 3 ^ 2") == 512)  // right-associative
    #expect(try value("-2 ^ 2") == -4)  // power binds tighter than unary minus
    #expect(try value("2 ** 3") == 8)
    #expect(try value("8 / 4 / 2") == 1)
    #expect(try value(".5 + 1e-1 + 60_000") == 60_000.6)
  }

  @Test("comparisons, logic and if() yield 1 or 0 and select")
  func test_logic_and_if() throws {
    #expect(try value("1 < 2") == 1)
    #expect(try value("2 <= 1") == 0)
    #expect(try value("1 == 1 && 2 != 2") == 0)
    #expect(try value("0 || 3") == 1)
    #expect(try value("!0") == 1)
    #expect(try value("if(x > 0.5, 10, 20)", ["x": 0.7]) == 10)
    #expect(try value("if(x > 0.5, 10, 20)", ["x": 0.2]) == 20)
  }

  @Test("functions compute what their names say")
  func test_functions() throws {
    #expect(try value("min(3, 1, 2)") == 1)
    #expect(try value("max(3, 1, 2)") == 3)
    #expect(try value("exp(0)") == 1)
    #expect(try value("log(exp(2))") == 2)
    #expect(try value("sqrt(16) + abs(-2) + floor(2.7) + ceil(2.2)") == 4 + 2 + 2 + 3)
    #expect(try value("pow(2, 10)") == 1024)
    // Rate 0.1/month → probability per month: 1 − e^(−0.1).
    #expect(try value("1 - exp(-r)", ["r": 0.1]) == 1 - Foundation.exp(-0.1))
  }

  @Test("parameters are read from their slots")
  func test_parameters_resolved() throws {
    #expect(try value("p_admit * rr_admit", ["p_admit": 0.02, "rr_admit": 0.5]) == 0.01)
    let e = try ModelExpression("a + b * a")
    #expect(e.references.map(\.name) == ["a", "b"])
    #expect(e.references.map(\.offset) == [0, 4])
  }

  @Test("constant expressions fold to a value")
  func test_constant_folding() throws {
    #expect(try ModelExpression("2 * 3 + 1").constantValue == 7)
    #expect(try ModelExpression("2 * x").constantValue == nil)
    let program = try ModelExpression("(1 + 1) * x").compile { _ in 0 }
    #expect(program.evaluate([5]) == 10)
  }

  @Test("syntax errors say what is wrong and where", arguments: [
    ("", "the expression is empty", 0),
    ("1 +", "the expression ends where a value was expected", 3),
    ("(1 + 2", "expected ')' to close '(' at position 1, found end of expression", 6),
    ("1 + * 2", "expected a value, found '*'", 4),
    ("2x", "a number cannot be followed directly by a name; write '*' to multiply", 1),
    ("a = 1", "'=' is not an operator; use '==' to compare", 2),
    ("foo(1)", "unknown function 'foo'; the functions are min, max, exp, log, sqrt, abs, floor, ceil, pow, if, rate_to_prob, prob_to_rate, convert_prob, lookup", 0),
    ("exp(1, 2)", "exp() takes 1 argument, not 2", 0),
    ("1 < 2 < 3", "comparisons cannot be chained; combine them with '&&'", 6),
    ("1 2", "unexpected number 2.0 after a complete expression", 2),
    ("a $ b", "unexpected character '$'", 2),
  ])
  func test_syntax_errors(text: String, message: String, offset: Int) {
    #expect(throws: ExpressionError(message: message, offset: offset)) { try ModelExpression(text) }
  }

  @Test("an unknown name fails compilation with its offset")
  func test_unknown_name() throws {
    let e = try ModelExpression("a + bogus")
    #expect(throws: ExpressionError(message: "unknown name 'bogus'", offset: 4, name: "bogus")) {
      try e.compile { $0 == "a" ? 0 : nil }
    }
  }

  @Test("literals are listed for source checks")
  func test_literals() throws {
    let e = try ModelExpression("p * 0.5 + 1")
    #expect(e.literals.map(\.value) == [0.5, 1])
  }
}
