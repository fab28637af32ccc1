import CQRencode
import CZlib

/// The card's QR code drawn from its text by libqrencode: UTF-8 bytes in byte mode, error correction level M,
/// the smallest version that holds the text. Rendered as PNG (through zlib) or SVG.
public struct QRCodeImage: Sendable, Hashable {
    /// The most bytes a code holds in byte mode at level M (version 40-M, ISO/IEC 18004 table 7).
    public static let maximumBytes = 2331

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
        let side = String(width + 2 * quietZone)
        let pixels = String((width + 2 * quietZone) * moduleSize)
        // Built as bytes: a QR code has hundreds of runs, and String appends dominated the personalisation time.
        var path: [UInt8] = []
        path.reserveCapacity(width * width * 4)
        for y in 0..<width {
            var x = 0
            while x < width {
                guard modules[y * width + x] else { x += 1; continue }
                let start = x
                while x < width && modules[y * width + x] { x += 1 }
                path.append(UInt8(ascii: "M")); Self.appendDecimal(start + quietZone, to: &path)
                path.append(UInt8(ascii: " ")); Self.appendDecimal(y + quietZone, to: &path)
                path.append(UInt8(ascii: "h")); Self.appendDecimal(x - start, to: &path)
                path.append(contentsOf: Self.downAndBack); Self.appendDecimal(x - start, to: &path)
                path.append(UInt8(ascii: "z"))
            }
        }
        var svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
        svg += pixels + "\" height=\"" + pixels + "\" viewBox=\"0 0 " + side + " " + side + "\" shape-rendering=\"crispEdges\">\n"
        svg += "<rect width=\"" + side + "\" height=\"" + side + "\" fill=\"#fff\"/>\n<path d=\""
        svg += String(decoding: path, as: UTF8.self)
        svg += "\" fill=\"#000\"/>\n</svg>\n"
        return svg
    }

    private static let downAndBack = Array("v1h-".utf8)

    /// Module coordinates are below 200 (version 40 is 177 modules wide).
    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 100 { out.append(UInt8(ascii: "0") + UInt8(value / 100)) }
        if value >= 10 { out.append(UInt8(ascii: "0") + UInt8(value / 10 % 10)) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// A 1-bit greyscale PNG, each module `scale` pixels square.
    public func png(scale: Int = 4, quietZone: Int = 4) throws(QRCodeError) -> [UInt8] {
        let side = (width + 2 * quietZone) * scale
        let rowBytes = (side + 7) / 8
        var raw = [UInt8]()
        raw.reserveCapacity((rowBytes + 1) * side)
        // One pixel row per module row, repeated `scale` times (filter byte 0, then bits, 1 = white).
        var row = [UInt8](repeating: 0, count: rowBytes + 1)
        let light = [UInt8](repeating: 0xFF, count: rowBytes)
        for my in -quietZone..<(width + quietZone) {
            row.replaceSubrange(1..., with: light)
            if my >= 0 && my < width {
                // Clear the bits of each dark module's pixels.
                for mx in 0..<width where modules[my * width + mx] {
                    let first = (mx + quietZone) * scale
                    for px in first..<(first + scale) { row[1 + px >> 3] &= ~(0x80 >> UInt8(px & 7)) }
                }
            }
            for _ in 0..<scale { raw.append(contentsOf: row) }
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
                compress2(target.baseAddress, &length, source.baseAddress, uLong(source.count), Z_DEFAULT_COMPRESSION)
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
