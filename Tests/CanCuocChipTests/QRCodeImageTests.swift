import CanCuocChip
import Foundation
import Testing

@Suite struct QRCodeImageTests {
    let text = "038093001234|172345678|Lê Thị Hồng Nhung|05011993|Nữ|Thôn 3, Thị trấn Hậu Lộc, Huyện Hậu Lộc, Tỉnh Thanh Hóa|24072021"

    @Test func encodesUTF8AtLevelM() throws {
        let qr = try QRCodeImage(text: text)
        #expect(qr.width == 17 + 4 * qr.version)
        #expect(qr.modules.count == qr.width * qr.width)
        // The finder pattern's corner modules are dark, the separator light.
        #expect(qr.isDark(x: 0, y: 0) && qr.isDark(x: 6, y: 6) && !qr.isDark(x: 7, y: 7))
        // 142 UTF-8 bytes in byte mode at level M need version 8 (152 bytes); version 7 holds 122.
        #expect(Array(text.utf8).count == 142)
        #expect(qr.version == 8)
    }

    @Test func pngAndSVG() throws {
        let qr = try QRCodeImage(text: text)
        let png = try qr.png(scale: 3, quietZone: 4)
        #expect(png.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let side = (qr.width + 8) * 3
        #expect(Array(png[16..<24]) == [0, 0, UInt8(side >> 8), UInt8(side & 0xFF), 0, 0, UInt8(side >> 8), UInt8(side & 0xFF)])
        #expect(png.suffix(8).prefix(4) == Array("IEND".utf8)[...])
        let svg = qr.svg()
        #expect(svg.contains("viewBox=\"0 0 \(qr.width + 8) \(qr.width + 8)\""))
        #expect(svg.contains("<path d=\"M4 4h7v1h-7z"))  // the top finder pattern row: 7 dark modules
    }

    @Test func emptyTextIsRefused() {
        #expect(throws: QRCodeError.empty) { try QRCodeImage(text: "") }
        #expect(throws: QRCodeError.tooLong(bytes: 4000)) { try QRCodeImage(text: String(repeating: "x", count: 4000)) }
    }
}
