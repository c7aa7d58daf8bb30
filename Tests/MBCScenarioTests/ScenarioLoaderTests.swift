import Foundation
import Testing

@testable import MBCScenario

/// The smallest valid scenario; tests append or replace lines to make it invalid.
let minimalScenario = """
  format: mbc/1
  name: tiny
  cycle: month
  horizon: {value: 12, assumption: one year}
  clients: {value: 10, assumption: small test cohort}
  discount: {costs: 0.03, source: Zorginstituut 2024}
  payers: [municipality, insurer]
  states: [Well, Sick]
  start: Well
  parameters:
    p_sick: {dist: beta, mean: 0.1, sd: 0.02, source: test}
    c_sick: {value: 100, source: test}
  transitions:
    Well: {Sick: p_sick}
  arms:
    UC: {label: Usual care}
  costs:
    sick: {per: cycle, states: Sick, amount: c_sick, payer: insurer}
  """

/// Loads YAML text; returns the scenario or the rendered diagnostics.
func load(_ yaml: String) -> Result<Scenario, ScenarioError> {
  Result { () throws(ScenarioError) in try ScenarioLoader.load(yaml: yaml, file: "t.yaml") }
}

func errors(_ yaml: String) -> [String] {
  switch load(yaml) {
  case .success: return []
  case .failure(let e): return e.errors.map(\.description)
  }
}

