import Foundation
import Testing

@testable import MBCEngine
@testable import MBCScenario

/// The individual engine's fast paths (moves counted per cycle and reduced per run, arms
/// simulated in pairs, ages keyed by lookup band, moves evaluated over their own dimensions)
/// must give the results of the general per-move loop: the same random numbers, the same
/// paths, so the same counts exactly, and the same costs up to the order of floating-point
/// summation (1e-12 of the row's scale; see ``expectEqual``).
@Suite("Engine fast paths equal the general loop")
struct FastPathTests {
  /// Runs `runs` runs of `model` with both engines; returns (fast, reference) rows and details.
  func bothEngines(_ model: CompiledModel, runs: Int, seed: UInt64 = 7) throws -> [(fast: [Double], reference: [Double])] {
    let fast = IndividualEngine(model: model, seed: seed)
    let reference = IndividualEngine(model: model, seed: seed, fastPaths: false)
    let width = model.layout.count
    let detailWidth = DetailLayout(scenario: model.scenario).count
    var out: [(fast: [Double], reference: [Double])] = []
    for run in 0..<runs {
      var a = [Double](repeating: .nan, count: width + detailWidth)
      var b = a
      try a.withUnsafeMutableBufferPointer { p in try fast.simulate(run: run, into: p.baseAddress!, details: p.baseAddress! + width) }
      try b.withUnsafeMutableBufferPointer { p in try reference.simulate(run: run, into: p.baseAddress!, details: p.baseAddress! + width) }
      out.append((a, b))
    }
    return out
  }

  /// Counts must be equal; amounts may differ by the order of summation. A sum of n terms
  /// reordered changes by at most about n·ε·Σ|terms|; with n ≤ clients × cycles ≈ 4,000 and
  /// ε = 1.1e-16 that is 4.4e-13 of the magnitudes summed, and a net saving (a difference of
  /// two such sums) twice that. Every amount in a row is at most the row's largest absolute
  /// value, so the tolerance is 1e-12 × that scale (not relative to the value itself: a net
  /// saving near 0 is a small difference of large sums).
  /// A scenario of the repository's Scenarios/ folder, compiled.
  func bundled(_ name: String) throws -> CompiledModel {
    try CompiledModel(try ScenarioLoader.load(file: scenariosFolder.appendingPathComponent(name).path))
  }

  func expectEqual(_ pairs: [(fast: [Double], reference: [Double])], _ what: String) {
    var worst = 0.0
    for (run, pair) in pairs.enumerated() {
      let scale = max(1, pair.reference.filter(\.isFinite).map(abs).max() ?? 1)
      for (j, (x, y)) in zip(pair.fast, pair.reference).enumerated() {
        if x == y || (x.isNaN && y.isNaN) { continue }
        let d = abs(x - y) / scale
        if d > 1e-12 {
          Issue.record("\(what): run \(run) value \(j): fast \(x), reference \(y)")
          return
        }
      }
    }
    #expect(worst <= 1e-12, "\(what): largest relative difference \(worst)")
  }

  @Test("outreach-ref (counted, arms in pairs) equals the general loop run by run")
  func test_outreachRef() throws {
    let m = try bundled("outreach-ref.yaml")
    let engine = IndividualEngine(model: m, seed: 1)
    #expect(engine.arms[0].counted && engine.arms[1].counted)
    expectEqual(try bothEngines(m, runs: 60), "outreach-ref")
  }

  @Test("outreach-ref-time (rows keyed by cycle and age band) equals the general loop run by run")
  func test_outreachRefTime() throws {
    let m = try bundled("outreach-ref-time.yaml")
    let engine = IndividualEngine(model: m, seed: 1)
    #expect(engine.arms[0].rowsKeyed && engine.arms[0].counted)
    expectEqual(try bothEngines(m, runs: 40), "outreach-ref-time")
  }

