import Foundation
import Testing

@testable import MBCScenario

/// `budget:` (the open-cohort budget model of `mbc stress`): a complete section read field by
/// field, the defaults, and each mistake reported with its message, key path and place.
@Suite("Budget language")
struct BudgetLanguageTests {
  /// A two-arm model (UC the reference, BZ the programme) with three states; the budget is
  /// appended by ``yaml(_:replacing:)``.
  static let model = """
    format: mbc/1
    name: tiny-budget
    price_year: 2025
    cycle: month
    horizon: {value: 12, assumption: one year}
    clients: {value: 10, assumption: small test cohort}
    discount: {costs: 0.03, source: Zorginstituut 2024}
    payers: [municipality, insurer]
    states: [Well, Engaged, Sick]
    start: Well
    reference: UC
    parameters:
      p_sick: {dist: beta, mean: 0.1, sd: 0.02, source: test}
      p_engage: {value: 0.2, source: test}
      c_sick: {value: 100, source: test}
      rate: {value: 8, source: test}
      fte: {value: 3, source: test}
      c_fte: {value: 90000, source: CAO}
    transitions:
      Well: {Sick: p_sick}
    arms:
      UC: {label: Usual care}
      BZ: {label: Programme, transitions: {Well: {Engaged: p_engage, Sick: p_sick}}}
    costs:
      sick: {per: cycle, states: Sick, amount: c_sick, payer: insurer}

    """

  /// A complete budget: every key given, numbers documented.
  static let full = """
    budget:
      arm: BZ
      start_year: 2027
      years: 5
      inflow:
        rate: rate
        seasonality: {value: [1.2, 1.2, 1.1, 1, 1, 0.9, 0.6, 0.8, 1, 1.05, 1.05, 1.1], source: CBS}
        trend: {value: 0.03, assumption: growth}
      capacity:
        fte: fte
        caseload: {value: 12, source: GGZ norm}
        ramp_up_months: 6
      waiting:
        dropout: {value: 0.1, assumption: guess}
        max_months: 4
      service:
        states: [Well, Engaged]
        max_months: 18
      programme:
        payer: municipality
        startup: 50000
        fixed_per_year: 40000
        per_fte_year: c_fte
        per_client: 250
        per_client_month: 10
        assumption: tender figures
      indexation: {value: 0.025, source: CPB}
      lines:
        wmo: {label: Wmo line, payer: municipality, covers: programme, cap: [400000, 420000], source: begroting}
        zvw: {payer: insurer, covers: care}
        both: {label: Everything, payer: municipality, cap: {value: 1e6, source: begroting}}
      variants:
        surge: {label: Surge, referral_surge: {percent: 30, from_month: 12}}
        wages: {label: Wages, price_rise: {percent: 7, from_month: 24, applies_to: all}}
        wages_p: {price_rise: {percent: -5, from_month: 0}}
        stop: {label: Stop, funding_stop: {after_month: 18, in_care: stop}}
        finish: {funding_stop: {after_month: 59}}
        slow: {label: Slow, ramp_up_months: 12, source: plan}
    """

  /// The smallest budget: defaults for everything optional.
  static let minimal = """
    budget:
      years: 2
      inflow: {rate: rate}
      capacity: {fte: fte, caseload: {value: 12, source: x}}
      waiting: {max_months: 6}
      service: {states: Well}
      programme: {payer: municipality, per_fte_year: c_fte}
    """

  static func yaml(_ budget: String = full, replacing: [(String, String)] = []) -> String {
    var s = model + budget + "\n"
    for (a, b) in replacing {
      precondition(s.contains(a), "test setup: '\(a)' is not in the scenario")
      s = s.replacingOccurrences(of: a, with: b)
    }
    return s
  }

  static func diagnostics(_ yaml: String) -> (errors: [ScenarioDiagnostic], warnings: [ScenarioDiagnostic]) {
    switch load(yaml) {
    case .success(let s): return ([], s.warnings)
    case .failure(let e): return (e.errors, e.diagnostics.filter { $0.severity == .warning })
    }
  }

