import Foundation
import MBCScenario
import Testing

@testable import MBCEngine

// Replications of published decision models (Scenarios/validation/, see its README.md).
//
// Each cohort model is checked twice:
// - against the PUBLISHED digits: |mbc − published| < half a unit of the last printed digit;
// - against an independent re-implementation in numpy (Python 3, float64; throw-away scripts
//   written from the published model descriptions, not from mbc's code and not saved in the
//   repository): relative difference below 1e-9.
// The microsimulation (Krijkamp 2018) is checked statistically against its exact expectation.

/// Scenarios/validation/ of this repository (#filePath up 3 levels).
private let validationFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Scenarios/validation")

private func loadValidation(_ file: String) throws -> Scenario {
  try ScenarioLoader.load(file: validationFolder.appendingPathComponent(file).path)
}

/// The base-case cohort results of a scenario, read by metric name and divided by the cohort
/// size (per person).
private struct CohortResults {
  let model: CompiledModel
  let row: [Double]

  init(_ scenario: Scenario) throws {
    model = try CompiledModel(scenario)
    row = try BaseCase.cohortResults(model)
  }

  func callAsFunction(_ metric: String) -> Double {
    guard let i = model.layout.index(of: metric) else {
      Issue.record("no metric \(metric)")
      return .nan
    }
    return row[i] / Double(model.clients)
  }
  func cost(_ arm: String) -> Double { self("cost.\(arm).total") }
  func effect(_ arm: String, _ effect: String = "qaly") -> Double { self("effect.\(arm).\(effect)") }
}

/// |x − published| < half a unit of the last printed digit (`decimals` printed decimals).
private func expectPublished(_ x: Double, _ published: Double, decimals: Int, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
  let halfUnit = 0.5 * Foundation.pow(10, -Double(decimals))
  #expect(abs(x - published) < halfUnit, "\(what): mbc \(x), published \(published) (±\(halfUnit))", sourceLocation: sourceLocation)
}

/// Relative agreement with an independent computation.
private func expectReference(_ x: Double, _ reference: Double, tolerance: Double = 1e-9, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
  #expect(abs(x - reference) <= tolerance * max(abs(reference), 1e-300), "\(what): mbc \(x), reference \(reference)", sourceLocation: sourceLocation)
}

/// Strategy status by the dampack `calculate_icers` procedure: sort by cost (ties: more effect
/// first); strongly dominated (D) when some cheaper-or-equal strategy has at least the effect;
/// then drop extendedly dominated (ED) strategies until the ICERs increase. Returns per
/// strategy its status and, on the frontier, its ICER against the previous frontier strategy.
private func icerTable(_ strategies: [(name: String, cost: Double, effect: Double)]) -> [String: (status: String, icer: Double?)] {
  let sorted = strategies.sorted { $0.cost != $1.cost ? $0.cost < $1.cost : $0.effect > $1.effect }
  var status: [String: (String, Double?)] = [:]
  var frontier: [(name: String, cost: Double, effect: Double)] = []
  for s in sorted {
    if frontier.contains(where: { $0.effect >= s.effect }) { status[s.name] = ("D", nil) } else { frontier.append(s) }
  }
  var changed = true
  while changed {
    changed = false
    guard frontier.count > 2 else { break }
    for i in 1..<(frontier.count - 1) {
      let a = frontier[i - 1], b = frontier[i], c = frontier[i + 1]
      if (b.cost - a.cost) / (b.effect - a.effect) > (c.cost - b.cost) / (c.effect - b.effect) {
        status[b.name] = ("ED", nil)
        frontier.remove(at: i)
        changed = true
        break
      }
    }
  }
  for (i, s) in frontier.enumerated() {
    status[s.name] = ("ND", i == 0 ? nil : (s.cost - frontier[i - 1].cost) / (s.effect - frontier[i - 1].effect))
  }
  return status
}

@Suite("Replication of published models")
struct ReplicationTests {
  // MARK: - Model 1: DARTH Sick-Sicker, time-independent

