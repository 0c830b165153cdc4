import Dispatch
import FloatReference
import Foundation
import GraphIR

/// Runs the (possibly partly quantized) float graph over calibration samples and records, for
/// each requested value, its largest magnitude and a deterministic subsample of its values.
public enum Calibration {
    public static let samplesPerTensor = 65_536

    public static func collect(_ graph: Graph, samples: [Float], count: Int, values wanted: [ValueID],
                               transform: Interpreter.Transform? = nil) throws -> [ValueID: TensorStats] {
        let interpreter = try Interpreter(graph: graph)
        let workers = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount))
        let partials = Partials(workers: workers)
        let wantedSet = Set(wanted)
        let firstError = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var local = [ValueID: TensorStats]()
            var i = worker
            while i < count {
                do {
                    let all = try interpreter.evaluate(interpreter.inputs(of: samples, index: i), transform: transform)
                    for id in wantedSet {
                        guard let data = all[id.index] else { continue }
                        var stats = local[id] ?? TensorStats(maxAbs: 0, samples: [], hasNegatives: false)
                        // Keep about samplesPerTensor values in total, evenly strided.
                        let stride = max(1, data.count * count / samplesPerTensor)
                        var j = (i * 7919) % stride
                        while j < data.count {
                            stats.samples.append(data[j])
                            j += stride
                        }
                        for v in data {
                            stats.maxAbs = max(stats.maxAbs, Double(abs(v)))
                            if v < 0 { stats.hasNegatives = true }
                        }
                        local[id] = stats
                    }
                } catch {
                    firstError.set(error)
                }
                i += workers
            }
            partials.set(worker, local)
        }
        if let error = firstError.error { throw error }
        var merged = [ValueID: TensorStats]()
        for local in partials.all {
            for (id, stats) in local {
                var m = merged[id] ?? TensorStats(maxAbs: 0, samples: [], hasNegatives: false)
                m.maxAbs = max(m.maxAbs, stats.maxAbs)
                m.hasNegatives = m.hasNegatives || stats.hasNegatives
                m.samples += stats.samples
                merged[id] = m
            }
        }
        // A step size cannot be chosen for infinities or NaNs (weights so large that the float
        // model itself overflows).
        for (id, stats) in merged.sorted(by: { $0.key < $1.key }) where !stats.maxAbs.isFinite || stats.samples.contains(where: { !$0.isFinite }) {
            throw QuantizationError("tensor '\(graph[id].name)' is not finite on the calibration samples (the float model overflows)")
        }
        return merged
    }
}

final class Partials: @unchecked Sendable {
    private var slots: UnsafeMutablePointer<[ValueID: TensorStats]>
    private let count: Int
    init(workers: Int) {
        count = workers
        slots = .allocate(capacity: workers)
        slots.initialize(repeating: [:], count: workers)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func set(_ i: Int, _ value: [ValueID: TensorStats]) { slots[i] = value }
    var all: [[ValueID: TensorStats]] { (0..<count).map { slots[$0] } }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?
    func set(_ e: Error) {
        lock.lock()
        if error == nil { error = e }
        lock.unlock()
    }
}
