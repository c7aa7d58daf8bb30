import Foundation
import Testing

@testable import MBCEngine
@testable import MBCScenario

/// The individual engine agrees in expectation with the cohort engine (the exact trace) on
/// scenarios with time dependence, tunnels (time in state), subgroups, attributes, ages,
/// effects with their own timing and discounting, and transition rewards.
///
/// With fixed parameters the runs are i.i.d. cohorts, so the mean over R runs of a metric has
/// standard error sd/√R (estimated from the runs). Each metric must lie within 4 MCSE of the
/// cohort value: a false failure has probability ≈ 6e-5 per metric (two-sided normal tail),
/// ≈ 3e-3 over the ~50 metrics of this suite. Metrics that are exactly 0 in the cohort must be
/// exactly 0 in every run.
@Suite("Individual and cohort engines agree")
struct EngineAgreementTests {
  func compare(_ yaml: String, runs: Int = 400, file: String = #filePath, line: Int = #line) throws {
    let m = try model(yaml)
    #expect(m.scenario.warnings.isEmpty, "\(m.scenario.warnings)")
    let exact = try BaseCase.cohortResults(m)
    let matrix = try simulate(m, runs: runs, engine: .individual)
    var compared = 0
    for (j, column) in m.layout.columns.enumerated() {
      let (mean, mcse) = meanAndMCSE(matrix, columns: m.layout.count, column: j)
      if mcse == 0 {
        #expect(abs(mean - exact[j]) <= 1e-9 * max(1, abs(exact[j])), "\(column.name): \(mean) vs exact \(exact[j])")
      } else {
        #expect(abs(mean - exact[j]) < 4 * mcse, "\(column.name): \(mean) ± \(mcse) vs exact \(exact[j]), \(abs(mean - exact[j]) / mcse) MCSE")
      }
      compared += 1
    }
    #expect(compared == m.layout.count)
    // The cohort engine through the parallel driver gives the same exact values in every run.
    let cohort = try simulate(m, runs: 3, engine: .cohort)
    for j in 0..<m.layout.count { #expect(cohort[m.layout.count + j] == exact[j]) }
  }

  @Test("time-dependent hazard (Weibull in time) and a treatment effect that stops after 12 cycles")
  func test_timeDependence() throws {
    try compare("""
      format: mbc/1
      cycle: month
      horizon: {value: 36, source: t}
      clients: {value: 60, source: t}
      discount: {costs: 0.03, effects: 0.015, source: t}
      payers: [insurer]
      states: [Well, Sick, Dead]
      start: Well
      parameters:
        scale: {value: 4, source: t}
        shape: {value: 1.5, source: t}
        rr: {value: 0.5, source: t}
        effect_months: {value: 12, source: t}
        p_recover: {value: 0.2, source: t}
        p_die: {value: 0.03, source: t}
        c_sick: {value: 900, source: t}
        u_well: {value: 0.9, source: t}
        u_sick: {value: 0.6, source: t}
      transitions:
        Sick: {Well: p_recover, Dead: p_die}
      arms:
        usual:
          transitions:
            Well: {Sick: "1 - exp((time / scale) ^ shape - ((time + cycle_length) / scale) ^ shape)"}
        treated:
          transitions:
            Well: {Sick: "(1 - exp((time / scale) ^ shape - ((time + cycle_length) / scale) ^ shape)) * if(cycle < effect_months, rr, 1)"}
      events:
        falls_sick: {on_enter: Sick}
      costs:
        sick: {per: cycle, states: Sick, amount: "c_sick * if(cycle < effect_months, 1, rr)", payer: insurer}
      effects:
        qaly:
          timing: half_cycle
          values:
            well: {per: cycle, states: Well, amount: u_well * cycle_length}
            sick: {per: cycle, states: Sick, amount: u_sick * cycle_length}
      """)
  }

  @Test("tunnel states: recovery depends on time in state; moves carry rewards at the next boundary")
  func test_tunnels() throws {
    try compare("""
      format: mbc/1
      cycle: year
      horizon: {value: 20, source: t}
      clients: {value: 50, source: t}
      discount: {costs: 0.04, effects: 0.04, source: t}
      timing: {first: 0.5, odd: 1, even: 1, last: 0.5}
      transition_timing: next_boundary
      payers: [municipality, insurer]
      states: [Housed, Homeless, Dead]
      start: {Housed: 0.8, Homeless: 0.2}
      parameters:
        p_evict: {value: 0.08, source: t}
        p_rehouse_first: {value: 0.4, source: t}
        decay: {value: 0.5, source: t}
        p_die_homeless: {value: 0.04, source: t}
        p_die_housed: {value: 0.01, source: t}
        longest: {value: 5, source: t}
        first_years: {value: 2, source: t}
        harm: {value: 0.2, source: t}
        c_shelter: {value: 30000, source: t}
        c_eviction: {value: 8000, source: t}
        share_municipality: {value: 0.7, source: t}
      transitions:
        Housed: {Homeless: p_evict, Dead: p_die_housed}
        Homeless: {Housed: "p_rehouse_first * decay ^ min(time_in_state, longest)", Dead: p_die_homeless}
      arms:
        usual: {}
        outreach:
          parameters: {p_evict: p_evict * decay}
      events:
        eviction: {on_transition: {from: Housed, to: Homeless}}
        rehoused: {on_enter: Housed}
      costs:
        shelter: {per: cycle, states: Homeless, amount: "c_shelter * if(time_in_state < first_years, 1, decay)", payer: municipality}
        eviction: {per: event, event: eviction, amount: c_eviction, payers: {municipality: share_municipality, insurer: 1 - share_municipality}, source: t}
      effects:
        years_housed:
          values:
            housed: {per: cycle, states: Housed, amount: 1}
            eviction_harm: {per: event, event: eviction, amount: -harm}
      """, runs: 500)
  }

  @Test("subgroups with shares, categorical attributes, ages advancing through a life table, per-event rewards")
  func test_subgroupsAttributesAges() throws {
    try compare("""
      format: mbc/1
      cycle: quarter
      horizon: {value: 40, source: t}
      clients:
        count: {value: 80, source: t}
        attributes:
          sex: {female: share_female, male: 1 - share_female}
        subgroups:
          young: {share: 0.6, start: Avoiding, attributes: {age: {value: 30, source: t}}, source: t}
          old: {share: 0.4, start: {Avoiding: 0.5, InCare: 0.5}, attributes: {age: {value: 63, source: t}, sex: {female: 0.6, male: 0.4, source: t}}, source: t}
      discount: {costs: 0.03, source: t}
      payers: [municipality, insurer, police]
      states: [Avoiding, InCare, Dead]
      tables:
        mortality: {bands: [0, 40, 60, 65, 70], values: [0.001, 0.003, 0.01, 0.02, 0.04], source: t}
      parameters:
        share_female: {value: 0.3, source: t}
        p_care: {value: 0.05, source: t}
        p_drop: {value: 0.1, source: t}
        hr_male: {value: 1.5, source: t}
        rr_old: {value: 2, source: t}
        lambda: {value: 0.4, source: t}
        c_care: {value: 1500, source: t}
        c_callout: {value: 320, source: t}
        rr_young: {value: 1.5, source: t}
        pension_age: {value: 65, source: t}
      transitions:
        Avoiding: {InCare: p_care, Dead: "lookup(mortality, age) * if(sex == 'male', hr_male, 1)"}
        InCare: {Avoiding: p_drop, Dead: "lookup(mortality, age)"}
      arms:
        usual: {}
        outreach:
          inherits: usual
          parameters: {p_care: p_care * rr_old}
      events:
        callouts: {rate: {Avoiding: "lambda * if(subgroup == 'young', rr_young, 1)"}}
        death: {on_enter: Dead}
      costs:
        care: {per: cycle, states: InCare, amount: "c_care * if(age >= pension_age, rr_old, 1)", payers: {insurer: 0.8, municipality: 0.2}, source: t}
        callout: {per: event, event: callouts, amount: "c_callout * if(sex == 'female', 1, hr_male)", payer: police}
        intake: {per: start, amount: "c_care * if(subgroup == 'old', rr_old, 1)", payer: municipality, arms: outreach}
      effects:
        senior_years:
          values:
            alive: {per: cycle, states: [Avoiding, InCare], amount: "if(age >= pension_age, cycle_length, 0)"}
      """, runs: 400)
  }
}
