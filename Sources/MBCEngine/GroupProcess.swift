import Foundation

/// The arithmetic of groups (``MBCScenario/Scenario/Group``): how the clients of a run are
/// divided over groups, when a group closes, and — for the cohort engine — the exact
/// expected number of members and open groups over time.
///
/// Members leave by the member state's row, independently and with the same probability
/// 1 − q_t in cycle t (the loader enforces this). Without closing, the members of a group of
/// n left at boundary t + 1 are K_{t+1} ~ Binomial(K_t, q_t). A group closes at the first
/// boundary t ∈ {0, …, T − 1} with K_t < minimum; its remaining members then move to the
/// closing state (at t = 0: the group never forms and they start there). Since members never
/// come back, K is non-increasing, and the process of one group is a Markov chain on
/// k ∈ {0, …, n} plus "closed", which ``expected(clients:size:minimum:stay:)`` follows exactly.
public enum GroupProcess {
  /// How N clients are divided over g = ⌈N / size⌉ groups as evenly as possible: the first
  /// `larger` groups have `smaller + 1` members, the others `smaller`.
  public struct Division: Equatable, Sendable {
    public var groups: Int
    public var smaller: Int
    public var larger: Int

    public init(clients N: Int, size: Int) {
      groups = N == 0 ? 0 : (N + size - 1) / size
      smaller = groups == 0 ? 0 : N / groups
      larger = groups == 0 ? 0 : N - smaller * groups
    }

    /// The group of client c (clients are assigned in order).
    public func group(ofClient c: Int) -> Int {
      let inLarger = larger * (smaller + 1)
      return c < inLarger ? c / (smaller + 1) : larger + (c - inLarger) / smaller
    }

    /// The first client of group g and the number of its members.
    public func members(ofGroup g: Int) -> (first: Int, count: Int) {
      g < larger ? (g * (smaller + 1), smaller + 1) : (larger * (smaller + 1) + (g - larger) * smaller, smaller)
    }
  }

  /// The closing boundary of one group from its members' exit cycles (e_c: the cycle in which
  /// member c leaves by its row, T when it stays to the end): the first t ∈ {0, …, T − 1}
  /// with K_t = #{c : e_c ≥ t} < minimum, or nil when the group stays open.
  public static func closingBoundary(exitCycles: UnsafeBufferPointer<Int32>, minimum: Int, horizon T: Int) -> Int? {
    if minimum <= 0 { return nil }
    // K_t counts members with e_c ≥ t; it only falls, so step t along while it is ≥ minimum.
    for t in 0..<T {
      var k = 0
      for e in exitCycles where Int(e) >= t { k += 1 }
      if k < minimum { return t }
    }
    return nil
  }

  /// Expected values of the group process for the whole cohort.
  public struct Expectation: Sendable {
    /// Expected members at boundary t = 0 … T (clients in the member state).
    public var members: [Double]
    /// Expected open groups during cycle t = 0 … T − 1.
    public var openGroups: [Double]
    /// Groups that form (those with at least `minimum` members at the start).
    public var formed: Double
    /// Clients whose group does not form (they start in the closing state).
    public var notFormed: Double
  }

  /// The exact expected members and open groups when N clients are divided into groups of
  /// `size` that close below `minimum`, and a member stays in cycle t with probability
  /// `stay[t]` (t = 0 … T − 1). Per group size n: π_t(k) = P(open with k members at
  /// boundary t); π_0 = δ_n; π'(k′) = Σ_k π_t(k)·Binom(k′; k, q_t); π_{t+1}(k′) = π'(k′)
  /// for k′ ≥ minimum or t + 1 = T, else 0 (closed). members_t = Σ_k k·π_t(k) and
  /// openGroups_t = Σ_k π_t(k), summed over groups.
  public static func expected(clients N: Int, size: Int, minimum: Int, stay: [Double]) -> Expectation {
    let T = stay.count
    let division = Division(clients: N, size: size)
    var out = Expectation(members: [Double](repeating: 0, count: T + 1), openGroups: [Double](repeating: 0, count: T), formed: 0, notFormed: 0)
    for (n, groups) in [(division.smaller + 1, division.larger), (division.smaller, division.groups - division.larger)] where groups > 0 && n > 0 {
      let weight = Double(groups)
      if n < minimum {
        out.notFormed += weight * Double(n)
        continue
      }
      out.formed += weight
      var pi = [Double](repeating: 0, count: n + 1)
      pi[n] = 1
      var next = pi
      var binomial = [Double](repeating: 0, count: n + 1)
      for t in 0...T {
        for k in 0...n where pi[k] != 0 { out.members[t] += weight * Double(k) * pi[k] }
        if t == T { break }
        for k in 0...n where pi[k] != 0 { out.openGroups[t] += weight * pi[k] }
        // Thinning: each of k members stays with probability q.
        let q = min(1, max(0, stay[t]))
        for k in 0...n { next[k] = 0 }
        for k in 0...n where pi[k] != 0 {
          binomialPMF(k, q, into: &binomial)
          for j in 0...k { next[j] += pi[k] * binomial[j] }
        }
        if t + 1 < T { for j in 0..<min(minimum, n + 1) { next[j] = 0 } }
        swap(&pi, &next)
      }
    }
    return out
  }

  /// Binom(j; k, q) for j = 0 … k into `out[0 … k]`, by the recurrence
  /// P(j + 1) = P(j)·(k − j)/(j + 1)·q/(1 − q) from P(0) = (1 − q)^k, in logs for large k.
  static func binomialPMF(_ k: Int, _ q: Double, into out: inout [Double]) {
    if q <= 0 {
      for j in 0...k { out[j] = j == 0 ? 1 : 0 }
      return
    }
    if q >= 1 {
      for j in 0...k { out[j] = j == k ? 1 : 0 }
      return
    }
    let logQ = log(q), log1Q = log1p(-q)
    var logC = 0.0  // log C(k, j)
    for j in 0...k {
      if j > 0 { logC += log(Double(k - j + 1)) - log(Double(j)) }
      out[j] = exp(logC + Double(j) * logQ + Double(k - j) * log1Q)
    }
  }
}
