import CanCuocCore

/// Hands out PINs: a random unused serial of the bucket, unique under concurrency, never reused.
public protocol PINAllocator: Sendable {
    func allocate(_ bucket: PINBucket) async throws -> PINAllocation
    /// Records PINs issued outside this register (by the national centre, another province), so they are
    /// never handed out here. Throws `duplicatePIN` for one already issued; all or nothing.
    func recordIssued(_ pins: [PIN]) async throws
    /// How many serials of the bucket were ever issued.
    func issuedCount(_ bucket: PINBucket) async throws -> Int
}

public struct PINAllocation: Sendable {
    public let pin: PIN
    public let warning: PINBucketWarning?

    public init(pin: PIN, warning: PINBucketWarning?) {
        self.pin = pin
        self.warning = warning
    }
}

/// A bucket is running out: 90% or more of its serials are issued.
public struct PINBucketWarning: Sendable, Hashable, Codable {
    public let bucket: String
    public let issued: Int
    public let capacity: Int

    public init(bucket: PINBucket, issued: Int) {
        self.bucket = bucket.prefix
        self.issued = issued
        self.capacity = PINBucket.serialCount
    }

    public var message: String { "PIN bucket \(bucket) is \(issued * 100 / capacity)% used (\(issued) of \(capacity))" }

    public static func check(_ bucket: PINBucket, issued: Int) -> PINBucketWarning? {
        issued * 10 >= PINBucket.serialCount * 9 ? PINBucketWarning(bucket: bucket, issued: issued) : nil
    }
}

extension PINBucket {
    /// The bucket a new record's PIN comes from: the province where the birth was registered (the
    /// register's own province when that is unknown), the sex and the birth year.
    public static func forNewRecord(_ resident: Resident) -> PINBucket {
        let registrationProvince = resident.birthRegistrationPlace?.unit.flatMap { AdminUnitCatalog.shared.province(of: $0) }
        let code = "0" + (registrationProvince?.code ?? resident.provinceCode)
        return PINBucket(provinceCode: code, sex: resident.sex, birthYear: resident.birthDate.year)
    }
}
