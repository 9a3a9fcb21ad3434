import Foundation
import VigilCore
import Yams

/// Vigil's configuration as code: a YAML file, `format: vigil-policy/1`, listing the security
/// policies (`Resources/hospital.yaml` is an example).
///
/// Reading is strict, because a policy that silently loses a requirement leaves devices
/// unprotected: an unknown key, a value of the wrong type or an unknown name is an error naming
/// the line and the field, never ignored. Versions are not part of the file; the server keeps them.
public struct PolicyFile: Sendable, Equatable {
    /// The format this Vigil reads and writes, named by every file's `format` key.
    public static let format = "vigil-policy/1"

    /// The security policies, in the file's order.
    public var policies: [SecurityPolicy]

    /// Describes a file.
    /// - Parameter policies: The security policies, in the order to write them.
    public init(policies: [SecurityPolicy] = []) {
        self.policies = policies
    }
}

/// What is wrong with a policy file, and where.
public struct PolicyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line at fault, from 1, when known.
    public var line: Int?
    /// The field at fault, as a path such as `policies[1].requirements.maximumPatchAgeDays`; empty
    /// when the file is not YAML at all.
    public var field: String
    /// What is wrong, for a person to read.
    public var message: String

    /// Describes an error.
    public init(line: Int?, field: String, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    /// The error as `line 14: policies[1].requirements.maximumPatchAgeDays: must be between 0 and 3650`.
    public var description: String {
        (line.map { "line \($0): " } ?? "") + (field.isEmpty ? "" : "\(field): ") + message
    }
}
