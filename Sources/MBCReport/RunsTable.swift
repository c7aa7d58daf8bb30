import Foundation
import MBCAnalysis
import MBCEngine

/// runs.csv (opt-in, `--keep-runs`): one row per run with its parameter draws and every
/// metric, for users who plot their own figures or feed an external tool (e.g. an EVPPI
/// package). Wide and tidy: one observation (a run) per row; parameter columns are named
/// `parameter.<name>` (vector components `parameter.<name>.<component>`), metric columns as in
/// ``MetricLayout/Column/name`` (e.g. `net_saving.BZ.municipality`).
public enum RunsTable {
  /// Streams the matrices to `path` atomically, in blocks, so that memory stays bounded.
  /// `parameters` holds the same runs (or none: zero columns).
  public static func write(
    _ matrix: RunMatrix, layout: MetricLayout, parameters: RunMatrix? = nil, parameterNames: [String] = [], seed: UInt64, firstRun: Int = 0, to path: String
  ) throws(OutputError) {
    try AtomicFile.commit([stage(matrix, layout: layout, parameters: parameters, parameterNames: parameterNames, seed: seed, firstRun: firstRun, to: path)])
  }

  /// Like ``write(_:layout:parameters:parameterNames:seed:firstRun:to:)`` but staged: commit it
  /// with the other outputs (``AtomicFile/commit(_:removing:)``).
  public static func stage(
    _ matrix: RunMatrix, layout: MetricLayout, parameters: RunMatrix? = nil, parameterNames: [String] = [], seed: UInt64, firstRun: Int = 0, to path: String
  ) throws(OutputError) -> AtomicFile.Staged {
    let withParameters = parameters.map { $0.rows == matrix.rows && $0.columns == parameterNames.count } ?? false
    precondition(parameters == nil || withParameters, "RunsTable: the parameter matrix does not match the runs")
    return try AtomicFile.stage(to: path) { handle in
      let names = ["run", "seed"] + (withParameters ? parameterNames.map { "parameter.\($0)" } : []) + layout.columns.map(\.name)
      let header = names.map(CSVTable.quote).joined(separator: ",") + "\n"
      try handle.write(contentsOf: Data(header.utf8))
      var block = ""
      block.reserveCapacity(1 << 20)
      let seedText = String(seed)
      for r in 0..<matrix.rows {
        block += String(firstRun + r)
        block += ","
        block += seedText
        if withParameters, let parameters {
          for j in 0..<parameters.columns {
            block += ","
            block += CSVTable.format(parameters[r, j])
          }
        }
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