@Suite("Scenario loading")
struct ScenarioLoaderTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  @Test("outreach-ref loads as the benchmark defines it, with every number sourced")
  func test_outreachRef_loads() throws {
    let s = try ScenarioLoader.load(file: Self.repository.appendingPathComponent("Scenarios/outreach-ref.yaml").path)
    #expect(s.states.map(\.name) == ["Avoiding", "Engaged", "InCare", "Admitted", "Homeless"])
    #expect(s.arms.map(\.name) == ["UC", "BZ"])
    #expect(s.referenceArm == 0)
    #expect(s.payers.count == 4)
    #expect(s.parameters.count == 19)
    #expect(s.events.map(\.name) == ["eviction", "admission", "nuisance"])
    #expect(s.costs.count == 6)
    #expect((s.horizon, s.clients, s.costDiscountRate) == (36, 100, 0.04))
    #expect(s.warnings.isEmpty, "unsourced numbers: \(s.warnings)")
    // Each arm has its own Avoiding row and shares the other rows.
    let avoidingUC = s.arms[0].transitions[0].map { s.states[$0.to].name }
    let avoidingBZ = s.arms[1].transitions[0].map { s.states[$0.to].name }
    #expect(avoidingUC == ["InCare", "Admitted", "Homeless"])
    #expect(avoidingBZ == ["Engaged", "Admitted", "Homeless"])
    #expect(s.arms[0].transitions[1].count == 3)
    #expect(s.arms[1].transitions[1].map(\.probability.text) == s.arms[0].transitions[1].map(\.probability.text))
  }

  @Test("the minimal scenario loads without warnings")
  func test_minimal_loads() throws {
    let s = try load(minimalScenario).get()
    #expect(s.warnings.isEmpty)
    #expect(s.startState == 0 && s.horizon == 12)
  }

  @Test("every problem in a file is reported at once, with line, column and key path")
  func test_manyErrors_allReported() {
    let yaml = minimalScenario
      .replacingOccurrences(of: "cycle: month", with: "cycle: mnth")
      .replacingOccurrences(of: "start: Well", with: "start: Wel")
      .replacingOccurrences(of: "c_sick: {value: 100, source: test}", with: "c_sick: {value: 100, sorce: test}")
      .replacingOccurrences(of: "Well: {Sick: p_sick}", with: "Well: {Sick: p_sik}")
      .replacingOccurrences(of: "payer: insurer", with: "payer: insurrer")
    #expect(errors(yaml) == [
      "t.yaml:3:8: error: cycle: unknown cycle length 'mnth'; did you mean 'month'?",
      "t.yaml:9:8: error: start: unknown state 'Wel'; did you mean 'Well'?",
      "t.yaml:12:24: error: parameters.c_sick.sorce: unknown key 'sorce' in parameter 'c_sick'; did you mean 'source'?",
      "t.yaml:14:16: error: transitions.Well.Sick: in expression 'p_sik': unknown name 'p_sik'; did you mean 'p_sick'?",
      "t.yaml:18:59: error: costs.sick.payer: unknown payer 'insurrer'; did you mean 'insurer'?",
    ])
  }

  @Test("a YAML syntax error points at the line and column")
  func test_yamlSyntax_located() {
    #expect(errors("states: [A, B\nstart: A\n") == [
      "t.yaml:2:6: error: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 9)"
    ])
  }

  @Test("empty and non-mapping documents are rejected")
  func test_emptyDocument() {
    #expect(errors("") == ["t.yaml:1:1: error: the file is empty; expected a scenario (see docs/scenario-format.md)"])
    #expect(errors("- a\n- b\n") == ["t.yaml:1:1: error: expected a scenario (a mapping with keys such as states, parameters, arms), found a list"])
  }

  @Test("unknown top-level keys get a suggestion; duplicate keys are errors")
  func test_unknownAndDuplicateKeys() {
    #expect(errors(minimalScenario + "\ntransition: {}\n") == [
      "t.yaml:19:1: error: transition: unknown key 'transition' in the scenario; did you mean 'transitions'?"
    ])
    #expect(errors(minimalScenario + "\nname: again\n") == ["t.yaml:19:1: error: duplicate key 'name' (first at line 2); each key may appear once in a mapping"])
  }

  @Test("impossible distributions and bad parameterisations name the values")
  func test_parameterErrors() {
    let yaml = minimalScenario.replacingOccurrences(of: "{dist: beta, mean: 0.1, sd: 0.02, source: test}", with: "{dist: beta, mean: 0.1, alpha: 2, source: test}")
    #expect(errors(yaml) == ["t.yaml:11:18: error: parameters.p_sick.dist: a beta distribution takes mean and sd, or alpha and beta, or mean and lower and upper; found mean, alpha"])
    let impossible = minimalScenario.replacingOccurrences(of: "sd: 0.02", with: "sd: 0.5")
    let e = errors(impossible)
    #expect(e.count == 1 && e[0].hasPrefix("t.yaml:11:3: error: parameters.p_sick: "), "\(e)")
    #expect(e.first?.contains("0.5") == true)
  }

  @Test("parameters may be used before they are defined; cycles are reported with their path")
  func test_parameterOrder_andCycles() throws {
    let forward = minimalScenario.replacingOccurrences(of: "  c_sick: {value: 100, source: test}", with: "  c_sick: {expr: c_base * k, source: test}\n  c_base: {value: 50, source: test}\n  k: {value: 2, source: test}")
    let s = try load(forward).get()
    #expect(s.parameters.map(\.name) == ["p_sick", "c_base", "k", "c_sick"])
    let cyclic = minimalScenario.replacingOccurrences(of: "  c_sick: {value: 100, source: test}", with: "  c_sick: {expr: a, source: test}\n  a: {expr: b, source: test}\n  b: {expr: c_sick, source: test}")
    #expect(errors(cyclic) == ["t.yaml:12:3: error: parameters.c_sick: parameters depend on each other in a cycle: c_sick → a → b → c_sick"])
  }

  @Test("transition rows: no stay entry, constants must sum to at most 1")
  func test_transitionRowChecks() {
    let stay = minimalScenario.replacingOccurrences(of: "Well: {Sick: p_sick}", with: "Well: {Sick: p_sick, Well: 0.5}")
    #expect(errors(stay) == ["t.yaml:14:24: error: transitions.Well.Well: 'Well' → 'Well' is the stay probability, which is 1 minus the other moves; remove it"])
    let over = minimalScenario.replacingOccurrences(of: "Well: {Sick: p_sick}", with: "Well: {Sick: 1.5}")
    #expect(errors(over) == ["t.yaml:14:16: error: transitions.Well.Sick: probability 1.5 is outside [0, 1]"])
  }

  @Test("payer shares must sum to 1")
  func test_shares() {
    let yaml = minimalScenario.replacingOccurrences(of: "payer: insurer", with: "payers: {insurer: 0.6, municipality: 0.3}, source: test")
    #expect(errors(yaml) == ["t.yaml:18:60: error: costs.sick.payers: the payer shares sum to 0.8999999999999999; they must sum to 1"])
  }

  @Test("a horizon can be written as a duration")
  func test_horizonDuration() throws {
    let s = try load(minimalScenario.replacingOccurrences(of: "horizon: {value: 12, assumption: one year}", with: "horizon: {value: \"3 years\", assumption: three years}")).get()
    #expect(s.horizon == 36)
    #expect(errors(minimalScenario.replacingOccurrences(of: "value: 12,", with: "value: 2.5,")) == [
      "t.yaml:4:18: error: horizon.value: the horizon must be a whole number of cycles between 1 and 100000, found 2.5 (a month cycle)"
    ])
  }

  @Test("numbers without a source are warnings")
  func test_unsourcedWarnings() throws {
    let yaml = minimalScenario.replacingOccurrences(of: "c_sick: {value: 100, source: test}", with: "c_sick: 100")
      .replacingOccurrences(of: "amount: c_sick", with: "amount: c_sick * 1.5")
    let s = try load(yaml).get()
    #expect(s.warnings.map(\.description) == [
      "t.yaml:12:11: warning: parameters.c_sick: parameter 'c_sick' has no source; add 'source:' (a citation) or 'assumption:' (why this value)",
      "t.yaml:18:53: warning: costs.sick.amount: the number 1.5 in 'c_sick * 1.5' has no source; make it a parameter with 'source:' or 'assumption:'",
    ])
  }

  @Test("a file that is not UTF-8 is rejected with the position of the first bad byte")
  func test_nonUTF8() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mbc-latin1-\(getpid()).yaml")
    try Data("name: caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(throws: ScenarioError.self) { try ScenarioLoader.load(file: url.path) }
    do {
      _ = try ScenarioLoader.load(file: url.path)
    } catch {
      #expect(error.description.hasPrefix("\(url.path):1:10: error: the file is not valid UTF-8 text"))
    }
  }

  @Test("a YAML alias bomb fails fast: values are counted with aliases expanded, up to a limit")
  func test_aliasBomb() {
    var lines = ["lol:", "  x0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in 1...8 {
      lines.append("  x\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]")
    }
    let started = Date()
    do {
      _ = try ScenarioLoader.load(yaml: minimalScenario + "\n" + lines.joined(separator: "\n"), file: "bomb.yaml")
      Issue.record("an alias bomb was accepted")
    } catch {
      #expect(error.diagnostics.count == 1)
      #expect(error.description.contains(
        "error: the document has more than 1000000 values once its aliases (*name) are expanded"))
    }
    #expect(Date().timeIntervalSince(started) < 10)
  }
}
