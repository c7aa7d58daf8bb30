import Foundation
import Testing

@testable import MBCEngine
@testable import MBCScenario

/// Per-run parameter draws: correlated groups (Gaussian copula), vector parameters, price
/// years and arm settings.
@Suite("Parameter sampling")
struct ParameterSamplingTests {
  static let header = """
    format: mbc/1
    horizon: {value: 2, source: t}
    clients: {value: 1, source: t}
    payers: [p]
    states: [A, B]
    start: A

    """

  /// Draws `runs` runs and returns the named values per run (base values, or arm `arm`'s).
  func draws(_ yaml: String, names: [String], runs: Int, arm: Int? = nil) throws -> [[Double]] {
    let m = try model(Self.header + yaml)
    let tables = RunTables(m)
    var out = [[Double]](repeating: [], count: names.count)
    for r in 0..<runs {
      try tables.drawParameters(seed: 9, run: r)
      let v = arm.map { tables.values[$0] } ?? tables.base
      for (i, n) in names.enumerated() { out[i].append(v[m.slots.slotByName[n]!]) }
    }
    return out
  }

  static func ranks(_ x: [Double]) -> [Double] {
    var r = [Double](repeating: 0, count: x.count)
    for (rank, i) in x.indices.sorted(by: { x[$0] < x[$1] }).enumerated() { r[i] = Double(rank) }
    return r
  }

  static func pearson(_ x: [Double], _ y: [Double]) -> Double {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in x.indices {
      sxy += (x[i] - mx) * (y[i] - my)
      sxx += (x[i] - mx) * (x[i] - mx)
      syy += (y[i] - my) * (y[i] - my)
    }
    return sxy / (sxx * syy).squareRoot()
  }

  @Test("a rank correlation is reproduced and each marginal keeps its own distribution")
  func test_copula_rank() throws {
    let n = 60_000
    let d = try draws("""
      parameters:
        a: {dist: gamma, mean: 30000, sd: 5000, source: t}
        b: {dist: lognormal, mean: 10000, sd: 2000, source: t}
        c: {dist: beta, mean: 0.1, sd: 0.02, source: t}
      correlations:
        costs: {parameters: [a, b, c], rank: [[1, 0.6, -0.3], [0.6, 1, 0], [-0.3, 0, 1]], source: t}
      arms: {only: {transitions: {A: {B: c}}}}
      costs: {x: {per: cycle, states: A, amount: a + b, payer: p}}
      """, names: ["a", "b", "c"], runs: n)
    // Spearman's ρ of n pairs has standard error ≈ (1 − ρ²)·√(1.06/(n − 3)) (Fieller, Hartley &
    // Pearson 1957): 0.0027 for ρ = 0.6 and 0.0038 for ρ = −0.3 at n = 60 000. Allow 5 SE.
    let ab = Self.pearson(Self.ranks(d[0]), Self.ranks(d[1]))
    let ac = Self.pearson(Self.ranks(d[0]), Self.ranks(d[2]))
    let bc = Self.pearson(Self.ranks(d[1]), Self.ranks(d[2]))
    let unit: Double = (1.06 / Double(n - 3)).squareRoot()
    let tolAB: Double = 5 * 0.64 * unit
    let tolAC: Double = 5 * 0.91 * unit
    let tolBC: Double = 5 * unit
    #expect(abs(ab - 0.6) < tolAB, "ρ(a, b) = \(ab)")
    #expect(abs(ac + 0.3) < tolAC, "ρ(a, c) = \(ac)")
    #expect(abs(bc) < tolBC, "ρ(b, c) = \(bc)")
    // Marginal means within 4 SE (SE = sd/√n).
    let expected: [(Double, Double)] = [(30000, 5000), (10000, 2000), (0.1, 0.02)]
    for (values, (mean, sd)) in zip(d, expected) {
      let m: Double = values.reduce(0, +) / Double(n)
      let tolerance: Double = 4 * sd / Double(n).squareRoot()
      #expect(abs(m - mean) < tolerance, "mean \(m) vs \(mean)")
    }
    // The common mistake (using ρ as the normal-score correlation) gives 0.5819 for ρ = 0.6:
    // outside the tolerance, so the test can tell.
    #expect(abs(0.5819 - 0.6) > tolAB)
  }

  @Test("a Pearson correlation of normal scores gives that correlation between normal parameters")
  func test_copula_pearson() throws {
    let n = 20_000
    let d = try draws("""
      parameters:
        x: {dist: normal, mean: 0, sd: 1, source: t}
        y: {dist: normal, mean: 5, sd: 2, source: t}
        p: {value: 0.1, source: t}
      correlations:
        g: {parameters: [x, y], pearson: [[1, 0.8], [0.8, 1]], source: t}
      arms: {only: {transitions: {A: {B: p}}}}
      costs: {c: {per: cycle, states: A, amount: x + y, payer: p}}
      """, names: ["x", "y"], runs: n)
    // Pearson's r of bivariate normal pairs: SE ≈ (1 − r²)/√n = 0.0025; allow 5 SE.
    let r: Double = Self.pearson(d[0], d[1])
    let tolerance: Double = 5 * 0.36 / Double(n).squareRoot()
    #expect(abs(r - 0.8) < tolerance)
  }

