import Foundation
import Testing

/// Nothing lost (issue 9): results are not overwritten without --force; Ctrl-C saves the
/// finished runs and writes their results marked partial; --resume continues to results
/// identical to an uninterrupted run; --shard i/n plus `mbc merge` equal the unsplit run.
/// Interrupts go through the real signal path: `MBC_INTERRUPT_AFTER_RUNS=n` makes mbc send
/// itself SIGINT once n runs are done (the chunks that finish before the workers stop vary
/// with the scheduling, which is exactly what the results must not depend on).
@Suite("Resume, shards and --force", .serialized)
struct ResumeShardTests {
  static let scenario = "Scenarios/outreach-ref-time.yaml"

  static func csvFiles(_ directory: URL) throws -> [String: Data] {
    try DeterminismTests.csvFiles(directory)
  }

  /// Every CSV of `a` equals `b`'s, and they have the same files.
  static func expectSameCSVs(_ a: URL, _ b: URL, _ what: String, atLeast: Int = 10) throws {
    let x = try csvFiles(a), y = try csvFiles(b)
    #expect(Set(x.keys) == Set(y.keys), "\(what): different files \(x.keys.sorted()) against \(y.keys.sorted())")
    #expect(x.count >= atLeast, "\(what): only \(x.count) CSV files")
    for (name, data) in x where y[name] != data { Issue.record("\(what): \(name) differs") }
  }

  static func manifest(_ directory: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// No temporary file is left in `directory`.
  static func expectNoTemporaryFiles(_ directory: URL) throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(!names.contains { $0.contains(".tmp-") }, "temporary files left: \(names)")
  }

  @Test("an existing output directory is replaced only with --force (simulate and stress), with a message that says what it holds")
  func test_force() throws {
    let root = try temporaryDirectory("force")
    defer { try? FileManager.default.removeItem(at: root) }
    let out = root.appendingPathComponent("r")
    let first = try MBCBinary.run(["simulate", Self.scenario, "--runs", "300", "--out", out.path, "-q"])
    try #require(first.status == 0, "\(first.stderr)")
    let before = try Self.csvFiles(out)
    let again = try MBCBinary.run(["simulate", Self.scenario, "--runs", "300", "--seed", "2", "--out", out.path, "-q"])
    #expect(again.status == 2)
    #expect(again.stderr.contains("error: --out '\(out.path)' already holds the results of 300 runs of outreach-ref-time (seed 1, "), "\(again.stderr)")
    #expect(again.stderr.contains("add --force to replace them, or choose another --out."))
    #expect(try Self.csvFiles(out) == before, "a refused run changed the files")
    let forced = try MBCBinary.run(["simulate", Self.scenario, "--runs", "300", "--seed", "2", "--out", out.path, "-q", "--force"])
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(try Self.manifest(out)["seed"] as? String == "2")

    // stress: the same rule, and --force over simulate's results leaves one command's files.
    let stress = try MBCBinary.run(["stress", "Scenarios/outreach-ref-budget.yaml", "--runs", "20", "--out", out.path, "-q"])
    #expect(stress.status == 2)
    #expect(stress.stderr.contains("already holds the results of 300 runs of outreach-ref-time"), "\(stress.stderr)")
    let stressForced = try MBCBinary.run(["stress", "Scenarios/outreach-ref-budget.yaml", "--runs", "20", "--out", out.path, "-q", "--force"])
    #expect(stressForced.status == 0, "\(stressForced.stderr)")
    let names = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
    #expect(names.contains("stress-budget.csv") && !names.contains("ledger.csv") && !names.contains("trace.csv"), "\(names.sorted())")
    #expect(try MBCBinary.run(["simulate", Self.scenario, "--force", "--resume", "--out", out.path]).status == 2)
  }

