internal import CSoxr
import SSMLCore

/// Makes libsoxr resamplers at high quality, float in and out, so nothing is dithered and every run
/// gives the same samples.
public struct SoxrResamplerFactory: ResamplerFactory {
    public init() {}

    public func make(from inputRate: Double, to outputRate: Double) throws -> any Resampler {
        if inputRate == outputRate { return PassThrough() }
        return try SoxrResampler(from: inputRate, to: outputRate)
    }
}

/// Equal rates: nothing to do.
private final class PassThrough: Resampler {
    func process(_ input: [Float]) throws -> [Float] { input }
    func flush() throws -> [Float] { [] }
}

/// One libsoxr stream. The corresponding C functions are `soxr_create`, `soxr_process` and `soxr_delete`.
final class SoxrResampler: Resampler {
    private let handle: soxr_t
    private let ratio: Double

    init(from inputRate: Double, to outputRate: Double) throws {
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        // soxr defaults to low quality in some entry points; ask for HQ explicitly.
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var error: soxr_error_t? = nil
        guard let handle = soxr_create(inputRate, outputRate, 1, &error, &io, &quality, nil), error == nil else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            throw SSMLError(.engine, "libsoxr cannot resample \(inputRate) Hz to \(outputRate) Hz: \(message)")
        }
        self.handle = handle
        self.ratio = outputRate / inputRate
    }

    deinit { soxr_delete(handle) }

    func process(_ input: [Float]) throws -> [Float] {
        guard !input.isEmpty else { return [] }
        return try run(input)
    }

    func flush() throws -> [Float] {
        var out: [Float] = []
        while true {
            let chunk = try run(nil)
            if chunk.isEmpty { return out }
            out += chunk
        }
    }

    private func run(_ input: [Float]?) throws -> [Float] {
        let capacity = Int(Double(input?.count ?? 0) * ratio) + 1024
        var output = [Float](repeating: 0, count: capacity)
        var used = 0
        var produced = 0
        let error: soxr_error_t? = output.withUnsafeMutableBufferPointer { out in
            if let input {
                return input.withUnsafeBufferPointer { inp in
                    soxr_process(handle, inp.baseAddress, inp.count, &used, out.baseAddress, out.count, &produced)
                }
            }
            return soxr_process(handle, nil, 0, nil, out.baseAddress, out.count, &produced)
        }
        if let error { throw SSMLError(.engine, "libsoxr: \(String(cString: error))") }
        if let input, used < input.count {
            // Output buffer was too small for this chunk: convert the rest too.
            return Array(output[..<produced]) + (try run(Array(input[used...])))
        }
        output.removeSubrange(produced...)
        return output
    }
}
