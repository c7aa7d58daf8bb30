import Foundation
import MBCAnalysis
import MBCEngine

/// The runs saved in one or more state files (``RunStateFile``): an interrupted run's, or the
/// shards of one run. It restores the merged moments of the outputs over time into a
/// session's ``DetailCollector`` and replays every saved chunk (``ChunkReplay``), so that the
/// session simulates only what is missing and ends with the values of one uninterrupted run.
public final class SavedRuns: ChunkReplay, @unchecked Sendable {
  /// The first file's header (identity, command line, shard).
  public let header: Header
  public typealias Header = RunStateFile.Header
  private struct Part {
    let data: Data
    let header: Header
    let metricsOffset: Int
    let foldOffset: Int
    let sampleOffset: Int
    let parameterOffset: Int
    /// Chunk → its index among the file's chunks, and the first sample / parameter row it has.
    var index: [Int: (position: Int, sampleRow: Int, parameterRow: Int)]
  }
  private let parts: [Part]
  /// Chunk → the part that has it.
  private let owner: [Int: Int]

  /// Every chunk saved, ascending.
  public var chunks: [Int] { owner.keys.sorted() }

  /// Runs saved.
  public var runs: Int { parts.reduce(0) { $0 + $1.header.runsCompleted } }

  /// Reads one state file (header and index; the values are mapped, not copied).
  public static func open(_ path: String) throws(RunStateError) -> SavedRuns {
    try SavedRuns(paths: [path])
  }

  /// Reads state files of the same run (shards); their chunks must not overlap.
  public init(paths: [String]) throws(RunStateError) {
    precondition(!paths.isEmpty)
    var parts: [Part] = []
    var owner: [Int: Int] = [:]
    for path in paths {
      let part = try Self.read(path)
      if let first = parts.first {
        let d = part.header.identity.differences(from: first.header.identity)
        if !d.isEmpty {
          throw RunStateError(path: path, reason: "is not from the same run as \(paths[0]): " + d.joined(separator: "; "))
        }
      }
      for c in part.header.chunks {
        if let other = owner[c] {
          let size = part.header.identity.chunkSize
          throw RunStateError(
            path: path, reason: paths[other] == path ? "is given twice" : "has runs \(c * size) ..< \((c + 1) * size) that \(paths[other]) also has (the same shard twice?)")
        }
        owner[c] = parts.count
      }
      parts.append(part)
    }
    let folded = parts.filter { $0.header.foldNextChunk > 0 }
    if folded.count > 1 {
      throw RunStateError(path: paths[1], reason: "two files both start at run 0")
    }
    self.parts = parts
    self.owner = owner
    header = parts[0].header
  }

