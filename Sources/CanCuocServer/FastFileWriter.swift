import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a new file with plain POSIX calls. A production batch writes tens of thousands of small files;
/// Foundation's `Data.write` costs about 0.4 ms per file on Linux (measured: 8 times a plain write), which
/// alone would use the batch's time budget. The batch folder is written aside and renamed into place as a
/// whole, so individual files need no atomic rename of their own.
enum FastFileWriter {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: path]) }
                offset += written
            }
        }
    }
}
