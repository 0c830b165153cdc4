import QuantizedIR

/// Where every tensor of a program lives in the generated C: the caller's input or output
/// buffers, or an offset in the static arena.
///
/// Tensors are first grouped into buffers: a reshape's output is a view of its input, and an
/// element-wise op (clamp, table, add), or an op whose kernels say they work in place (the DSP
/// depthwise convolution, dense layer and pointwise convolution), writes over an input of the same
/// size and storage that dies at that op.
/// Each buffer is alive from the op that first writes it to the last op that reads it; a shared
/// buffer says how many of its bytes each op uses, so scratch may take the rest. `MemoryPlanner`
/// places the buffers that are neither model inputs nor model outputs.
public struct ArenaPlan: Sendable {
    public enum Location: Equatable, Sendable {
        /// The caller's buffer of model input k (k = 0 for a model with one input).
        case input(Int)
        /// The caller's buffer of model output k.
        case output(Int)
        case arena(offset: Int)
    }

    /// Per tensor; nil for tensors no op touches.
    public var locations: [Location?]
    public var arenaBytes: Int
    /// The largest total size of buffers alive at one time.
    public var lowerBound: Int
    /// Every op output in its own buffer (no reuse, no in-place), views excluded.
    public var naiveBytes: Int
    /// Names of the ops that run in place.
    public var inPlaceOps: [String]
    /// Arena offset of each op's scratch memory (ops whose kernels need some), by op index.
    public var scratchOffsets: [Int: Int]
    /// Every arena placement with its lifetime: the memory planner's timeline, for reports.
    public var blocks: [Block]

    /// One buffer (or one op's scratch) in the arena, alive from op `firstOp` to op `lastOp`.
    public struct Block: Equatable, Sendable, Encodable {
        /// The op that first writes the buffer, or "scratch of OP".
        public var name: String
        public var offset: Int
        public var bytes: Int
        public var firstOp: Int
        public var lastOp: Int
    }

    public static let alignment = 4

