import Testing

@testable import MBCReport

@Suite("CSV tables")
struct CSVTableTests {
  @Test("numbers round-trip, NaN is NA, fields with commas or quotes are quoted")
  func test_csv_formatting() {
    var t = CSVTable(header: ["name", "value", "n"])
    t.append([.text("cost, discounted"), .number(0.1), .integer(3)])
    t.append([.text("say \"hi\""), .number(.nan), .missing])
    t.append([.text("big"), .number(1234567.0), .number(-2.5e-7)])
    #expect(t.text == #"""
      name,value,n
      "cost, discounted",0.1,3
      "say ""hi""",NA,NA
      big,1234567,-2.5e-07

      """#)
  }

  @Test("every formatted double reads back to the same value")
  func test_csv_roundTrip() {
    for v in [0.1, 1.0 / 3.0, 1e300, -Double.leastNonzeroMagnitude, 123456789.123456789, 2.0.squareRoot()] {
      #expect(Double(CSVTable.format(v)) == v)
    }
    #expect(CSVTable.format(.infinity) == "Inf")
  }
}
