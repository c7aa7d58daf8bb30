import Foundation
import MBCAnalysis
import MBCEngine

/// `runs.mbcstate`: the results of the chunks of runs a simulation has completed, so that an
/// interrupted run can be continued (`mbc simulate --resume`) and shards can be combined
/// (`mbc merge`) with results identical to one uninterrupted run.
///
/// What is saved is exactly what the outputs are computed from: the metric row of every run
/// of the completed chunks, the streamed moments of the outputs over time (merged in chunk
/// order up to the first gap, then one set per later chunk), the whole outputs over time of
/// the runs the sample keeps and the parameter values of the runs the parameter sample keeps.
///
/// Layout (native byte order, 64-bit values):
/// ```
/// "MBCSTATE"  header length (UInt64)  header (JSON, ``Header``)
/// metric rows of each completed chunk, ascending
/// merged moments: mean[streamed], m2[streamed]; then mean, m2 of each pending chunk
/// sample rows, then parameter rows, of the completed runs that those samples keep
/// checksum (UInt64, FNV-1a over the 64-bit words of everything after the header)
/// ```
/// The file is written atomically (it is complete or absent), and read back only when its
/// identity (scenario, seed, runs, engine, model size) matches the command's.
public enum RunStateFile {
  public static let fileName = "runs.mbcstate"
  static let magic = Array("MBCSTATE".utf8)

  /// What must match for saved runs to be continued or combined: everything that decides the
  /// values of a run and how the runs are grouped and kept.
  public struct Identity: Codable, Equatable, Sendable {
    public var mbcVersion: String
    public var scenarioSHA256: String
    public var subgroup: String?
    public var engine: String
    public var seed: String
    public var runs: Int
    public var chunkSize: Int
    public var metricColumns: Int
    public var detailColumns: Int
    public var streamedColumns: Int
    public var sampleRows: Int
    public var parameterRows: Int
    public var parameterColumns: Int

    public init(mbcVersion: String, scenarioSHA256: String, session: some ResumableRuns, subgroup: String?) {
      self.mbcVersion = mbcVersion
      self.scenarioSHA256 = scenarioSHA256
      self.subgroup = subgroup
      engine = session.engineName
      seed = String(session.seed)
      runs = session.maxRuns
      chunkSize = session.chunkSize
      metricColumns = session.metricColumns
      detailColumns = session.details?.layout.count ?? 0
      streamedColumns = session.details?.layout.streamedCount ?? 0
      sampleRows = session.details?.sample.rows ?? 0
      parameterRows = session.parameters?.rows ?? 0
      parameterColumns = session.parameters?.columns ?? 0
    }

    /// The differences from `other`, in words (empty when they match): "--seed 4 (saved)
    /// against 5 (now)" with the labels ("saved", "now"), or "--seed 4 against 5" without.
    public func differences(from other: Identity, labels: (String, String)? = nil) -> [String] {
      var d: [String] = []
      let (mine, theirs) = labels.map { (" (\($0.0))", " (\($0.1))") } ?? ("", "")
      func check<T: Equatable>(_ name: String, _ a: T, _ b: T) { if a != b { d.append("\(name) \(a)\(mine) against \(b)\(theirs)") } }
      check("mbc version", mbcVersion, other.mbcVersion)
      check("scenario SHA-256", String(scenarioSHA256.prefix(12)), String(other.scenarioSHA256.prefix(12)))
      check("--subgroup", subgroup ?? "none", other.subgroup ?? "none")
      check("--engine", engine, other.engine)
      check("--seed", seed, other.seed)
      check("--runs", runs, other.runs)
      check("chunk size", chunkSize, other.chunkSize)
      check("metrics per run", metricColumns, other.metricColumns)
      check("outputs over time per run", detailColumns, other.detailColumns)
      check("runs kept whole", sampleRows, other.sampleRows)
      check("parameter draws kept (--keep-runs)", parameterRows, other.parameterRows)
      return d
    }
  }

  /// Which part of the runs a shard covers: shard `index` (1-based) of `count`.
  public struct Shard: Codable, Equatable, Sendable {
    public var index: Int
    public var count: Int
    public init(index: Int, count: Int) {
      self.index = index
      self.count = count
    }

    /// Its chunks: an even split of chunks 0 ..< chunks (shard i gets ⌊i·C/n⌋ ..< ⌊(i+1)·C/n⌋).
    public func chunks(of chunks: Int) -> Range<Int> {
      (index - 1) * chunks / count ..< index * chunks / count
    }

    public var description: String { "\(index)/\(count)" }
  }

