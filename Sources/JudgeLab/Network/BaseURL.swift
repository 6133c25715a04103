// A judge's endpoint as a user writes it, checked before anything is sent.
import Foundation

/// The checks every base URL passes, from a study file or the command line: an http or https URL
/// with a host, and no credentials in it (a key belongs in the environment, `api_key_env`).
public enum BaseURL {
    /// What is wrong with `text` as a judge's endpoint, in one sentence; nil when nothing is.
    /// The URL itself is not echoed when it holds credentials.
    public static func problem(_ text: String) -> String? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else {
            return "'\(text.excerpt())' is not a URL: expected http(s)://HOST[:PORT]/PATH"
        }
        guard scheme == "http" || scheme == "https" else {
            return "only http and https endpoints are allowed, not \(scheme.excerpt())://"
        }
        guard url.user == nil && url.password == nil else {
            return "a base URL may not hold credentials (user:password@): put the key in an environment variable and name it with api_key_env"
        }
        guard let host = url.host, !host.isEmpty else {
            return "'\(text.excerpt())' names no host: expected http(s)://HOST[:PORT]/PATH"
        }
        return nil
    }
}
