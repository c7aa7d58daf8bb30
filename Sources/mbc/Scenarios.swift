import ArgumentParser
import Foundation
import MBCReport
import MBCScenario

extension MBC {
  /// `mbc scenarios [list]` and `mbc scenarios copy NAME`: the scenarios bundled with mbc, to
  /// look at and to copy as the start of one's own. Where they are: ``ScenarioDirectory``.
  struct Scenarios: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the bundled scenarios, or copy one to start your own.",
      discussion: """
        The bundled scenarios are the Scenarios folder of the mbc checkout the binary was built in. Set MBC_SCENARIOS to use another folder.

        Examples:
          mbc scenarios
          mbc scenarios copy bemoeizorg
          mbc scenarios copy validation/thr-dmhee --to models
        """,
      subcommands: [List.self, Copy.self],
      defaultSubcommand: List.self)

    /// The bundled scenarios; prints why and exits 1 when they cannot be found.
    static func catalog() throws -> ScenarioCatalog {
      do {
        let directory = try ScenarioDirectory.locate()
        return try ScenarioCatalog(directory: directory.url)
      } catch {
        printError("error: \(error)")
        throw MBCExit.runtimeError
      }
    }
  }
}

extension MBC.Scenarios {
  /// `mbc scenarios list`: one line per scenario, the business cases first.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the bundled scenarios with the first sentence of their description.")