  public struct Header: Codable, Sendable {
    public var format = 1
    public var identity: Identity
    public var commandLine: [String]
    public var scenarioPath: String
    public var shard: Shard?
    /// `--keep-runs` and `--wtp` of the command, for `mbc merge`.
    public var keepRuns: Bool
    public var willingnessToPay: Double?
    public var savedAt: String
    /// Completed chunks, ascending.
    public var chunks: [Int]
    /// Moments of chunks 0 ..< foldNextChunk merged in order (foldCount runs).
    public var foldNextChunk: Int
    public var foldCount: Int
    /// Chunks completed above the first gap, with their run counts.
    public var pendingChunks: [Int]
    public var pendingCounts: [Int]
    /// Probabilities clamped (`invalid_probabilities: clamp`) in the saved chunks that had any.
    public var clamps: [ChunkClamps] = []

    /// Runs completed.
    public var runsCompleted: Int { chunks.reduce(0) { $0 + RunStateFile.rows(chunk: $1, identity: identity) } }
  }

  /// The clamped probabilities of one saved chunk.
  public struct ChunkClamps: Codable, Sendable {
    public var chunk: Int
    public var count: ProbabilityClamps.Count
  }

  /// Runs of chunk c: c·size ..< min((c+1)·size, runs).
  static func rows(chunk c: Int, identity: Identity) -> Int {
    max(0, min((c + 1) * identity.chunkSize, identity.runs) - c * identity.chunkSize)
  }

  /// Writes the state of `session` (its completed chunks) as a staged file; commit it with
  /// ``AtomicFile/commit(_:removing:)``.
  public static func stage(
    _ session: some ResumableRuns, identity: Identity, commandLine: [String], scenarioPath: String, shard: Shard?,
    keepRuns: Bool, willingnessToPay: Double?, to path: String
  ) throws(OutputError) -> AtomicFile.Staged {
    let chunks = session.ledger.completed
    let fold = session.details?.foldState ?? (nextChunk: 0, merged: ColumnMoments(columns: 0), pending: [])
    let header = Header(
      identity: identity, commandLine: commandLine, scenarioPath: scenarioPath, shard: shard,
      keepRuns: keepRuns, willingnessToPay: willingnessToPay, savedAt: ISO8601DateFormatter().string(from: Date()), chunks: chunks, foldNextChunk: fold.nextChunk,
      foldCount: fold.merged.count, pendingChunks: fold.pending.map(\.chunk), pendingCounts: fold.pending.map(\.moments.count),
      clamps: chunks.compactMap { c in session.clamps.count(unit: c).map { ChunkClamps(chunk: c, count: $0) } })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = (try? encoder.encode(header)) ?? Data()
    return try AtomicFile.stage(to: path) { handle in
      var checksum = Checksum()
      func put(_ p: UnsafePointer<Double>, _ count: Int) throws {
        guard count > 0 else { return }
        let raw = UnsafeRawPointer(p)
        checksum.add(raw.assumingMemoryBound(to: UInt64.self), count: count)
        try handle.write(contentsOf: Data(bytes: raw, count: count * 8))
      }
      func put(_ a: [Double]) throws { try a.withUnsafeBufferPointer { try put($0.baseAddress!, $0.count) } }
      try handle.write(contentsOf: Data(magic))
      var length = UInt64(json.count)
      try handle.write(contentsOf: Data(bytes: &length, count: 8))
      try handle.write(contentsOf: json)
      let width = identity.metricColumns
      try session.values.withUnsafeBufferPointer { v in
        for c in chunks {
          try put(v.baseAddress! + (c * identity.chunkSize - session.firstRun) * width, rows(chunk: c, identity: identity) * width)
        }
      }
      if identity.streamedColumns > 0 {
        try put(fold.merged.count > 0 ? fold.merged.mean : [Double](repeating: 0, count: identity.streamedColumns))
        try put(fold.merged.count > 0 ? fold.merged.m2 : [Double](repeating: 0, count: identity.streamedColumns))
        for p in fold.pending {
          try put(p.moments.mean)
          try put(p.moments.m2)
        }
      }
      for (kept, rowsKept, columns) in [(session.details?.sample, identity.sampleRows, identity.detailColumns), (session.parameters, identity.parameterRows, identity.parameterColumns)] {
        guard let kept else { continue }
        for c in chunks {
          let first = c * identity.chunkSize
          for run in first ..< max(first, min(first + rows(chunk: c, identity: identity), rowsKept)) {
            try put(kept.row(run)!, columns)
          }
        }
      }
      var sum = checksum.value
      try handle.write(contentsOf: Data(bytes: &sum, count: 8))
    }
  }

  /// Reads the header of a state file (cheap: the runs are not read).
  public static func header(at path: String) throws(RunStateError) -> Header {
    try SavedRuns.open(path).header
  }
}

/// A state file that cannot be used, with the reason.
public struct RunStateError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var reason: String
  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }
  public var description: String { "\(path): \(reason)" }
}

/// FNV-1a over 64-bit words: detects a damaged or cut state file.
struct Checksum {
  private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  mutating func add(_ words: UnsafePointer<UInt64>, count: Int) {
    var h = value
    for i in 0..<count {
      h ^= words[i]
      h = h &* 0x0000_0100_0000_01b3
    }
    value = h
  }
}