  @Test("three arms, an effect with its own discounting, a transition cost and a keyed event: equal run by run")
  func test_threeArmsEffectsAndKeyedEvents() throws {
    // Arms 0 and 1 are paired, arm 2 runs alone; the effect (C = 2) needs per-category
    // weights; the nuisance rate depends on time in state (keyed, general event pass).
    let m = try model("""
      format: mbc/1
      horizon: {value: 30, assumption: t}
      clients: {value: 40, assumption: t}
      discount: {costs: 0.04, effects: 0.015, source: t}
      payers: [municipality, insurer]
      states: [Avoiding, Engaged, InCare, Homeless]
      start: Avoiding
      parameters:
        p_engage: {dist: beta, mean: 0.2, sd: 0.05, source: t}
        p_evict: {dist: beta, mean: 0.03, sd: 0.01, source: t}
        lambda: {dist: gamma, mean: 0.4, sd: 0.1, source: t}
        c: {dist: gamma, mean: 500, sd: 100, source: t}
      transitions:
        Engaged: {InCare: 0.2, Homeless: p_evict * 0.5}
        InCare: {Avoiding: 0.05}
        Homeless: {Avoiding: 0.1}
      arms:
        usual:
          transitions: {Avoiding: {InCare: 0.02, Homeless: p_evict}}
        outreach:
          transitions: {Avoiding: {Engaged: p_engage, Homeless: p_evict}}
        intensive:
          transitions: {Avoiding: {Engaged: p_engage * 1.5, Homeless: p_evict}}
      events:
        eviction: {on_enter: Homeless}
        nuisance: {rate: {Avoiding: lambda, Engaged: "lambda * 0.5 * if(time_in_state < 3, 1, 0.5)"}}
      costs:
        care: {per: cycle, states: [Engaged, InCare], amount: c, payer: municipality}
        shelter: {per: cycle, states: Homeless, amount: 1500, payer: municipality}
        eviction: {per: event, event: eviction, amount: 20000, payers: {municipality: 0.5, insurer: 0.5}}
        handover: {per: transition, from: Engaged, to: InCare, amount: 300, payer: insurer}
        nuisance: {per: event, event: nuisance, amount: 800, payer: municipality}
      effects:
        housed:
          values:
            home: {per: cycle, states: [Avoiding, Engaged, InCare], amount: 1}
      reference: usual
      """)
    let engine = IndividualEngine(model: m, seed: 1)
    #expect(engine.arms[0].counted && engine.arms[1].counted && engine.arms[2].counted)
    expectEqual(try bothEngines(m, runs: 40), "three arms")
  }

  /// Ages keyed by band: a model that uses age only through `lookup` gets one key per band;
  /// the same model written with `if(age < …)` (age used directly, one key per year) must give
  /// identical results in every run, since the probabilities and random numbers are the same.
  @Test("ages keyed by lookup band give the results of ages keyed by year")
  func test_ageBands() throws {
    func scenario(_ admit: String) -> String {
      """
      format: mbc/1
      horizon: {value: 48, assumption: t}
      clients:
        count: {value: 60, assumption: t}
        attributes:
          age: {dist: uniform, min: 18, max: 70, assumption: t}
      tables:
        by_age: {bands: [0, 25, 40, 60], values: [0.08, 0.05, 0.03, 0.02], assumption: t}
      payers: [insurer]
      states: [Well, Admitted]
      start: Well
      parameters:
        rr: {dist: lognormal, median: 1, sigma: 0.2, source: t}
      transitions:
        Well: {Admitted: "\(admit)"}
        Admitted: {Well: 0.5}
      arms:
        only: {}
      costs:
        admission: {per: cycle, states: Admitted, amount: 9000, payer: insurer}
      """
    }
    let banded = try model(scenario("rr * lookup(by_age, age)"))
    let yearly = try model(scenario("rr * if(age < 25, 0.08, if(age < 40, 0.05, if(age < 60, 0.03, 0.02)))"))
    // 18 … 74 (ages advance 4 years): bands [18, 25), [25, 40), [40, 60), [60, …).
    #expect(banded.keys.ages == 4)
    #expect(banded.keys.ageOfKey == [18, 25, 40, 60])
    #expect(yearly.keys.ages == yearly.keys.ageYears)
    #expect(banded.keys.ageKey(years: 39.99) == 1 && banded.keys.ageKey(years: 40) == 2)
    let a = try simulate(banded, runs: 300)
    let b = try simulate(yearly, runs: 300)
    #expect(a == b)
  }

  @Test("a move that uses fewer dimensions than its row is evaluated over its own keys; an invalid value names them")
  func test_moveOwnDimensions_error() throws {
    let m = try model("""
      format: mbc/1
      horizon: {value: 24, assumption: t}
      clients:
        count: {value: 10, assumption: t}
        attributes:
          age: {dist: uniform, min: 30, max: 40, assumption: t}
      payers: [insurer]
      states: [Well, Sick, Dead]
      start: Well
      parameters:
        p: {value: 0.1, source: t}
      transitions:
        Well: {Sick: "p * (1 + time)", Dead: "if(age > 38, 2, 0.01)"}
      arms:
        only: {}
      costs:
        sick: {per: cycle, states: Sick, amount: 100, payer: insurer}
      """)
    do {
      _ = try simulate(m, runs: 1)
      Issue.record("expected a run-time error")
    } catch {
      let text = "\(error)"
      // The Dead move depends on age only, so the message names the age, not a cycle.
      #expect(text.contains("Dead is 2"), "\(text)")
      #expect(text.contains("age 39"), "\(text)")
      #expect(!text.contains("cycle"), "\(text)")
    }
  }
}