  /// The 1-based line of the first line of `yaml` containing `marker`.
  static func line(of marker: String, in yaml: String) -> Int? {
    yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(marker) }.map { $0 + 1 }
  }

  @Test("a complete budget loads with every field as written")
  func test_fullBudget() throws {
    let s = try load(Self.yaml()).get()
    #expect(s.warnings.isEmpty, "\(s.warnings)")
    let b = try #require(s.budget)
    #expect(s.arms[b.arm].name == "BZ")
    #expect(b.startYear == 2027 && b.years == 5 && b.months == 60)
    #expect(b.inflow.rate.text == "rate")
    #expect(b.inflow.seasonality == [1.2, 1.2, 1.1, 1, 1, 0.9, 0.6, 0.8, 1, 1.05, 1.05, 1.1])
    #expect(b.inflow.trend.constantValue == 0.03)
    #expect(b.capacity.fte.text == "fte" && b.capacity.caseload.constantValue == 12 && b.capacity.rampUpMonths == 6)
    #expect(b.waiting.dropout.constantValue == 0.1 && b.waiting.maxMonths == 4)
    #expect(b.service.states.map { s.states[$0].name } == ["Well", "Engaged"])
    #expect(b.service.maxMonths == 18)
    #expect(s.payers[b.programme.payer].name == "municipality")
    #expect(b.programme.startup.constantValue == 50000 && b.programme.fixedPerYear.constantValue == 40000)
    #expect(b.programme.perFTEYear.text == "c_fte")
    #expect(b.programme.perClient.constantValue == 250 && b.programme.perClientMonth.constantValue == 10)
    #expect(b.indexation.constantValue == 0.025)

    #expect(b.lines.map(\.name) == ["wmo", "zvw", "both"])
    #expect(b.lines.map(\.label) == ["Wmo line", "zvw", "Everything"])
    #expect(b.lines.map { s.payers[$0.payer].name } == ["municipality", "insurer", "municipality"])
    #expect(b.lines.map(\.covers) == [.programme, .care, .all])
    #expect(b.lines.map { $0.caps.map(\.constantValue) } == [[400000, 420000], [], [1e6]])
    #expect(b.lines[0].provenance.source == "begroting")

    #expect(b.variants.map(\.name) == ["surge", "wages", "wages_p", "stop", "finish", "slow"])
    #expect(b.variants.map(\.label) == ["Surge", "Wages", "wages_p", "Stop", "finish", "Slow"])
    let v = b.variants
    #expect(v[0].surge?.percent == 30 && v[0].surge?.fromMonth == 12)
    #expect(v[0].priceRise == nil && v[0].fundingStop == nil && v[0].rampUpMonths == nil)
    #expect(v[1].priceRise?.percent == 7 && v[1].priceRise?.fromMonth == 24 && v[1].priceRise?.programmeOnly == false)
    #expect(v[2].priceRise?.percent == -5 && v[2].priceRise?.fromMonth == 0 && v[2].priceRise?.programmeOnly == true)
    #expect(v[3].fundingStop?.afterMonth == 18 && v[3].fundingStop?.finish == false)
    #expect(v[4].fundingStop?.afterMonth == 59 && v[4].fundingStop?.finish == true)
    #expect(v[5].rampUpMonths == 12 && v[5].surge == nil)
    #expect(v[5].provenance.source == "plan")

    #expect(b.sources["inflow.seasonality"]?.source == "CBS")
    #expect(b.sources["capacity.caseload"]?.source == "GGZ norm")
    #expect(b.sources["programme.startup"]?.assumption == "tender figures")
    #expect(b.sources["indexation"]?.source == "CPB")
    #expect(b.location?.line == Self.line(of: "budget:", in: Self.yaml()))
  }

  @Test("defaults: the only other arm, start_year = price_year, seasonality 1, no trend, ramp-up, costs or indexation")
  func test_defaults() throws {
    let s = try load(Self.yaml(Self.minimal)).get()
    let b = try #require(s.budget)
    #expect(s.arms[b.arm].name == "BZ")
    #expect(b.startYear == 2025)
    #expect(b.inflow.seasonality == [Double](repeating: 1, count: 12))
    #expect(b.inflow.trend.constantValue == 0)
    #expect(b.capacity.rampUpMonths == 0)
    #expect(b.waiting.dropout.constantValue == 0)
    #expect(b.service.states.map { s.states[$0].name } == ["Well"])
    #expect(b.service.maxMonths == nil)
    #expect(b.programme.perFTEYear.text == "c_fte")
    for x in [b.programme.startup, b.programme.fixedPerYear, b.programme.perClient, b.programme.perClientMonth] {
      #expect(x.constantValue == 0)
    }
    #expect(b.indexation.constantValue == 0)
    #expect(b.lines.isEmpty && b.variants.isEmpty)
    // Without price_year, month 0 is in year 1.
    let noYear = try load(Self.yaml(Self.minimal, replacing: [("price_year: 2025\n", "")])).get()
    #expect(noYear.budget?.startYear == 1)
    // Without budget: there is none (mbc simulate ignores it anyway).
    #expect(try load(Self.model).get().budget == nil)
  }

  @Test("without 'arm', a model with two intervention arms is an error that lists them")
  func test_armNeededWithTwoInterventions() {
    let yaml = Self.yaml(
      Self.minimal, replacing: [("  BZ: {label: Programme", "  BZ2: {label: Other}\n  BZ: {label: Programme")])
    let (errors, _) = Self.diagnostics(yaml)
    #expect(errors.count == 1)
    #expect(errors.first?.keyPath == "budget")
    #expect(
      errors.first?.message.contains(
        "budget needs 'arm': the intervention arm clients are admitted to (one of BZ2, BZ)") == true,
      "\(errors)")
  }

  /// Each mistake: the budget after `replacing`, the key path, a fragment of the message, and
  /// a marker on the line the error must point at. Each gives exactly one error.
  @Test(
    "each mistake is reported once, with its message, key path and line",
    arguments: [
      (
        "missing inflow",
        [
          ("  inflow:\n    rate: rate\n", ""),
          ("    seasonality: {value: [1.2, 1.2, 1.1, 1, 1, 0.9, 0.6, 0.8, 1, 1.05, 1.05, 1.1], source: CBS}\n", ""),
          ("    trend: {value: 0.03, assumption: growth}\n", ""),
        ], "budget.inflow",
        "budget needs 'inflow': the referrals: {rate, seasonality, trend}", "budget:"
      ),
      (
        "missing inflow.rate", [("    rate: rate\n", "")], "budget.inflow",
        "missing key 'rate': new referrals per month (the Poisson mean)", "    seasonality:"
      ),
      (
        "unknown service state", [("states: [Well, Engaged]", "states: [Well, Engagd]")], "budget.service.states[1]",
        "unknown state 'Engagd'; did you mean 'Engaged'?", "states: [Well, Engagd]"
      ),
      (
        "unknown programme payer", [("    payer: municipality\n    startup", "    payer: gemeente\n    startup")],
        "budget.programme.payer", "unknown payer 'gemeente'; the payers are municipality, insurer", "payer: gemeente"
      ),
      (
        "unknown line payer", [("zvw: {payer: insurer", "zvw: {payer: insurr")], "budget.lines.zvw.payer",
        "unknown payer 'insurr'; did you mean 'insurer'?", "zvw: {payer: insurr"
      ),
      (
        "arm is the reference", [("arm: BZ", "arm: UC")], "budget.arm",
        "'UC' is the reference arm (usual care); the budget's arm is the intervention that clients are admitted to",
        "arm: UC"
      ),
      ("unknown arm", [("arm: BZ", "arm: BX")], "budget.arm", "unknown arm 'BX'; did you mean 'BZ'?", "arm: BX"),
      (
        "11 seasonal factors", [("[1.2, 1.2, 1.1, 1,", "[1.2, 1.1, 1,")], "budget.inflow.seasonality.value",
        "seasonality needs 12 factors, January to December, found 11", "seasonality:"
      ),
      (
        "negative seasonal factor", [("0.9, 0.6, 0.8", "0.9, -0.5, 0.8")], "budget.inflow.seasonality.value[6]",
        "a seasonal factor must be 0 or more, found -0.5", "seasonality:"
      ),
      (
        "drop-out above 1", [("dropout: {value: 0.1, assumption: guess}", "dropout: {value: 1.5, assumption: guess}")],
        "budget.waiting.dropout",
        "the monthly drop-out from the waiting list is a probability between 0 and 1, found 1.5",
        "dropout:"
      ),
      (
        "unknown covers", [("covers: care", "covers: cure")], "budget.lines.zvw.covers",
        "unknown budget line content 'cure'; did you mean 'care'?", "zvw:"
      ),
      (
        "variant that changes nothing",
        [("slow: {label: Slow, ramp_up_months: 12, source: plan}", "slow: {label: Slow}")],
        "budget.variants.slow",
        "variant 'slow' changes nothing; give referral_surge, price_rise, funding_stop or ramp_up_months", "slow:"
      ),
      (
        "variant named base", [("    slow: {label: Slow,", "    base: {label: Slow,")], "budget.variants.base",
        "'base' is the name of the scenario without a variant; choose another name", "base: {label: Slow"
      ),
      (
        "from_month outside", [("from_month: 12}", "from_month: 60}")],
        "budget.variants.surge.referral_surge.from_month",
        "month 60 is outside the stress test (months 0 to 59)", "surge:"
      ),
      (
        "negative from_month", [("from_month: 24,", "from_month: -1,")], "budget.variants.wages.price_rise.from_month",
        "month -1 is outside the stress test (months 0 to 59)", "wages:"
      ),
      (
        "unknown in_care", [("in_care: stop", "in_care: pause")], "budget.variants.stop.funding_stop.in_care",
        "unknown value 'pause'; expected 'finish' (clients in service finish it) or 'stop' (they go back to",
        "stop:"
      ),
      (
        "unknown applies_to", [("applies_to: all", "applies_to: care")], "budget.variants.wages.price_rise.applies_to",
        "unknown value 'care'; expected 'programme' (the programme's costs) or 'all' (every cost)", "wages:"
      ),
      (
        "percent of -100", [("percent: -5,", "percent: -100,")], "budget.variants.wages_p.price_rise.percent",
        "a change of -100 % would leave nothing or less; expected more than -100", "wages_p:"
      ),
      (
        "unknown key in capacity", [("ramp_up_months: 6", "ramp_up_month: 6")], "budget.capacity.ramp_up_month",
        "unknown key 'ramp_up_month' in budget.capacity; did you mean 'ramp_up_months'?", "ramp_up_month: 6"
      ),
      (
        "unknown key in budget", [("  indexation:", "  indexing: 0\n  indexation:")], "budget.indexing",
        "unknown key 'indexing' in budget", "indexing:"
      ),
      (
        "missing service states", [("    states: [Well, Engaged]\n", "")], "budget.service",
        "service needs 'states': the states of the intervention arm in which a client holds a caseload place",
        "max_months: 18"
      ),
      (
        "years out of range", [("years: 5", "years: 0")], "budget.years",
        "0 is out of range; expected the length of the stress test in years between 1 and 50", "years: 0"
      ),
      (
        "negative programme cost", [("per_client: 250", "per_client: -250")], "budget.programme.per_client",
        "expected the cost per admission, 0 or more, found -250", "per_client: -250"
      ),
      (
        "negative cap", [("cap: [400000, 420000]", "cap: [400000, -1]")], "budget.lines.wmo.cap[1]",
        "a budget cap must be an amount of 0 or more, found -1", "wmo:"
      ),
      (
        "unknown name in an expression", [("fte: fte", "fte: ftee")], "budget.capacity.fte",
        "in expression 'ftee': unknown name 'ftee'; did you mean 'fte'?", "fte: ftee"
      ),
      (
        "model variable in an expression", [("rate: rate", "rate: rate * cycle")], "budget.inflow.rate",
        "'cycle' changes during a run, but parameters are drawn once per run", "rate: rate * cycle"
      ),
    ] as [(String, [(String, String)], String, String, String)])
  func test_errors(
    _ name: String, _ replacing: [(String, String)], _ keyPath: String, _ fragment: String, _ marker: String
  ) {
    let yaml = Self.yaml(replacing: replacing)
    let (errors, _) = Self.diagnostics(yaml)
    #expect(errors.count == 1, "\(name): \(errors.map(\.description))")
    guard let e = errors.first else { return }
    #expect(e.keyPath == keyPath, "\(name): \(e.description)")
    #expect(e.message.contains(fragment), "\(name): \(e.description)")
    #expect(e.location?.file == "t.yaml")
    #expect(e.location?.line == Self.line(of: marker, in: yaml), "\(name): \(e.description)")
  }

  @Test("an error names file, line and column: drop-out 1.5 points at the number")
  func test_errorColumn() {
    let yaml = Self.yaml(replacing: [("dropout: {value: 0.1, assumption: guess}", "dropout: 1.5")])
    let line = Self.line(of: "dropout: 1.5", in: yaml)!
    let message = "the monthly drop-out from the waiting list is a probability between 0 and 1, found 1.5"
    #expect(errors(yaml) == ["t.yaml:\(line):14: error: budget.waiting.dropout: \(message)"])
  }

  @Test("a group in the budget's arms is refused: mbc stress does not model groups")
  func test_groupRefused() {
    let yaml = Self.yaml(
      Self.minimal,
      replacing: [
        (
          "costs:\n",
          "groups:\n  circle: {arms: [BZ], member: Well, size: 10, minimum: 6, on_close: Sick, source: t}\ncosts:\n"
        )
      ])
    let (errors, _) = Self.diagnostics(yaml)
    #expect(errors.count == 1 && errors.first?.keyPath == "budget", "\(errors)")
    #expect(
      errors.first?.message.contains(
        "group 'circle' takes part in the budget's arms; mbc stress does not model groups yet") == true)
  }

  @Test("seasonal factors that do not average 1 are a warning that says what they average")
  func test_seasonalityWarning() throws {
    let yaml = Self.yaml(replacing: [
      ("[1.2, 1.2, 1.1, 1, 1, 0.9, 0.6, 0.8, 1, 1.05, 1.05, 1.1]", "[2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1.4]")
    ])
    let s = try load(yaml).get()
    #expect(s.warnings.count == 1, "\(s.warnings)")
    #expect(s.warnings.first?.keyPath == "budget.inflow.seasonality.value")
    #expect(
      s.warnings.first?.message
        == "the seasonal factors average 1.95, not 1: they change the yearly number of referrals, not only its timing")
    // Still used as written.
    #expect(s.budget?.inflow.seasonality.last == 1.4)
    // Within 0.005 of 1: no warning (these average 1.004).
    let close = Self.yaml(replacing: [
      (
        "[1.2, 1.2, 1.1, 1, 1, 0.9, 0.6, 0.8, 1, 1.05, 1.05, 1.1]",
        "[1.048, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"
      )
    ])
    #expect(try load(close).get().warnings.isEmpty)
  }

  @Test("plain numbers without a source warn; with a source or assumption next to them (or on the section) they do not")
  func test_unsourcedNumbers() throws {
    // Every number of `minimal` is documented or a parameter: no warnings.
    #expect(try load(Self.yaml(Self.minimal)).get().warnings.isEmpty)
    // A bare caseload.
    let bare = Self.yaml(Self.minimal, replacing: [("caseload: {value: 12, source: x}", "caseload: 12")])
    let w = try load(bare).get().warnings
    #expect(w.count == 1, "\(w)")
    #expect(w.first?.keyPath == "budget.capacity.caseload")
    #expect(
      w.first?.message == "the number 12 in '12' has no source; make it a parameter with 'source:' or 'assumption:'")
    // An expression with a literal in it, bare.
    let expression = Self.yaml(Self.minimal, replacing: [("rate: rate", "rate: rate * 1.5")])
    #expect(try load(expression).get().warnings.map(\.keyPath) == ["budget.inflow.rate"])
    // The same, with an assumption next to it, and with one on the section.
    let own = Self.yaml(
      Self.minimal, replacing: [("caseload: {value: 12, source: x}", "caseload: {value: 12, assumption: guess}")])
    #expect(try load(own).get().warnings.isEmpty)
    let section = Self.yaml(
      Self.minimal, replacing: [("caseload: {value: 12, source: x}}", "caseload: 12, assumption: plan}")])
    #expect(try load(section).get().warnings.isEmpty)
    let expressionWithSource = Self.yaml(
      Self.minimal, replacing: [("rate: rate", "rate: {value: rate * 1.5, assumption: uplift}")])
    #expect(try load(expressionWithSource).get().warnings.isEmpty)
    // Seasonality without a source warns; a cap without one too.
    let seasons = Self.yaml(
      Self.minimal,
      replacing: [("inflow: {rate: rate}", "inflow: {rate: rate, seasonality: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}")])
    let sw = try load(seasons).get().warnings
    #expect(sw.map(\.keyPath) == ["budget.inflow.seasonality"], "\(sw)")
    #expect(sw.first?.message.contains("budget.inflow.seasonality has no source") == true)
    let cap = Self.yaml(Self.minimal + "\n  lines: {wmo: {payer: municipality, cap: 400000}}")
    #expect(try load(cap).get().warnings.map(\.keyPath) == ["budget.lines.wmo.cap"])
    let capDocumented = Self.yaml(
      Self.minimal + "\n  lines: {wmo: {payer: municipality, cap: 400000, source: begroting 2026}}")
    #expect(try load(capDocumented).get().warnings.isEmpty)
  }

  @Test("a source on the inflow section documents its seasonal factors, as it documents the rate and trend")
  func test_seasonalitySectionSource() throws {
    let yaml = Self.yaml(
      Self.minimal,
      replacing: [
        (
          "inflow: {rate: rate}",
          "inflow: {rate: rate, seasonality: [1.2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.8], trend: 0.02, source: CBS}"
        )
      ])
    let s = try load(yaml).get()
    #expect(s.warnings.isEmpty, "\(s.warnings)")
    #expect(s.budget?.sources["inflow.seasonality"]?.source == "CBS")
    #expect(s.budget?.sources["inflow.trend"]?.source == "CBS")
  }

  /// `programme:` accepts `price_year` (it is among the section's allowed keys), but the loader
  /// never reads it: amounts written in 2020 prices would silently be used as prices of the
  /// scenario's price year. It must either convert them with the scenario's price index (as
  /// parameters and cost lines do) or be an error.
  @Test("budget.programme.price_year converts the programme's amounts with the price index")
  func test_programmePriceYearIsNotIgnored() throws {
    let yaml = Self.yaml(
      Self.minimal,
      replacing: [
        (
          "programme: {payer: municipality, per_fte_year: c_fte}",
          "programme: {payer: municipality, per_fte_year: c_fte, fixed_per_year: 10000, price_year: 2020, source: b}"
        ),
        ("price_year: 2025\n", "price_year: 2025\nprice_index: {factors: {2020: 1.25}, source: CBS CPI}\n"),
      ])
    switch load(yaml) {
    case .failure(let e):
      // Refusing it is acceptable: then the message must name the key.
      #expect(e.errors.contains { $0.keyPath == "budget.programme.price_year" }, "\(e.errors)")
    case .success(let s):
      // Converting is acceptable: 10,000 in 2020 prices is 12,500 in 2025 prices.
      let fixed = s.budget?.programme.fixedPerYear
      #expect(fixed?.constantValue == 12_500, "fixed_per_year is \(fixed?.text ?? "nil"): price_year 2020 was ignored")
    }
  }

  @Test("parameters used only by the budget are not reported as unused")
  func test_budgetParametersAreUsed() throws {
    // `rate`, `fte` and `c_fte` appear only in the budget; the full budget loads without warnings.
    #expect(try load(Self.yaml()).get().warnings.isEmpty)
    let without = try load(Self.model).get().warnings.map(\.message)
    #expect(without.contains { $0.contains("'rate'") }, "\(without)")
  }
}
