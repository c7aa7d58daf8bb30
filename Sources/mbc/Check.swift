import ArgumentParser
import MBCEngine
import MBCReport
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
          mbc check --base-case Scenarios/bemoeizorg.yaml  # the deterministic base case, per client
          mbc check --base-case --subgroup nuisance Scenarios/bemoeizorg.yaml
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Flag(help: "Treat warnings (such as numbers without a source) as errors.")
    var strict = false

    @Flag(help: "Print the whole model in plain words: clients, states, moves, parameters with sources, who pays what.")
    var explain = false

    @Flag(name: .customLong("base-case"), help: "Print the deterministic base case: every parameter at its mean, cohort engine, costs, events and net savings per client.")
    var baseCase = false

    @Option(help: ArgumentHelp("Check (and with --base-case, compute) only clients of this subgroup.", valueName: "name"))
    var subgroup: String?

    @Flag(name: .shortAndLong, help: "Print only problems.")
    var quiet = false

    func run() throws {
      let model = try loadModel(scenario, subgroup: subgroup)
      let loaded = model.scenario
      if explain && !quiet { print(loaded.explanation()) }
      if baseCase {
        if let reason = Simulation.unsupportedReason(model, engine: .cohort) {
          printError("\(scenario): error: --base-case uses the cohort engine, but \(reason)")
          throw MBCExit.usageError
        }
        do {
          let row = try BaseCase.cohortResults(model)
          print(BaseCaseReport.render(loaded, layout: model.layout, row: row))
        } catch {
          printError("\(scenario): run-time error in the base case: \(error)")
          throw MBCExit.runtimeError
        }
      }
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