    func run() throws {
      let catalog = try MBC.Scenarios.catalog()
      let width = (catalog.entries.map(\.name.count).max() ?? 0) + 2
      func line(_ entry: ScenarioCatalog.Entry) -> String {
        // Lines of at most 120 characters: the description gets what the name leaves.
        "  " + entry.name.padding(toLength: width, withPad: " ", startingAt: 0)
          + ScenarioCatalog.summary(of: entry, width: min(ScenarioCatalog.descriptionWidth, max(40, 118 - width)))
      }
      let cases = catalog.entries.filter { $0.group == .businessCase }
      let validation = catalog.entries.filter { $0.group == .validation }
      var out: [String] = []
      if !cases.isEmpty {
        out.append("Business cases (\(catalog.directory.path)):")
        out += cases.map(line)
      }
      if !validation.isEmpty {
        if !out.isEmpty { out.append("") }
        out.append("Validation models: published models reproduced (\(catalog.directory.appendingPathComponent("validation").path)):")
        out += validation.map(line)
      }
      let example = catalog.entries.first?.qualifiedName ?? "NAME"
      out += ["", "Copy one to start your own: mbc scenarios copy NAME [--to DIR], e.g. mbc scenarios copy \(example)"]
      print(out.joined(separator: "\n"))
    }
  }

  /// `mbc scenarios copy NAME [--to DIR] [--force]`: copies a bundled scenario, and the data
  /// files it refers to, so that it can be edited.
  struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Copy a bundled scenario (and the CSV files it refers to) into a folder.",
      discussion: """
        NAME is a name from `mbc scenarios`, with or without .yaml; a validation model may be named validation/NAME. Existing files are not overwritten unless --force is given.

        Examples:
          mbc scenarios copy bemoeizorg
          mbc scenarios copy validation/darth-sick-sicker --to models
        """)

    @Argument(help: "The scenario, e.g. bemoeizorg or validation/thr-dmhee.")
    var name: String

    @Option(help: ArgumentHelp("The folder to copy into (created when missing; default: the current folder).", valueName: "dir"))
    var to: String?

    @Flag(help: "Overwrite files that exist.")
    var force = false

    /// One file to write: where from, its content, and where to (as the user will type it).
    private struct Planned {
      var source: URL
      var data: Data
      var target: String
    }

    func validate() throws {
      if to?.isEmpty == true { throw ValidationError("--to needs a folder, e.g. --to models.") }
    }

    func run() throws {
      let catalog = try MBC.Scenarios.catalog()
      guard let entry = catalog.entry(named: name) else {
        var message = "error: there is no bundled scenario '\(name)'"
        if let close = catalog.suggestion(for: name) { message += "; did you mean '\(close)'?" }
        message += "\nThe scenarios are: \(catalog.entries.map(\.qualifiedName).joined(separator: ", ")) (see mbc scenarios)."
        printError(message)
        throw MBCExit.usageError
      }

      var isFolder: ObjCBool = false
      if let folder = to, FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
        printError("error: --to '\(folder)' is a file; expected a folder to copy into.")
        throw MBCExit.usageError
      }
      func destination(_ relative: String) -> String {
        to.map { $0.hasSuffix("/") ? $0 + relative : "\($0)/\(relative)" } ?? relative
      }

      // The scenario, then the data files it refers to by relative paths.
      var plan = [try planned(entry.url, to: destination(entry.name + ".yaml"))]
      var notes: [String] = []
      let text = String(decoding: plan[0].data, as: UTF8.self)
      var references: [String] = []
      do {
        references = try ScenarioDataFiles.referenced(inYAML: text, file: entry.url.path)
      } catch {
        notes.append("it is not valid YAML, so the files it may refer to were not looked for (\(error.errors.first?.message ?? "YAML error")).")
      }
      for reference in references {
        if reference.hasPrefix("/") {
          notes.append("it refers to '\(reference)' by an absolute path; that file was not copied and must exist where the scenario is used.")
        } else if reference.split(separator: "/").contains("..") {
          notes.append("it refers to '\(reference)' outside its folder; that file was not copied: put a copy at \(destination(reference)).")
        } else {
          let source = entry.url.deletingLastPathComponent().appendingPathComponent(reference)
          guard FileManager.default.fileExists(atPath: source.path) else {
            notes.append("it refers to '\(reference)', which is not in the bundled scenarios folder either; provide it at \(destination(reference)).")
            continue
          }
          plan.append(try planned(source, to: destination(reference)))
        }
      }

      // Check every target before writing any, so that a refusal leaves everything as it was.
      var blocked: [String] = []
      var writes: [Planned] = []
      for (i, file) in plan.enumerated() {
        if let real = ScenarioDirectory.realPath(file.target), real == ScenarioDirectory.realPath(file.source.path) {
          printError("error: \(file.target) is the bundled file itself; copy it somewhere else with --to DIR.")
          throw MBCExit.usageError
        }
        guard FileManager.default.fileExists(atPath: file.target) else {
          writes.append(file)
          continue
        }
        // A data file that is already there with the same content (e.g. shared by two
        // scenarios) is left alone; the scenario itself is never silently replaced.
        if i > 0, FileManager.default.contents(atPath: file.target) == file.data { continue }
        if force { writes.append(file) } else { blocked.append(file.target) }
      }
      if !blocked.isEmpty {
        let list = blocked.map { "'\($0)'" }.joined(separator: ", ")
        printError("error: \(list) \(blocked.count == 1 ? "exists" : "exist"); use --force to overwrite, or --to DIR to copy elsewhere. Nothing was copied.")
        throw MBCExit.usageError
      }

      // Data files first, so that the scenario never appears without them.
      for file in writes.reversed() {
        do {
          try AtomicFile.write(file.data, to: file.target)
        } catch {
          printError("error: \(error)")
          throw MBCExit.runtimeError
        }
      }

      let scenarioPath = plan[0].target
      var out = ["Copied \(entry.qualifiedName) to \(scenarioPath)"]
      let data = plan.dropFirst()
      if !data.isEmpty {
        out.append("with the data file\(data.count == 1 ? "" : "s") it refers to: \(data.map(\.target).joined(separator: ", "))")
      }
      out += notes.map { "Note: \($0)" }
      out += [
        "", "Next:",
        "  mbc check --explain \(shellQuoted(scenarioPath))   # the model in words",
        "  mbc simulate \(shellQuoted(scenarioPath)) --runs 1e4",
      ]
      print(out.joined(separator: "\n"))
    }

    /// Reads `source`; prints the reason and exits 1 when it cannot be read.
    private func planned(_ source: URL, to target: String) throws -> Planned {
      guard let data = FileManager.default.contents(atPath: source.path) else {
        printError("error: cannot read '\(source.path)'.")
        throw MBCExit.runtimeError
      }
      return Planned(source: source, data: data, target: target)
    }
  }
}

/// `text` as one shell word: unchanged when it is plain, otherwise in single quotes.
private func shellQuoted(_ text: String) -> String {
  let plain = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._/-+:=@%,".contains($0)) }
  return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
