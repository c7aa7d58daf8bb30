import Testing

@testable import MBCReport

@Suite("Report locale")
struct ReportLocaleTests {
  let en = ReportLocale.international
  let nl = ReportLocale.dutch

  @Test("money: €1,234.56 internationally, € 1.234,56 in Dutch; other currencies by code")
  func test_money() {
    #expect(en.money(1234.56, currency: "EUR", digits: 2) == "€1,234.56")
    #expect(nl.money(1234.56, currency: "EUR", digits: 2) == "€ 1.234,56")
    #expect(en.money(1234.4, currency: "EUR") == "€1,234")
    #expect(nl.money(1234.5, currency: "EUR") == "€ 1.235")
    #expect(en.money(1234, currency: "USD") == "USD 1,234")
    #expect(nl.money(1234, currency: "USD") == "USD 1.234")
    #expect(en.money(-1_234_567.891, currency: "EUR", digits: 2) == "−€1,234,567.89")
    #expect(nl.money(-1_234_567.891, currency: "EUR", digits: 2) == "€ −1.234.567,89")
    #expect(en.money(0, currency: "EUR") == "€0")
    #expect(en.money(-0.4, currency: "EUR") == "€0")  // rounds to zero: no sign
    #expect(nl.money(.nan, currency: "EUR") == "n/a")
    #expect(en.money(999.995, currency: "EUR", digits: 2) == "€1,000.00")
  }

  @Test("numbers and percentages: decimal comma and point, grouping, rounding half away from zero")
  func test_numbers() {
    #expect(en.number(1_234_567) == "1,234,567")
    #expect(nl.number(1_234_567) == "1.234.567")
    #expect(en.number(0.5) == "1")
    #expect(en.number(-0.5) == "−1")
    #expect(en.number(2.5) == "3")
    #expect(en.number(-2.25, digits: 1) == "−2.3")
    #expect(nl.number(-2.25, digits: 1) == "−2,3")
    #expect(en.number(999.96, digits: 1) == "1,000.0")
    #expect(nl.number(0.0625, digits: 3) == "0,063")
    #expect(en.number(12, digits: 2) == "12.00")
    #expect(en.number(.infinity) == "n/a")
    #expect(en.number(1e20) == "100,000,000,000,000,000,000")
    #expect(en.percent(0.125) == "13%")
    #expect(nl.percent(0.125, digits: 1) == "12,5%")
    #expect(en.percent(0.0035, digits: 1) == "0.4%")
    #expect(nl.percent(-0.5) == "−50%")
  }

  @Test("--locale codes")
  func test_codes() {
    #expect(ReportLocale(code: "nl") == .dutch)
    #expect(ReportLocale(code: "EN") == .international)
    #expect(ReportLocale(code: "de") == nil)
    #expect(ReportLocale.codes == ["en", "nl"])
  }
}