    /// `scratch[i]`: bytes of working memory op i's kernels need while it runs (none when absent);
    /// `kernelsInPlace`: the ops whose kernels may write their output over their input, and for which sizes.
    public init(program: QProgram, scratch: [Int: Int] = [:], kernelsInPlace: [Int: KernelCall.InPlace] = [:],
                alignment: Int = ArenaPlan.alignment) throws {
        guard !program.inputs.isEmpty, !program.outputs.isEmpty else { throw EmitError("the model has no input or no output") }
        let tensors = program.tensors
        var root = Array(tensors.indices)
        func find(_ t: Int) -> Int {
            var t = t
            while root[t] != t { t = root[t] }
            return t
        }
        func bytes(_ t: Int) -> Int { tensors[t].count * CType.storage(bits: tensors[t].format.bits).bytes }

        for node in program.ops { if case .reshape(let u) = node.op { root[find(u.output)] = find(u.input) } }
        let inputs = program.inputs.map(find), outputs = program.outputs.map(find)
        guard Set(inputs).isDisjoint(with: outputs) else { throw EmitError("a model output is one of its inputs: nothing to compute") }
        guard Set(inputs).count == inputs.count, Set(outputs).count == outputs.count else {
            throw EmitError("two model inputs or two model outputs are the same tensor")
        }

        // Last reader of each buffer, given the grouping so far (views already merged).
        func lastUse(_ buffer: Int) -> Int {
            program.ops.indices.last { i in program.ops[i].op.inputs.contains { find($0) == buffer } } ?? -1
        }
        var inPlace = [String]()
        for (i, node) in program.ops.enumerated() {
            let candidates: [Int]
            switch node.op {
            case .clamp(let c): candidates = [c.input]
            case .table(let t): candidates = [t.input]
            case .add(let a): candidates = [a.a, a.b]
            case .mul(let m): candidates = [m.a, m.b]
            case .maxMin(let m): candidates = [m.a, m.b]
            case .affineMul(let m): candidates = [m.a, m.b]
            case .affinePRelu(let r): candidates = [r.input]
            case .affineDiv(let m): candidates = [m.a, m.b]
            case .select(let s): candidates = [s.a, s.b]
            case .affineSquaredDifference(let a): candidates = [a.a, a.b]
            case .conv(let c) where kernelsInPlace[i] != nil: candidates = [c.input]
            case .dense(let d) where kernelsInPlace[i] != nil: candidates = [d.input]
            case .conv, .dense, .maxPool, .avgPool, .globalAvgPool, .globalMaxPool, .concat, .pad, .reshape, .transpose, .indexCopy,
                 .affineAdd, .affineMean, .affineL2Normalization, .resizeBilinear, .softmax,
                 .logSoftmax, .affineCompare:
                continue
            }
            let out = node.op.output
            // Element-wise ops need equal sizes; kernels say what they allow.
            func sizesAllow(_ x: Int) -> Bool {
                switch kernelsInPlace[i] {
                case nil: return tensors[x].count == tensors[out].count && bytes(x) == bytes(out)
                case .notLarger: return bytes(out) <= bytes(x)
                case .anySize: return true
                case .never: return false
                }
            }
            for x in candidates where sizesAllow(x) && tensors[x].constant == nil {
                let buffer = find(x)
                // Never over a model input (the caller's) or a model output (read after the run), and
                // never a buffer larger than the caller's output buffer into it.
                guard !inputs.contains(buffer), !outputs.contains(buffer), buffer != find(out), lastUse(buffer) == i else { continue }
                guard !outputs.contains(find(out)) || bytes(x) <= bytes(out) else { continue }
                // The output's group (its views) joins the input's buffer; keep a model output as root.
                let outRoot = find(out)
                if outputs.contains(outRoot) { root[buffer] = outRoot } else { root[outRoot] = buffer }
                inPlace.append(node.name)
                break
            }
        }

        // Buffers: lifetime from the first op writing any member to the last op reading any member.
        var first = [Int: Int](), last = [Int: Int](), size = [Int: Int]()
        for (i, node) in program.ops.enumerated() {
            let b = find(node.op.output)
            first[b] = min(first[b] ?? i, i)
            size[b] = max(size[b] ?? 0, bytes(node.op.output))
            for t in node.op.inputs { last[find(t)] = i }
        }
        let buffers = size.keys.filter { !inputs.contains($0) && !outputs.contains($0) }.sorted()
        let scratchOps = scratch.keys.filter { scratch[$0]! > 0 }.sorted()
        // A buffer shared by layers run in place holds tensors of several sizes in turn: at each op the
        // bytes in use are those of the members the op reads or writes, else of the last one written.
        func live(_ b: Int, from firstOp: Int, to lastOp: Int) -> [Int]? {
            var held = 0, sizes = [Int]()
            for i in firstOp...lastOp {
                let op = program.ops[i].op
                let touched = (op.inputs + [op.output]).filter { find($0) == b }.map(bytes)
                if find(op.output) == b { held = bytes(op.output) }
                sizes.append(MemoryPlanner.align(touched.max() ?? held, alignment))
            }
            return Set(sizes).count > 1 ? sizes : nil
        }
        let requests = buffers.map { b in
            let lastOp = max(last[b] ?? first[b]!, first[b]!)
            return MemoryPlanner.Request(size: MemoryPlanner.align(size[b]!, alignment), firstUse: first[b]!, lastUse: lastOp,
                                         live: live(b, from: first[b]!, to: lastOp))
        } + scratchOps.map { MemoryPlanner.Request(size: MemoryPlanner.align(scratch[$0]!, alignment), firstUse: $0, lastUse: $0) }
        let plan = MemoryPlanner.plan(requests, alignment: alignment)
        var offsetOf = [Int: Int]()
        for (b, offset) in zip(buffers, plan.offsets) { offsetOf[b] = offset }
        scratchOffsets = Dictionary(uniqueKeysWithValues: zip(scratchOps, plan.offsets[buffers.count...]))

        locations = tensors.indices.map { t in
            let b = find(t)
            if let k = inputs.firstIndex(of: b) { return .input(k) }
            if let k = outputs.firstIndex(of: b) { return .output(k) }
            return offsetOf[b].map { .arena(offset: $0) }
        }
        blocks = zip(requests, plan.offsets).enumerated().map { k, placed in
            let (request, offset) = placed
            let name = k < buffers.count ? program.ops[request.firstUse].name : "scratch of \(program.ops[request.firstUse].name)"
            return Block(name: name, offset: offset, bytes: request.size, firstOp: request.firstUse, lastOp: request.lastUse)
        }
        arenaBytes = plan.total
        lowerBound = MemoryPlanner.lowerBound(requests, alignment: alignment)
        var produced = Set<Int>()
        for node in program.ops {
            if case .reshape = node.op { continue }
            produced.insert(node.op.output)
        }
        naiveBytes = produced.filter { !inputs.contains(find($0)) && !outputs.contains(find($0)) }
            .reduce(0) { $0 + MemoryPlanner.align(bytes($1), alignment) }
        inPlaceOps = inPlace
    }
}
