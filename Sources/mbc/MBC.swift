import ArgumentParser
import Foundation
import MBCEngine
import MBCScenario

/// `mbc`: Monte Carlo societal business cases. A thin front end: every command parses its
/// arguments, calls the library modules and maps failures to exit codes:
/// 0 success, 1 run-time (model) error, 2 usage or scenario error, 130 interrupted.
@main
struct MBC: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "mbc",
    abstract: "Monte Carlo societal business cases for social and mental-health interventions.",
    discussion: """
      Examples:
        mbc check Scenarios/bemoeizorg.yaml
        mbc check Scenarios/bemoeizorg.yaml --base-case
        mbc simulate Scenarios/bemoeizorg.yaml --runs 1e4
        mbc simulate Scenarios/bemoeizorg.yaml --runs 1e4 --subgroup eviction_threat
        mbc simulate Scenarios/outreach-ref.yaml --runs 1e6 --seed 7 --out results/ref
        mbc simulate Scenarios/outreach-ref.yaml --runs 1e6 --seed 7 --out results/ref --resume   # after Ctrl-C
        mbc simulate Scenarios/bemoeizorg.yaml --runs 1e5 --shard 1/2 --out shards/1  # then 2/2, then:
        mbc merge shards/1 shards/2 --out results/bemoeizorg-1e5
        mbc scenarios                    # list the bundled scenarios
        mbc scenarios copy bemoeizorg    # copy one to edit

      Exit codes: 0 ok, 1 run-time (model) error, 2 usage or scenario error, 130 interrupted.
      """,
    version: version,
    subcommands: [Simulate.self, Merge.self, Stress.self, Report.self, Check.self, Scenarios.self]
  )

  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let error as ExitCode {
      Foundation.exit(error.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        exit(withError: error)  // --help, --version
      }
      let message = fullMessage(for: error)
      if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
      // ArgumentParser uses 64 (EX_USAGE) for usage errors; mbc uses 2 for every usage error.
      Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
    }
  }
}

/// Exit codes of mbc.
enum MBCExit {
  static let runtimeError = ExitCode(1)
  static let usageError = ExitCode(2)
  static let interrupted = ExitCode(130)
}

/// Writes a line to standard error.
func printError(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Loads and compiles a scenario (restricted to one subgroup of clients when `subgroup` is
/// given), and evaluates it once with every parameter at its mean; prints the problems and
/// exits with code 2 when it cannot be used.
func loadModel(_ path: String, subgroup: String? = nil) throws -> CompiledModel {
  var scenario: Scenario
  do {
    scenario = try ScenarioLoader.load(file: path)
  } catch {
    printError(error.description)
    throw MBCExit.usageError
  }
  if let subgroup {
    do {
      scenario = try scenario.restricted(toSubgroup: subgroup)
    } catch {
      printError("\(path): error: --subgroup: \(error)")
      throw MBCExit.usageError
    }
  }
  let model: CompiledModel
  do {
    model = try CompiledModel(scenario)
  } catch {
    printError(error.description)
    throw MBCExit.usageError
  }
  do {
    try BaseCase.check(model)
  } catch {
    printError("\(path): error: \(error)")
    throw MBCExit.usageError
  }
  return model
}
