/// A deterministic random generator (SplitMix64), so that `cancuoc seed --seed S` gives the same
/// population every time. The standard library only offers the system's unseeded generator.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Picks from a table of cumulative weights.
    public mutating func pick<T>(_ table: WeightedTable<T>) -> T {
        table.value(at: Double.random(in: 0..<table.total, using: &self))
    }

    public mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }
}

/// Values with relative weights, for weighted random choice.
public struct WeightedTable<T> {
    private let values: [T]
    private let cumulative: [Double]
    public var total: Double { cumulative.last ?? 0 }

    public init(_ entries: [(T, Double)]) {
        var running = 0.0
        values = entries.map(\.0)
        cumulative = entries.map { running += $0.1; return running }
    }

    func value(at point: Double) -> T {
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > point { high = mid } else { low = mid + 1 }
        }
        return values[low]
    }
}

extension WeightedTable: Sendable where T: Sendable {}
