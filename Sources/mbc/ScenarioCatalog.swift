import Foundation
import MBCScenario

/// The scenarios in a scenarios folder (see ``ScenarioDirectory``): the business cases (the
/// `*.yaml` files directly in it) and the validation models (`validation/*.yaml`), each group
/// sorted by name. Names are file names without `.yaml`; nothing here knows particular
/// scenarios.
struct ScenarioCatalog {
  /// The two kinds of bundled scenario.
  enum Group {
    case businessCase, validation
  }

  /// One scenario file.
  struct Entry {
    /// The file name without `.yaml`.
    var name: String
    var group: Group
    var url: URL

    /// The name that selects this scenario in `mbc scenarios copy`: `bemoeizorg` or
    /// `validation/thr-dmhee`.
    var qualifiedName: String { group == .validation ? "validation/\(name)" : name }
  }

  /// A folder that cannot be read or holds no scenarios.
  struct Problem: Error, CustomStringConvertible {
    var description: String
  }

  /// The longest one-line description in a listing, in characters (including the "…").
  static let descriptionWidth = 100

  var directory: URL
  /// The business cases first, then the validation models.
  var entries: [Entry]

  /// Lists the `.yaml` files of `directory` and of its `validation` subfolder.
  /// - Throws: ``Problem`` when `directory` cannot be read or contains no scenario file.
  init(directory: URL) throws(Problem) {
    self.directory = directory
    let files = FileManager.default
    func scenarios(in folder: URL, group: Group) -> [Entry] {
      let names = (try? files.contentsOfDirectory(atPath: folder.path)) ?? []
      return names.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.compactMap { file in
        let url = folder.appendingPathComponent(file)
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { return nil }
        return Entry(name: String(file.dropLast(".yaml".count)), group: group, url: url)
      }.sorted { $0.name < $1.name }
    }
    guard (try? files.contentsOfDirectory(atPath: directory.path)) != nil else {
      throw Problem(description: "cannot read the scenarios folder '\(directory.path)'.")
    }
    entries = scenarios(in: directory, group: .businessCase)
      + scenarios(in: directory.appendingPathComponent("validation"), group: .validation)
    if entries.isEmpty {
      let nested = directory.appendingPathComponent("Scenarios")
      var isFolder: ObjCBool = false
      let hint = files.fileExists(atPath: nested.path, isDirectory: &isFolder) && isFolder.boolValue
        ? " It has a folder '\(nested.path)': use that one." : ""
      throw Problem(description: "the scenarios folder '\(directory.path)' holds no scenario files (*.yaml, or validation/*.yaml).\(hint)")
    }
  }

  /// The scenario a user means by `name`: `bemoeizorg`, `bemoeizorg.yaml`,
  /// `validation/thr-dmhee` or `thr-dmhee` (a business case wins over a validation model of
  /// the same name); a leading `Scenarios/` is ignored.
  func entry(named name: String) -> Entry? {
    var key = name
    if key.hasSuffix(".yaml") { key.removeLast(".yaml".count) }
    if key.hasPrefix("Scenarios/") { key.removeFirst("Scenarios/".count) }
    if key.hasPrefix("validation/") {
      let rest = key.dropFirst("validation/".count)
      return entries.first { $0.group == .validation && $0.name == rest }
    }
    return entries.first { $0.group == .businessCase && $0.name == key }
      ?? entries.first { $0.group == .validation && $0.name == key }
  }

  /// The qualified name closest to `name` by edit distance, if one is close enough.
  func suggestion(for name: String) -> String? {
    var key = name
    if key.hasSuffix(".yaml") { key.removeLast(".yaml".count) }
    let candidates = entries.map(\.qualifiedName) + entries.filter { $0.group == .validation }.map(\.name)
    guard let match = Spelling.suggestion(for: key, among: candidates) else { return nil }
    return entry(named: match)?.qualifiedName ?? match
  }

  /// One line about a scenario: the first sentence of its `description` (its `name` when it
  /// has none), shortened to ``descriptionWidth``; or why it does not load.
  static func summary(of entry: Entry, width: Int = descriptionWidth) -> String {
    do {
      let scenario = try ScenarioLoader.load(file: entry.url.path)
      let text = scenario.description.isEmpty ? scenario.name : firstSentence(of: scenario.description)
      return shortened(text, to: width)
    } catch {
      // The first error, without the file's path (the row names the file).
      let problem = error.errors.first.map { e in
        (e.location.map { "line \($0.line): " } ?? "") + (e.keyPath.isEmpty ? "" : "\(e.keyPath): ") + e.message
      } ?? (error.description.split(separator: "\n").first.map(String.init) ?? "")
      return shortened("(does not load: \(problem))", to: descriptionWidth)
    }
  }

  /// The first sentence of `text` with its white space collapsed: up to the first `.`, `!` or
  /// `?` outside parentheses that ends the text or is followed by a space and a capital letter,
  /// unless it ends an abbreviation ("et al.", "e.g.") or an initial ("J.").
  static func firstSentence(of text: String) -> String {
    let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    let characters = Array(words)
    let abbreviations: Set<String> = ["al", "e.g", "i.e", "etc", "vs", "cf", "approx", "fig", "nr", "no", "dr", "prof"]
    var depth = 0
    for i in characters.indices {
      switch characters[i] {
      case "(", "[": depth += 1
      case ")", "]": depth = max(0, depth - 1)
      case ".", "!", "?":
        guard depth == 0, i + 2 < characters.count else { continue }
        guard characters[i + 1] == " ", characters[i + 2].isUppercase else { continue }
        let before = String(characters[..<i]).split(separator: " ").last.map(String.init) ?? ""
        if characters[i] == ".", abbreviations.contains(before.lowercased()) || (before.count == 1 && before.first?.isUppercase == true) {
          continue
        }
        return String(characters[...i])
      default: break
      }
    }
    return words
  }

  /// `text` when it has at most `width` characters; otherwise cut at a word boundary and
  /// ended with "…" so that it has at most `width` characters.
  static func shortened(_ text: String, to width: Int) -> String {
    guard text.count > width, width > 1 else { return text }
    var cut = String(text.prefix(width - 1))
    if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > width / 2 {
      cut = String(cut[..<space])
    }
    while let last = cut.last, last == " " || ",;:-(–".contains(last) { cut.removeLast() }
    return cut + "…"
  }
}
