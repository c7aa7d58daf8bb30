import Foundation
import Testing

@testable import MBCScenario

/// Inputs that crashed a fuzz target (docs/testing.md), kept in Fuzz/crashes-fixed/: `expression-*` files are
/// expression texts, `scenario-*` files scenario YAML. Each must now load or fail with a diagnostic.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fuzz/crashes-fixed")

  static var inputs: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
  }

  @Test("every fixed crash input loads or is rejected", arguments: inputs)
  func test_crashInput_doesNotCrash(_ name: String) throws {
    let data = try Data(contentsOf: Self.folder.appendingPathComponent(name))
    let text = String(decoding: data, as: UTF8.self)
    if name.hasPrefix("expression-") {
      if let e = try? ModelExpression(text) { _ = try? e.compile(slot: { _ in 0 }) }
    } else if name.hasPrefix("scenario-") {
      _ = try? ScenarioLoader.load(yaml: text, file: "t.yaml")
    } else {
      Issue.record("\(name): a crash input's name starts with expression- or scenario-")
    }
  }

  @Test("the folder of fixed crash inputs is found")
  func test_folder_isNotEmpty() {
    #expect(Self.inputs.count >= 2)
  }

  @Test("deep nesting is an error, not a stack overflow")
  func test_deepNesting_isRejected() {
    let limit = ExpressionParser.maximumNesting
    for text in [
      String(repeating: "(", count: 5_000) + "p" + String(repeating: ")", count: 5_000),
      String(repeating: "-", count: 5_000) + "p",
      String(repeating: "2^", count: 5_000) + "2",
      String(repeating: "min(1,", count: 5_000) + "1" + String(repeating: ")", count: 5_000),
    ] {
      #expect(throws: ExpressionError.self) { try ModelExpression(text) }
      #expect((try? ModelExpression(text)) == nil)
    }
    // Up to the limit it parses: `limit - 1` parentheses around a name (the name's own level is the last).
    let deepest = String(repeating: "(", count: limit - 1) + "p" + String(repeating: ")", count: limit - 1)
    #expect((try? ModelExpression(deepest)) != nil)
    do {
      _ = try ModelExpression(String(repeating: "(", count: limit) + "p" + String(repeating: ")", count: limit))
      Issue.record("nesting beyond the limit was accepted")
    } catch {
      #expect(error.message.contains("nested more than \(limit) levels"))
    }
  }

  @Test("a long operator chain is bounded, and a chain at the limit compiles and evaluates")
  func test_longChain_isBounded() throws {
    let limit = ExpressionParser.maximumOperators
    let atLimit = Array(repeating: "p", count: limit + 1).joined(separator: "+")
    let program = try ModelExpression(atLimit).compile(slot: { $0 == "p" ? 0 : nil })
    #expect(program.evaluate([1]) == Double(limit + 1))
    let beyond = atLimit + "+p"
    #expect(throws: ExpressionError.self) { try ModelExpression(beyond) }
  }
}
