import Foundation
import Testing

@testable import MBCScenario

/// The top-level `invalid_probabilities` key.
@Suite("invalid_probabilities")
struct InvalidProbabilitiesTests {
  @Test("default stop; stop and clamp are read; anything else is an error with a suggestion")
  func test_values() throws {
    #expect(try load(minimalScenario).get().invalidProbabilities == .stop)
    #expect(try load(minimalScenario + "\ninvalid_probabilities: stop\n").get().invalidProbabilities == .stop)
    #expect(try load(minimalScenario + "\ninvalid_probabilities: clamp\n").get().invalidProbabilities == .clamp)
    let bad = errors(minimalScenario + "\ninvalid_probabilities: clmap\n")
    #expect(bad.count == 1)
    #expect(bad.first?.contains("error: invalid_probabilities: unknown choice for invalid probabilities 'clmap'; did you mean 'clamp'?") == true, "\(bad)")
  }
}