  /// Alarid-Escudero et al. 2023a (MDM 43(1):3–20), Table 5.
  @Test("DARTH Sick-Sicker (time-independent): Table 5 of Alarid-Escudero 2023a, all digits")
  func darthTimeIndependent() throws {
    let scenario = try loadValidation("darth-sick-sicker.yaml")
    #expect(scenario.warnings.isEmpty, "\(scenario.warnings)")
    let r = try CohortResults(scenario)

    // Published (Table 5): costs to $1, QALYs to 3 decimals.
    let published: [(arm: String, cost: Double, qaly: Double)] = [
      ("SoC", 151_580, 20.711), ("A", 284_805, 21.499), ("B", 259_100, 22.184), ("AB", 378_875, 23.137),
    ]
    for p in published {
      expectPublished(r.cost(p.arm), p.cost, decimals: 0, "cost \(p.arm)")
      expectPublished(r.effect(p.arm), p.qaly, decimals: 3, "QALYs \(p.arm)")
    }
    // Independent numpy reproduction: trace m_t = m_{t−1} P over t = 1..75 with the survival-
    // conditional matrix, y_t = m_t·r for t = 0..75, weights 1/1.03^t × DARTH Simpson vector
    // (1/3, 2/3 on odd t, 4/3 on even t, 1/3 at t = 75).
    let reference: [(arm: String, cost: Double, qaly: Double)] = [
      ("SoC", 151579.86595738993, 20.711331464322175), ("A", 284804.5133705726, 21.49866280843755),
      ("B", 259100.41061700438, 22.18446514084549), ("AB", 378875.19839449204, 23.136844135002608),
    ]
    for p in reference {
      expectReference(r.cost(p.arm), p.cost, "cost \(p.arm)")
      expectReference(r.effect(p.arm), p.qaly, "QALYs \(p.arm)")
    }

    // Incremental results and ICERs (Table 5), from unrounded totals.
    let table = icerTable(published.map { ($0.arm, r.cost($0.arm), r.effect($0.arm)) })
    #expect(table["SoC"]?.status == "ND" && table["SoC"]?.icer == nil)
    #expect(table["A"]?.status == "D")
    #expect(table["B"]?.status == "ND")
    #expect(table["AB"]?.status == "ND")
    expectPublished(r.cost("B") - r.cost("SoC"), 107_521, decimals: 0, "incremental cost B vs SoC")
    expectPublished(r.effect("B") - r.effect("SoC"), 1.473, decimals: 3, "incremental QALYs B vs SoC")
    expectPublished(table["B"]?.icer ?? .nan, 72_988, decimals: 0, "ICER B vs SoC")
    expectPublished(r.cost("AB") - r.cost("B"), 119_775, decimals: 0, "incremental cost AB vs B")
    expectPublished(r.effect("AB") - r.effect("B"), 0.952, decimals: 3, "incremental QALYs AB vs B")
    expectPublished(table["AB"]?.icer ?? .nan, 125_764, decimals: 0, "ICER AB vs B")
    // numpy: 72987.63606665317 and 125763.78575368684.
    expectReference(table["B"]?.icer ?? .nan, 72987.63606665317, "ICER B vs SoC")
    expectReference(table["AB"]?.icer ?? .nan, 125763.78575368684, "ICER AB vs B")
    // The comparison metrics agree with the arm totals.
    expectReference(-r("net_saving.B.total"), r.cost("B") - r.cost("SoC"), tolerance: 1e-12, "net saving B")
    expectReference(r("effect_gain.AB.qaly"), r.effect("AB") - r.effect("SoC"), tolerance: 1e-12, "QALY gain AB")
  }

  /// Table 3 of Alarid-Escudero 2023a (the SoC trace, 3 decimals), read through the death
  /// count: with horizon h, the expected number of deaths is m_h(D).
  @Test("DARTH Sick-Sicker (time-independent): the trace of Table 3")
  func darthTrace() throws {
    var scenario = try loadValidation("darth-sick-sicker.yaml")
    let published = [0.002, 0.005, 0.008, 0.011, 0.015]  // D at t = 1..5
    for (i, d) in published.enumerated() {
      var s = scenario
      s.horizon = i + 1
      let r = try CohortResults(s)
      expectPublished(r("events.SoC.death"), d, decimals: 3, "D at t = \(i + 1)")
    }
    scenario.horizon = 75
    // numpy: m_75(D) = 0.53303648... under SoC (0.533036 to 6 decimals).
    expectPublished(try CohortResults(scenario)("events.SoC.death"), 0.533036, decimals: 6, "D at t = 75")
  }

