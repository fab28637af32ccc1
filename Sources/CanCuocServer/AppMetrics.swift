import Prometheus

/// The application's own metrics, on the registry that `/metrics` exposes.
public struct AppMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let residentsCreated: Counter
    let residentsCorrected: Counter
    let bucketWarnings: Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        residentsCreated = registry.makeCounter(name: "cancuoc_residents_created_total", help: "Resident records created through the API")
        residentsCorrected = registry.makeCounter(name: "cancuoc_residents_corrected_total", help: "Resident record corrections")
        bucketWarnings = registry.makeCounter(name: "cancuoc_pin_bucket_warnings_total", help: "PIN allocations from buckets 90% used or more")
    }
}
