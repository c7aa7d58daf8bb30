import ArgumentParser
extension MBC { struct Simulate: ParsableCommand { func run() throws {} } }
