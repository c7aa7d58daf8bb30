@main
struct MBC {
  static func main() { print("mbc") }
}