  // MARK: - Model 2a: DARTH Sick-Sicker, age-dependent mortality and transition rewards

  /// Alarid-Escudero et al. 2023b (MDM 43(1):21–41), Table 3.
  @Test("DARTH Sick-Sicker (age-dependent, transition rewards): Table 3 of Alarid-Escudero 2023b, all digits")
  func darthTimeDependent() throws {
    let scenario = try loadValidation("darth-sick-sicker-age.yaml")
    #expect(scenario.warnings.isEmpty, "\(scenario.warnings)")
    let r = try CohortResults(scenario)
    let published: [(arm: String, cost: Double, qaly: Double)] = [
      ("SoC", 116_374, 18.879), ("A", 218_789, 19.636), ("B", 202_536, 20.199), ("AB", 296_300, 21.097),
    ]
    for p in published {
      expectPublished(r.cost(p.arm), p.cost, decimals: 0, "cost \(p.arm)")
      expectPublished(r.effect(p.arm), p.qaly, decimals: 3, "QALYs \(p.arm)")
    }
    // Independent numpy reproduction: transition-dynamics array A_t = diag(m_{t−1}) P_t with
    // mu(25 + t − 1) from the US 2015 life table (Total column, typed into the scenario), the reward matrices R (state reward
    // of the destination, −0.01 QALY and +1000 on H→S1, +2000 on every move into D), y_t =
    // Σ A_t∘R for t = 0..75 (A_0 = diag(m_0)), weights 1/1.03^t × DARTH Simpson vector.
    let reference: [(arm: String, cost: Double, qaly: Double)] = [
      ("SoC", 116374.4480119541, 18.879195307012992), ("A", 218789.35922806, 19.63555598725383),
      ("B", 202536.45993929816, 20.198925518922078), ("AB", 296300.3259433757, 21.096526557784113),
    ]
    for p in reference {
      expectReference(r.cost(p.arm), p.cost, "cost \(p.arm)")
      expectReference(r.effect(p.arm), p.qaly, "QALYs \(p.arm)")
    }
    let table = icerTable(published.map { ($0.arm, r.cost($0.arm), r.effect($0.arm)) })
    #expect(table["A"]?.status == "D")
    #expect(table["B"]?.status == "ND" && table["AB"]?.status == "ND")
    expectPublished(r.cost("B") - r.cost("SoC"), 86_162, decimals: 0, "incremental cost B vs SoC")
    expectPublished(r.effect("B") - r.effect("SoC"), 1.320, decimals: 3, "incremental QALYs B vs SoC")
    expectPublished(table["B"]?.icer ?? .nan, 65_288, decimals: 0, "ICER B vs SoC")
    expectPublished(r.cost("AB") - r.cost("B"), 93_764, decimals: 0, "incremental cost AB vs B")
    expectPublished(r.effect("AB") - r.effect("B"), 0.898, decimals: 3, "incremental QALYs AB vs B")
    expectPublished(table["AB"]?.icer ?? .nan, 104_461, decimals: 0, "ICER AB vs B")
    expectReference(table["B"]?.icer ?? .nan, 65287.59525987092, "ICER B vs SoC")
    expectReference(table["AB"]?.icer ?? .nan, 104460.51413103301, "ICER AB vs B")

    // Not published, numpy only: restricted life expectancy Σ_{t=0}^{75} (1 − m_t(D)),
    // expected H→S1 moves Σ_t m_{t−1}(H)·P_t(H, S1), and m_75(D).
    expectReference(r.effect("SoC", "life_years"), 40.70043919241873, "life years SoC")
    expectReference(r.effect("B", "life_years"), 43.45096473631143, "life years B")
    expectReference(r("events.SoC.falls_sick"), 3.3478878055517516, "H→S1 moves SoC")
    expectReference(r("events.B.falls_sick"), 3.8837378158857274, "H→S1 moves B")
    expectReference(r("events.SoC.death"), 0.9984322296561765, "deaths SoC")
    expectReference(r("events.B.death"), 0.9974364418971517, "deaths B")
  }

