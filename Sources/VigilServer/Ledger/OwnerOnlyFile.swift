import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// New files only their owner may read (signing keys, archives holding PHI): created exclusively
/// with mode 0600 from the first byte, flushed to disk with their directory before they count.
public enum OwnerOnlyFile {
    /// Why a file could not be created or read.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, naming the file.
        public let description: String
    }

    /// Creates `path` with `data`, refusing to replace anything; makes a missing directory 0700.
    /// - Throws: ``Failure`` when the file exists or cannot be written.
    public static func create(_ path: String, with data: Data) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            chmod(directory, 0o700)
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            unlink(path)
            throw Failure(description: "cannot write \(path): \(error)")
        }
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Reads a file that must be readable by its owner only.
    /// - Returns: Its bytes, or `nil` when there is no file at `path`.
    /// - Throws: ``Failure`` when group or others may read it.
    public static func read(_ path: String) throws -> Data? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        guard status.st_mode & 0o077 == 0 else {
            throw Failure(
                description: "\(path) may be read by others (mode \(String(status.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        return FileManager.default.contents(atPath: path)
    }
}
