/// The seventh schema version: remote commands (`docs/commands.md`). Each device's command queue,
/// the batches that issue one command to many devices, and a device's loss report. Both backends
/// create it identically. Shipped: never edit; add the next version beside it.
enum SchemaV7 {
    static let tablesAndIndexes: [String] = [
        """
        CREATE TABLE command_batches (
            id TEXT PRIMARY KEY NOT NULL,
            kind TEXT NOT NULL,
            issued_by TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            device_count BIGINT NOT NULL,
            refused_count BIGINT NOT NULL,
            idempotency_key TEXT UNIQUE
        )
        """,
        """
        CREATE TABLE commands (
            id TEXT PRIMARY KEY NOT NULL,
            device_id TEXT NOT NULL REFERENCES devices(id),
            kind TEXT NOT NULL,
            parameters TEXT NOT NULL,
            priority TEXT NOT NULL,
            priority_rank BIGINT NOT NULL,
            state TEXT NOT NULL,
            origin TEXT NOT NULL,
            issued_by TEXT NOT NULL,
            reason TEXT NOT NULL,
            idempotency_key TEXT,
            batch_id TEXT REFERENCES command_batches(id),
            created_at BIGINT NOT NULL,
            available_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            attempts BIGINT NOT NULL,
            delivered_at BIGINT,
            ended_at BIGINT,
            result TEXT,
            approved_by TEXT,
            cancelled_by TEXT
        )
        """,
        // A key names one command per device, for ever: a retried request finds the first.
        "CREATE UNIQUE INDEX commands_idempotency ON commands(device_id, idempotency_key) WHERE idempotency_key IS NOT NULL",
        // A device's history, newest first.
        "CREATE INDEX commands_device ON commands(device_id, id)",
        // What a device may be given now, and what becomes available for the push channel.
        "CREATE INDEX commands_waiting ON commands(device_id, available_at) WHERE state IN ('queued', 'delivered', 'not_now')",
        "CREATE INDEX commands_available ON commands(available_at) WHERE state IN ('queued', 'delivered', 'not_now')",
        // What the sweep expires.
        "CREATE INDEX commands_open ON commands(expires_at) WHERE ended_at IS NULL",
        // The wipes of the last hour, for the guard-rail. These lists are the ones CommandSQL
        // builds from CommandState.waiting and CommandKind.isWipe today (SchemaTests checks it);
        // a later version that changes those adds its own indexes.
        "CREATE INDEX commands_wipes ON commands(created_at) WHERE kind IN ('full_wipe', 'selective_wipe', 'retire')",
        "CREATE INDEX commands_batch ON commands(batch_id, state) WHERE batch_id IS NOT NULL",
        "ALTER TABLE devices ADD COLUMN loss_kind TEXT",
        "ALTER TABLE devices ADD COLUMN loss_reported_at BIGINT",
        "ALTER TABLE devices ADD COLUMN loss_reported_by TEXT",
        "ALTER TABLE devices ADD COLUMN loss_wipe_at BIGINT",
    ]
}
