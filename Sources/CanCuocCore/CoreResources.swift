import Foundation

/// Where the data files shipped with CanCuocCore live.
public enum CoreResources {
    public static var directory: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }
}
