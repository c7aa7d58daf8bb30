/// A problem found while simulating: a parameter draw that makes the model invalid, or a
/// stop requested by the user. Errors name the run so that it can be reproduced with the
/// same seed.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A transition row with a probability outside [0, 1] or moves summing above 1.
  case invalidTransitionRow(run: Int, arm: String, state: String, detail: String)
  /// A value that is not a finite number (e.g. division by zero) or out of its range.
  case invalidValue(run: Int, what: String, value: Double, expected: String)
  /// The user interrupted the simulation (Ctrl-C).
  case cancelled

  public var description: String {
    switch self {
    case .invalidTransitionRow(let run, let arm, let state, let detail):
      "\(Self.place(run)), arm \(arm), state \(state): \(detail)"
    case .invalidValue(let run, let what, let value, let expected):
      "\(Self.place(run)): \(what) is \(value); expected \(expected)"
    case .cancelled:
      "interrupted"
    }
  }

  private static func place(_ run: Int) -> String {
    run < 0 ? "base case (parameters at their means)" : "run \(run)"
  }

  /// The run the error occurred in (nil for cancellation).
  public var run: Int? {
    switch self {
    case .invalidTransitionRow(let run, _, _, _), .invalidValue(let run, _, _, _): run
    case .cancelled: nil
    }
  }
}