  /// The paper prints P_1 for SoC; with horizon 1 the expected moves out of H are its H row.
  @Test("DARTH Sick-Sicker (age-dependent): the printed first transition matrix")
  func darthFirstMatrix() throws {
    var scenario = try loadValidation("darth-sick-sicker-age.yaml")
    scenario.horizon = 1
    let r = try CohortResults(scenario)
    // a_P_SoC[,,1], row H: S1 0.1391509, D 0.001013486.
    expectPublished(r("events.SoC.falls_sick"), 0.1391509, decimals: 7, "P_1(H, S1)")
    expectPublished(r("events.SoC.death"), 0.001013486, decimals: 9, "P_1(H, D)")
  }

  // MARK: - Model 2b: tunnels (no published results)

  /// The state-residence model of Alarid-Escudero 2023b has no published CEA numbers; this is
  /// a regression against an independent numpy build of the paper's 78-state tunnel model.
  @Test("DARTH Sick-Sicker with tunnels (time in S1): independent 78-state tunnel model")
  func darthTunnels() throws {
    let scenario = try loadValidation("darth-sick-sicker-tunnels.yaml")
    #expect(scenario.warnings.isEmpty, "\(scenario.warnings)")
    let r = try CohortResults(scenario)
    // numpy: states H, S1_1Yr..S1_75Yr, S2, D; row S1_τ at transition t: H (1−p_S1D)p_S1H,
    // S2 (1−p_S1D)p(τ) with p(τ) = 1 − exp(−hr·[(0.08τ)^1.1 − (0.08(τ−1))^1.1]), D p_S1D,
    // S1_{τ+1} the rest (S1_75 keeps it); rewards, WCC and discounting as in model 2a.
    let reference: [(arm: String, cost: Double, qaly: Double)] = [
      ("SoC", 103112.07709740696, 20.004846815237048), ("A", 198058.14508458885, 20.881844159141686),
      ("B", 186262.2336021641, 21.103579308149843), ("AB", 274408.0341766177, 22.097690399550586),
    ]
    for p in reference {
      expectReference(r.cost(p.arm), p.cost, "cost \(p.arm)")
      expectReference(r.effect(p.arm), p.qaly, "QALYs \(p.arm)")
    }
    expectReference(r.effect("SoC", "life_years"), 43.02121295345875, "life years SoC")
    expectReference(r.effect("B", "life_years"), 45.43498291468713, "life years B")
    let table = icerTable(reference.map { ($0.arm, r.cost($0.arm), r.effect($0.arm)) })
    #expect(table["A"]?.status == "D")
    expectReference(table["B"]?.icer ?? .nan, 75678.25384350098, "ICER B vs SoC")
    expectReference(table["AB"]?.icer ?? .nan, 88667.9580752414, "ICER AB vs B")
  }

  // MARK: - Model 3: HIV/AIDS (Chancellor 1997; DMHEE Example 2.5)

  @Test("HIV/AIDS (Chancellor 1997, DMHEE Ex. 2.5): heemod's exact reproduction")
  func hiv() throws {
    var scenario = try loadValidation("hiv-chancellor.yaml")
    #expect(scenario.warnings.isEmpty, "\(scenario.warnings)")
    let r = try CohortResults(scenario)
    // heemod tests/testthat/test_dmhee.R ("exactly match HIV model"): 7 decimals for costs,
    // 7 for life years; vignette: ICER 6275.956 (test 6275.95560).
    expectPublished(r.cost("mono"), 44663.4535637, decimals: 7, "cost mono")
    expectPublished(r.cost("comb"), 50601.6513312, decimals: 7, "cost comb")
    expectPublished(r.effect("mono", "life_years"), 7.9912066, decimals: 7, "life years mono")
    expectPublished(r.effect("comb", "life_years"), 8.9373889, decimals: 7, "life years comb")
    let icer = -r("net_saving.comb.total") / r("effect_gain.comb.life_years")
    expectPublished(icer, 6275.95560, decimals: 5, "ICER")
    expectPublished(icer, 6276, decimals: 0, "ICER (Chancellor 1997 abstract)")
    expectPublished(-r("net_saving.comb.total"), 5938.198, decimals: 3, "cost difference")
    expectPublished(r("effect_gain.comb.life_years"), 0.9461822, decimals: 7, "life-year difference")
    // numpy, heemod "end" convention: m_t = m_{t−1}P_t (rr for t ≤ 2), Σ_{t=1}^{20} m_t·c(t)/1.06^t.
    expectReference(r.cost("mono"), 44663.45356369667, "cost mono")
    expectReference(r.cost("comb"), 50601.65133120371, "cost comb")
    expectReference(r.effect("mono", "life_years"), 7.991206645840882, "life years mono")
    expectReference(r.effect("comb", "life_years"), 8.93738889164347, "life years comb")
    expectReference(icer, 6275.955603531786, "ICER")

    // Undiscounted costs: the vignette prints health and drug costs separately; their sums
    // are 45541.24 + 18203.97 (mono) and 48082.83 + 24492.28 (comb).
    scenario.costDiscountRate = 0
    let u = try CohortResults(scenario)
    expectPublished(u.cost("mono"), 45541.24 + 18203.97, decimals: 1, "undiscounted cost mono")
    expectPublished(u.cost("comb"), 48082.83 + 24492.28, decimals: 1, "undiscounted cost comb")
    // numpy: 45541.24389814043 + 18203.968739225525 and 48082.83452921567 + 24492.275419073547.
    expectReference(u.cost("mono"), 45541.24389814043 + 18203.968739225525, "undiscounted cost mono")
    expectReference(u.cost("comb"), 48082.83452921567 + 24492.275419073547, "undiscounted cost comb")
  }

