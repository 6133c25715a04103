// The servers of a judge with several: requests spread by least outstanding (for each one's
// concurrency); one that fails (no connection, a timeout, a 5xx) is taken out for a while (1 s,
// doubling to 60 s while it keeps failing) and its requests go to the others, then it is tried
// again.
import Foundation

/// The servers of a judge with several: requests spread by least outstanding (for each one's
/// concurrency); one that fails (no connection, a timeout, a 5xx) is taken out for a while (1 s,
/// doubling to 60 s while it keeps failing) and its requests go to the others, then it is
/// tried again.
public final class EndpointPool: @unchecked Sendable {
    public let endpoints: [Endpoint]
    private let lock = NSLock()
    private var outstanding: [Int]
    private var downUntil: [Double]
    private var failures: [Int]
    private let now: @Sendable () -> Double

    public init(_ endpoints: [Endpoint], now: @escaping @Sendable () -> Double = { Date().timeIntervalSinceReferenceDate }) {
        self.endpoints = endpoints
        self.now = now
        outstanding = [Int](repeating: 0, count: endpoints.count)
        downUntil = [Double](repeating: 0, count: endpoints.count)
        failures = [Int](repeating: 0, count: endpoints.count)
    }

    /// The endpoint for the next attempt (counted as outstanding until it is given back): the
    /// least loaded of those in service with room, waiting while none has room.
    public func take() async -> Int {
        while true {
            if let chosen = tryTake() { return chosen }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    func tryTake() -> Int? {
        lock.withLock {
            let time = now()
            let open = endpoints.indices.filter { downUntil[$0] <= time && outstanding[$0] < endpoints[$0].concurrency }
            guard let chosen = open.min(by: {
                Double(outstanding[$0]) / Double(max(1, endpoints[$0].concurrency)) < Double(outstanding[$1]) / Double(max(1, endpoints[$1].concurrency))
            }) else { return nil }
            outstanding[chosen] += 1
            return chosen
        }
    }

    public func give(back index: Int, failed: Bool) {
        lock.withLock {
            outstanding[index] -= 1
            if failed {
                failures[index] += 1
                downUntil[index] = now() + min(60, pow(2, Double(failures[index] - 1)))
            } else {
                failures[index] = 0
            }
        }
    }

    /// How many requests each endpoint has outstanding.
    public var load: [Int] { lock.withLock { outstanding } }

    /// Whether an outcome says the server is not there or not well (not the request's fault).
    public static func isEndpointFailure(_ outcome: HTTPOutcome) -> Bool {
        switch outcome {
        case .connectionFailed, .timedOut, .failed: return true
        case let .response(status, _, _): return status >= 500
        }
    }
}
