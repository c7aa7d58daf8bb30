// mbc-rng-dump: writes raw xoshiro256++ outputs of mbc's keyed streams to standard output, as
// little-endian 64-bit words, for an external test battery (`make battery`, which pipes them
// into dieharder; docs/testing.md, "Random number generator battery").
//
//   mbc-rng-dump stream     [SEED]        one stream: key (SEED, run 0, client 0, transitions)
//   mbc-rng-dump keys       [SEED] [L]    the first L outputs (default 1) of the streams of
//                                         clients 0, 1, 2, … of run 0, concatenated
//   mbc-rng-dump interleave [SEED] [K]    output t of clients 0 … K−1 (default 1000), then
//                                         output t + 1 of each, …: the order in which the
//                                         individual engine consumes the transition streams
//   mbc-rng-dump runs       [SEED] [L]    the first L outputs of the parameter stream
//                                         "p" of runs 0, 1, 2, … (run-level keys)
//
// Add `--words N` to stop after N 64-bit words; without it the program writes until the
// reader closes the pipe. Only MBCRandom is used, so the stream is exactly the library's.

import MBCRandom

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#elseif canImport(Musl)
  import Musl
#endif

/// Buffers words and writes them to file descriptor 1; exits when the reader has gone (EPIPE,
/// with SIGPIPE ignored) or when the word limit is met.
struct Writer {
  var buffer = [UInt64](repeating: 0, count: 8_192)
  var filled = 0
  var written: UInt64 = 0
  let limit: UInt64

  @inline(__always)
  mutating func emit(_ word: UInt64) {
    buffer[filled] = word.littleEndian
    filled += 1
    written += 1
    if filled == buffer.count || written == limit {
      flush()
      if written == limit { exit(0) }
    }
  }

  mutating func flush() {
    let ok = buffer.withUnsafeBytes { bytes -> Bool in
      var offset = 0
      let total = filled * 8
      while offset < total {
        let n = write(1, bytes.baseAddress! + offset, total - offset)
        if n <= 0 { return false }
        offset += n
      }
      return true
    }
    filled = 0
    if !ok { exit(0) }
  }
}

func fail(_ message: String) -> Never {
  _ = message.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
  exit(64)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var wordLimit = UInt64.max
if let index = arguments.firstIndex(of: "--words"), index + 1 < arguments.count,
  let n = UInt64(arguments[index + 1])
{
  wordLimit = n
  arguments.removeSubrange(index...index + 1)
}
let usage = "usage: mbc-rng-dump stream|keys|interleave|runs [SEED] [L or K] [--words N]\n"
guard let mode = arguments.first, ["stream", "keys", "interleave", "runs"].contains(mode) else {
  fail(usage)
}
let seed = arguments.count > 1 ? UInt64(arguments[1]) : 20_260_101
let parameter = arguments.count > 2 ? Int(arguments[2]) : (mode == "interleave" ? 1_000 : 1)
guard let seed, let parameter, parameter > 0 else { fail(usage) }

signal(SIGPIPE, SIG_IGN)
var out = Writer(limit: wordLimit)

switch mode {
case "stream":
  var generator = StreamKey(seed: seed, run: 0, client: 0, purpose: .transitions).makeGenerator()
  while true { out.emit(generator.next()) }
case "keys":
  var client: UInt64 = 0
  while true {
    var generator = StreamKey(seed: seed, run: 0, client: client, purpose: .transitions).makeGenerator()
    for _ in 0..<parameter { out.emit(generator.next()) }
    client &+= 1
  }
case "runs":
  var run: UInt64 = 0
  while true {
    var generator = StreamKey(seed: seed, run: run, purpose: .parameter("p")).makeGenerator()
    for _ in 0..<parameter { out.emit(generator.next()) }
    run &+= 1
  }
default:  // interleave
  var generators = (0..<parameter).map {
    StreamKey(seed: seed, run: 0, client: UInt64($0), purpose: .transitions).makeGenerator()
  }
  while true {
    for i in 0..<parameter { out.emit(generators[i].next()) }
  }
}
