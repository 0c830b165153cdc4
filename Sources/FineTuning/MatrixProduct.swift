/// Row-major single-precision matrix products, the training engine's one hot loop.
///
/// C[m×n] = A[m×k]·B[k×n] (or C += A·B). A tile of 4 rows × 8 columns of C stays in SIMD
/// registers across the whole k loop, so each vector of B loaded feeds four multiply-adds; the
/// rows and columns left over take narrower paths. Written in Swift rather than taken from a
/// BLAS so the tool needs no system library: on the shapes of small CNNs (k ≤ 600, n ≤ 128) it
/// stays within reach of one (see `scripts/bench-finetune.sh`).
enum MatrixProduct {
    static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        if !accumulate {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
        }
        guard k > 0 else { return }
        let fullColumns = n - n % 8
        var i = 0
        while i + 4 <= m {
            var j = 0
            while j < fullColumns {
                tile4x8(k: k, a: a + i * lda, lda: lda, b: b + j, ldb: ldb, c: c + i * ldc + j, ldc: ldc)
                j += 8
            }
            for r in i..<(i + 4) where fullColumns < n { scalarRow(n: fullColumns..<n, k: k, a: a + r * lda, b: b, ldb: ldb, c: c + r * ldc) }
            i += 4
        }
        while i < m {
            var j = 0
            while j < fullColumns {
                tile1x8(k: k, a: a + i * lda, b: b + j, ldb: ldb, c: c + i * ldc + j)
                j += 8
            }
            if fullColumns < n { scalarRow(n: fullColumns..<n, k: k, a: a + i * lda, b: b, ldb: ldb, c: c + i * ldc) }
            i += 1
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    @inline(__always)
    private static func add(_ v: SIMD8<Float>, to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: load(UnsafePointer(p)) + v, as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func tile4x8(k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int) {
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
        let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda
        var row = b
        for p in 0..<k {
            let bv = load(row)
            c0 += SIMD8(repeating: a0[p]) * bv
            c1 += SIMD8(repeating: a1[p]) * bv
            c2 += SIMD8(repeating: a2[p]) * bv
            c3 += SIMD8(repeating: a3[p]) * bv
            row += ldb
        }
        add(c0, to: c)
        add(c1, to: c + ldc)
        add(c2, to: c + 2 * ldc)
        add(c3, to: c + 3 * ldc)
    }

    @inline(__always)
    private static func tile1x8(k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>) {
        var acc = SIMD8<Float>()
        var row = b
        for p in 0..<k {
            acc += SIMD8(repeating: a[p]) * load(row)
            row += ldb
        }
        add(acc, to: c)
    }

    @inline(__always)
    private static func scalarRow(n: Range<Int>, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                                  c: UnsafeMutablePointer<Float>) {
        for j in n {
            var sum: Float = 0
            for p in 0..<k { sum += a[p] * b[p * ldb + j] }
            c[j] += sum
        }
    }

    /// The transpose of a row-major rows×columns matrix.
    static func transpose(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into y: UnsafeMutablePointer<Float>) {
        let block = 16
        var r0 = 0
        while r0 < rows {
            var c0 = 0
            while c0 < columns {
                for r in r0..<min(r0 + block, rows) {
                    for c in c0..<min(c0 + block, columns) { y[c * rows + r] = x[r * columns + c] }
                }
                c0 += block
            }
            r0 += block
        }
    }
}
