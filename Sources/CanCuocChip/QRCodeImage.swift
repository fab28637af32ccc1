import CQRencode
import CZlib

/// The card's QR code drawn from its text by libqrencode: UTF-8 bytes in byte mode, error correction level M,
/// the smallest version that holds the text. Rendered as PNG (through zlib) or SVG.
public struct QRCodeImage: Sendable, Hashable {
    /// Modules per side.
    public let width: Int
    public let version: Int
    /// Row-major, true = dark.
    public let modules: [Bool]

    public init(text: String) throws(QRCodeError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .empty }
        let code = bytes.withUnsafeBufferPointer { buffer in
            QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, 0, QR_ECLEVEL_M)
        }
        guard let code else { throw .tooLong(bytes: bytes.count) }
        defer { QRcode_free(code) }
        width = Int(code.pointee.width)
        version = Int(code.pointee.version)
        let data = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        modules = data.map { $0 & 1 == 1 }
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * width + x] }

    /// An SVG with one path of unit squares, `quietZone` light modules around (ISO/IEC 18004 asks for 4).
    public func svg(moduleSize: Int = 4, quietZone: Int = 4) -> String {
        let side = width + 2 * quietZone
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < width && isDark(x: x, y: y) { x += 1 }
                path += "M\(start + quietZone) \(y + quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(side * moduleSize)" height="\(side * moduleSize)" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">
        <rect width="\(side)" height="\(side)" fill="#fff"/>
        <path d="\(path)" fill="#000"/>
        </svg>

        """
    }

    /// A 1-bit greyscale PNG, each module `scale` pixels square.
    public func png(scale: Int = 4, quietZone: Int = 4) throws(QRCodeError) -> [UInt8] {
        let side = (width + 2 * quietZone) * scale
        let rowBytes = (side + 7) / 8
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * side)
        for py in 0..<side {
            let rowStart = py * (rowBytes + 1)
            raw[rowStart] = 0  // filter: none
            for px in 0..<side {
                let mx = px / scale - quietZone, my = py / scale - quietZone
                let dark = mx >= 0 && my >= 0 && mx < width && my < width && isDark(x: mx, y: my)
                if !dark { raw[rowStart + 1 + px / 8] |= 0x80 >> UInt8(px % 8) }  // 1 = white
            }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = Self.bigEndian(UInt32(side)) + Self.bigEndian(UInt32(side))
        header += [1, 0, 0, 0, 0]  // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
        Self.appendChunk("IHDR", header, to: &out)
        Self.appendChunk("IDAT", try Self.deflate(raw), to: &out)
        Self.appendChunk("IEND", [], to: &out)
        return out
    }

    private static func deflate(_ bytes: [UInt8]) throws(QRCodeError) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = out.withUnsafeMutableBufferPointer { target in
            bytes.withUnsafeBufferPointer { source in
                compress2(target.baseAddress, &length, source.baseAddress, uLong(source.count), Z_BEST_COMPRESSION)
            }
        }
        guard status == Z_OK else { throw .compression(Int(status)) }
        return Array(out.prefix(Int(length)))
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count))
        let body = typeBytes + data
        out += body
        let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        out += bigEndian(UInt32(crc))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

public enum QRCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(bytes: Int)
    case compression(Int)

    public var description: String {
        switch self {
        case .empty: "nothing to encode in the QR code"
        case .tooLong(let n): "\(n) bytes do not fit in a QR code at error correction level M"
        case .compression(let status): "zlib failed to compress the PNG (status \(status))"
        }
    }
}
