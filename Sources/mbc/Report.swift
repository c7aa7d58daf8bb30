import ArgumentParser
import Foundation
import MBCReport
import MBCScenario

extension MBC {
  /// `mbc report DIR`: redraws report.html from the outputs of `mbc simulate`.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Redraw report.html from the outputs of mbc simulate or mbc stress (e.g. with Dutch number formats).",
      discussion: """
        Reads the CSV files and manifest.json in DIR and the scenario the manifest names (for names, labels and \
        sources), and writes the same page mbc simulate wrote, in the numbers of --locale. The scenario must be \
        unchanged (its SHA-256 is in manifest.json); if it has moved or changed, give it with --scenario PATH (a \
        changed file is then used with a warning).

        Examples:
          mbc report results/bemoeizorg --locale nl
          mbc report results/bemoeizorg --out rapport.html --locale nl
          mbc report results/try --scenario Scenarios/outreach-ref.yaml
        """)

    @Argument(help: "The output directory of mbc simulate.")
    var directory: String

    @Option(
      help: ArgumentHelp(
        "Numbers in the report: en (international: €1,234.56, the default) or nl (Dutch: € 1.234,56).",
        valueName: "code"))
    var locale: String = "en"

    @Option(help: ArgumentHelp("Where to write the page (default: DIR/report.html).", valueName: "file"))
    var out: String?

    @Option(
      help: ArgumentHelp(
        "The scenario file, when the one named in manifest.json has moved or changed.", valueName: "file"))
    var scenario: String?

    func validate() throws {
      _ = try Self.parseLocale(locale)
    }

    /// The locale of a `--locale` code; a usage error (exit 2) for any other code.
    static func parseLocale(_ code: String) throws -> ReportLocale {
      guard let locale = ReportLocale(code: code) else {
        throw ValidationError(
          "--locale must be en (international numbers: €1,234.56) or nl (Dutch numbers: € 1.234,56), not '\(code)'.")
      }
      return locale
    }

    func run() throws {
      let reportLocale = try Self.parseLocale(locale)
      let manifestPath = (directory as NSString).appendingPathComponent("manifest.json")
      guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
        printError("error: '\(directory)' has no manifest.json; give the output directory of mbc simulate.")
        throw MBCExit.usageError
      }
      let manifest: Manifest
      do {
        manifest = try JSONDecoder().decode(Manifest.self, from: manifestData)
      } catch {
        printError("error: \(manifestPath) is not a manifest written by mbc simulate (\(error)).")
        throw MBCExit.usageError
      }

      // The scenario, as simulated: the same bytes, or the file given with --scenario.
      let path = scenario ?? manifest.scenario.path
      guard let bytes = FileManager.default.contents(atPath: path) else {
        if scenario != nil {
          printError("error: --scenario: cannot open '\(path)'.")
        } else {
          printError(
            "error: the scenario of these results, '\(path)' (named in \(manifestPath)), is missing; give it with "
              + "--scenario PATH."
          )
        }
        throw MBCExit.usageError
      }
      let hash = SHA256.hex(of: bytes)
      if hash != manifest.scenario.sha256 {
        let differs =
          "SHA-256 \(hash.prefix(16))…, the results were simulated from \(manifest.scenario.sha256.prefix(16))…"
        if scenario != nil {
          printError(
            "warning: the scenario '\(path)' is not the one these results were simulated from (\(differs)); names, "
              + "labels and sources are taken from it."
          )
        } else {
          printError(
            "error: the scenario '\(path)' has changed since these results were simulated (\(differs)); simulate "
              + "again, or give a scenario with --scenario PATH to draw the report anyway."
          )
          throw MBCExit.usageError
        }
      }
      var loaded: Scenario
      do {
        loaded = try ScenarioLoader.load(file: path)
        if let subgroup = manifest.subgroup { loaded = try loaded.restricted(toSubgroup: subgroup) }
      } catch {
        printError("\(path): error: \(error)")
        throw MBCExit.usageError
      }

      if manifest.variants != nil {
        try redrawStress(scenario: loaded, manifest: manifest, locale: reportLocale)
        return
      }
      let tables: ReportTables
      do {
        tables = try ReportTables.read(directory: directory)
      } catch {
        printError("error: \(error)")
        throw MBCExit.usageError
      }
      guard tables.summary != nil else {
        printError("error: '\(directory)' has no summary.csv; give the output directory of mbc simulate.")
        throw MBCExit.usageError
      }
      let html = HTMLReport.render(scenario: loaded, manifest: manifest, tables: tables, locale: reportLocale)
      let target = out ?? (directory as NSString).appendingPathComponent("report.html")
      do {
        try AtomicFile.write(html, to: target)
      } catch {
        printError("mbc: \(error)")
        throw MBCExit.runtimeError
      }
      print(target)
    }

    /// The page of `mbc stress` (its manifest lists the variants), from its tables.
    private func redrawStress(scenario: Scenario, manifest: Manifest, locale: ReportLocale) throws {
      var tables: [String: CSVTable] = [:]
      for file in StressReportData.files {
        let path = (directory as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
          let table = CSVTable(parsing: text)
        else {
          printError("error: '\(path)' is missing or not a CSV table; give the output directory of mbc stress.")
          throw MBCExit.usageError
        }
        tables[file] = table
      }
      var run = RunInfo(
        mbcVersion: manifest.mbcVersion, commandLine: manifest.commandLine, scenarioPath: manifest.scenario.path,
        scenarioSHA256: manifest.scenario.sha256, seed: UInt64(manifest.seed) ?? 0, runs: manifest.runs, threads: manifest.threads,
        engine: manifest.engine, blasConfiguration: manifest.blas, startedAt: manifest.startedAt, clientCyclesPerRun: 0)
      run.partial = manifest.partial
      let html: String
      do {
        html = StressReport.render(try StressReportData(scenario: scenario, run: run, tables: tables), locale: locale)
      } catch {
        printError("error: \(error)")
        throw MBCExit.usageError
      }
      let target = out ?? (directory as NSString).appendingPathComponent("report.html")
      do {
        try AtomicFile.write(html, to: target)
      } catch {
        printError("mbc: \(error)")
        throw MBCExit.runtimeError
      }
      print(target)
    }
  }
}
