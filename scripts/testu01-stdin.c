/* TestU01 on 64-bit words read from standard input (written by mbc-rng-dump), for
 * `make battery-testu01` (docs/testing.md, "Random number generator battery").
 *
 *   mbc-rng-dump keys | testu01-stdin small|crush [high|low|both]
 *
 * high: the upper 32 bits of each 64-bit word; low: the lower 32 bits; both: the two halves of
 * each word in turn, low half first (default). TestU01 tests 32-bit outputs, so a 64-bit
 * generator is tested on each half, as Blackman and Vigna do for xoshiro256++.
 * Build: cc -O2 -I$TESTU01/include testu01-stdin.c -L$TESTU01/lib -ltestu01 -lprobdist -lmylib -lm
 * (TestU01 is not packaged in Debian 12: build it from its source, version 1.2.3). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bbattery.h"
#include "unif01.h"

enum { WORDS = 1 << 14 };
static uint64_t buffer[WORDS];
static size_t filled = 0, position = 0;
static int half = 0; /* for "both": 0 = low half next, 1 = high half next */
static int mode = 2; /* 0 high, 1 low, 2 both */

static uint64_t next_word(void) {
  if (position == filled) {
    filled = fread(buffer, sizeof buffer[0], WORDS, stdin);
    position = 0;
    if (filled == 0) {
      fprintf(stderr, "testu01-stdin: end of input\n");
      exit(2);
    }
  }
  return buffer[position++]; /* little-endian machine: as written */
}

static unsigned int next_bits(void) {
  static uint64_t word;
  switch (mode) {
  case 0: return (unsigned int)(next_word() >> 32);
  case 1: return (unsigned int)next_word();
  default:
    if (half == 0) {
      word = next_word();
      half = 1;
      return (unsigned int)word;
    }
    half = 0;
    return (unsigned int)(word >> 32);
  }
}

int main(int argc, char **argv) {
  const char *battery = argc > 1 ? argv[1] : "small";
  if (argc > 2) {
    if (strcmp(argv[2], "high") == 0) mode = 0;
    else if (strcmp(argv[2], "low") == 0) mode = 1;
    else if (strcmp(argv[2], "both") == 0) mode = 2;
    else { fprintf(stderr, "usage: testu01-stdin small|crush [high|low|both]\n"); return 64; }
  }
  unif01_Gen *gen = unif01_CreateExternGenBits((char *)"mbc keyed xoshiro256++", next_bits);
  if (strcmp(battery, "small") == 0) bbattery_SmallCrush(gen);
  else if (strcmp(battery, "crush") == 0) bbattery_Crush(gen);
  else { fprintf(stderr, "usage: testu01-stdin small|crush [high|low|both]\n"); return 64; }
  unif01_DeleteExternGenBits(gen);
  return 0;
}
