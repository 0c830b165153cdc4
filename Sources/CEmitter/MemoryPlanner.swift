/// Offsets for buffers with known sizes and lifetimes, in TFLM's shape: sizes and first/last use
/// in, offsets and the total out.
///
/// Greedy by size: the largest buffer is placed first, each at the lowest aligned offset that does
/// not overlap any already placed buffer alive at the same time. Two buffers are alive at the same
/// time when their [firstUse, lastUse] intervals intersect (an op reads its inputs while writing
/// its output, so both ends are inclusive). A buffer that holds tensors of several sizes in turn
/// (layers run in place) may say how many of its bytes each op uses (`live`): others may then use
/// the rest at that op.
///
///     let plan = MemoryPlanner.plan([.init(size: 100, firstUse: 0, lastUse: 1),
///                                    .init(size: 50, firstUse: 1, lastUse: 2),
///                                    .init(size: 100, firstUse: 2, lastUse: 3)], alignment: 4)
///     // plan.offsets == [0, 100, 0]  (the third reuses the first's memory), plan.total == 152
public enum MemoryPlanner {
    public struct Request: Equatable, Sendable {
        public var size: Int
        public var firstUse: Int
        public var lastUse: Int
        /// The bytes in use at each op from firstUse to lastUse, from the start of the buffer (each at
        /// most `size`); nil: all of them throughout.
        public var live: [Int]?
        public init(size: Int, firstUse: Int, lastUse: Int, live: [Int]? = nil) {
            self.size = size
            self.firstUse = firstUse
            self.lastUse = lastUse
            self.live = live
        }
        func overlaps(_ other: Request) -> Bool { firstUse <= other.lastUse && other.firstUse <= lastUse }
        func size(at op: Int) -> Int { live.map { $0[op - firstUse] } ?? size }
        /// The most bytes in use while `other` is alive too.
        func extent(during other: Request) -> Int {
            guard live != nil else { return size }
            return (max(firstUse, other.firstUse)...min(lastUse, other.lastUse)).map(size(at:)).max() ?? size
        }
    }

    public struct Plan: Equatable, Sendable {
        public var offsets: [Int]
        public var total: Int
        public init(offsets: [Int], total: Int) {
            self.offsets = offsets
            self.total = total
        }
    }

    public static func plan(_ requests: [Request], alignment: Int) -> Plan {
        let order = requests.indices.sorted {
            requests[$0].size != requests[$1].size ? requests[$0].size > requests[$1].size : requests[$0].firstUse < requests[$1].firstUse
        }
        var offsets = [Int](repeating: 0, count: requests.count)
        var placed = [Int]()
        var total = 0
        for i in order {
            let request = requests[i]
            let neighbours = placed.filter { requests[$0].overlaps(request) }.sorted { offsets[$0] < offsets[$1] }
            var candidate = 0
            for j in neighbours {
                if offsets[j] >= candidate + request.extent(during: requests[j]) { break }
                candidate = max(candidate, align(offsets[j] + requests[j].extent(during: request), alignment))
            }
            offsets[i] = candidate
            placed.append(i)
            total = max(total, candidate + request.size)
        }
        return Plan(offsets: offsets, total: align(total, alignment))
    }

    /// The largest total size of buffers alive at one time (the bytes in use, for buffers that say
    /// so): no placement can use less.
    public static func lowerBound(_ requests: [Request], alignment: Int) -> Int {
        let steps = Set(requests.flatMap { $0.live == nil ? [$0.firstUse, $0.lastUse] : Array($0.firstUse...$0.lastUse) })
        let peak = steps.map { t in requests.filter { $0.firstUse <= t && t <= $0.lastUse }.reduce(0) { $0 + $1.size(at: t) } }.max() ?? 0
        return align(peak, alignment)
    }

    public static func align(_ value: Int, _ alignment: Int) -> Int { (value + alignment - 1) / alignment * alignment }
}
