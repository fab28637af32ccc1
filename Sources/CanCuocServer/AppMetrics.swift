import Prometheus

/// The application's own metrics, on the registry that `/metrics` exposes.
public struct AppMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let residentsCreated: Counter
    let residentsCorrected: Counter
    let bucketWarnings: Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "cancuoc", metricName: name, unitName: "total", helpText: help))
        }
        residentsCreated = counter("residents_created", "Resident records created through the API")
        residentsCorrected = counter("residents_corrected", "Resident record corrections")
        bucketWarnings = counter("pin_bucket_warnings", "PIN allocations from buckets 90% used or more")
    }
}
