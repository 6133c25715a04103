// libcurl's process-wide setup and version; the HTTP transport builds on it.
import CCurl
import CCurlShim

/// Process-wide libcurl state.
public enum Curl {
    /// `curl_global_init` must run exactly once, before any other thread uses libcurl; a
    /// `static let` gives that guarantee.
    private static let initialised: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    /// Makes sure libcurl is initialised; returns whether that succeeded.
    @discardableResult
    public static func ensureInitialised() -> Bool { initialised == CURLE_OK }

    /// The linked libcurl's version and TLS library, e.g. `7.88.1 (OpenSSL/3.0.15)`.
    public static var version: String {
        ensureInitialised()
        guard let info = jl_curl_version_info() else { return "unknown" }
        let version = String(cString: info.pointee.version)
        let ssl = info.pointee.ssl_version.map { String(cString: $0) } ?? "no TLS"
        return "\(version) (\(ssl))"
    }

    /// Whether the linked libcurl speaks HTTP/2.
    public static var supportsHTTP2: Bool {
        ensureInitialised()
        guard let info = jl_curl_version_info() else { return false }
        return info.pointee.features & Int32(CURL_VERSION_HTTP2) != 0
    }
}
