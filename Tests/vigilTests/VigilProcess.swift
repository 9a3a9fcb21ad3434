import Foundation
import NIOConcurrencyHelpers
import Testing

/// Runs the built `vigil` executable.
enum Vigil {
    /// The executable, next to the test bundle in the build directory.
    static var executable: URL {
        let testBinary = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On some platforms the test binary sits inside a bundle (…/X.xctest/Contents/MacOS).
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("vigil").path),
            directory.pathComponents.count > 1
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("vigil")
    }

    /// A new empty directory for a data directory.
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cli-\(UUID().uuidString)").path
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `vigil` with `arguments` to completion.
    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `vigil` in the background, collecting what it writes to standard error.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let running = Running(process: process)
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            running.buffer.withLockedValue { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        return running
    }

    /// A `vigil` process running in the background.
    final class Running: Sendable {
        let process: Process
        let buffer = NIOLockedValueBox("")

        init(process: Process) { self.process = process }

        func output() -> String { buffer.withLockedValue { $0 } }

        /// Waits until the server says where it listens, and returns the port.
        func waitForPort(seconds: Int = 60) async throws -> Int {
            for _ in 0..<(seconds * 10) {
                if let range = output().range(of: #"listening on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                    return Int(output()[range].split(separator: ":").last!)!
                }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw TestFailure("vigil serve did not start: \(output())")
        }

        /// Waits for the process to end and returns its exit status.
        func waitForExit(seconds: Int) async throws -> Int32 {
            for _ in 0..<(seconds * 10) where process.isRunning {
                try await Task.sleep(for: .milliseconds(100))
            }
            guard !process.isRunning else { throw TestFailure("vigil did not exit within \(seconds) s") }
            return process.terminationStatus
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
