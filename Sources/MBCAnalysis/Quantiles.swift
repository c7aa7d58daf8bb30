/// Sample quantiles of per-run values, by selection rather than sorting.
public enum Quantiles {
  /// Sample quantiles of Hyndman & Fan (1996) type 7, the default of R's `quantile()` and numpy's
  /// `'linear'` method.
  ///
  /// For n values with order statistics x₍₀₎ ≤ … ≤ x₍ₙ₋₁₎ (0-based) and a probability p:
  ///
  /// ```
  /// h = (n − 1)·p,   lo = ⌊h⌋,   hi = ⌈h⌉,   g = h − lo
  /// Q(p) = x₍lo₎                          when g = 0 or x₍hi₎ = x₍lo₎
  ///      = (1 − g)·x₍lo₎ + g·x₍hi₎         otherwise
  /// ```
  ///
  /// The arithmetic follows R's `quantile.default` step by step (it forms the 1-based index
  /// `1 + (n − 1)·p` and interpolates as `(1 − g)·a + g·b`), so results agree with R to the last
  /// bit; numpy's `lerp` can differ in the last ulp. Q(0) is the minimum and Q(1) the maximum.
  ///
  /// The needed order statistics are found by selection in ascending rank order: introselect
  /// (quickselect with a median-of-three pivot and a three-way partition, which keeps runs of equal
  /// values linear; after 2·⌈log₂ n⌉ partition rounds without success the remaining range is
  /// sorted, bounding the worst case by O(n log n)). Each selection leaves the values below its
  /// rank to its left, so the next rank is searched only to its right, and the neighbour x₍lo+1₎ is
  /// a minimum scan.
  ///
  /// - Parameters:
  ///   - values: The data; **reordered** in place (the multiset is unchanged). Any order; sorted or
  ///     constant input is a good case, not a bad one (median-of-three, three-way partition).
  ///   - probabilities: Each in [0, 1] (a precondition); any order, repeats allowed.
  /// - Returns: One quantile per probability, in the order given. All NaN when `values` is empty,
  ///   or when it contains a NaN (NaN has no place in an order; as numpy, not as R, which errors).
  /// - Complexity: O(n·r) expected for r distinct ranks, in practice about 2n comparisons per
  ///   probability on shrinking ranges; O(1) extra memory (O(n) only in the sort fallback).
  public static func type7(_ values: inout [Double], probabilities: [Double]) -> [Double] {
    for p in probabilities {
      precondition(p >= 0 && p <= 1, "Quantiles.type7: probability \(p) must be in [0, 1]")
    }
    let n = values.count
    guard n > 0, !values.contains(where: \.isNaN) else {
      return [Double](repeating: .nan, count: probabilities.count)
    }

    // 0-based ranks and interpolation weights, computed as R does.
    var ranks: [(lo: Int, hi: Int, g: Double)] = []
    ranks.reserveCapacity(probabilities.count)
    for p in probabilities {
      let index = 1 + Double(n - 1) * p
      let lo = index.rounded(.down)
      let hi = index.rounded(.up)
      ranks.append((Int(lo) - 1, Int(hi) - 1, index - lo))
    }
    let needed = Set(ranks.flatMap { [$0.lo, $0.hi] }).sorted()

    values.withUnsafeMutableBufferPointer { buffer in
      var start = 0
      for rank in needed {
        select(rank, in: buffer, from: start)
        start = rank + 1
      }
    }

    return ranks.map { rank in
      let a = values[rank.lo]
      let b = values[rank.hi]
      guard rank.g > 0, b != a else { return a }
      return (1 - rank.g) * a + rank.g * b
    }
  }

  /// Moves the `rank`-th smallest element of `buffer[start...]` to index `rank`, with everything in
  /// `buffer[start..<rank]` ≤ it ≤ everything in `buffer[(rank+1)...]` (introselect).
  private static func select(
    _ rank: Int, in buffer: UnsafeMutableBufferPointer<Double>, from start: Int
  ) {
    var lo = start
    var hi = buffer.count  // half-open range [lo, hi) that contains the rank
    var budget = 2 * (Int.bitWidth - (hi - lo).leadingZeroBitCount)
    while hi - lo > 1 {
      if rank == lo {  // minimum scan
        var best = lo
        for i in (lo + 1)..<hi where buffer[i] < buffer[best] { best = i }
        buffer.swapAt(lo, best)
        return
      }
      if rank == hi - 1 {  // maximum scan
        var best = lo
        for i in (lo + 1)..<hi where buffer[i] > buffer[best] { best = i }
        buffer.swapAt(hi - 1, best)
        return
      }
      if hi - lo <= 16 || budget == 0 {
        var range = UnsafeMutableBufferPointer(rebasing: buffer[lo..<hi])
        range.sort()
        return
      }
      budget -= 1

      // Median of three as the pivot value.
      let a = buffer[lo]
      let b = buffer[lo + (hi - lo) / 2]
      let c = buffer[hi - 1]
      let pivot = Swift.max(Swift.min(a, b), Swift.min(Swift.max(a, b), c))

      // Three-way partition (Dijkstra): [lo, less) < pivot, [less, i) == pivot, [greater, hi) >
      // pivot.
      var less = lo
      var i = lo
      var greater = hi
      while i < greater {
        let v = buffer[i]
        if v < pivot {
          buffer.swapAt(less, i)
          less += 1
          i += 1
        } else if v > pivot {
          greater -= 1
          buffer.swapAt(i, greater)
        } else {
          i += 1
        }
      }
      if rank < less {
        hi = less
      } else if rank >= greater {
        lo = greater
      } else {
        return  // rank falls among the values equal to the pivot
      }
    }
  }
}
