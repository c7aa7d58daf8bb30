import Foundation
import Testing

@testable import MBCEngine
@testable import MBCScenario

/// Every complete scenario in docs/scenario-format.md (a ```yaml block starting with
/// `format: mbc/1`) loads without errors or warnings, passes the base-case check and runs.
@Suite("Documentation examples")
struct DocumentationTests {
  static let page = scenariosFolder.deletingLastPathComponent().appendingPathComponent("docs/scenario-format.md")

  static func completeExamples() throws -> [String] {
    let text = try String(contentsOf: page, encoding: .utf8)
    var blocks: [String] = []
    var current: [Substring]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line == "```yaml" {
        current = []
      } else if current != nil, line == "```" {
        blocks.append(current!.joined(separator: "\n"))
        current = nil
      } else {
        current?.append(line)
      }
    }
    return blocks.filter { $0.hasPrefix("format: mbc/1") }
  }

  @Test("every key of the language appears in a complete example")
  func test_everyKeyHasAnExample() throws {
    let text = try Self.completeExamples().joined(separator: "\n")
    var keys = Set(ScenarioLoader.topLevelKeys)
    keys.formUnion(ScenarioBuilder.parameterKeys)
    keys.formUnion(ScenarioBuilder.costKeys)
    keys.formUnion(ScenarioBuilder.effectLineKeys)
    keys.formUnion(ScenarioBuilder.clientKeys)
    keys.formUnion(ScenarioBuilder.analysisKeys)
    keys.formUnion(ScenarioBuilder.budgetKeys)
    keys.formUnion(ScenarioBuilder.variantKeys)
    keys.formUnion(["rate", "seasonality", "trend", "fte", "caseload", "ramp_up_months", "dropout", "max_months", "states", "payer",
                    "startup", "fixed_per_year", "per_fte_year", "per_client", "per_client_month", "covers", "cap", "percent",
                    "from_month", "applies_to", "after_month", "in_care"])  // inside budget:
    keys.formUnion(["per_year", "years", "parameter", "step"])  // population, break_even, wtp_grid
    // Keys read inline: arms, events, tables, correlations, subgroups, discount, timing weights,
    // price index, effects, states.
    keys.formUnion(["inherits", "rate", "on_enter", "on_transition", "bands", "rank", "pearson", "repair", "share",
                    "attributes", "subgroups", "count", "effects", "first", "odd", "even", "last", "factors",
                    "discount", "timing", "values", "description", "label"])
    keys.subtract(["source", "assumption", "note"])  // provenance: documented in prose, used everywhere
    let missing = keys.filter { key in !text.contains("\(key):") }.sorted()
    #expect(missing.isEmpty, "keys without an example: \(missing)")
  }

  @Test("the page has complete examples, and each loads, checks and simulates with both engines")
  func test_examples_run() throws {
    let examples = try Self.completeExamples()
    #expect(examples.count >= 10)
    var cohortRuns = 0
    for (i, yaml) in examples.enumerated() {
      // Loaded as if it were the page itself, so that data files resolve next to it (docs/examples/).
      let scenario = try ScenarioLoader.load(yaml: yaml, file: Self.page.path)
      #expect(scenario.warnings.isEmpty, "example \(i + 1): \(scenario.warnings)")
      let m = try CompiledModel(scenario)
      try BaseCase.check(m)
      let matrix = try simulate(m, runs: 20, engine: .individual)
      #expect(!matrix.contains { !$0.isFinite }, "example \(i + 1) produced a non-finite value")
      if Simulation.unsupportedReason(m, engine: .cohort) == nil {
        let cohort = try simulate(m, runs: 5, engine: .cohort)
        #expect(!cohort.contains { !$0.isFinite }, "example \(i + 1) (cohort) produced a non-finite value")
        cohortRuns += 1
      }
    }
    #expect(cohortRuns >= examples.count - 2)
  }
}
