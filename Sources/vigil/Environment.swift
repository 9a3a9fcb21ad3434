import ArgumentParser
import Foundation
import Logging

/// Reading `VIGIL_*` environment variables as fallbacks for command-line options.
enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// An integer from the flag, else the variable, else the default.
    static func integer(_ flag: Int?, _ name: String, default fallback: Int) throws -> Int {
        if let flag { return flag }
        guard let text = value(name) else { return fallback }
        guard let integer = Int(text) else { throw ValidationError("\(name) must be an integer, not '\(text)'") }
        return integer
    }

    /// An integer from the flag, else the variable, else the default, refused outside `range`.
    /// - Parameter what: What it is, for the error, such as "grant lifetime (seconds)".
    static func integer(
        _ flag: Int?, _ name: String, default fallback: Int, in range: ClosedRange<Int>, what: String
    ) throws -> Int {
        let value = try integer(flag, name, default: fallback)
        guard range.contains(value) else {
            throw ValidationError("\(what) must be \(range.lowerBound) to \(range.upperBound), not \(value)")
        }
        return value
    }

    /// A log level from the flag, else the variable, else `info`.
    static func logLevel(_ flag: String?) throws -> Logger.Level {
        let text = flag ?? value("VIGIL_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError(
                "log level must be one of trace, debug, info, notice, warning, error, critical; not '\(text)'")
        }
        return level
    }

    /// Sends logs to standard error at `level`, once per process.
    static func bootstrapLogging(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "vigil")
        logger.logLevel = level
        return logger
    }
}

/// A failure of a command, said plainly to the operator.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
