import ArgumentParser
import MBCReport

/// `--shard i/n`: part i (1 … n) of the runs split into n shards, for `mbc merge`.
struct ShardOption: Sendable, Equatable {
  let index: Int
  let count: Int

  var record: RunStateFile.Shard { RunStateFile.Shard(index: index, count: count) }
  var description: String { "\(index)/\(count)" }

  /// Parses "2/4"; anything else is a usage error naming the value.
  static func transform(_ text: String) throws -> ShardOption {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
      throw ValidationError("--shard takes i/n, e.g. 2/4 for the second of four shards, not '\(text)'.")
    }
    guard n >= 1, n <= 10_000, (1...n).contains(i) else {
      throw ValidationError("--shard \(text): n must be between 1 and 10000 and i between 1 and n.")
    }
    return ShardOption(index: i, count: n)
  }
}