  @Test(
    "Ctrl-C saves the finished runs and writes their results marked partial, equal to a run of that many runs; --resume then equals an uninterrupted run",
    arguments: [([Self.scenario, "--keep-runs"], "1"), (["Scenarios/validation/darth-sick-sicker.yaml", "--engine", "cohort"], "2")])
  func test_interruptAndResume(_ extra: [String], threads: String) throws {
    let root = try temporaryDirectory("resume")
    defer { try? FileManager.default.removeItem(at: root) }
    let out = root.appendingPathComponent("interrupted")
    let arguments = ["simulate", extra[0], "--runs", "3000", "--seed", "4", "-q"] + extra.dropFirst()
    // With 2 threads the chunks finished may have a gap (chunk 3 done while chunk 2 runs):
    // the saved state then holds moments of chunks after the gap, which --resume must merge.
    let stopped = try MBCBinary.run(arguments + ["--threads", threads, "--out", out.path], environment: ["MBC_INTERRUPT_AFTER_RUNS": "768"])
    try #require(stopped.status == 130, "exit \(stopped.status): \(stopped.stderr)")
    #expect(!stopped.signalled)
    #expect(stopped.stderr.contains("mbc: interrupted: "), "\(stopped.stderr)")
    #expect(stopped.stderr.contains("Continue with: mbc simulate \(extra[0]) --runs 3000 --seed 4 -q"), "\(stopped.stderr)")
    let manifest = try Self.manifest(out)
    let partial = try #require(manifest["partial"] as? [String: Any], "manifest has no 'partial'")
    let kept = try #require(partial["runs_completed"] as? Int)
    #expect(manifest["runs"] as? Int == kept)
    #expect(partial["runs_requested"] as? Int == 3000)
    let saved = try #require(partial["runs_saved"] as? Int)
    // One thread finishes chunks in order: runs 0 ..< 768 at least. Two may leave a gap.
    #expect(kept > 0 && kept < 3000 && kept % 256 == 0 && kept <= saved, "runs_completed \(kept), runs_saved \(saved)")
    #expect(saved >= 768 && (threads == "2" || kept >= 768), "runs_completed \(kept), runs_saved \(saved)")
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("runs.mbcstate").path))
    let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.contains("Partial results."))
    let redrawn = root.appendingPathComponent("redrawn.html")
    try #require(try MBCBinary.run(["report", out.path, "--out", redrawn.path]).status == 0)
    #expect(try String(contentsOf: redrawn, encoding: .utf8) == report, "mbc report does not redraw the partial report")
    try Self.expectNoTemporaryFiles(out)

    // The partial results equal those of --runs <runs_completed>.
    let short = root.appendingPathComponent("short")
    let shortRun = try MBCBinary.run(Array(arguments.prefix(2)) + ["--runs", String(kept)] + Array(arguments.dropFirst(4)) + ["--threads", "2", "--out", short.path])
    try #require(shortRun.status == 0, "\(shortRun.stderr)")
    try Self.expectSameCSVs(out, short, "partial results against --runs \(kept)")

    // A plain rerun is refused; --resume with other settings is refused with the original command.
    let refused = try MBCBinary.run(arguments + ["--threads", threads, "--out", out.path])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("holds an interrupted run of 3,000 runs"), "\(refused.stderr)")
    #expect(refused.stderr.contains("add --resume to continue it, or --force to start again"))
    let otherSeed = try MBCBinary.run(arguments.map { $0 == "4" ? "5" : $0 } + ["--out", out.path, "--resume"])
    #expect(otherSeed.status == 2)
    #expect(otherSeed.stderr.contains("other settings: --seed 4 (saved) against 5 (now)."), "\(otherSeed.stderr)")
    #expect(otherSeed.stderr.contains("It was: "))

    // --resume (with another thread count) completes the run: identical to an uninterrupted one.
    let resumed = try MBCBinary.run(arguments + ["--threads", threads == "1" ? "2" : "1", "--out", out.path, "--resume"])
    try #require(resumed.status == 0, "\(resumed.stderr)")
    let whole = root.appendingPathComponent("whole")
    let wholeRun = try MBCBinary.run(arguments + ["--out", whole.path])
    try #require(wholeRun.status == 0, "\(wholeRun.stderr)")
    try Self.expectSameCSVs(out, whole, "resumed against uninterrupted")
    let after = try Self.manifest(out)
    #expect(after["partial"] == nil && after["runs"] as? Int == 3000)
    #expect((after["resumed_runs"] as? Int ?? 0) >= kept)
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("runs.mbcstate").path), "the state file was left after the run completed")
    let nothing = try MBCBinary.run(arguments + ["--out", out.path, "--resume"])
    #expect(nothing.status == 2)
    #expect(nothing.stderr.contains("holds complete results (3,000 runs, seed 4); there is nothing to continue"), "\(nothing.stderr)")
  }

  @Test("--precision: an interrupted run resumed stops where the uninterrupted run stops, with identical results")
  func test_resumePrecision() throws {
    let root = try temporaryDirectory("resume-precision")
    defer { try? FileManager.default.removeItem(at: root) }
    let arguments = ["simulate", Self.scenario, "--precision", "0.03", "--runs", "20000", "--seed", "3", "-q"]
    let out = root.appendingPathComponent("p")
    let stopped = try MBCBinary.run(arguments + ["--out", out.path], environment: ["MBC_INTERRUPT_AFTER_RUNS": "512"])
    try #require(stopped.status == 130, "exit \(stopped.status): \(stopped.stderr)")
    let resumed = try MBCBinary.run(arguments + ["--out", out.path, "--resume"])
    try #require(resumed.status == 0, "\(resumed.stderr)")
    let whole = root.appendingPathComponent("whole")
    try #require(try MBCBinary.run(arguments + ["--out", whole.path]).status == 0)
    try Self.expectSameCSVs(out, whole, "resumed --precision run")
  }

  @Test("clamped probabilities (invalid_probabilities: clamp) are counted the same after --resume and after mbc merge as in one run")
  func test_clampCountsSurvive() throws {
    let root = try temporaryDirectory("resume-clamp")
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent("clamp.yaml")
    try RunFaultsEndToEndTests.scenario(clamp: true).write(to: file, atomically: true, encoding: .utf8)
    let arguments = ["simulate", file.path, "--runs", "2000", "--seed", "2", "-q"]
    func clamped(_ dir: URL) throws -> [String: Int] { try Self.manifest(dir)["clamped_probabilities"] as? [String: Int] ?? [:] }
    let whole = root.appendingPathComponent("whole")
    try #require(try MBCBinary.run(arguments + ["--out", whole.path]).status == 0)
    let expected = try clamped(whole)
    try #require((expected["runs_affected"] ?? 0) > 0, "the fixture clamps nothing")

    let out = root.appendingPathComponent("resumed")
    try #require(try MBCBinary.run(arguments + ["--threads", "2", "--out", out.path], environment: ["MBC_INTERRUPT_AFTER_RUNS": "512"]).status == 130)
    // With 2 threads chunk 0 may still run when 512 runs are done: then no partial results.
    let hasManifest = FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path)
    let kept = hasManifest ? (try Self.manifest(out)["partial"] as? [String: Any])?["runs_completed"] as? Int ?? 0 : 0
    if kept > 0 {
      // The partial results count the clamps of their own runs only, as --runs kept would.
      let short = root.appendingPathComponent("short")
      try #require(try MBCBinary.run(["simulate", file.path, "--runs", String(kept), "--seed", "2", "-q", "--out", short.path]).status == 0)
      #expect(try clamped(out) == clamped(short), "partial results of \(kept) runs")
    }
    try #require(try MBCBinary.run(arguments + ["--out", out.path, "--resume"]).status == 0)
    #expect(try clamped(out) == expected)

    var shards: [String] = []
    for i in 1...3 {
      let dir = root.appendingPathComponent("shard-\(i)")
      try #require(try MBCBinary.run(arguments + ["--shard", "\(i)/3", "--out", dir.path]).status == 0)
      shards.append(dir.path)
    }
    let merged = root.appendingPathComponent("merged")
    try #require(try MBCBinary.run(["merge"] + shards + ["--out", merged.path, "-q"]).status == 0)
    #expect(try clamped(merged) == expected)
  }

  @Test("mbc stress: Ctrl-C writes partial results (mbc report redraws them byte for byte); --resume and --shard plus mbc merge equal the unsplit run")
  func test_stress() throws {
    let root = try temporaryDirectory("stress-resume")
    defer { try? FileManager.default.removeItem(at: root) }
    let arguments = ["stress", "Scenarios/outreach-ref-budget.yaml", "--runs", "200", "--seed", "3", "-q"]
    let whole = root.appendingPathComponent("whole")
    try #require(try MBCBinary.run(arguments + ["--out", whole.path]).status == 0)

    let out = root.appendingPathComponent("resumed")
    let stopped = try MBCBinary.run(arguments + ["--threads", "1", "--out", out.path], environment: ["MBC_INTERRUPT_AFTER_RUNS": "64"])
    try #require(stopped.status == 130, "\(stopped.stderr)")
    let partial = try #require(try Self.manifest(out)["partial"] as? [String: Any])
    let kept = try #require(partial["runs_completed"] as? Int)
    #expect(kept >= 64 && kept < 200 && kept % 16 == 0, "runs_completed \(kept)")
    let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.contains("Partial results."))
    let redrawn = root.appendingPathComponent("redrawn.html")
    try #require(try MBCBinary.run(["report", out.path, "--out", redrawn.path]).status == 0)
    #expect(try String(contentsOf: redrawn, encoding: .utf8) == report, "mbc report does not redraw the partial stress report")
    let short = root.appendingPathComponent("short")
    try #require(try MBCBinary.run(Array(arguments.prefix(2)) + ["--runs", String(kept), "--seed", "3", "-q", "--out", short.path]).status == 0)
    try Self.expectSameCSVs(out, short, "partial stress results against --runs \(kept)", atLeast: 7)
    try #require(try MBCBinary.run(arguments + ["--threads", "2", "--out", out.path, "--resume"]).status == 0)
    try Self.expectSameCSVs(out, whole, "resumed stress test", atLeast: 7)
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("runs.mbcstate").path))

    var shards: [String] = []
    for i in 1...3 {
      let dir = root.appendingPathComponent("shard-\(i)")
      try #require(try MBCBinary.run(arguments + ["--shard", "\(i)/3", "--out", dir.path]).status == 0)
      shards.append(dir.path)
    }
    let merged = root.appendingPathComponent("merged")
    let m = try MBCBinary.run(["merge"] + shards.reversed() + ["--out", merged.path, "-q"])
    try #require(m.status == 0, "\(m.stderr)")
    try Self.expectSameCSVs(merged, whole, "merge of 3 stress shards", atLeast: 7)
  }

  @Test("a damaged state file is refused with its reason, not used")
  func test_damagedState() throws {
    let root = try temporaryDirectory("damaged")
    defer { try? FileManager.default.removeItem(at: root) }
    let out = root.appendingPathComponent("d")
    let arguments = ["simulate", Self.scenario, "--runs", "2000", "--threads", "1", "-q", "--out", out.path]
    try #require(try MBCBinary.run(arguments, environment: ["MBC_INTERRUPT_AFTER_RUNS": "256"]).status == 130)
    let state = out.appendingPathComponent("runs.mbcstate")
    var data = try Data(contentsOf: state)
    data[data.count - 100] ^= 0xFF
    try data.write(to: state)
    let flipped = try MBCBinary.run(arguments + ["--resume"])
    #expect(flipped.status == 2)
    #expect(flipped.stderr.contains("runs.mbcstate: is damaged (its checksum does not match); give --force to start again."), "\(flipped.stderr)")
    try data.prefix(data.count - 1000).write(to: state)
    let cut = try MBCBinary.run(arguments + ["--resume"])
    #expect(cut.status == 2)
    #expect(cut.stderr.contains("runs.mbcstate: is damaged: "), "\(cut.stderr)")
  }

  @Test("--shard i/n plus mbc merge give the CSV files of the unsplit run, for any split", arguments: [1, 2, 3, 11])
  func test_shards(_ n: Int) throws {
    let root = try temporaryDirectory("shards")
    defer { try? FileManager.default.removeItem(at: root) }
    // 2,900 runs are 12 chunks (the last one short): 11 shards get one or two chunks each.
    let arguments = ["simulate", Self.scenario, "--runs", "2900", "--seed", "6", "--keep-runs", "-q"]
    let whole = root.appendingPathComponent("whole")
    try #require(try MBCBinary.run(arguments + ["--out", whole.path]).status == 0)
    var directories: [String] = []
    for i in 1...n {
      let dir = root.appendingPathComponent("shard-\(i)")
      let r = try MBCBinary.run(arguments + ["--shard", "\(i)/\(n)", "--threads", String(1 + i % 2), "--out", dir.path])
      try #require(r.status == 0, "shard \(i)/\(n): \(r.stderr)")
      let shard = try #require(try Self.manifest(dir)["shard"] as? [String: Any])
      #expect(shard["index"] as? Int == i && shard["count"] as? Int == n)
      directories.append(dir.path)
    }
    let merged = root.appendingPathComponent("merged")
    // Given in any order.
    let m = try MBCBinary.run(["merge"] + directories.reversed() + ["--out", merged.path, "-q"])
    try #require(m.status == 0, "\(m.stderr)")
    try Self.expectSameCSVs(merged, whole, "merge of \(n) shards")
    #expect(try Self.manifest(merged)["runs"] as? Int == 2900)
  }

  @Test("beyond the 10,000 runs whose outputs over time and parameter draws are kept whole: shards and --resume still equal the unsplit run")
  func test_beyondKeptRuns() throws {
    let root = try temporaryDirectory("beyond")
    defer { try? FileManager.default.removeItem(at: root) }
    // 10,500 runs are 42 chunks; shard 3/3 (chunks 28 … 41) and the chunks after run 10,240
    // have no rows kept whole, which the state file must handle.
    let arguments = ["simulate", Self.scenario, "--runs", "10500", "--seed", "8", "-q"]
    let whole = root.appendingPathComponent("whole")
    try #require(try MBCBinary.run(arguments + ["--out", whole.path]).status == 0)
    var shards: [String] = []
    for i in 1...3 {
      let dir = root.appendingPathComponent("shard-\(i)")
      let r = try MBCBinary.run(arguments + ["--shard", "\(i)/3", "--out", dir.path])
      try #require(r.status == 0, "shard \(i)/3: \(r.stderr)")
      shards.append(dir.path)
    }
    let merged = root.appendingPathComponent("merged")
    try #require(try MBCBinary.run(["merge"] + shards + ["--out", merged.path, "-q"]).status == 0)
    try Self.expectSameCSVs(merged, whole, "merge of 3 shards of 10,500 runs")
    let out = root.appendingPathComponent("resumed")
    let stopped = try MBCBinary.run(arguments + ["--threads", "1", "--out", out.path], environment: ["MBC_INTERRUPT_AFTER_RUNS": "10240"])
    try #require(stopped.status == 130, "\(stopped.stderr)")
    try #require(try MBCBinary.run(arguments + ["--out", out.path, "--resume"]).status == 0)
    try Self.expectSameCSVs(out, whole, "resumed after run 10,240")
  }

  @Test("mbc merge refuses a missing shard, a shard given twice, shards of another run and a changed scenario; --shard checks its value")
  func test_mergeErrors() throws {
    let root = try temporaryDirectory("merge-errors")
    defer { try? FileManager.default.removeItem(at: root) }
    let scenario = root.appendingPathComponent("s.yaml")
    try FileManager.default.copyItem(at: MBCBinary.repository.appendingPathComponent(Self.scenario), to: scenario)
    let arguments = ["simulate", scenario.path, "--runs", "1000", "-q"]
    for i in 1...2 {
      try #require(try MBCBinary.run(arguments + ["--shard", "\(i)/2", "--out", root.appendingPathComponent("s\(i)").path]).status == 0)
    }
    try #require(try MBCBinary.run(arguments + ["--seed", "9", "--shard", "2/2", "--out", root.appendingPathComponent("other").path]).status == 0)
    let s1 = root.appendingPathComponent("s1").path, s2 = root.appendingPathComponent("s2").path
    let out = root.appendingPathComponent("m").path

    let missing = try MBCBinary.run(["merge", s1, "--out", out])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("error: the shards do not make a whole run: shard 2/2 (runs 512 ..< 1,000) is not given."), "\(missing.stderr)")
    let twice = try MBCBinary.run(["merge", s1, s1, "--out", out])
    #expect(twice.status == 2)
    #expect(twice.stderr.contains("runs.mbcstate: is given twice"), "\(twice.stderr)")
    let other = try MBCBinary.run(["merge", s1, root.appendingPathComponent("other").path, "--out", out])
    #expect(other.status == 2)
    #expect(other.stderr.contains("is not from the same run as") && other.stderr.contains(": --seed 9 against 1"), "\(other.stderr)")
    let notShard = try MBCBinary.run(["merge", root.path, "--out", out])
    #expect(notShard.status == 2)
    #expect(notShard.stderr.contains("has no runs.mbcstate"), "\(notShard.stderr)")

    try (try String(contentsOf: scenario, encoding: .utf8) + "\n# changed\n").write(to: scenario, atomically: true, encoding: .utf8)
    let changed = try MBCBinary.run(["merge", s1, s2, "--out", out])
    #expect(changed.status == 2)
    #expect(changed.stderr.contains("has changed since the shards ran"), "\(changed.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out), "a refused merge wrote files")

    for (value, message) in [
      ("3/2", "--shard 3/2: n must be between 1 and 10000 and i between 1 and n."), ("1of2", "--shard takes i/n, e.g. 2/4"),
      ("5/5", "--shard 5/5: 1,000 runs make 4 chunks of 256 runs"),
    ] {
      let r = try MBCBinary.run(arguments + ["--shard", value, "--out", out])
      #expect(r.status == 2, "--shard \(value)")
      #expect(r.stderr.contains(message), "--shard \(value): \(r.stderr)")
    }
    let precision = try MBCBinary.run(["simulate", scenario.path, "--precision", "0.1", "--shard", "1/2", "--out", out])
    #expect(precision.status == 2)
    #expect(precision.stderr.contains("--shard cannot be combined with --precision"))
  }
}
