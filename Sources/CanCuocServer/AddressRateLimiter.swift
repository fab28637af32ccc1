import Foundation
import Synchronization

/// A limit per client address for the public pages (no account to charge): a token bucket that holds `limit`
/// look-ups and refills at `limit` per minute. Unlike a fixed minute window it never lets a burst of twice
/// the limit through across a minute's boundary. Kept in this server's memory: behind a load balancer each
/// server counts its own share, so the limit per address is at most `limit` times the number of servers
/// (docs/applications.md); nginx's `limit_req` can cap the total.
final class AddressRateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let limit: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perMinute limit: Int) {
        self.limit = limit
    }

    /// Takes one look-up from `address`'s bucket at `now`; false when the bucket is empty.
    func admit(_ address: String, at now: Date) -> Bool {
        let capacity = Double(limit)
        let perSecond = capacity / 60
        return buckets.withLock { buckets in
            // Forget full buckets once the table grows (one entry per recent address): a full bucket is the default.
            if buckets.count > 10_000 {
                buckets = buckets.filter { $0.value.tokens + now.timeIntervalSince($0.value.updated) * perSecond < capacity }
            }
            var bucket = buckets[address] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * perSecond)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                buckets[address] = bucket
                return false
            }
            bucket.tokens -= 1
            buckets[address] = bucket
            return true
        }
    }
}
