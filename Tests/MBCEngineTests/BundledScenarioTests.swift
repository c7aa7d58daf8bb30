import Foundation
import MBCScenario
import Testing

@testable import MBCEngine

/// The bundled business cases (`Scenarios/*.yaml`): each loads without a warning (every
/// number has a source or a stated assumption), and its deterministic base case — every
/// parameter at its mean, cohort engine — is pinned in `Tests/MBCEngineTests/BaseCases/<name>.csv`
/// (every metric, per client), so that any change to a scenario or to the engines that moves a
/// result shows here. After an intended change, regenerate the pins with
/// `MBC_UPDATE_BASE_CASES=1 swift test --filter BundledScenarioTests` and review the diff.
@Suite("Bundled business cases")
struct BundledScenarioTests {
  static let pins = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BaseCases")

  /// The business cases: every YAML file directly in Scenarios/ (the validation models have
  /// their own tests against published results).
  static func scenarioFiles() -> [URL] {
    let files = (try? FileManager.default.contentsOfDirectory(at: scenariosFolder, includingPropertiesForKeys: nil)) ?? []
    return files.filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
  }

  @Test("every bundled scenario loads without warnings: each number has a source or an assumption")
  func noWarnings() throws {
    let files = Self.scenarioFiles()
    #expect(files.count >= 5)
    for file in files {
      let scenario = try ScenarioLoader.load(file: file.path)
      let warnings = scenario.warnings.map(\.description)
      #expect(warnings.isEmpty, "\(file.lastPathComponent): \(warnings)")
      for p in scenario.parameters {
        let documented = p.provenance.isDocumented
        #expect(documented, "\(file.lastPathComponent): parameter \(p.name) has neither a source nor an assumption")
      }
    }
  }

  @Test("the deterministic base case of every bundled scenario equals its pinned values", arguments: scenarioFiles().map(\.lastPathComponent))
  func baseCase(_ fileName: String) throws {
    let scenario = try ScenarioLoader.load(file: scenariosFolder.appendingPathComponent(fileName).path)
    let model = try CompiledModel(scenario)
    let row = try BaseCase.cohortResults(model)
    let n = Double(scenario.clients)
    let current = zip(model.layout.columns, row).map { ($0.name, $1 / n) }
    let pin = Self.pins.appendingPathComponent((fileName as NSString).deletingPathExtension + ".csv")
    if ProcessInfo.processInfo.environment["MBC_UPDATE_BASE_CASES"] == "1" {
      let text = "metric,per_client\n" + current.map { "\($0.0),\(String(format: "%.17g", $0.1))" }.joined(separator: "\n") + "\n"
      try text.write(to: pin, atomically: true, encoding: .utf8)
      return
    }
    guard let text = try? String(contentsOf: pin, encoding: .utf8) else {
      Issue.record("no pinned base case for \(fileName): run MBC_UPDATE_BASE_CASES=1 swift test --filter BundledScenarioTests and commit \(pin.lastPathComponent)")
      return
    }
    var pinned: [String: Double] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let parts = line.split(separator: ",")
      if parts.count == 2, let v = Double(parts[1]) { pinned[String(parts[0])] = v }
    }
    let names = Set(current.map(\.0))
    let missing = names.subtracting(pinned.keys).sorted()
    let extra = Set(pinned.keys).subtracting(names).sorted()
    #expect(missing.isEmpty && extra.isEmpty, "\(fileName): metrics not pinned \(missing), pinned but gone \(extra)")
    for (name, value) in current {
      guard let expected = pinned[name] else { continue }
      // The cohort engine is deterministic; only summation order could change the last bits.
      let close = abs(value - expected) <= 1e-9 * max(1, abs(expected))
      #expect(close, "\(fileName): \(name) per client is \(value), pinned \(expected)")
    }
  }
}
