import Foundation

/// Files put in place in one step and on disk before anything depends on them (the key file, the audit
/// trail's file): written under a temporary name of their own, flushed, then renamed or linked into place,
/// and the folder flushed so that the new name survives a crash too.
public enum DurableFile {
    /// Writes `data` to a new file beside `path`, under a name no other writer uses, readable as
    /// `permissions` allow, and flushes it to disk. Returns the temporary file's path; nil when it could not
    /// be written (nothing is left behind then).
    public static func writeTemporary(_ data: Data, beside path: String, permissions: Int) -> String? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = path + "." + UUID().uuidString + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: permissions]) else { return nil }
        do {
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: temporary))
            defer { try? handle.close() }
            try handle.synchronize()
            return temporary
        } catch {
            unlink(temporary)
            return nil
        }
    }

    /// Flushes the folder that holds `path`, making a rename or link into it durable.
    public static func syncFolder(of path: String) {
        let folder = FileHandle(forReadingAtPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        try? folder?.synchronize()
        try? folder?.close()
    }
}