  @Test("a matrix that is not positive definite is an error naming it, or repaired with a warning when asked")
  func test_copula_notPositiveDefinite() throws {
    let yaml = Self.header + """
      parameters:
        a: {dist: normal, mean: 0, sd: 1, source: t}
        b: {dist: normal, mean: 0, sd: 1, source: t}
        c: {dist: normal, mean: 0, sd: 1, source: t}
        p: {value: 0.1, source: t}
      correlations:
        bad: {parameters: [a, b, c], pearson: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]], source: t}
      arms: {only: {transitions: {A: {B: p}}}}
      costs: {c: {per: cycle, states: A, amount: a + b + c, payer: p}}
      """
    let scenario = try ScenarioLoader.load(yaml: yaml, file: "t.yaml")
    #expect(throws: ScenarioError.self) { try CompiledModel(scenario) }
    do {
      _ = try CompiledModel(scenario)
    } catch {
      #expect(error.errors.count == 1)
      #expect(error.errors[0].description.hasPrefix("t.yaml:13:3: error: correlations.bad: the correlation matrix of a, b, c is not positive definite"), "\(error)")
      #expect(error.errors[0].description.hasSuffix("correct it, or add 'repair: true' to use the nearest valid matrix"))
    }
    let repaired = try model(yaml.replacingOccurrences(of: "source: t}\narms", with: "repair: true, source: t}\narms"))
    #expect(repaired.scenario.warnings.count == 1)
    #expect(repaired.scenario.warnings.first?.description.contains("it was replaced by the nearest correlation matrix (Higham 2002") == true)
    let tables = RunTables(repaired)
    try tables.drawParameters(seed: 1, run: 0)
    #expect(tables.base[0].isFinite && tables.base[1].isFinite && tables.base[2].isFinite)
  }

  @Test("Dirichlet components sum to 1 and have the right means; a multivariate normal has its mean and covariance")
  func test_vectors() throws {
    let n = 20_000
    let d = try draws("""
      parameters:
        row: {dist: dirichlet, counts: {B: 12, C: 8, A: 80}, source: t}
        beta: {dist: mvnormal, mean: {b0: -3, b1: 0.5}, covariance: [[0.04, -0.01], [-0.01, 0.01]], source: t}
      arms: {only: {transitions: {A: {B: row.B}}}}
      costs: {c: {per: cycle, states: A, amount: row.C + row.A + beta.b0 + beta.b1, payer: p}}
      """, names: ["row.B", "row.C", "row.A", "beta.b0", "beta.b1"], runs: n)
    for i in 0..<n { #expect(abs(d[0][i] + d[1][i] + d[2][i] - 1) < 1e-12) }
    // Dirichlet(12, 8, 80): mean α_i/100, variance α_i(100 − α_i)/(100²·101); 4 SE.
    let root: Double = Double(n).squareRoot()
    let alphas: [Double] = [12, 8, 80]
    for (values, alpha) in zip(d.prefix(3), alphas) {
      let sd: Double = (alpha * (100 - alpha) / (10_000 * 101)).squareRoot()
      let m: Double = values.reduce(0, +) / Double(n)
      #expect(abs(m - alpha / 100) < 4 * sd / root)
    }
    let m0: Double = d[3].reduce(0, +) / Double(n)
    let m1: Double = d[4].reduce(0, +) / Double(n)
    #expect(abs(m0 + 3) < 4 * 0.2 / root)
    #expect(abs(m1 - 0.5) < 4 * 0.1 / root)
    // Correlation −0.01/(0.2·0.1) = −0.5; SE ≈ (1 − r²)/√n; 5 SE.
    let r: Double = Self.pearson(d[3], d[4])
    #expect(abs(r + 0.5) < 5 * 0.75 / root)
  }

  @Test("price years scale draws; arm settings recompute what depends on them")
  func test_priceYearsAndArmSettings() throws {
    let yaml = """
      price_year: 2024
      price_index: {factors: {2016: 1.299}, source: CBS}
      parameters:
        c: {dist: gamma, mean: 100, sd: 10, price_year: 2016, source: t}
        p: {value: 0.1, source: t}
        q: {expr: p * 2, source: t}
      arms:
        one: {transitions: {A: {B: q}}}
        two: {inherits: one, parameters: {p: {value: 0.3, source: t}}}
      costs: {x: {per: cycle, states: A, amount: c, payer: p}}
      """
    let m = try model(Self.header + yaml)
    let means = try BaseCase.parameterValues(m)
    #expect(abs(means[m.slots.slotByName["c"]!] - 129.9) < 1e-9)
    let two = try draws(yaml, names: ["p", "q", "c"], runs: 3, arm: 1)
    let one = try draws(yaml, names: ["p", "q", "c"], runs: 3, arm: 0)
    #expect(two[0] == [0.3, 0.3, 0.3] && two[1].allSatisfy { abs($0 - 0.6) < 1e-15 })
    #expect(one[0] == [0.1, 0.1, 0.1] && one[1].allSatisfy { abs($0 - 0.2) < 1e-15 })
    #expect(two[2] == one[2])  // the same draw of c in both arms
  }
}
