import Foundation

/// Bit-plane fits kept in a plan, for the fits that cannot be recomputed from the weights alone
/// (`ErrorFeedbackPlanes` chose the signs with calibration data). Scales as numbers; signs packed
/// eight to a byte (+1 as a set bit, group by group, plane by plane) and base64-encoded, so a
/// ResNet-8 plan stays a few tens of kilobytes.
public struct FittedPlanes: Codable, Sendable, Equatable {
    /// planes scales per group, group after group.
    public var alphas: [Double]
    public var signs: String

    public init(_ fits: [BitPlaneFit]) {
        alphas = fits.flatMap(\.alphas)
        var bytes = [UInt8]()
        var bit = 0
        for fit in fits {
            for plane in fit.planes {
                for sign in plane {
                    if bit % 8 == 0 { bytes.append(0) }
                    if sign > 0 { bytes[bytes.count - 1] |= UInt8(1) << UInt8(bit % 8) }
                    bit += 1
                }
            }
        }
        signs = Data(bytes).base64EncodedString()
    }

    /// The fits of `groups` groups of `groupSize` weights with `planes` planes each.
    public func fits(groups: Int, planes: Int, groupSize: Int, layer: String) throws -> [BitPlaneFit] {
        let bits = groups * planes * groupSize
        guard alphas.count == groups * planes, let data = Data(base64Encoded: signs), data.count == (bits + 7) / 8 else {
            throw QuantizationError("layer '\(layer)': the plan's fitted planes do not match \(groups) groups of \(planes) planes of \(groupSize) weights")
        }
        let bytes = [UInt8](data)
        var bit = 0
        return (0..<groups).map { g in
            let planeSigns: [[Int8]] = (0..<planes).map { _ in
                (0..<groupSize).map { _ in
                    defer { bit += 1 }
                    return bytes[bit / 8] >> UInt8(bit % 8) & 1 == 1 ? 1 : -1
                }
            }
            return BitPlaneFit(alphas: Array(alphas[(g * planes)..<((g + 1) * planes)]), planes: planeSigns)
        }
    }
}

extension FittedPlanes {
    /// True when every scale is a finite number (a plan file may hold anything).
    var isFinite: Bool { alphas.allSatisfy(\.isFinite) }
}
