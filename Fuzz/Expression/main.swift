// libFuzzer target: bytes -> ModelExpression -> compile (a few known names, one lookup table, one categorical
// variable) -> evaluate on a few value sets. Built and run by `make fuzz` (docs/testing.md). This file must stay
// `main.swift` with only the @_cdecl function.
import MBCScenario

@_cdecl("LLVMFuzzerTestOneInput")
public func mbcFuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  guard let expression = try? ModelExpression(text) else { return 0 }
  _ = expression.references
  _ = expression.tableReferences
  _ = expression.literals
  _ = expression.constantValue
  let names = ["p", "q", "cost", "age", "cycle", "sex", "p_row.Sick", "p_row.Well"]
  var context = ModelExpression.Context(slot: { names.firstIndex(of: $0) })
  context.table = { name in
    name == "t" ? LookupTable(name: "t", bounds: [0, 18, 65], values: [0.1, 0.2, 0.3]) : nil
  }
  context.category = { name, text in
    name == "sex" && (text == "female" || text == "male")
      ? .success(text == "female" ? 0 : 1)
      : .failure(ExpressionError(message: "no category \"\(text)\"", offset: 0))
  }
  context.cycleLength = 0.25
  guard let program = try? expression.compile(context) else { return 0 }
  _ = program.slotsRead
  _ = program.constantValue
  let valueSets: [[Double]] = [
    [0.5, 0.1, 1000, 40, 3, 0, 0.3, 0.7],
    [0, 0, 0, 0, 0, 1, 0, 0],
    [-1, 1e308, -1e308, 120, 1e6, 1, 1, -1],
    [.nan, .infinity, -.infinity, .nan, 0, 0, .nan, 1],
  ]
  for values in valueSets { _ = program.evaluate(values) }
  return 0
}