  private static func read(_ path: String) throws(RunStateError) -> Part {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
      throw RunStateError(path: path, reason: "cannot be read (\((error as NSError).localizedDescription))")
    }
    let magic = RunStateFile.magic
    guard data.count >= magic.count + 16, Array(data.prefix(magic.count)) == magic else {
      throw RunStateError(path: path, reason: "is not an mbc state file")
    }
    let length = Int(data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: magic.count, as: UInt64.self) })
    let start = magic.count + 8
    guard length > 0, start + length <= data.count else { throw RunStateError(path: path, reason: "is damaged (its header is cut off)") }
    let header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: data.subdata(in: start..<start + length))
    } catch {
      throw RunStateError(path: path, reason: "is damaged or from another version of mbc (its header cannot be read)")
    }
    let id = header.identity
    let chunkSize = id.chunkSize
    var index: [Int: (position: Int, sampleRow: Int, parameterRow: Int)] = [:]
    var rows = 0, sampleRows = 0, parameterRows = 0
    for (i, c) in header.chunks.enumerated() {
      index[c] = (rows, sampleRows, parameterRows)
      let n = RunStateFile.rows(chunk: c, identity: id)
      rows += n
      sampleRows += max(0, min(c * chunkSize + n, id.sampleRows) - c * chunkSize)
      parameterRows += max(0, min(c * chunkSize + n, id.parameterRows) - c * chunkSize)
      _ = i
    }
    let metricsOffset = start + length
    let foldOffset = metricsOffset + rows * id.metricColumns * 8
    let foldValues = id.streamedColumns > 0 ? 2 * id.streamedColumns * (1 + header.pendingChunks.count) : 0
    let sampleOffset = foldOffset + foldValues * 8
    let parameterOffset = sampleOffset + sampleRows * id.detailColumns * 8
    let end = parameterOffset + parameterRows * id.parameterColumns * 8
    guard end + 8 == data.count else {
      throw RunStateError(path: path, reason: "is damaged: \(data.count) bytes, expected \(end + 8) for \(rows) runs")
    }
    var checksum = Checksum()
    data.withUnsafeBytes { raw in
      // The payload starts after the header, which need not be 8-byte aligned: copy per block.
      let words = (end - metricsOffset) / 8
      var buffer = [UInt64](repeating: 0, count: min(words, 1 << 16))
      var done = 0
      while done < words {
        let n = min(buffer.count, words - done)
        buffer.withUnsafeMutableBytes { b in
          b.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[(metricsOffset + done * 8)..<(metricsOffset + (done + n) * 8)]))
        }
        buffer.withUnsafeBufferPointer { checksum.add($0.baseAddress!, count: n) }
        done += n
      }
    }
    let saved = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: end, as: UInt64.self) }
    guard saved == checksum.value else { throw RunStateError(path: path, reason: "is damaged (its checksum does not match)") }
    return Part(data: data, header: header, metricsOffset: metricsOffset, foldOffset: foldOffset, sampleOffset: sampleOffset,
                parameterOffset: parameterOffset, index: index)
  }

  /// Puts the saved moments of the outputs over time into `collector` (before any run).
  public func restore(into collector: DetailCollector) {
    let k = header.identity.streamedColumns
    guard k > 0 else { return }
    var next = 0
    var merged = ColumnMoments(columns: k)
    var pending: [(chunk: Int, moments: ColumnMoments)] = []
    for part in parts {
      var offset = part.foldOffset
      func take() -> [Double] {
        defer { offset += k * 8 }
        return Self.doubles(part.data, offset, k)
      }
      let mean = take(), m2 = take()
      if part.header.foldNextChunk > 0 {
        next = part.header.foldNextChunk
        merged = ColumnMoments(count: part.header.foldCount, mean: mean, m2: m2)
      }
      for (c, n) in zip(part.header.pendingChunks, part.header.pendingCounts) {
        let mean = take(), m2 = take()
        pending.append((c, ColumnMoments(count: n, mean: mean, m2: m2)))
      }
    }
    collector.restore(nextChunk: next, merged: merged, pending: pending.sorted { $0.chunk < $1.chunk })
  }

  public func replay(
    chunk: Int, firstRun: Int, rows: Int, metrics: UnsafeMutablePointer<Double>, sample: RunSample?, parameters: RunSample?, clamps: ProbabilityClamps?
  ) -> Bool {
    guard let p = owner[chunk] else { return false }
    let part = parts[p]
    if let clamps, let c = part.header.clamps.first(where: { $0.chunk == chunk }) { clamps.add(unit: chunk, c.count) }
    let id = part.header.identity
    let at = part.index[chunk]!
    precondition(rows == RunStateFile.rows(chunk: chunk, identity: id) && firstRun == chunk * id.chunkSize, "replayed chunk has another extent")
    Self.copy(part.data, part.metricsOffset + at.position * id.metricColumns * 8, rows * id.metricColumns, to: metrics)
    if let sample {
      for (i, run) in (firstRun ..< max(firstRun, min(firstRun + rows, id.sampleRows))).enumerated() {
        Self.copy(part.data, part.sampleOffset + (at.sampleRow + i) * id.detailColumns * 8, id.detailColumns, to: sample.row(run)!)
      }
    }
    if let parameters {
      for (i, run) in (firstRun ..< max(firstRun, min(firstRun + rows, id.parameterRows))).enumerated() {
        Self.copy(part.data, part.parameterOffset + (at.parameterRow + i) * id.parameterColumns * 8, id.parameterColumns, to: parameters.row(run)!)
      }
    }
    return true
  }

  private static func copy(_ data: Data, _ offset: Int, _ count: Int, to out: UnsafeMutablePointer<Double>) {
    guard count > 0 else { return }
    data.withUnsafeBytes { raw in
      UnsafeMutableRawPointer(out).copyMemory(from: raw.baseAddress! + offset, byteCount: count * 8)
    }
  }

  private static func doubles(_ data: Data, _ offset: Int, _ count: Int) -> [Double] {
    var a = [Double](repeating: 0, count: count)
    a.withUnsafeMutableBufferPointer { copy(data, offset, count, to: $0.baseAddress!) }
    return a
  }
}
