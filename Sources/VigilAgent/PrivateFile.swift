import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Files only their owner may read, written so that a crash never leaves half a file.
enum PrivateFile {
    /// Creates `path` as a directory only its owner may enter (0700), with any missing parents;
    /// an existing directory is left as it is.
    /// - Throws: ``AgentError/stateFileUnwritable(path:reason:)``.
    static func createDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw AgentError.stateFileUnwritable(path: path, reason: "it is a file, not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw AgentError.stateFileUnwritable(path: path, reason: error.localizedDescription)
        }
        guard chmod(path, 0o700) == 0 else { throw failure(path) }
    }

    /// Replaces `path` with `data` atomically: writes `path.tmp` with mode 0600, flushes it to
    /// disk and renames it over `path`.
    /// - Throws: ``AgentError/stateFileUnwritable(path:reason:)``.
    static func replace(_ path: String, with data: Data) throws {
        let temporary = path + ".tmp"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure(temporary) }
        let written = data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        guard written, fchmod(descriptor, 0o600) == 0, fsync(descriptor) == 0 else {
            let error = failure(temporary)
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        try move(temporary, over: path)
    }

    /// Renames `source` over `destination` atomically and flushes the directory.
    /// - Throws: ``AgentError/stateFileUnwritable(path:reason:)``.
    static func move(_ source: String, over destination: String) throws {
        guard rename(source, destination) == 0 else { throw failure(destination) }
        let directory = open((destination as NSString).deletingLastPathComponent, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// Reads a file only its owner may access.
    /// - Returns: Its bytes, or `nil` when there is no file at `path`.
    /// - Throws: ``AgentError/stateFileExposed(path:mode:)`` when group or others have any access;
    ///   ``AgentError/stateFileCorrupt(path:reason:)`` when it cannot be read.
    static func read(_ path: String) throws -> Data? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw AgentError.stateFileCorrupt(path: path, reason: String(cString: strerror(errno)))
        }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw AgentError.stateFileExposed(path: path, mode: String(mode, radix: 8))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AgentError.stateFileCorrupt(path: path, reason: "it cannot be read")
        }
        return data
    }

    /// Removes `path` if it exists.
    static func remove(_ path: String) {
        unlink(path)
    }

    /// The failure of the last system call on `path`.
    private static func failure(_ path: String) -> AgentError {
        .stateFileUnwritable(path: path, reason: String(cString: strerror(errno)))
    }
}
