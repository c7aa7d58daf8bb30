import Foundation
import Testing

@testable import MBCReport

@Suite("Atomic files")
struct AtomicFileTests {
  func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mbc-atomic-\(getpid())-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test("a write creates parent directories, replaces the file and leaves no temporary file")
  func test_write_replaces() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("sub/out.csv").path
    try AtomicFile.write("first\n", to: path)
    try AtomicFile.write("second\n", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sub").path) == ["out.csv"])
  }

  @Test("a failing writer leaves the old file and no temporary file")
  func test_write_failure_keepsOldFile() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("out.csv").path
    try AtomicFile.write("complete\n", to: path)
    struct Boom: Error {}
    #expect(throws: OutputError.self) {
      try AtomicFile.write(to: path) { handle in
        try handle.write(contentsOf: Data("partial".utf8))
        throw Boom()
      }
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "complete\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.csv"])
  }

  @Test("a path under a regular file gives an error that names the path")
  func test_write_badDirectory() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("file").path
    try AtomicFile.write("x", to: file)
    do {
      try AtomicFile.write("y", to: file + "/inner.csv")
      Issue.record("expected an error")
    } catch {
      #expect(error.path == file)
      #expect(error.description.hasPrefix("cannot write '\(file)': cannot create the directory"))
    }
  }
}
