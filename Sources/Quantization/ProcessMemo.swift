import Foundation

/// Results kept for the life of the process, by their inputs (at most `capacity`, the oldest
/// dropped). A quantization run asks for a layer's weight fit several times (the planner for the
/// formats, FakeQuant while calibrating, the lowering); the fit depends on nothing else.
final class ProcessMemo<Key: Hashable, Value>: @unchecked Sendable {
    private let capacity: Int
    private var entries = [Key: Value]()
    private var order = [Key]()
    private let lock = NSLock()

    init(capacity: Int = 64) { self.capacity = capacity }

    func value(for key: Key, compute: () -> Value) -> Value {
        lock.lock()
        let known = entries[key]
        lock.unlock()
        if let known { return known }
        let value = compute()
        lock.lock()
        defer { lock.unlock() }
        if entries.updateValue(value, forKey: key) == nil {
            order.append(key)
            if order.count > capacity { entries[order.removeFirst()] = nil }
        }
        return value
    }
}
