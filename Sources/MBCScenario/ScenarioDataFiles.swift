import Yams

/// The data files a scenario refers to: the values of its `file:` keys (CSV files of `tables`
/// and of `empirical` or `bootstrap` parameters), as written in the scenario. A relative path is
/// relative to the scenario file's folder (as ``ScenarioLoader`` reads it).
///
/// Only the YAML structure is read, not the model, so that the files of a scenario that does
/// not validate can still be found (e.g. to copy the scenario with its data).
public enum ScenarioDataFiles {
  /// Every `file:` value with a text (scalar) value, in document order, without repeats.
  /// - Parameters:
  ///   - text: the scenario's YAML.
  ///   - file: the scenario's path, used in messages.
  /// - Throws: ``ScenarioError`` when `text` is not YAML.
  public static func referenced(inYAML text: String, file: String) throws(ScenarioError) -> [String] {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let e as YamlError {
      throw ScenarioError([ScenarioLoader.yamlDiagnostic(e, file: file, yamlText: text)])
    } catch {
      throw ScenarioError([.init(.error, at: nil, keyPath: "", message: "YAML error: \(error)")])
    }
    var found: [String] = []
    func visit(_ node: Node) {
      switch node {
      case .mapping(let mapping):
        for (key, value) in mapping {
          if key.string == "file", let name = value.scalar?.string, !name.isEmpty {
            if !found.contains(name) { found.append(name) }
          } else {
            visit(value)
          }
        }
      case .sequence(let sequence):
        for item in sequence { visit(item) }
      default:
        break
      }
    }
    if let root { visit(root) }
    return found
  }
}
