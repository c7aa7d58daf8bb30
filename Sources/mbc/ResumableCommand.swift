import Foundation
import MBCEngine
import MBCReport

/// What `mbc simulate` and `mbc stress` share to save an interrupted run (`runs.mbcstate`),
/// continue it (`--resume`) and split it into shards (`--shard i/n`, `mbc merge`).
struct ResumableCommand {
  var scenarioPath: String
  var outDirectory: String
  var shard: ShardOption?
  var keepRuns = false
  var willingnessToPay: Double?

  var statePath: String { (outDirectory as NSString).appendingPathComponent(RunStateFile.fileName) }

  /// The saved runs of an interrupted run in `directory`, checked against this command: a
  /// usage error (exit 2) naming the differences and the saved command when they do not fit.
  func loadSaved(_ directory: OutputDirectory, identity: RunStateFile.Identity) throws -> SavedRuns {
    guard let statePath = directory.statePath else {
      if let m = directory.manifest, m.partial == nil, m.shard == nil {
        printError("error: --resume: '\(directory.path)' holds complete results (\(grouped(m.runs)) runs, seed \(m.seed)); there is nothing to continue. Give --force to run again.")
      } else {
        printError("error: --resume: '\(directory.path)' has no \(RunStateFile.fileName), so there is no interrupted run to continue; leave out --resume to start one.")
      }
      throw MBCExit.usageError
    }
    let saved: SavedRuns
    do {
      saved = try SavedRuns.open(statePath)
    } catch {
      printError("error: --resume: \(error); give --force to start again.")
      throw MBCExit.usageError
    }
    var differences = saved.header.identity.differences(from: identity, labels: ("saved", "now"))
    if saved.header.shard != shard?.record {
      differences.append("--shard \(saved.header.shard?.description ?? "none") (saved) against \(shard?.description ?? "none") (now)")
    }
    if !differences.isEmpty {
      printError("error: --resume: the interrupted run in '\(directory.path)' was made with other settings: \(differences.joined(separator: "; ")).")
      printError("  It was: \(saved.header.commandLine.joined(separator: " ")) — repeat that command with --resume, or give --force to start again.")
      throw MBCExit.usageError
    }
    return saved
  }

  /// After Ctrl-C or SIGTERM: saves the completed chunks and prints how to continue.
  /// - Returns: the runs saved; throws `MBCExit.interrupted` when there are none or they
  ///   cannot be saved.
  func saveAfterInterrupt(_ session: some ResumableRuns, identity: RunStateFile.Identity) throws -> Int {
    let saved = session.ledger.completed.reduce(0) { $0 + min(($1 + 1) * identity.chunkSize, identity.runs) - $1 * identity.chunkSize }
    if saved == 0 {
      printError("\nmbc: interrupted before any run finished; nothing was written.")
      throw MBCExit.interrupted
    }
    do {
      try AtomicFile.commit([stage(session, identity: identity)])
    } catch {
      printError("\nmbc: interrupted; the finished runs could not be saved: \(error)")
      throw MBCExit.interrupted
    }
    let asked = shard == nil ? session.maxRuns : session.values.count / max(1, session.metricColumns)
    printError("\nmbc: interrupted: \(grouped(saved)) of \(grouped(asked)) runs finished and saved in \(statePath).")
    printError("  Continue with: \(resumeCommand())")
    return saved
  }

  /// The state file of `session`, staged.
  func stage(_ session: some ResumableRuns, identity: RunStateFile.Identity) throws(OutputError) -> AtomicFile.Staged {
    try RunStateFile.stage(
      session, identity: identity, commandLine: CommandLine.arguments, scenarioPath: scenarioPath, shard: shard?.record,
      keepRuns: keepRuns, willingnessToPay: willingnessToPay, to: statePath)
  }

  /// The command line that continues this run: the same arguments with --resume (and
  /// without --force).
  func resumeCommand() -> String {
    let arguments = CommandLine.arguments.dropFirst().filter { $0 != "--force" && $0 != "--resume" }
    return (["mbc"] + arguments + ["--resume"]).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
  }

  /// The runs of shard `shard` of `maxRuns` runs in chunks of `chunkSize`: a usage error when
  /// there are more shards than chunks.
  static func shardRuns(_ shard: ShardOption, maxRuns: Int, chunkSize: Int) throws -> Range<Int> {
    let chunkCount = (maxRuns + chunkSize - 1) / chunkSize
    guard shard.count <= chunkCount else {
      printError("error: --shard \(shard.description): \(grouped(maxRuns)) runs make \(chunkCount) chunk\(chunkCount == 1 ? "" : "s") of \(chunkSize) runs, the unit a shard is made of; use at most \(chunkCount) shards, or more --runs.")
      throw MBCExit.usageError
    }
    let chunks = shard.record.chunks(of: chunkCount)
    return chunks.lowerBound * chunkSize ..< min(chunks.upperBound * chunkSize, maxRuns)
  }

  /// A shard's output: its runs in runs.mbcstate and `manifest` (with its `shard` record);
  /// the outputs of an earlier complete run (`others`) are removed.
  func writeShard(_ session: some ResumableRuns, identity: RunStateFile.Identity, manifest: Manifest, others: [String], quiet: Bool) throws {
    Interrupts.writing.withLock { $0 = true }
    do {
      let state = try stage(session, identity: identity)
      let staged = try AtomicFile.stage(manifest.json(), to: (outDirectory as NSString).appendingPathComponent("manifest.json"))
      try AtomicFile.commit([state, staged], removing: others.filter { $0 != "manifest.json" }.map { (outDirectory as NSString).appendingPathComponent($0) })
    } catch {
      printError("mbc: \(error)")
      throw MBCExit.runtimeError
    }
    Interrupts.writing.withLock { $0 = false }
    if !quiet, let s = manifest.shard {
      print("Shard \(s.index)/\(s.count): runs \(grouped(s.firstRun)) ..< \(grouped(s.endRun)) of \(grouped(session.maxRuns)) saved in \(statePath). Seed \(session.seed).")
      print("When every shard is done: mbc merge DIR1 DIR2 … --out DIR")
    }
  }
}
