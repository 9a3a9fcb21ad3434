import Foundation
import NIOConcurrencyHelpers
import VigilCore

/// The agents connected to this replica over the push channel (`docs/commands.md`, "Push
/// channel"): one connection per device, each with an outbox its WebSocket writes from. A
/// connection lives as long as the session that opened it.
final class PushHub: Sendable {
    /// One device's connection.
    struct Connection: Sendable {
        let id: UInt64
        let sessionID: String
        let outbox: AsyncStream<PushMessage>.Continuation
    }

    private struct State {
        var nextID: UInt64 = 0
        var connections: [DeviceID: Connection] = [:]
    }

    /// Messages an outbox holds for a slow connection before it drops the newest: a command
    /// dropped so is offered again after its redelivery delay, or at the next check-in.
    static let outboxCapacity = 64

    private let state = NIOLockedValueBox(State())
    let sessions: DeviceSessions

    init(sessions: DeviceSessions) { self.sessions = sessions }

    /// Registers a device's new connection; the device's previous one, if any, is closed.
    /// - Returns: The connection's identifier and the messages to write to it.
    func connect(_ deviceID: DeviceID, sessionID: String) -> (id: UInt64, outbox: AsyncStream<PushMessage>) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: PushMessage.self, bufferingPolicy: .bufferingOldest(Self.outboxCapacity))
        let (id, replaced) = state.withLockedValue { state in
            state.nextID += 1
            let replaced = state.connections.updateValue(
                Connection(id: state.nextID, sessionID: sessionID, outbox: continuation), forKey: deviceID)
            return (state.nextID, replaced)
        }
        replaced?.outbox.finish()
        return (id, stream)
    }

    /// Forgets a connection that closed, unless a newer one of the device replaced it.
    func disconnect(_ deviceID: DeviceID, id: UInt64) {
        let gone = state.withLockedValue { state -> Connection? in
            guard state.connections[deviceID]?.id == id else { return nil }
            return state.connections.removeValue(forKey: deviceID)
        }
        gone?.outbox.finish()
    }

    /// The devices connected now, of `devices` or of all.
    func connected(among devices: [DeviceID]? = nil) -> [DeviceID] {
        state.withLockedValue { state in
            guard let devices else { return Array(state.connections.keys) }
            return devices.filter { state.connections[$0] != nil }
        }
    }

    /// How many devices are connected.
    var count: Int { state.withLockedValue { $0.connections.count } }

    /// Queues a message for a connected device whose session is still live.
    /// - Returns: Whether the device was connected and its outbox took the message.
    @discardableResult
    func send(_ message: PushMessage, to deviceID: DeviceID, at now: Date = Date()) -> Bool {
        guard let connection = state.withLockedValue({ $0.connections[deviceID] }) else { return false }
        guard sessions.isLive(connection.sessionID, at: now) else {
            disconnect(deviceID, id: connection.id)
            return false
        }
        if case .enqueued = connection.outbox.yield(message) { return true }
        return false
    }

    /// Closes the connections whose sessions ended or expired.
    /// - Returns: How many were closed.
    @discardableResult
    func closeEnded(at now: Date) -> Int {
        let ended = state.withLockedValue { state in
            state.connections.filter { !sessions.isLive($0.value.sessionID, at: now) }.map { ($0.key, $0.value.id) }
        }
        for (deviceID, id) in ended { disconnect(deviceID, id: id) }
        return ended.count
    }
}
