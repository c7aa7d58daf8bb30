import Foundation
import MBCAnalysis
import MBCEngine

/// runs.csv (opt-in, `--save-runs`): one row per run with every metric, for users who plot
/// their own figures. Wide and tidy: one observation (a run) per row, one column per
/// metric, named as in ``MetricLayout/Column/name`` (e.g. `net_saving.BZ.municipality`).
public enum RunsTable {
  /// Streams the matrix to `path` atomically, in blocks, so that memory stays bounded.
  public static func write(_ matrix: RunMatrix, layout: MetricLayout, seed: UInt64, firstRun: Int = 0, to path: String) throws(OutputError) {
    try AtomicFile.write(to: path) { handle in
      let header = (["run", "seed"] + layout.columns.map(\.name)).map(CSVTable.quote).joined(separator: ",") + "\n"
      try handle.write(contentsOf: Data(header.utf8))
      var block = ""
      block.reserveCapacity(1 << 20)
      let seedText = String(seed)
      for r in 0..<matrix.rows {
        block += String(firstRun + r)
        block += ","
        block += seedText
        for j in 0..<matrix.columns {
          block += ","
          block += CSVTable.format(matrix[r, j])
        }
        block += "\n"
        if block.utf8.count > (1 << 20) {
          try handle.write(contentsOf: Data(block.utf8))
          block.removeAll(keepingCapacity: true)
        }
      }
      try handle.write(contentsOf: Data(block.utf8))
    }
  }
}
