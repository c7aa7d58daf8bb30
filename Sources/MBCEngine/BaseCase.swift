/// The deterministic base case: every drawn parameter at the mean of its distribution.
public enum BaseCase {
  /// Evaluates the model's tables with parameters at their means; throws the first invalid
  /// value (e.g. a transition row that sums above 1), reported with run −1.
  public static func check(_ model: CompiledModel) throws(SimulationError) {
    let tables = RunTables(model)
    try tables.setParametersToMeans()
    try tables.evaluateTables(run: -1)
  }

  /// The parameter values of the base case, in scenario order.
  public static func parameterValues(_ model: CompiledModel) throws(SimulationError) -> [Double] {
    let tables = RunTables(model)
    try tables.setParametersToMeans()
    return Array(tables.parameters)
  }
}
