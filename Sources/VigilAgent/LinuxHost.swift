import Foundation
import VigilCore

/// What this Linux host tells about itself through `/etc/os-release`, `/sys` and `/proc`. It
/// reports only what those files say and leaves the rest `nil`.
public struct LinuxHost: Sendable {
    /// The directory the system files are read under: `/`, or a test fixture.
    public let root: URL

    /// Reads the host's files under `root`.
    /// - Parameter root: `/` for this host.
    public init(root: URL = URL(fileURLWithPath: "/")) {
        self.root = root
    }

    /// The facts an enrolling host presents: platform, model, OS version, serial number (when
    /// readable, usually only by root) and host name.
    public var facts: DeviceFacts {
        DeviceFacts(
            platform: .linux, model: clipped(line("sys/class/dmi/id/product_name") ?? "Linux host", to: 128),
            osVersion: osVersion, hardwareID: line("sys/class/dmi/id/product_serial").map { clipped($0, to: 128) },
            name: line("proc/sys/kernel/hostname").map { clipped($0, to: 128) })
    }

    /// The distribution's name and version from `os-release` (`PRETTY_NAME`, else `NAME` and
    /// `VERSION_ID`), else the kernel's release.
    public var osVersion: String {
        let release = osRelease
        let version = release["PRETTY_NAME"]
            ?? [release["NAME"], release["VERSION_ID"]].compactMap { $0 }.joined(separator: " ")
        let kernel = line("proc/sys/kernel/osrelease").map { "Linux \($0)" } ?? "Linux"
        return clipped(version.isEmpty ? kernel : version, to: 64)
    }

    /// The charge of the first battery in `/sys/class/power_supply`, or `nil` without one.
    public var batteryPercent: Int? {
        let directory = root.appendingPathComponent("sys/class/power_supply")
        let supplies = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return supplies.sorted().lazy.compactMap { supply -> Int? in
            let path = "sys/class/power_supply/\(supply)"
            guard line("\(path)/type") == "Battery", let capacity = line("\(path)/capacity").flatMap({ Int($0) }),
                (0...100).contains(capacity)
            else { return nil }
            return capacity
        }.first
    }

    /// The fields of `/etc/os-release` (or `/usr/lib/os-release`), unquoted.
    var osRelease: [String: String] {
        guard let text = contents("etc/os-release") ?? contents("usr/lib/os-release") else { return [:] }
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let pair = line.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let value = Self.unquoted(pair[1].trimmingCharacters(in: .whitespaces))
            if !value.isEmpty { fields[String(pair[0])] = value }
        }
        return fields
    }

    /// A shell-style value without its quotes and backslash escapes.
    static func unquoted(_ value: String) -> String {
        guard let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote else {
            return value
        }
        var result = ""
        var escaped = false
        for character in value.dropFirst().dropLast() {
            if character == "\\", quote == "\"", !escaped {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }

    /// The first line of a file under ``root``, trimmed; `nil` when it is missing, unreadable or empty.
    private func line(_ path: String) -> String? {
        guard let first = contents(path)?.split(whereSeparator: \.isNewline).first else { return nil }
        let text = first.trimmingCharacters(in: .whitespaces)
        return text.isEmpty || Validate.containsControlCharacters(text) ? nil : text
    }

    /// The text of a small file under ``root``.
    private func contents(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path),
            data.count <= 65_536
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// `text` cut to the `limit` characters the server accepts.
    private func clipped(_ text: String, to limit: Int) -> String {
        String(text.prefix(limit))
    }
}
