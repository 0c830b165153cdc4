/// A problem with a graph, phrased for the user (the CLI prefixes the file name).
public struct GraphError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
