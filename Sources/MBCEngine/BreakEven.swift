import MBCAnalysis

/// One-way threshold analysis: the value of one parameter at which an arm breaks even
/// against the reference, for each payer and in total.
///
/// With the parameter held at θ in every run (all other parameters drawn as usual, with the
/// same random numbers for every θ: common random numbers), the expected net saving of arm a
/// for payer p is estimated by the mean over `runs` runs, f_{a,p}(θ). The search evaluates f on
/// a grid of `gridPoints` equally spaced values over [low, high], finds where f changes sign
/// between neighbours, and refines the first crossing by the Illinois variant of regula falsi
/// (Dowell & Jarratt 1971) until the bracket is below 10⁻⁶ of the range or 20 evaluations.
/// The break-even value θ* solves f(θ*) = 0; its Monte Carlo standard error is
/// mcse(f(θ*)) / |f′(θ*)| (delta method), with the slope of f over the grid interval of the
/// crossing.
public enum BreakEven {
  public struct Result: Sendable {
    /// Arm index in the scenario; payer index (`payerCount` = total).
    public var arm: Int
    public var payer: Int
    /// The break-even value, or nil when f does not change sign over the range.
    public var value: Double?
    public var mcse: Double?
    /// Mean net saving at the ends of the range.
    public var savingAtLow: Double
    public var savingAtHigh: Double
    /// Sign changes of f over the grid (more than one: the first is reported).
    public var crossings: Int
  }

  /// The mean net saving of every comparison and payer (``MetricLayout`` net-saving columns,
  /// in order) with the parameter at `value`, and their MCSEs.
  static func evaluate(_ simulation: Simulation, parameter: Int, value: Double, runs: Int, columns: [Int], cancellation: CancellationFlag?) throws(SimulationError) -> (mean: [Double], mcse: [Double]) {
    var sim = simulation
    sim.fixedParameters[parameter] = value
    let width = sim.model.layout.count
    var out = [Double](repeating: 0, count: runs * width)
    try out.withUnsafeMutableBufferPointer { (b) throws(SimulationError) in
      try sim.run(runs: runs, into: b, cancellation: cancellation)
    }
    var means: [Double] = []
    var errors: [Double] = []
    for j in columns {
      var m = ColumnMoments(columns: 1)
      out.withUnsafeBufferPointer { m.add(block: $0.baseAddress! + j, rows: runs, stride: width) }
      means.append(m.mean[0])
      errors.append(m.mcse(0))
    }
    return (means, errors)
  }

  /// Searches [low, high] for the break-even value of `parameter` (an index into the
  /// scenario's parameters) for every non-reference arm and payer.
  public static func search(
    _ simulation: Simulation, parameter: Int, low: Double, high: Double, runs: Int, gridPoints: Int = 11, cancellation: CancellationFlag? = nil
  ) throws(SimulationError) -> [Result] {
    let layout = simulation.model.layout
    let columns = layout.columns.indices.filter { layout.columns[$0].kind == .netSaving }
    let P = simulation.model.payerCount
    let scenario = simulation.model.scenario
    var cache: [Double: (mean: [Double], mcse: [Double])] = [:]
    func f(_ theta: Double) throws(SimulationError) -> (mean: [Double], mcse: [Double]) {
      if let v = cache[theta] { return v }
      let v = try evaluate(simulation, parameter: parameter, value: theta, runs: runs, columns: columns, cancellation: cancellation)
      cache[theta] = v
      return v
    }
    let grid = (0..<gridPoints).map { low + (high - low) * Double($0) / Double(gridPoints - 1) }
    var values: [[Double]] = []
    for theta in grid { values.append(try f(theta).mean) }

    var results: [Result] = []
    for (c, j) in columns.enumerated() {
      let column = layout.columns[j]
      let arm = scenario.armIndex(column.arm) ?? 0
      let payer = column.payer.flatMap { scenario.payerIndex($0) } ?? P
      var result = Result(arm: arm, payer: payer, value: nil, mcse: nil, savingAtLow: values[0][c], savingAtHigh: values[gridPoints - 1][c], crossings: 0)
      var bracket: (Double, Double, Double, Double)?
      var gridBracket = (0.0, 0.0)
      for i in 0..<(gridPoints - 1) {
        let a = values[i][c], b = values[i + 1][c]
        if (a < 0 && b >= 0) || (a > 0 && b <= 0) || (a == 0 && i == 0) {
          result.crossings += 1
          if bracket == nil {
            bracket = (grid[i], a, grid[i + 1], b)
            gridBracket = (a, b)
          }
        }
      }
      if var (x0, f0, x1, f1) = bracket {
        var side = 0
        var evaluations = 0
        while f0 != 0 && f1 != 0 && abs(x1 - x0) > 1e-6 * (high - low) && evaluations < 20 {
          let x = x1 - f1 * (x1 - x0) / (f1 - f0)
          let fx = try f(x).mean[c]
          evaluations += 1
          if fx == 0 {
            (x0, f0, x1, f1) = (x, 0, x, 0)
            break
          }
          if (fx < 0) == (f1 < 0) {
            (x1, f1) = (x, fx)
            if side == 1 { f0 /= 2 }
            side = 1
          } else {
            (x0, f0) = (x, fx)
            if side == -1 { f1 /= 2 }
            side = -1
          }
        }
        let root = f0 == 0 ? x0 : (f1 == 0 ? x1 : x1 - f1 * (x1 - x0) / (f1 - f0))
        result.value = root
        // The slope over the grid interval of the crossing: with common random numbers an
        // individual-level f is a fine staircase, so a tiny final bracket can sit on one step.
        let slope = (gridBracket.1 - gridBracket.0) / (grid[1] - grid[0])
        let error = try f(root).mcse[c]
        result.mcse = slope.isFinite && slope != 0 ? error / abs(slope) : nil
      }
      results.append(result)
    }
    return results
  }
}