  // MARK: - Model 4: total hip replacement (DMHEE Example 3.5)

  @Test("THR (DMHEE Ex. 3.5): heemod's exact reproduction, 61 and 60 cycles")
  func thr() throws {
    var scenario = try loadValidation("thr-dmhee.yaml")
    #expect(scenario.warnings.isEmpty, "\(scenario.warnings)")
    let r = try CohortResults(scenario)
    // heemod tests/testthat/test_dmhee.R ("Exactly match THR model"), 61 cycles.
    expectPublished(r.cost("standard"), 512.434658, decimals: 6, "cost standard")
    expectPublished(r.effect("standard"), 14.6531896, decimals: 7, "QALYs standard")
    expectPublished(r.cost("np1"), 610.311818, decimals: 6, "cost np1")
    expectPublished(r.effect("np1"), 14.69770986, decimals: 8, "QALYs np1")
    let icer = -r("net_saving.np1.total") / r("effect_gain.np1.qaly")
    expectPublished(icer, 2198.486665, decimals: 6, "ICER")
    // numpy, heemod "beginning" convention: Σ_{t=1}^{N} m_{t−1}·v/(1+r)^{t−1}, P_t at model time t.
    expectReference(r.cost("standard"), 512.4346583436433, "cost standard")
    expectReference(r.effect("standard"), 14.653189614825322, "QALYs standard")
    expectReference(r.cost("np1"), 610.3118177575828, "cost np1")
    expectReference(r.effect("np1"), 14.697709857306146, "QALYs np1")
    expectReference(icer, 2198.486664938972, "ICER")

    // heemod vignette printout, 60 cycles.
    scenario.horizon = 60
    let v = try CohortResults(scenario)
    expectPublished(v.cost("standard"), 512.4327, decimals: 4, "cost standard (60)")
    expectPublished(v.effect("standard"), 14.65283, decimals: 5, "QALYs standard (60)")
    expectPublished(v.cost("np1"), 610.3112, decimals: 4, "cost np1 (60)")
    expectPublished(v.effect("np1"), 14.69734, decimals: 5, "QALYs np1 (60)")
    expectPublished(-v("net_saving.np1.total"), 97.87858, decimals: 5, "cost difference (60)")
    expectPublished(v("effect_gain.np1.qaly"), 0.04451095, decimals: 8, "QALY difference (60)")
    let icer60 = -v("net_saving.np1.total") / v("effect_gain.np1.qaly")
    expectPublished(icer60, 2198.977, decimals: 3, "ICER (60)")
    expectReference(v.cost("standard"), 512.4326665243477, "cost standard (60)")
    expectReference(v.effect("standard"), 14.652830106478277, "QALYs standard (60)")
    expectReference(v.cost("np1"), 610.3112455143221, "cost np1 (60)")
    expectReference(v.effect("np1"), 14.697341060681113, "QALYs np1 (60)")
    expectReference(icer60, 2198.9773246365676, "ICER (60)")
  }

