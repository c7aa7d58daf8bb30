import Foundation
import MBCReport

/// What an output directory (`--out`) already holds, and the rule that protects it: results of
/// an earlier run are replaced only with `--force`, and an interrupted run is continued with
/// `--resume` (or started again with `--force`).
struct OutputDirectory {
  let path: String
  /// The manifest of the results it holds, if any.
  let manifest: Manifest?
  /// The state file of an interrupted run or a shard, if any.
  let statePath: String?

  func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

  /// Inspects `path`: a usage error (exit 2) if it is a file. Removes temporary files left by
  /// an mbc process that was killed while writing (`.<name>.tmp-<pid>-<n>` of a pid that is gone).
  init(_ path: String) throws {
    self.path = path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      manifest = nil
      statePath = nil
      return
    }
    guard isDirectory.boolValue else {
      printError("error: --out '\(path)' is a file; give a directory for the results.")
      throw MBCExit.usageError
    }
    let manifestPath = (path as NSString).appendingPathComponent("manifest.json")
    manifest = FileManager.default.contents(atPath: manifestPath).flatMap { try? JSONDecoder().decode(Manifest.self, from: $0) }
    let state = (path as NSString).appendingPathComponent(RunStateFile.fileName)
    statePath = FileManager.default.fileExists(atPath: state) ? state : nil
    for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
      // .summary.csv.tmp-1234-5: the pid is the second-last field.
      guard name.hasPrefix("."), let range = name.range(of: ".tmp-") else { continue }
      let fields = name[range.upperBound...].split(separator: "-")
      if fields.count == 2, let pid = Int32(fields[0]), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
        unlink((path as NSString).appendingPathComponent(name))
      }
    }
  }

  /// A one-line description of what it holds ("results of 10,000 runs, seed 1, 2026-11-24T…").
  var holding: String? {
    if let statePath, let h = try? RunStateFile.header(at: statePath) {
      let shard = h.shard.map { "shard \($0.description) of " } ?? "an interrupted run of "
      return "\(shard)\(grouped(h.identity.runs)) runs (\(grouped(h.runsCompleted)) done, seed \(h.identity.seed), saved \(h.savedAt))"
    }
    if let m = manifest {
      return "\(m.partial == nil ? "the results" : "partial results") of \(grouped(m.runs)) runs of \(m.scenario.name) (seed \(m.seed), \(m.startedAt))"
    }
    return nil
  }

  /// Refuses to replace what the directory holds unless `force` (exit 2, naming what it holds
  /// and the ways on).
  func checkReplace(force: Bool, resumable: Bool) throws {
    guard !force, let holding else { return }
    if statePath != nil {
      printError("error: --out '\(path)' holds \(holding); add \(resumable ? "--resume to continue it, or " : "")--force to start again, or choose another --out.")
    } else {
      printError("error: --out '\(path)' already holds \(holding); add --force to replace them, or choose another --out.")
    }
    throw MBCExit.usageError
  }
}
