import Foundation

/// Why the agent could not do what was asked. Descriptions are for people and never contain a
/// key, a session or an enrollment code.
public enum AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The enrollment code is not 20 characters of the code alphabet.
    case invalidCode
    /// The server URL is not an `http` or `https` URL with a host.
    case invalidServerURL(String)
    /// No identity is stored at `path`: the device has not enrolled.
    case notEnrolled(path: String)
    /// An identity is stored at `path` already.
    case alreadyEnrolled(path: String)
    /// The identity file at `path` is readable or writable by others (`mode` in octal); it holds
    /// the private key, so it is refused.
    case stateFileExposed(path: String, mode: String)
    /// The identity file at `path` cannot be read as one.
    case stateFileCorrupt(path: String, reason: String)
    /// The identity could not be written at `path`.
    case stateFileUnwritable(path: String, reason: String)
    /// The server at `server` could not be reached.
    case unreachable(server: String, reason: String)
    /// The server refused the request with `status` and the problem `kind` it named, if any.
    case server(status: Int, kind: String?, detail: String)
    /// The device was retired: the server refuses it for good.
    case retired
    /// The server answered something the agent protocol does not allow.
    case invalidResponse(String)

    /// What went wrong, for a person to read.
    public var description: String {
        switch self {
        case .invalidCode:
            "the enrollment code must be 20 letters and digits, such as K7QF2-9M2XA-4D8HN-1TBPC"
        case .invalidServerURL(let url):
            "the server URL must be http:// or https:// with a host, such as https://vigil.example.org, not '\(url)'"
        case .notEnrolled(let path):
            "not enrolled: no identity at \(path); run `vigil agent enroll` first"
        case .alreadyEnrolled(let path):
            "already enrolled: an identity exists at \(path); remove it to enroll this device again"
        case .stateFileExposed(let path, let mode):
            "\(path) has mode \(mode) but holds the device's private key; run `chmod 600 \(path)`"
        case .stateFileCorrupt(let path, let reason):
            "\(path) is not a Vigil agent identity: \(reason)"
        case .stateFileUnwritable(let path, let reason):
            "cannot write \(path): \(reason)"
        case .unreachable(let server, let reason):
            "cannot reach \(server): \(reason)"
        case .server(let status, let kind, let detail):
            "the server refused the request (\(status)\(kind.map { " \($0)" } ?? "")): \(detail)"
        case .retired:
            "this device was retired by an administrator; it can no longer check in"
        case .invalidResponse(let reason):
            "unexpected answer from the server: \(reason)"
        }
    }

    /// Whether the server refused the request (a 4xx answer), so it certainly had no effect.
    var isRefusal: Bool {
        switch self {
        case .server(let status, _, _): (400..<500).contains(status)
        case .retired: true
        default: false
        }
    }
}
