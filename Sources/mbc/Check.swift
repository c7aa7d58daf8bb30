import ArgumentParser
import MBCEngine
import MBCScenario

extension MBC {
  /// `mbc check FILE`: validate a scenario and print what was understood.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate a scenario file and print what it says.",
      discussion: """
        Reports every problem with file:line:column, the key path, the value and what was expected. Also evaluates the model once with every parameter at its mean, so that a transition row summing above 1 is found before a long run.

        Examples:
          mbc check Scenarios/bemoeizorg.yaml
          mbc check --explain Scenarios/bemoeizorg.yaml  # the model in words
          mbc check --strict my-scenario.yaml  # warnings fail too
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Flag(help: "Treat warnings (such as numbers without a source) as errors.")
    var strict = false

    @Flag(help: "Print the whole model in plain words: clients, states, moves, parameters with sources, who pays what.")
    var explain = false

    @Flag(name: .shortAndLong, help: "Print only problems.")
    var quiet = false

    func run() throws {
      let loaded = try loadModel(scenario).scenario
      if explain && !quiet { print(loaded.explanation()) }
      for w in loaded.warnings { printError(w.description) }
      if strict && !loaded.warnings.isEmpty {
        printError("\(loaded.warnings.count) warning\(loaded.warnings.count == 1 ? "" : "s") (--strict makes them errors).")
        throw MBCExit.usageError
      }
      if !quiet {
        if explain { print("") }
        let uncertain = loaded.parameters.filter { p in
          if case .distribution(let d) = p.definition, case .fixed = d { return false }
          if case .expression = p.definition { return false }
          return true
        }.count
        print("\(loaded.name): \(loaded.states.count) states, \(loaded.arms.count) arms (reference \(loaded.arms[loaded.referenceArm].name)), \(loaded.parameters.count) parameters (\(uncertain) uncertain), \(loaded.events.count) events, \(loaded.costs.count) cost lines, \(loaded.effects.count) effects; \(loaded.horizon) \(loaded.cycle.rawValue)s, \(loaded.clients) clients, \(loaded.engine.rawValue) engine.")
        print("OK: \(scenario) is a valid scenario\(loaded.warnings.isEmpty ? "" : " (\(loaded.warnings.count) warning\(loaded.warnings.count == 1 ? "" : "s"))").\(explain ? "" : " Use --explain to see the model in words.")")
      }
    }
  }
}