  /// The per-cycle counts and values printed in heemod's test_dmhee.R (the book's tables),
  /// read through runs with horizons h = 1…9: m_h(Death) is the expected number of deaths;
  /// m_h(RevisionTHR) the expected entries into RevisionTHR in cycle h (no one stays there);
  /// the value of cycle h is total(h) − total(h − 1).
  @Test("THR (DMHEE Ex. 3.5): per-cycle counts and values of the book")
  func thrPerCycle() throws {
    let scenario = try loadValidation("thr-dmhee.yaml")
    let revisionStandard = [0, 0.00077680, 0.00097491, 0.00115802, 0.00132115, 0.00145307, 0.00157339, 0.00168398]
    let deathStandard = [0.02, 0.02656600, 0.03310354, 0.03960125, 0.05816010, 0.07636404, 0.09421927, 0.11173231]
    let revisionNP1 = [0, 0.00020255, 0.00025438, 0.00030239, 0.00034529, 0.00038012, 0.00041201, 0.00044144]
    let deathNP1 = [0.02, 0.02656600, 0.03309206, 0.03957543, 0.05811767, 0.07630291, 0.09413786, 0.11162924]
    // Values (cost, QALY) of cycles 2..9, standard arm.
    let values: [(Double, Double)] = [
      (0, 0.82068966), (3.66001356, 0.80272917), (4.33343863, 0.78537550), (4.85597577, 0.76838428),
      (5.22645232, 0.74220815), (5.42296428, 0.71692065), (5.53962343, 0.69248578), (5.59337469, 0.66887542),
    ]
    var previous: CohortResults?
    for h in 1...9 {
      var s = scenario
      s.horizon = h
      let r = try CohortResults(s)
      if h <= 8 {
        var revisionsBefore = (0.0, 0.0)
        if let p = previous { revisionsBefore = (p("events.standard.revision"), p("events.np1.revision")) }
        expectPublished(r("events.standard.death"), deathStandard[h - 1], decimals: 8, "standard Death at t = \(h)")
        expectPublished(r("events.np1.death"), deathNP1[h - 1], decimals: 8, "np1 Death at t = \(h)")
        expectPublished(r("events.standard.revision") - revisionsBefore.0, revisionStandard[h - 1], decimals: 8, "standard RevisionTHR at t = \(h)")
        expectPublished(r("events.np1.revision") - revisionsBefore.1, revisionNP1[h - 1], decimals: 8, "np1 RevisionTHR at t = \(h)")
      }
      if h == 1 {
        expectPublished(r.cost("standard"), 394, decimals: 8, "value of cycle 1")
        expectPublished(r.effect("standard"), 0, decimals: 8, "QALYs of cycle 1")
      }
      if h >= 2, let p = previous {
        expectPublished(r.cost("standard") - p.cost("standard"), values[h - 2].0, decimals: 8, "cost of cycle \(h)")
        expectPublished(r.effect("standard") - p.effect("standard"), values[h - 2].1, decimals: 8, "QALYs of cycle \(h)")
      }
      previous = r
    }
  }

  // MARK: - Model 5: Krijkamp 2018 microsimulation

  /// Appendix C (the deterministic cohort twin) through the cohort engine: all digits.
  @Test("Krijkamp 2018 Sick-Sicker: the cohort twin (Appendix C), all digits")
  func krijkampCohort() throws {
    let scenario = try loadValidation("krijkamp-microsim.yaml")
    #expect(scenario.warnings.isEmpty, "\(scenario.warnings)")
    let r = try CohortResults(scenario)
    expectPublished(r.cost("no_treatment"), 75_976, decimals: 0, "cost no treatment")
    expectPublished(r.effect("no_treatment"), 15.839, decimals: 3, "QALYs no treatment")
    expectPublished(r.cost("treatment"), 141_623, decimals: 0, "cost treatment")
    expectPublished(r.effect("treatment"), 16.400, decimals: 3, "QALYs treatment")
    expectPublished(-r("net_saving.treatment.total"), 65_647, decimals: 0, "incremental cost")
    expectPublished(r("effect_gain.treatment.qaly"), 0.562, decimals: 3, "QALYs gained")
    let icer = -r("net_saving.treatment.total") / r("effect_gain.treatment.qaly")
    expectPublished(icer, 116_901, decimals: 0, "ICER")
    // numpy: m_{t+1} = m_t P (competing probabilities), Σ_{t=0}^{30} m_t·r/1.03^t.
    expectReference(r.cost("no_treatment"), 75976.14914014253, "cost no treatment")
    expectReference(r.effect("no_treatment"), 15.838847814542657, "QALYs no treatment")
    expectReference(r.cost("treatment"), 141623.02818834377, "cost treatment")
    expectReference(r.effect("treatment"), 16.4004055892414, "QALYs treatment")
    expectReference(icer, 116901.38042059589, "ICER")
  }

