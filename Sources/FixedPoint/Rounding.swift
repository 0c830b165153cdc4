/// Fixed-point primitives shared by the quantizer, the integer simulator and (as C twins in
/// `runtime_c/`) the generated kernels. Every function here states its rounding rule by name.

/// Arithmetic right shift with round-half-up: `(v + 2^(s−1)) >> s` for s > 0, computed without
/// overflow for every Int64 input; a left shift for s < 0. C twin: `qc_rshift_round_s64`.
///
/// | v  | s | result |
/// |----|---|--------|
/// | 5  | 1 | 3      |
/// | -5 | 1 | -2     |
/// | -6 | 2 | -1     |
@inlinable
public func roundingRightShift(_ value: Int64, _ shift: Int) -> Int64 {
    if shift <= 0 { return value << Int64(-shift) }
    if shift >= 63 { return value >= 0 ? 0 : (value >= -(Int64(1) << 62) ? 0 : -1) }
    // floor(v / 2^s) plus one when the discarded bits are at least half: no intermediate can overflow.
    let floor = value >> Int64(shift)
    let remainder = value & ((Int64(1) << Int64(shift)) - 1)
    return floor + (remainder >= (Int64(1) << Int64(shift - 1)) ? 1 : 0)
}

/// Clamps to the range of a signed integer of `bits` bits (2…32). C twin: `qc_saturate_s32`.
@inlinable
public func saturate(_ value: Int64, bits: Int) -> Int64 {
    let high = (Int64(1) << Int64(bits - 1)) - 1
    let low = -(Int64(1) << Int64(bits - 1))
    return min(max(value, low), high)
}
