import Foundation
import Testing

/// Runs `notebooks/net-saving.ipynb` headlessly (nbclient, via `notebooks/execute_notebook.py`)
/// against the output of a fresh `mbc simulate ... --keep-runs`, so that a change of the CSV
/// format that breaks the notebook is caught by `make test`.
///
/// Needs the notebook venv: `MBC_NOTEBOOK_PYTHON` names its Python (`make test` sets it). Without
/// it the test is skipped, unless `MBC_REQUIRE_NOTEBOOK=1` (also set by `make test`) makes that a failure.
@Suite("Notebook end to end")
struct NotebookEndToEndTests {
  /// The first eight bytes of every PNG file.
  static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// The parts of an executed .ipynb file this test looks at.
  struct ExecutedNotebook: Decodable {
    struct Cell: Decodable {
      var cellType: String
      var outputs: [Output]?
      enum CodingKeys: String, CodingKey {
        case cellType = "cell_type"
        case outputs
      }
    }
    struct Output: Decodable {
      var outputType: String
      var ename: String?
      var evalue: String?
      enum CodingKeys: String, CodingKey {
        case outputType = "output_type"
        case ename, evalue
      }
    }
    var cells: [Cell]
  }

  /// The venv's Python, or nil (after recording an issue when the notebook test is required).
  static func notebookPython() -> URL? {
    let environment = ProcessInfo.processInfo.environment
    let required = environment["MBC_REQUIRE_NOTEBOOK"] == "1"
    guard let path = environment["MBC_NOTEBOOK_PYTHON"], !path.isEmpty else {
      if required {
        Issue.record("MBC_REQUIRE_NOTEBOOK=1 but MBC_NOTEBOOK_PYTHON is not set: run `make venv` and then `make test`.")
      }
      return nil
    }
    guard FileManager.default.isExecutableFile(atPath: path) else {
      if required {
        Issue.record("MBC_NOTEBOOK_PYTHON=\(path) is not an executable file: run `make venv` to create the notebook venv.")
      }
      return nil
    }
    return URL(fileURLWithPath: path)
  }

  @Test("net-saving.ipynb runs on fresh `mbc simulate --keep-runs` output and saves its figure")
  func netSavingNotebook() throws {
    guard let python = Self.notebookPython() else { return }  // skipped: no notebook venv

    let results = try temporaryDirectory("notebook")
    defer { try? FileManager.default.removeItem(at: results) }

    let simulate = try MBCBinary.run([
      "simulate", "Scenarios/outreach-ref.yaml", "--runs", "200", "--seed", "3",
      "--keep-runs", "--quiet", "--out", results.path,
    ])
    try #require(simulate.status == 0, "mbc simulate exited with \(simulate.status):\n\(simulate.stderr)")

    let notebooks = MBCBinary.repository.appendingPathComponent("notebooks")
    let executed = results.appendingPathComponent("executed.ipynb")
    let execution = try runProcess(python, [
      notebooks.appendingPathComponent("execute_notebook.py").path,
      notebooks.appendingPathComponent("net-saving.ipynb").path,
      results.path,
      "--output", executed.path,
    ], in: notebooks)
    try #require(execution.status == 0, "execute_notebook.py exited with \(execution.status):\n\(execution.stderr)")

    // The figure: a real PNG, not an empty placeholder.
    let figure = results.appendingPathComponent("net-saving-per-payer.png")
    #expect(FileManager.default.fileExists(atPath: figure.path), "the notebook did not write \(figure.lastPathComponent)")
    if let png = FileManager.default.contents(atPath: figure.path) {
      #expect(Array(png.prefix(8)) == Self.pngSignature, "\(figure.lastPathComponent) is not a PNG file")
      #expect(png.count > 10_000, "\(figure.lastPathComponent) has only \(png.count) bytes")
    }

    // The executed notebook: no error output, and something displayed (tables, figure).
    let notebook = try JSONDecoder().decode(ExecutedNotebook.self, from: Data(contentsOf: executed))
    let outputs = notebook.cells.flatMap { $0.outputs ?? [] }
    let errors = outputs.filter { $0.outputType == "error" }
    #expect(errors.isEmpty, "error outputs in the executed notebook: \(errors.map { "\($0.ename ?? "?"): \($0.evalue ?? "")" })")
    #expect(
      outputs.contains { $0.outputType == "display_data" || $0.outputType == "execute_result" },
      "the executed notebook has no display_data or execute_result output")
  }

  /// The business-case notebooks: every notebook in notebooks/ except net-saving.ipynb. Each
  /// runs its scenario itself (`MBC_BIN`, `MBC_RUNS`) into the results directory.
  static func businessCaseNotebooks() -> [String] {
    let folder = MBCBinary.repository.appendingPathComponent("notebooks")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".ipynb") && $0 != "net-saving.ipynb" }.sorted()
  }

  @Test("each business-case notebook runs its scenario with the built mbc and saves its figures", arguments: businessCaseNotebooks())
  func businessCaseNotebook(_ name: String) throws {
    guard let python = Self.notebookPython() else { return }  // skipped: no notebook venv
    let results = try temporaryDirectory("notebook-case")
    defer { try? FileManager.default.removeItem(at: results) }
    let notebooks = MBCBinary.repository.appendingPathComponent("notebooks")
    let executed = results.appendingPathComponent("executed.ipynb")
    let execution = try runProcess(python, [
      notebooks.appendingPathComponent("execute_notebook.py").path,
      notebooks.appendingPathComponent(name).path,
      results.path,
      "--output", executed.path,
    ], in: notebooks, environment: ["MBC_BIN": MBCBinary.url.path, "MBC_RUNS": "300"])
    try #require(execution.status == 0, "execute_notebook.py \(name) exited with \(execution.status):\n\(execution.stderr)")

    // Figures: real PNG files somewhere under the results directory.
    let enumerator = FileManager.default.enumerator(at: results, includingPropertiesForKeys: nil)
    var figures: [URL] = []
    while let url = enumerator?.nextObject() as? URL { if url.pathExtension == "png" { figures.append(url) } }
    #expect(!figures.isEmpty, "\(name) saved no PNG figure in \(results.path)")
    for figure in figures {
      let png = FileManager.default.contents(atPath: figure.path) ?? Data()
      #expect(Array(png.prefix(8)) == Self.pngSignature && png.count > 5_000, "\(figure.lastPathComponent) is not a real PNG figure")
    }
    let notebook = try JSONDecoder().decode(ExecutedNotebook.self, from: Data(contentsOf: executed))
    let errors = notebook.cells.flatMap { $0.outputs ?? [] }.filter { $0.outputType == "error" }
    #expect(errors.isEmpty, "error outputs in \(name): \(errors.map { "\($0.ename ?? "?"): \($0.evalue ?? "")" })")
  }
}