  /// Appendix A (microsimulation) through the individual engine: 200 runs × 500 individuals
  /// (100,000 individuals, as in the paper; fixed parameters, so the runs are i.i.d.
  /// cohorts). The mean must lie within 3 MCSE of the exact expectation (Appendix C), the
  /// MCSEs must match the published ones (they measure the same spread of a 100,000-person
  /// mean), and the increments' small MCSEs show common random numbers across arms.
  @Test("Krijkamp 2018 Sick-Sicker microsimulation (Appendix A): within 3 MCSE of the exact expectation")
  func krijkampMicrosimulation() throws {
    var scenario = try loadValidation("krijkamp-microsim.yaml")
    scenario.clients = 500
    let model = try CompiledModel(scenario)
    let runs = 200
    let seed: UInt64 = 1  // fixed before looking at any result
    var matrix = [Double](repeating: .nan, count: runs * model.layout.count)
    let sim = Simulation(model: model, seed: seed, threads: 2, engine: .individual)
    try matrix.withUnsafeMutableBufferPointer { (b) throws(SimulationError) in try sim.run(runs: runs, into: b) }

    // (metric, sign, exact expectation per person (numpy cohort twin), Appendix A value and
    // MCSE, Appendix D value and MCSE).
    let checks: [(metric: String, sign: Double, exact: Double, a: Double, aMCSE: Double, d: Double?, dMCSE: Double?)] = [
      ("cost.no_treatment.total", 1, 75976.14914014253, 75_996, 183, 76_184, 184),
      ("effect.no_treatment.qaly", 1, 15.838847814542657, 15.823, 0.016, 15.858, 0.016),
      ("cost.treatment.total", 1, 141623.02818834377, 141_644, 343, 142_039, 344),
      ("effect.treatment.qaly", 1, 16.4004055892414, 16.384, 0.016, 16.421, 0.016),
      ("net_saving.treatment.total", -1, 65646.87904820124, 65_648, 164, 65_855, 164),
      ("effect_gain.treatment.qaly", 1, 0.5615577746987448, 0.561, 0.001, 0.563, 0.001),
    ]
    let n = Double(scenario.clients)
    var report: [String] = []
    for c in checks {
      let j = try #require(model.layout.index(of: c.metric))
      let (mean, mcse) = meanAndMCSE(matrix.map { $0 * c.sign / n }, columns: model.layout.count, column: j)
      #expect(abs(mean - c.exact) <= 3 * mcse, "\(c.metric): mbc \(mean) ± \(mcse), exact \(c.exact)")
      // The MCSE of a 100,000-person mean: the published MCSE (rounded) within ±20%, which
      // is about 4 standard errors of an SD estimated from 200 runs (±5% each) plus rounding.
      #expect(abs(mcse / c.aMCSE - 1) < 0.2 || c.aMCSE < 0.01 && abs(mcse - c.aMCSE) < 0.0006,
              "\(c.metric): mbc MCSE \(mcse), published \(c.aMCSE)")
      let za = (c.a - mean) / (c.aMCSE * c.aMCSE + mcse * mcse).squareRoot()
      report.append("\(c.metric): mbc \(mean) (MCSE \(mcse)); exact \(c.exact) (\(String(format: "%+.2f", (mean - c.exact) / mcse)) MCSE); App. A \(c.a) (\(String(format: "%+.2f", za)) combined SE)")
      if let d = c.d, let dm = c.dMCSE {
        let zd = (d - mean) / (dm * dm + mcse * mcse).squareRoot()
        report[report.count - 1] += "; App. D \(d) (\(String(format: "%+.2f", zd)) combined SE)"
      }
    }
    print(report.joined(separator: "\n"))
  }
}
