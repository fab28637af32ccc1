import Foundation
import Hummingbird

/// Per-request context. Request bodies are limited to 1 MB: no register operation needs more.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { 1 << 20 }
}
