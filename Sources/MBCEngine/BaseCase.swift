/// The deterministic base case: every drawn parameter at the mean of its distribution.
public enum BaseCase {
  /// Evaluates the model's tables with parameters at their means; throws the first invalid
  /// value (e.g. a transition row that sums above 1), reported with run −1.
  public static func check(_ model: CompiledModel) throws(SimulationError) {
    let tables = RunTables(model)
    try tables.setParametersToMeans()
    try tables.evaluateTables(run: -1)
    try tables.evaluatePopulation(run: -1)
  }

  /// The parameter values of the base case, one per value name in scenario order (vector
  /// parameters give one value per component).
  public static func parameterValues(_ model: CompiledModel) throws(SimulationError) -> [Double] {
    let tables = RunTables(model)
    try tables.setParametersToMeans()
    return tables.parameterValues
  }

  /// The cohort engine's results with every parameter at its mean: one row of metrics in
  /// ``MetricLayout`` order (exact expected values, no sampling).
  public static func cohortResults(_ model: CompiledModel) throws(SimulationError) -> [Double] {
    let engine = CohortEngine(model: model)
    try engine.tables.setParametersToMeans()
    var row = [Double](repeating: .nan, count: model.layout.count)
    try row.withUnsafeMutableBufferPointer { (b) throws(SimulationError) in try engine.compute(run: -1, into: b.baseAddress!) }
    return row
  }
}
