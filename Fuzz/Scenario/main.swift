// libFuzzer target: bytes -> UTF-8 YAML -> ScenarioLoader.load(yaml:file:) -> CompiledModel -> BaseCase.check.
// Never a simulation. Built and run by `make fuzz` (docs/testing.md). This file must stay `main.swift` with
// only the @_cdecl function: SwiftPM then links libFuzzer's main (see docs/testing.md).
import MBCEngine
import MBCScenario

@_cdecl("LLVMFuzzerTestOneInput")
public func mbcFuzzScenario(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  // A path in no existing folder: CSV files named by the input are not found.
  guard let scenario = try? ScenarioLoader.load(yaml: text, file: "/nonexistent/fuzz/scenario.yaml"),
    let model = try? CompiledModel(scenario)
  else { return 0 }
  _ = try? BaseCase.check(model)
  return 0
}
